"""What sync and every kind's importer share: a parsed file, the report of a kind, the Importer protocol.

The importers and `content.sync` both import this; the sync never imports an importer (the app factory registers
them), so neither imports the other.
"""
import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from lms.content.errors import ContentError, ContentProblem
from lms.extensions import db


@dataclass
class ParsedItem:
    """One valid file, parsed and rendered, waiting to be applied."""

    #: path relative to the content root, e.g. "guidance/first-response/golden-hour.md"
    path: str
    key: str
    data: Any
    #: (file line, site path) of every internal link in the file
    links: list[tuple[int, str]] = field(default_factory=list)
    #: site paths this item makes exist, e.g. {"/guidance/golden-hour"}
    provides: set[str] = field(default_factory=set)


@dataclass
class KindReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class Importer(Protocol):
    kind: str

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        """Read and validate every file of this kind; render markdown; touch no database."""

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        """Site paths of the stored, live items whose file is among `failed_paths`: they stay as they were."""

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        """Upsert the valid items and retire the ones whose file is gone (never one whose file failed)."""


def change_kind(stored, content_hash: str, path: str, report: KindReport) -> str | None:
    """Classify one valid file against its stored row and note it in the report.

    Returns "added" (nothing stored), "changed", "restored" (it had been retired) or None when nothing changed.
    """
    if stored is None:
        report.added.append(path)
        return "added"
    if stored.content_hash == content_hash and not stored.is_retired:
        report.unchanged.append(path)
        return None
    report.changed.append(path)
    return "restored" if stored.is_retired else "changed"


def render_again(stored, **rendered) -> bool:
    """Give an unchanged item what today's renderer makes of its unchanged file (fields such as `html=`), so that a
    fix to lms.content.render reaches what was imported before it; True if anything differed. No new version,
    revision, alert or audit entry: what the item says has not changed, only how it is drawn."""
    differs = {name: value for name, value in rendered.items() if getattr(stored, name) != value}
    for name, value in differs.items():
        setattr(stored, name, value)
    return bool(differs)


def read_text(path: Path) -> str:
    """Read a content file as UTF-8 (a stray byte order mark is tolerated).

    Raise ContentProblem, so the file is skipped like any other broken file, when it cannot be read or is not
    UTF-8: the message names the first bad byte and where it is, since an author cannot see an encoding.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentProblem(f"the file cannot be read: {error.strerror or error}") from None
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8(raw, error.start + len(raw) - len(body)) from None


def not_utf8(raw: bytes, offset: int) -> ContentProblem:
    """Describe the byte at `offset` that is not UTF-8: where it is, and what it means in Windows-1252, the
    encoding such files are usually saved in."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    # Everything before the first bad byte decodes, so the column can count characters rather than bytes.
    column = len(raw[line_start:offset].removeprefix(codecs.BOM_UTF8).decode("utf-8")) + 1
    byte = raw[offset:offset + 1]
    try:
        meaning = f" ('{byte.decode('cp1252')}' in Windows-1252)"
    except UnicodeDecodeError:
        meaning = ""
    return ContentProblem(f"the file is not UTF-8 text: byte 0x{byte.hex()}{meaning} at column {column} "
                          f"(byte offset {offset}); save the file as UTF-8", raw.count(b"\n", 0, offset) + 1)


def live_slugs(model, failed_paths: set[str]) -> list[str]:
    """Slugs of the live rows of `model` whose source file is among `failed_paths` (their last good version)."""
    if not failed_paths:
        return []
    return list(db.session.scalars(sa.select(model.slug).where(model.source_path.in_(failed_paths),
                                                                model.is_retired.is_(False))))


def flat_markdown_files(root: Path, folder_name: str, misplaced: str, not_markdown: str | None = None,
                        skip: tuple[str, ...] = (".", "_")) -> tuple[list[Path], list[ContentError]]:
    """The `<slug>.md` files of one flat content folder, in name order, and an error for anything else in it (a
    file that is not markdown says `not_markdown` when given, else `misplaced`); names starting with `skip` are
    passed over."""
    folder = root / folder_name
    paths, errors = [], []
    if not folder.is_dir():
        return paths, errors
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or path.name.startswith(skip):
            continue
        relative = path.relative_to(root).as_posix()
        if path.suffix != ".md" and not_markdown:
            errors.append(ContentError(relative, 0, not_markdown))
        elif path.suffix != ".md" or path.parent != folder:
            errors.append(ContentError(relative, 0, misplaced))
        else:
            paths.append(path)
    return paths, errors
