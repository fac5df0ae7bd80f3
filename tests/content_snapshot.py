"""Import a content tree into an empty test database once per test run, then copy its rows in for later tests.

A real import of the force's content takes seconds (it parses, renders and indexes every page), and dozens of tests
start from it; copying the rows the first import wrote takes milliseconds. The copy is exactly what an import would
write, as of the moment it is copied in: times the import took from the clock are moved forward by the time since,
so they lie just before "now" in the order the import wrote them, as if it had just run; and a version token
(lms.content.models.ContentVersion) is new, as after any import, so nothing kept under an earlier test's token is
served. It is used only when the database is empty (as the first import found it) and on the London day it was
made, so nothing else can differ.
"""
import copy
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from lms.content.sync import SyncReport, sync_content
from lms.extensions import db
from lms.search.models import FTS_TABLE
from lms.timeutil import today_london, utcnow


@dataclass
class Snapshot:
    report: SyncReport
    rows: dict[str, list[dict]]
    search_rows: list[dict]
    day: date
    started: datetime
    finished: datetime


_snapshots: dict[tuple[Path, str], Snapshot] = {}


def synced(tree: Path) -> SyncReport:
    """`tree` imported into the database and committed, as `sync_content(tree)` then a commit would leave it."""
    key = (tree.resolve(), db.engine.url.render_as_string())
    snapshot = _snapshots.get(key)
    if not _is_empty():
        return _sync(tree)
    if snapshot is None or snapshot.day != today_london():
        snapshot = _snapshots[key] = _capture(tree)
        return copy.deepcopy(snapshot.report)
    _restore(snapshot)
    return copy.deepcopy(snapshot.report)


def _sync(tree: Path) -> SyncReport:
    report = sync_content(tree)
    db.session.commit()
    return report


def _is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def _is_empty() -> bool:
    return not any(db.session.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
                   for table in db.metadata.sorted_tables)


def _capture(tree: Path) -> Snapshot:
    started = utcnow()
    report = _sync(tree)
    finished = utcnow()
    rows = {table.name: [dict(row) for row in db.session.execute(sa.select(table)).mappings()]
            for table in db.metadata.sorted_tables}
    search_rows = ([dict(row) for row in db.session.execute(
        sa.text(f"SELECT rowid, title, body FROM {FTS_TABLE}")).mappings()] if _is_sqlite() else [])  # nosec B608
    db.session.commit()
    return Snapshot(copy.deepcopy(report), {name: found for name, found in rows.items() if found}, search_rows,
                    today_london(), started, finished)


def _restored(column: str, value, snapshot: Snapshot, by: timedelta):
    """A time the import took from the clock, moved on by `by`; a version token, new; anything else (a date from a
    file, a name) as it was."""
    if isinstance(value, datetime) and snapshot.started <= value <= snapshot.finished:
        return value + by
    if column == "token":
        return secrets.token_hex(16)
    return value


def _restore(snapshot: Snapshot) -> None:
    by = utcnow() - snapshot.finished
    tables = {table.name: table for table in db.metadata.sorted_tables}
    for table in db.metadata.sorted_tables:
        rows = snapshot.rows.get(table.name)
        if rows:
            db.session.execute(table.insert(), [{column: _restored(column, value, snapshot, by) for column, value in row.items()}
                                                for row in rows])
    if snapshot.search_rows:
        db.session.execute(sa.text(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (:rowid, :title, :body)"),
                           snapshot.search_rows)  # nosec B608
    if not _is_sqlite():
        # The rows came with their ids: move each sequence past them, as the import's own inserts would have.
        for name in snapshot.rows:
            table = tables[name]
            if "id" in table.c and table.c.id.autoincrement in (True, "auto") and table.c.id.primary_key:
                db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                           f"(SELECT max(id) FROM {name}))"))  # nosec B608
    db.session.commit()
