"""What report templates (and the quality view) ask for beyond their context: the filters form they share.

The filters form of a report is rendered from the filters asked for (the query string), the choices (the caller's
areas and teams, the courses) and the page's fields, and nothing else: the same inputs give the same HTML. A matrix
with a hundred teams spent an eighth of its time rendering it, so each rendering is kept in the process's store of
rendered fragments (lms.content.cache), keyed by all of its inputs: never stale, and never someone else's (a caller
with other teams has other choices, so another key).
"""
from flask import render_template, request
from markupsafe import Markup
from wtforms.fields import SelectChoice

from lms.content.cache import cached
from lms.reports import bp


@bp.app_template_global()
def report_filters(form, fields: tuple[str, ...]) -> Markup:
    """The filters form with these fields (see reports/_filters.html), as the request asked for them."""
    if form.errors:  # shown with the messages, and rare: not worth a key
        return _render(form, fields)
    key = ("reports.filters", request.endpoint, fields, tuple(sorted(request.args.items(multi=True))),
           # the choices drawn from data (rank and status are fixed)
           tuple(tuple(map(_choice_key, form[name].choices)) for name in ("area", "team", "course") if name in fields))
    return cached(key, lambda: _render(form, fields))


def _choice_key(choice) -> tuple:
    if isinstance(choice, SelectChoice):
        return choice.value, choice.label, choice.optgroup
    return tuple(choice)


def _render(form, fields: tuple[str, ...]) -> Markup:
    return Markup(render_template("reports/_filters.html", form=form, fields=fields))  # nosec B704: escaped as rendered
