"""Split a markdown file into YAML front matter and body, and check the fields against a schema."""
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from lms.content.errors import ContentProblem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Document:
    meta: dict[str, Any]
    body: str
    #: line number in the file of the body's first line, so body errors report real file lines
    body_line: int
    #: line number of each top-level front matter key
    key_lines: dict[str, int]


def split(text: str) -> Document:
    """Return the front matter and body of `text`, or raise ContentProblem pointing at the bad line."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentProblem("the file must start with front matter between '---' lines", 1)
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise ContentProblem("the front matter has no closing '---' line", 1) from None
    block = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or "could not be read"
        raise ContentProblem(f"front matter is not valid YAML: {problem}", line) from None
    if not isinstance(meta, dict):
        raise ContentProblem("front matter must be a set of 'field: value' lines", 2)
    key_lines = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            key_lines.setdefault(match.group(1), number)
    return Document(meta=meta, body="\n".join(lines[end + 1:]), body_line=end + 2, key_lines=key_lines)


@dataclass(frozen=True)
class Field:
    kind: type | tuple
    required: bool = True
    default: Any = None
    #: for text: the most characters it may hold (a column's size, or what reads well on a phone)
    max_length: int | None = None


def check_fields(doc: Document, schema: dict[str, Field]) -> dict[str, Any]:
    """Validate front matter against `schema`; return the values with defaults filled in."""
    for key in doc.meta:
        if key not in schema:
            known = ", ".join(schema)
            raise ContentProblem(f"unknown field '{key}' (known fields: {known})", doc.key_lines.get(key, 2))
    values = {}
    for key, field in schema.items():
        line = doc.key_lines.get(key, 2)
        value = doc.meta.get(key)
        if value is None or value == "":
            if field.required:
                raise ContentProblem(f"missing required field '{key}'", 2 if key not in doc.key_lines else line)
            values[key] = field.default
            continue
        values[key] = _coerce(key, value, field.kind, line)
        if field.max_length is not None and len(values[key]) > field.max_length:
            raise ContentProblem(f"{key} is longer than {field.max_length} characters", line)
    return values


def _coerce(key: str, value: Any, kind, line: int):
    if kind is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ContentProblem(f"'{key}' must be a date written YYYY-MM-DD, not '{value}'", line) from None
    if kind is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, (str, int, float)) for item in value):
            raise ContentProblem(f"'{key}' must be a list of short texts", line)
        return [str(item).strip() for item in value if str(item).strip()]
    if kind is bool:
        if not isinstance(value, bool):
            raise ContentProblem(f"'{key}' must be true or false", line)
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ContentProblem(f"'{key}' must be a whole number, not '{value}'", line)
        return value
    if kind is str:
        if isinstance(value, (dict, list)):
            raise ContentProblem(f"'{key}' must be a single line of text", line)
        return str(value).strip()
    return value
