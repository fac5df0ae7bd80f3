"""`flask content sync` under faults: files in the wrong encoding, links to a broken page, two syncs at once."""
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.checklists.models import Checklist
from lms.content.sync import SYNC_LOCK_KEY, sync_content
from lms.courses.models import Course
from lms.extensions import db as _db
from lms.guidance.importer import GuidanceImporter
from lms.guidance.models import GuidancePage, GuidanceRevision

NEW_PAGE = """---
title: Leaflets for victims
summary: What to hand over at the door.
owner: Public Protection Unit
last_reviewed: 2026-01-10
review_due: 2027-01-10
---
Hand over the leaflet.
"""
NEW_CHECKLIST = """---
title: At the door
summary: The first minute.
---
## Arrive
- [ ] Say who you are
  Why: People need to know.
"""


def sync(runner, tree):
    return runner.invoke(args=["content", "sync", "--path", str(tree)])


def save_as_windows_1252(path: Path, text: str) -> int:
    """Write `text` plus a line with a curly apostrophe as Windows-1252 (byte 0x92); return that line's number."""
    text = text.rstrip("\n") + "\nThe officer’s notes come first.\n"
    path.write_bytes(text.encode("cp1252"))
    return text.count("\n", 0, text.index("’")) + 1


def count(model, *where) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.mark.parametrize(("path", "new_text", "report_line"), [
    ("guidance/victims/leaflets.md", NEW_PAGE, "guidance: 3 added, 0 changed, 0 unchanged, 0 removed, 1 failed"),
    ("checklists/at-the-door.md", NEW_CHECKLIST, "checklist: 2 added, 0 changed, 0 unchanged, 0 removed, 1 failed"),
    ("courses/witness-basics/quiz.md", None, "course: 0 added"),
    ("courses/witness-basics/02-describing-people.md", None, "course: 0 added"),
    ("courses/witness-basics/course.md", None, "course: 0 added"),
])
def test_a_file_saved_as_windows_1252_is_named_with_its_byte_and_the_rest_is_imported(
        runner, content_tree, db, path, new_text, report_line):
    file = content_tree / path
    line = save_as_windows_1252(file, new_text if new_text is not None else file.read_text())
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert (f"{path}:{line}: the file is not UTF-8 text: byte 0x92 ('’' in Windows-1252) at column 12"
            in result.output)
    assert "save the file as UTF-8" in result.output and "Traceback" not in result.output
    assert report_line in result.output
    # Everything else is in: the three fixture pages and both fixture checklists; the course only when whole.
    assert count(GuidancePage, GuidancePage.is_retired.is_(False)) == 3
    assert count(Checklist, Checklist.slug.in_(["first-hour", "keeping-updated"])) == 2
    assert count(Course) == (0 if path.startswith("courses/") else 1)
    assert count(GuidancePage, GuidancePage.slug == "leaflets") == 0
    assert count(Checklist, Checklist.slug == "at-the-door") == 0


def test_a_category_file_in_windows_1252_is_named_in_each_page_of_its_folder(runner, content_tree, db):
    meta = content_tree / "guidance/victims/_category.yml"
    line = save_as_windows_1252(meta, meta.read_text().rstrip("\n") + "\n#")
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert (f"guidance/victims/victim-updates.md: _category.yml in this folder, line {line}: the file is not "
            "UTF-8 text: byte 0x92") in result.output
    assert count(GuidancePage, GuidancePage.slug.in_(["golden-hour", "scene-preservation"])) == 2


def test_a_link_to_a_broken_page_that_is_still_live_is_valid(runner, content_tree, db):
    assert sync(runner, content_tree).exit_code == 0
    golden = content_tree / "guidance/first-response/golden-hour.md"
    golden.write_text(golden.read_text().replace("owner: Crime Standards Unit\n", ""))  # broken
    scene = content_tree / "guidance/first-response/scene-preservation.md"  # links to golden-hour
    scene.write_text(scene.read_text() + "\nA new closing line.\n")
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert "golden-hour.md:" in result.output and "missing required field 'owner'" in result.output
    assert "goes nowhere" not in result.output
    assert "changed: guidance/first-response/scene-preservation.md" in result.output
    assert "guidance: 0 added, 1 changed, 1 unchanged, 0 removed, 1 failed" in result.output
    db.session.expire_all()
    scene_page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "scene-preservation"))
    assert "A new closing line." in scene_page.source
    golden_page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    assert golden_page.owner == "Crime Standards Unit" and not golden_page.is_retired


