"""The rules every input meets before any view sees it: a bounded size, integers that fit, no control characters."""
import re
from collections.abc import Iterable, Mapping

from flask import current_app, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: The largest id or count a request may name: PostgreSQL's INTEGER (SQLite's would take 2^63 - 1, PostgreSQL
#: fails with "out of range" above this, and Python ints have no limit at all).
INT_MAX = 2**31 - 1

#: C0 controls and DEL, but not tab, line feed and carriage return, which text areas legitimately send. A NUL
#: cannot be stored by PostgreSQL at all; the others are invisible in a name and break CSV and email headers.
#: And Unicode's bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): invisible, they
#: make text show other than it reads ("Trojan Source"), so a crime reference or a name could be shown reversed.
#: Right-to-left letters themselves, and the plain direction marks U+200E/U+200F, are accepted.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

CONTROL_CHARACTER_MESSAGE = ("What you sent contains an invisible control character (U+{code:04X}: a NUL byte, a "
                             "text-direction override or the like), which this site does not accept. Remove it "
                             "(retype the text rather than pasting it) and try again.")


def db_int(value: str) -> int:
    """Read a whole number that fits an INTEGER column; ValueError otherwise (`args.get(..., type=db_int)` then
    gives the default, a form field with `coerce=db_int` an error)."""
    number = int(value)
    if not -INT_MAX - 1 <= number <= INT_MAX:
        raise ValueError(f"{value} is out of range")
    return number


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` in every route: a number too large for the database is a 404, as any id that does not exist."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def control_character(text: str) -> str | None:
    """The first control character in `text`, or None."""
    found = CONTROL_CHARACTERS.search(text)
    return found.group() if found else None


def control_character_reasons(values: Mapping[str, str]) -> list[str]:
    """A reason for each field holding a control character, for imports that report every problem at once."""
    return [f"{name.replace('_', ' ')} contains a control character (U+{ord(found):04X}); remove it"
            for name, value in values.items() if (found := control_character(value or ""))]


def link_args(keys: Iterable[str], blank: tuple[str, ...] = ("",)) -> dict[str, str]:
    """The current query's arguments named in `keys` (those set), to build links to other pages of a list.

    Never the whole query: its keys reach url_for as url_for's own arguments (`_method`, `_external`, `endpoint`,
    a view's `person_id`) and break the page.
    """
    return {key: request.args[key] for key in keys if request.args.get(key, "") not in blank}


def accepts_upload(view):
    """Mark a view that takes a file upload: its requests may be MAX_UPLOAD_MB rather than MAX_FORM_KB."""
    view.accepts_upload = True
    return view


def limit_body_size():
    """Before anything reads the body: a form may be MAX_FORM_KB, an upload MAX_UPLOAD_MB; more is a 413 page.

    Werkzeug refuses a declared Content-Length above the limit before reading a byte, and stops reading a body
    without one at the limit, so a 200 MB POST costs nothing.
    """
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "accepts_upload", False):
        request.max_content_length = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def refuse_control_characters():
    """Before every request: a control character in the path, a query or a form (names and values) is a 400."""
    # Every value of a repeated key (a MultiDict's values() gives only the first of each): a second "roles" or "q"
    # must not carry what the first may not.
    texts = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        texts += [text for pair in request.form.items(multi=True) for text in pair]
    for text in texts:
        if found := control_character(text):
            error = BadRequest(CONTROL_CHARACTER_MESSAGE.format(code=ord(found)))
            error.lms_message = True  # the error page shows this text rather than the house default
            raise error
