"""Import the whole content tree: parse every kind, check links across kinds, then apply what is valid."""
import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from lms.content.errors import ContentError, ContentProblem
from lms.extensions import db

#: Site pages that exist whatever the content, so authors may link to them.
SITE_PATHS = {"/", "/guidance/", "/courses/", "/sessions/", "/checklist/", "/search", "/reports/", "/glossary"}


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


@dataclass
class SyncReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def registered_importers() -> list[Importer]:
    from lms.checklists.importer import ChecklistImporter
    from lms.courses.importer import CourseImporter
    from lms.guidance.importer import GuidanceImporter
    from lms.search.glossary import GlossaryImporter

    return [GlossaryImporter(), GuidanceImporter(), CourseImporter(), ChecklistImporter()]


def check_links(item: ParsedItem, targets: set[str]) -> list[ContentError]:
    errors = []
    for line, href in item.links:
        path = href.split("#", 1)[0].split("?", 1)[0] or "/"
        if path not in targets and path.rstrip("/") + "/" not in targets:
            errors.append(ContentError(item.path, line, f"link to '{href}' goes nowhere: no such page"))
    return errors


def sync_content(root: Path, importers: list[Importer] | None = None) -> SyncReport:
    """Bring the database in line with `root`. Flushes only; the caller commits.

    The files are parsed first, outside any lock; then this sync waits for any other to commit before it compares
    and writes, so two syncs at once record each change once.
    """
    importers = importers if importers is not None else registered_importers()
    report = SyncReport()
    parsed: dict[str, list[ParsedItem]] = {}
    for importer in importers:
        items, errors = importer.parse(root)
        parsed[importer.kind] = items
        report.errors.extend(errors)
    wait_for_other_syncs()
    # A file that failed keeps its last good version live, so a link to that version still leads somewhere.
    broken = {error.path for error in report.errors}
    targets = set(SITE_PATHS)
    for importer in importers:
        targets |= importer.kept_paths(broken)
        for item in parsed[importer.kind]:
            targets |= item.provides
    for importer in importers:
        valid = []
        for item in parsed[importer.kind]:
            problems = check_links(item, targets)
            if problems:
                report.errors.extend(problems)
            else:
                valid.append(item)
        parsed[importer.kind] = valid
    failed_paths = {error.path for error in report.errors}
    for importer in importers:
        kind_report = report.kinds.setdefault(importer.kind, KindReport())
        kind_report.failed = sorted(path for path in failed_paths if _belongs(path, importer.kind))
        importer.apply(parsed[importer.kind], kind_report, failed_paths)
    if any(kind.added or kind.changed or kind.removed for kind in report.kinds.values()):
        from lms.search.vocabulary import rebuild_vocabulary

        rebuild_vocabulary()
    return report


class SyncBusy(Exception):
    """Another sync held the lock for longer than this one would wait."""


#: Names the lock among PostgreSQL's advisory locks, which are keyed by a number the application chooses.
SYNC_LOCK_KEY = 7_000_417
#: PostgreSQL's codes for a statement cancelled by statement_timeout and a lock not granted within lock_timeout
LOCK_WAIT_ENDED = {"57014", "55P03"}


def wait_for_other_syncs() -> None:
    """Take the content sync lock for the rest of the transaction, waiting while another sync holds it.

    Two syncs that both compared files with the database before either wrote would both record every change.
    PostgreSQL: a transaction-level advisory lock, released by the commit. SQLite: its single write lock, taken by
    a write that changes nothing (whatever BEGIN the transaction used) and held to the commit; a sync waiting
    longer than the busy timeout gives up with SyncBusy rather than a traceback (the caller rolls back).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        statement = sa.text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=SYNC_LOCK_KEY)
    else:
        statement = sa.text("UPDATE audit_events SET id = id WHERE 0")
    try:
        db.session.execute(statement)
    except sa.exc.OperationalError as error:
        # Only a wait that ran out means "busy" (SQLite's busy timeout, PostgreSQL's statement or lock timeout);
        # anything else, such as the database being down, is not for this message.
        if "database is locked" not in str(error.orig) and getattr(error.orig, "sqlstate", None) not in LOCK_WAIT_ENDED:
            raise
        raise SyncBusy("another content sync is running: run this one again when it has finished") from error


def live_slugs(model, failed_paths: set[str]) -> list[str]:
    """Slugs of the live rows of `model` whose source file is among `failed_paths` (their last good version)."""
    if not failed_paths:
        return []
    return list(db.session.scalars(sa.select(model.slug).where(model.source_path.in_(failed_paths),
                                                                model.is_retired.is_(False))))


def _belongs(path: str, kind: str) -> bool:
    folder = {"guidance": "guidance/", "course": "courses/", "checklist": "checklists/",
              "glossary": "glossary.md"}.get(kind, kind + "/")
    return path.startswith(folder)


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
