"""Import the whole content tree: parse every kind, check links across kinds, then apply what is valid."""
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

import sqlalchemy as sa

from lms.content.errors import ContentError
from lms.content.importing import Importer, KindReport, ParsedItem
from lms.extensions import db

#: Site pages that exist whatever the content, so authors may link to them.
SITE_PATHS = {"/", "/guidance/", "/courses/", "/sessions/", "/checklist/", "/search", "/reports/", "/glossary"}


@dataclass
class SyncReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def register_importer(app: Flask, importer: Importer) -> None:
    """Add a kind of content to what `sync_content` imports for `app`; kinds are applied in the order added."""
    app.extensions.setdefault("content_importers", []).append(importer)


def registered_importers() -> list[Importer]:
    return list(current_app.extensions.get("content_importers", []))


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



def _belongs(path: str, kind: str) -> bool:
    folder = {"guidance": "guidance/", "course": "courses/", "checklist": "checklists/", "rubric": "rubrics/",
              "glossary": "glossary.md"}.get(kind, kind + "/")
    return path.startswith(folder)
