"""Filters and globals every template can use."""
import functools

from flask import request, url_for
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from wtforms import Form
from wtforms.validators import DataRequired, InputRequired

from lms.people.models import RANKS
from lms.timeutil import format_date, format_datetime, format_end, format_span, format_time, format_weekday


def navigation() -> Markup:
    """The main navigation's links for the signed-in person's roles, the current page's marked (aria-current)."""
    if not current_user.is_authenticated:
        return Markup("")
    items = _items(frozenset(current_user.roles))
    return _links(items, _current(items), request.script_root)


@functools.lru_cache(maxsize=32)
def _items(roles: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(endpoint, label) of the navigation for a set of roles: 32 sets at most (ROLES)."""
    items = [("guidance.index", "Guidance"), ("courses.index", "Courses"), ("sessions.index", "Sessions")]
    if roles & {"trainer", "admin"}:
        items += [("sessions.manage", "Manage sessions"), ("trainers.index", "Trainers' area")]
    items += [("checklists.index", "Key steps"), ("training.my_training", "My training"), ("quality.plans", "Plans")]
    if roles & {"supervisor", "admin"}:
        items += [("reports.index", "Reports"), ("quality.quality_view", "Quality")]
    if "admin" in roles:
        items += [("people.admin_people", "People"), ("audit.index", "Audit log"), ("notify.index", "Outbox")]
    return tuple(items)


@functools.lru_cache(maxsize=256)
def _links(items: tuple[tuple[str, str], ...], current: str | None, script_root: str) -> Markup:
    """The links as list items, kept: the same for everyone with these roles on a page of this section, under the
    same script root (the only part of the request their addresses depend on). Building the addresses and the markup
    on every page cost about a tenth of a small page. A handful of role sets times the items: bounded."""
    link = Markup('<li class="lms-nav__item"><a class="lms-nav__link" href="{}"{}>{}</a></li>')
    marked = Markup(' aria-current="page"')
    return Markup("\n").join(link.format(url_for(endpoint), marked if endpoint == current else "", label)
                             for endpoint, label in items)


def fixed_url(endpoint: str, **values: str) -> str:
    """url_for for a link the layout writes with fixed values (its style sheets, the sign-out form): built once per
    script root, the only part of the request such an address depends on. Never for values from a request."""
    return _fixed_url(endpoint, request.script_root, tuple(sorted(values.items())))


@functools.lru_cache(maxsize=64)
def _fixed_url(endpoint: str, script_root: str, values: tuple[tuple[str, str], ...]) -> str:
    return url_for(endpoint, **dict(values))


def _current(items: tuple[tuple[str, str], ...]) -> str | None:
    """The item for this page: its own endpoint, else the first item of its blueprint (one item, never two)."""
    endpoints = [endpoint for endpoint, _ in items]
    if request.endpoint in endpoints:
        return request.endpoint
    return next((e for e in endpoints if request.blueprint and e.startswith(request.blueprint + ".")), None)


def csrf_field(form) -> Markup:
    """The form's CSRF token without an id: a page holding several forms would otherwise repeat id="csrf_token".
    Nothing when the form has none (tests that switch CSRF off). And the form's `once` token (lms.core.once), when
    it is a form that makes something, so every such form carries it without its template saying so."""
    fields = [getattr(form, name, None) for name in ("csrf_token", "once")]
    return Markup("").join(field(id=False) for field in fields if field is not None)


def field_state(field, hint=None) -> dict:
    """The attributes that tie a field to its hint and error message (ids the forms macros give them) and say
    whether it is invalid."""
    described = " ".join(([f"{field.id}-hint"] if hint else []) + ([f"{field.id}-error"] if field.errors else []))
    return {**({"aria-describedby": described} if described else {}),
            **({"aria-invalid": "true"} if field.errors else {})}


def required_message(field) -> str:
    """What a required choice's placeholder says: the field's own message for a missing answer ("Choose a course")."""
    for validator in field.validators:
        if isinstance(validator, (InputRequired, DataRequired)) and validator.message:
            return validator.message
    return "Choose one"


@pass_context
def page_has_errors(context) -> bool:
    """Whether any form given to the page's template has errors: its title then starts "Error: " (GOV.UK)."""
    return any(isinstance(value, Form) and value.errors for value in context.get_all().values())


def init_app(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["end_time"] = format_end
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["span"] = format_span
    app.jinja_env.filters["rank"] = lambda code: RANKS.get(code, code)
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["fixed_url"] = fixed_url
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["field_state"] = field_state
    app.jinja_env.globals["required_message"] = required_message
    app.jinja_env.globals["page_has_errors"] = page_has_errors
    app.jinja_env.globals["force_name"] = app.config["FORCE_NAME"]