def test_a_link_to_a_module_of_a_broken_course_that_is_still_live_is_valid(runner, content_tree, db):
    assert sync(runner, content_tree).exit_code == 0
    module = content_tree / "courses/witness-basics/01-first-account.md"
    module.write_text(module.read_text().replace("minutes:", "minutes: -"))  # breaks the course, kept whole
    page = content_tree / "guidance/victims/victim-updates.md"
    page.write_text(page.read_text() + "\nSee [the first account](/courses/witness-basics/modules/first-account).\n")
    result = sync(runner, content_tree)
    assert result.exit_code == 1 and "goes nowhere" not in result.output
    assert "changed: guidance/victims/victim-updates.md" in result.output


def test_a_link_to_a_broken_page_that_never_loaded_still_goes_nowhere(runner, content_tree, db):
    (content_tree / "guidance/victims/leaflets.md").write_text(NEW_PAGE.replace("owner: Public Protection Unit\n", ""))
    page = content_tree / "guidance/victims/victim-updates.md"
    page.write_text(page.read_text() + "\nSee [leaflets](/guidance/leaflets).\n")
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert "victim-updates.md:" in result.output and "link to '/guidance/leaflets' goes nowhere" in result.output
    assert count(GuidancePage, GuidancePage.slug.in_(["leaflets", "victim-updates"])) == 0


def _edit_every_page(tree: Path) -> None:
    for page in sorted((tree / "guidance").rglob("*.md")):
        page.write_text(page.read_text() + "\nOne more line.\n")
    for checklist in sorted((tree / "checklists").glob("*.md")):
        checklist.write_text(checklist.read_text().rstrip("\n") + "\n- [ ] Note the time\n")


def test_two_syncs_at_once_record_each_change_once(app, content_tree, db, monkeypatch):
    """Both parse, then both reach the database together; the second waits and finds nothing left to do."""
    assert sync_content(content_tree).ok
    db.session.commit()
    _edit_every_page(content_tree)
    both_parsed = threading.Barrier(2, timeout=30)
    parse = GuidanceImporter.parse

    def parse_then_wait(self, root):
        parsed = parse(self, root)
        both_parsed.wait()
        return parsed

    monkeypatch.setattr(GuidanceImporter, "parse", parse_then_wait)

    def run_sync(_):
        with app.app_context():
            try:
                report = sync_content(content_tree)
                _db.session.commit()
                return report
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(run_sync, range(2)))
    changed = sorted(len(report.kinds["guidance"].changed) + len(report.kinds["checklist"].changed)
                     for report in reports)
    assert changed == [0, 5]  # one sync did the work; the other found every file unchanged
    db.session.expire_all()
    assert count(GuidanceRevision, GuidanceRevision.kind == "changed") == 3
    assert count(AuditEvent, AuditEvent.action == "guidance.changed") == 3
    assert count(AuditEvent, AuditEvent.action == "checklist.changed") == 2


def test_a_sync_kept_waiting_too_long_says_so_and_changes_nothing(runner, content_tree, db, database_url):
    """Another sync holds the lock for longer than this one waits: SQLite's busy timeout (10 s), or on PostgreSQL
    a lock_timeout an operator set."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        release = holder.rollback
    else:
        holder = db.engine.connect()
        holder.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": SYNC_LOCK_KEY})
        db.session.execute(sa.text("SET LOCAL lock_timeout = '200ms'"))  # the CLI runs in this test's session

        def release():
            holder.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": SYNC_LOCK_KEY})
    try:
        result = sync(runner, content_tree)
    finally:
        release()
        holder.close()
    assert result.exit_code == 1
    assert "Nothing imported: another content sync is running: run this one again when it has finished." in (
        result.output)
    assert "Traceback" not in result.output and count(GuidancePage) == 0
