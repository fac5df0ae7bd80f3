"""What report templates (and the quality view) ask for beyond their context: the filters form they share.

The filters form of a report is rendered from the filters asked for (the query string), the choices (the caller's
areas and teams, the courses) and the page's fields, and nothing else: the same inputs give the same HTML. A matrix
with a hundred teams spent an eighth of its time rendering it, so each rendering is kept, keyed by all of its inputs
(so never stale and never someone else's: a caller with other teams has other choices, so another key).
"""
import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import render_template, request
from markupsafe import Markup
from wtforms.fields import SelectChoice

from lms.reports import bp

#: how many renderings one process keeps (some kilobytes each), the least recently used going first
MAX_KEPT = 256
_kept: OrderedDict[Hashable, Markup] = OrderedDict()
_lock = threading.Lock()


@bp.app_template_global()
def report_filters(form, fields: tuple[str, ...]) -> Markup:
    """The filters form with these fields (see reports/_filters.html), as the request asked for them."""
    if form.errors:  # shown with the messages, and rare: not worth a key
        return _render(form, fields)
    key = (request.endpoint, fields, tuple(sorted(request.args.items(multi=True))),
           # the choices drawn from data (rank and status are fixed)
           tuple(tuple(map(_choice_key, form[name].choices)) for name in ("area", "team", "course") if name in fields))
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    html = _render(form, fields)
    with _lock:
        _kept[key] = html
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return html


def _choice_key(choice) -> tuple:
    if isinstance(choice, SelectChoice):
        return choice.value, choice.label, choice.optgroup
    return tuple(choice)


def _render(form, fields: tuple[str, ...]) -> Markup:
    return Markup(render_template("reports/_filters.html", form=form, fields=fields))  # nosec B704: escaped as rendered
