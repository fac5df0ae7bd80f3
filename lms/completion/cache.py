"""Keep statuses worked out for many officers in this worker process until training data changes or time does.

Each use reads the training data's version token (lms.completion.models; once per GET request) and takes only what
was kept under that token, so every worker process sees a change as soon as it is committed. What is kept also
says until when it holds: statuses change with no write at all when a London day begins (a due date passes, a
refresher falls due), a booked session ends or an open quiz attempt is abandoned; past that moment, or for a
moment before it was worked out (tests move the clock), it is worked out again.
"""
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar

from lms.completion.models import current_token, has_unsaved_changes

T = TypeVar("T")

#: A bound on what one process keeps: a force of 5,000 officers on ten courses is some megabytes, and each
#: supervisor's teams are a key of their own. Past it the oldest goes.
MAX_ENTRIES = 64


class _Store:
    token: str | None = None
    #: key -> (value, worked out at, holds until)
    entries: dict[Hashable, tuple[object, datetime, datetime]] = {}


def kept_until_change(key: Hashable, now: datetime, build: Callable[[], tuple[T, datetime]]) -> T:
    """What `build` returns for `key` at `now`, worked out at most once per training data version while it holds.

    `build` returns the value and the first moment after `now` at which it may no longer hold."""
    token = None if has_unsaved_changes() else current_token()
    if token is None:  # nothing to key on, or this transaction's own writes are in what it would read
        return build()[0]
    if _Store.token != token:
        _Store.token, _Store.entries = token, {}
    found = _Store.entries.get(key)
    if found is not None and found[1] <= now < found[2]:
        return found[0]
    value, until = build()
    _Store.entries.pop(key, None)
    if len(_Store.entries) >= MAX_ENTRIES:
        del _Store.entries[next(iter(_Store.entries))]
    _Store.entries[key] = (value, now, until)
    return value
