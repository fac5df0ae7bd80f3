"""Keep what published content renders to in this worker process until the content changes.

Published content changes only through `flask content sync` (and tests), and every such change gives the content
a new version token in the same transaction (lms.content.models). Each use reads the token, in one small query,
and takes only what was kept under that token, so every worker serves a change as soon as it is committed.
Keep only what is the same for everyone: rendered fragments of content pages, never anything about a person.
"""
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import has_request_context, render_template, request
from markupsafe import Markup

from lms.content.models import current_token

T = TypeVar("T")

#: A bound on what one process keeps (a fragment is a few kilobytes): past it the store starts again.
MAX_ENTRIES = 2_000


class _Store:
    token: str | None = None
    entries: dict[Hashable, object] = {}


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """What `build` returns for `key` under the current content version, built at most once per version.

    A None from `build` (nothing found) is not kept, so unknown addresses cannot fill the store."""
    token = once_per_get("content_token", current_token)
    if token is None:  # no content written yet: nothing to key on
        return build()
    if _Store.token != token:
        _Store.token, _Store.entries = token, {}
    if key in _Store.entries:
        return _Store.entries[key]
    value = build()
    if value is not None:
        if len(_Store.entries) >= MAX_ENTRIES:
            _Store.entries = {}
        _Store.entries[key] = value
    return value



def once_per_get(name: str, read: Callable[[], T]) -> T:
    """What `read` returns, read once per GET request (at every call otherwise): for a version token, which a GET
    does not change, when a page asks for several things kept under it (the home page three)."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return read()
    key = f"lms.once_per_get.{name}"
    if key not in request.environ:
        request.environ[key] = read()
    return request.environ[key]


def fragment(template: str, **context) -> Markup:
    """A partial template rendered to keep and place in pages as it is (Jinja escaped it as it rendered)."""
    return Markup(render_template(template, **context))  # nosec B704: a template's own output, already escaped
