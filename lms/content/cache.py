"""Keep what published content renders to in this worker process until the content changes.

Published content changes only through `flask content sync` (and tests), and every such change gives the content
a new version token in the same transaction (lms.content.models). Each use reads the token (once per GET request,
lms.versions) and takes only what was kept under that token, so every worker serves a change as soon as it is
committed.
Keep only what is the same for everyone: rendered fragments of content pages, or fragments whose key holds every
input they are drawn from (the reports' filters form), never anything about a person.
"""
import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import render_template
from markupsafe import Markup

from lms.content.models import current_token

T = TypeVar("T")

#: What one process keeps at most, in bytes of memory as `footprint` counts them (tracemalloc finds about a fifth
#: more). The guidance pages, checklists and lists fit many times over; search results, one entry for each query and
#: page anyone asks for (about 15 KB each on the shipped content), are what it bounds: some 500 of them, where a
#: bound of 2,000 entries let a worker grow by 30-40 MB. Past it the entries used longest ago go first.
MAX_BYTES = 8 * 1024 * 1024


class _Store:
    token: str | None = None
    #: key -> (value, its footprint), the least recently used first
    entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
    size = 0
    # a threaded server shares the store between requests at once: the order and the size change together
    lock = threading.Lock()


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """What `build` returns for `key` under the current content version, built at most once per version while it
    is used more recently than what fills the rest of MAX_BYTES.

    A None from `build` (nothing found) is not kept, so unknown addresses cannot fill the store."""
    token = current_token()
    if token is None:  # no content written yet: nothing to key on
        return build()
    with _Store.lock:
        if _Store.token != token:
            _Store.token, _Store.entries, _Store.size = token, OrderedDict(), 0
        if key in _Store.entries:
            _Store.entries.move_to_end(key)
            return _Store.entries[key][0]
    value = build()  # outside the lock: it queries and renders
    if value is not None:
        _keep(token, key, value)
    return value


def _keep(token: str, key: Hashable, value: object) -> None:
    size = footprint(key) + footprint(value)
    with _Store.lock:
        if _Store.token != token or size > MAX_BYTES:  # built under a version gone meanwhile, or too big to keep
            return
        if key in _Store.entries:  # built twice at once: the first kept stands
            return
        while _Store.entries and _Store.size + size > MAX_BYTES:
            _, (_, dropped) = _Store.entries.popitem(last=False)
            _Store.size -= dropped
        _Store.entries[key] = (value, size)
        _Store.size += size


def footprint(value: object) -> int:
    """About how much memory `value` holds: what is kept is text (most of it), numbers and dates, in tuples, lists,
    sets, dicts and dataclasses, and each is counted by sys.getsizeof. Anything else counts as its own object only."""
    if isinstance(value, (str, bytes)):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        parts = [*value.keys(), *value.values()]
    elif isinstance(value, (tuple, list, set, frozenset)):
        parts = list(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [getattr(value, field.name) for field in dataclasses.fields(value)]
    else:
        parts = []
    return sys.getsizeof(value) + sum(footprint(part) for part in parts)


def fragment(template: str, **context) -> Markup:
    """A partial template rendered to keep and place in pages as it is (Jinja escaped it as it rendered)."""
    return Markup(render_template(template, **context))  # nosec B704: a template's own output, already escaped
