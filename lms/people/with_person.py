"""Facts other domains need about the signed-in person on most pages, loaded in the same query as the person.

Every signed-in request loads its person in one query (lms.people.devices). A fact that most pages ask for, such
as a version token (lms.versions) or the supervisors who lent their teams (lms.reports.scope), costs a query of its
own on each page unless it comes with that one: the domain it belongs to registers it here as a scalar select
correlated to `people.id`, and reads it back with `loaded_with_person`. Registered columns may use the bound
parameter TODAY, the London date of the request.
"""
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask import has_request_context, request

TODAY = sa.bindparam("with_person_today", type_=sa.Date)
#: what loaded_with_person returns when the fact was not loaded for that person in this request
MISSING = object()

_KEY = "lms.loaded_with_person"
_BUILDERS: dict[str, Callable[[], sa.ColumnElement]] = {}


def load_with_person(name: str, build: Callable[[], sa.ColumnElement]) -> None:
    """Load `build()` (a scalar select correlated to people.id) with every signed-in person, as `name`. Built at
    first use, once the models it names are all defined."""
    _BUILDERS[name] = build


def columns() -> list[sa.ColumnElement]:
    """The registered facts as labelled columns, in a fixed order (names())."""
    return [build().label(name) for name, build in _BUILDERS.items()]


def names() -> list[str]:
    return list(_BUILDERS)


def remember(person_id: int, today: date, values: dict[str, object]) -> None:
    """Keep what the person's query loaded for the rest of this request (in its environ: an app context, and its
    `g`, may outlive one request)."""
    if has_request_context():
        request.environ[_KEY] = (person_id, today, values)


def loaded_with_person(name: str, person_id: int | None, today: date | None = None) -> object:
    """The fact as loaded with the person in this request (whoever it is, for None; and on `today`, if the fact
    depends on the date); MISSING if it was not, or was forgotten since."""
    loaded = request.environ.get(_KEY) if has_request_context() else None
    if loaded is None or person_id not in (None, loaded[0]) or (today is not None and loaded[1] != today):
        return MISSING
    return loaded[2].get(name, MISSING)


def forget(dropped: list[str]) -> None:
    """Drop facts that no longer hold for the rest of the request (a token after a commit)."""
    loaded = request.environ.get(_KEY) if has_request_context() else None
    if loaded is not None:
        request.environ[_KEY] = (loaded[0], loaded[1], {k: v for k, v in loaded[2].items() if k not in dropped})
