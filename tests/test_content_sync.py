"""`flask content sync`: idempotent import, clear errors, nothing of a bad file loaded."""
import shutil

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.checklists.models import Checklist
from lms.courses.models import Course, Module
from lms.guidance.models import GuidancePage, GuidanceRevision, GuidanceVersion
from lms.guidance.versions import version_of


@pytest.fixture
def tree(content_tree):
    return content_tree


def sync(runner, tree):
    return runner.invoke(args=["content", "sync", "--path", str(tree)])


def test_first_sync_adds_every_page_and_second_changes_nothing(runner, tree, db):
    first = sync(runner, tree)
    assert first.exit_code == 0, first.output
    assert "guidance: 3 added, 0 changed, 0 unchanged, 0 removed, 0 failed" in first.output
    second = sync(runner, tree)
    assert "guidance: 0 added, 0 changed, 3 unchanged, 0 removed, 0 failed" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidancePage)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "guidance.added")) == 3


BAD_FILES = [
    ("title: [unclosed", "front matter is not valid YAML", 2),
    ("colour: blue\ntitle: X", "unknown field 'colour'", 2),
    ("summary: S", "missing required field 'title'", 2),
    ("title: T\nsummary: S\nowner: O\nlast_reviewed: 2026-01-01\nreview_due: 2025-01-01", "review_due must be after last_reviewed", 6),
    ("title: T\nsummary: S\nowner: O\nlast_reviewed: yesterday\nreview_due: 2027-01-01", "must be a date written YYYY-MM-DD", 5),
]


@pytest.mark.parametrize(("front_matter", "message", "line"), BAD_FILES)
def test_a_malformed_file_is_reported_with_line_and_loads_nothing(runner, tree, db, front_matter, message, line):
    (tree / "guidance/victims/broken.md").write_text(f"---\n{front_matter}\n---\nBody text.\n")
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert f"guidance/victims/broken.md:{line}: " in result.output and message in result.output
    assert "guidance: 3 added, 0 changed, 0 unchanged, 0 removed, 1 failed" in result.output
    assert db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "broken")) is None


def test_a_link_to_a_missing_page_fails_that_file_only(runner, tree, db):
    page = tree / "guidance/victims/victim-updates.md"
    page.write_text(page.read_text() + "\nSee [the missing page](/guidance/not-there).\n")
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert "guidance/victims/victim-updates.md:15: link to '/guidance/not-there' goes nowhere" in result.output
    assert db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "victim-updates")) is None
    assert db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour")) is not None


def test_a_duplicate_slug_in_another_category_is_refused(runner, tree):
    shutil.copy(tree / "guidance/first-response/golden-hour.md", tree / "guidance/victims/golden-hour.md")
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert "guidance/victims/golden-hour.md: slug 'golden-hour' is already used by guidance/first-response/golden-hour.md" in result.output


def test_a_file_that_breaks_later_keeps_its_last_good_version(runner, tree, db):
    sync(runner, tree)
    page = tree / "guidance/first-response/golden-hour.md"
    page.write_text(page.read_text().replace("owner: Crime Standards Unit\n", ""))
    result = sync(runner, tree)
    assert result.exit_code == 1 and "missing required field 'owner'" in result.output
    kept = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    assert kept.owner == "Crime Standards Unit" and not kept.is_retired


def test_script_and_event_handlers_never_reach_the_stored_html(runner, tree, db):
    page = tree / "guidance/victims/victim-updates.md"
    page.write_text(page.read_text() + '\n<script>alert(1)</script>\n<img src=x onerror="alert(2)">\n'
                    '[click](javascript:alert(3))\n')
    assert sync(runner, tree).exit_code == 0
    html = db.session.scalar(sa.select(GuidancePage.html).where(GuidancePage.slug == "victim-updates"))
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_a_content_table_of_three_or_more_columns_is_cards_on_a_phone_each_cell_named(runner, tree, db):
    """Sentences in three columns do not fit a phone: the table gets the site's card class (lms-table--stack), and
    each cell its column's heading, which the cards show in place of the hidden headings; two columns stay a
    table."""
    page = tree / "guidance/victims/victim-updates.md"
    page.write_text(page.read_text() + "\n| Need | **Ask** | Why <b>&</b> |\n|---|---|---|\n| Safety | Fear | Bail |\n"
                    "\n| Term | Meaning |\n|---|---|\n| VCOP | Victims' Code |\n")
    assert sync(runner, tree).exit_code == 0
    html = db.session.scalar(sa.select(GuidancePage.html).where(GuidancePage.slug == "victim-updates"))
    assert '<table class="govuk-table lms-table--stack">' in html and '<table class="govuk-table">' in html
    assert ('<td data-label="Need">Safety</td>\n<td data-label="Ask">Fear</td>\n<td data-label="Why &amp;">Bail</td>'
            in html)
    assert '<td data-label' not in html.split('<table class="govuk-table">')[1]


def test_unknown_callout_type_is_an_error(runner, tree):
    page = tree / "guidance/victims/victim-updates.md"
    page.write_text(page.read_text() + '\n!!! danger "Careful"\n    text\n')
    result = sync(runner, tree)
    assert "unknown callout type 'danger'" in result.output and result.exit_code == 1


def test_a_sync_draws_unchanged_files_again_with_today_s_renderer_and_records_no_change(runner, tree, db):
    """What the renderer makes of a file can improve (tables as cards on a phone) while the file stays the same: the
    next sync gives every item the new drawing, with no version, revision or audit entry, since nothing it says
    changed."""
    assert sync(runner, tree).exit_code == 0
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    version = version_of(page, page.version)
    module, course, checklist = (db.session.scalar(sa.select(Module).limit(1)), db.session.scalar(sa.select(Course)),
                                 db.session.scalar(sa.select(Checklist)))
    drawn = (page.html, version.html, module.html, course.intro_html, checklist.sections)
    page.html = version.html = module.html = course.intro_html = "<p>As an older renderer drew it</p>"
    checklist.sections = [{"title": "Old", "steps": []}]
    db.session.commit()
    counts = _counts(db)

    again = sync(runner, tree)
    assert "guidance: 0 added, 0 changed, 3 unchanged" in again.output
    db.session.expire_all()
    assert (page.html, version.html, module.html, course.intro_html, checklist.sections) == drawn
    assert _counts(db) == counts


def _counts(db) -> tuple:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (AuditEvent, GuidanceRevision, GuidanceVersion))
