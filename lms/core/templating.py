"""Filters and globals every template can use."""
from flask import request
from flask_login import current_user

from lms.people.models import RANKS
from lms.timeutil import format_date, format_datetime, format_end, format_span, format_time, format_weekday


def navigation() -> list[tuple[str, str, bool]]:
    """The main navigation for the signed-in person's roles: (endpoint, label, is the current page's)."""
    if not current_user.is_authenticated:
        return []
    items = [("guidance.index", "Guidance"), ("courses.index", "Courses"), ("sessions.index", "Sessions")]
    if current_user.has_role("trainer", "admin"):
        items.append(("sessions.manage", "Manage sessions"))
    items += [("checklists.index", "Key steps"), ("training.my_training", "My training"), ("quality.plans", "Plans")]
    if current_user.has_role("supervisor", "admin"):
        items += [("reports.index", "Reports"), ("quality.quality_view", "Quality")]
    if current_user.has_role("admin"):
        items += [("people.admin_people", "People"), ("audit.index", "Audit log"), ("notify.index", "Outbox")]
    current = _current(items)
    return [(endpoint, label, endpoint == current) for endpoint, label in items]


def _current(items: list[tuple[str, str]]) -> str | None:
    """The item for this page: its own endpoint, else the first item of its blueprint (one item, never two)."""
    endpoints = [endpoint for endpoint, _ in items]
    if request.endpoint in endpoints:
        return request.endpoint
    return next((e for e in endpoints if request.blueprint and e.startswith(request.blueprint + ".")), None)


def init_app(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["end_time"] = format_end
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["span"] = format_span
    app.jinja_env.filters["rank"] = lambda code: RANKS.get(code, code)
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["force_name"] = app.config["FORCE_NAME"]
