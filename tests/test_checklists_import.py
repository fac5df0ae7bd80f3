"""`flask content sync` for pocket checklists: steps rendered once, errors with their line, nothing of a bad file."""
import shutil

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.checklists.models import Checklist
from lms.search.models import SearchDocument

FRONT = "---\ntitle: Broken\nsummary: A checklist with a fault.\n---\n"


def sync(runner, content_tree):
    return runner.invoke(args=["content", "sync", "--path", str(content_tree)])


def checklist(db, slug: str) -> Checklist | None:
    return db.session.scalar(sa.select(Checklist).where(Checklist.slug == slug))


def test_sync_stores_rendered_steps_once_and_a_second_sync_changes_nothing(runner, content_tree, db):
    first = sync(runner, content_tree)
    assert first.exit_code == 0, first.output
    assert "checklist: 2 added, 0 changed, 0 unchanged, 0 removed, 0 failed" in first.output
    second = sync(runner, content_tree)
    assert "checklist: 0 added, 0 changed, 2 unchanged, 0 removed, 0 failed" in second.output

    stored = checklist(db, "first-hour")
    assert (stored.title, stored.position, stored.step_count) == ("First hour: key steps", 1, 5)
    assert [section["title"] for section in stored.sections] == ["At the scene", "Before you leave"]
    protect = stored.sections[0]["steps"][1]
    assert protect == {"id": "s1-2", "html": "Protect the scene from contamination",
                       "why_html": "Evidence lost in the <strong>first hour</strong> is rarely recovered.",
                       "see": ["/guidance/scene-preservation"]}
    assert stored.sections[0]["steps"][2]["why_html"] == ""
    assert stored.guidance_slugs == ["golden-hour", "scene-preservation", "victim-updates"]
    assert len(stored.version) == 16 and stored.content_hash.startswith(stored.version)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "checklist.added")) == 2
    assert db.session.scalar(sa.select(SearchDocument.url).where(SearchDocument.kind == "checklist",
                                                                 SearchDocument.key == "first-hour")) \
        == "/checklist/first-hour"


def test_changing_a_checklist_gives_it_a_new_version(runner, content_tree, db):
    sync(runner, content_tree)
    before = checklist(db, "first-hour").version
    path = content_tree / "checklists/first-hour.md"
    path.write_text(path.read_text().replace("Record the crime", "Record the crime within 24 hours"))
    result = sync(runner, content_tree)
    assert "checklist: 0 added, 1 changed, 1 unchanged" in result.output
    db.session.expire_all()
    changed = checklist(db, "first-hour")
    assert changed.version != before
    assert changed.sections[1]["steps"][0]["html"] == "Record the crime within 24 hours"


BAD_CHECKLISTS = [
    ("---\ntitle: T\nsummary: S\ncolour: blue\n---\n## A\n- [ ] Step\n", "unknown field 'colour'", 4),
    ("---\nsummary: S\n---\n## A\n- [ ] Step\n", "missing required field 'title'", 2),
    ("---\ntitle: T\nsummary: S\norder: first\n---\n## A\n- [ ] Step\n", "'order' must be a whole number", 4),
    (FRONT + "- [ ] Step before any section\n", "a step must come under a '## ' section heading", 5),
    (FRONT + "## A\n- [ ]\n", "a step has no text", 6),
    (FRONT + "## A\n  Why: Nobody said what to do.\n", "'Why:' line must come straight under the step", 6),
    (FRONT + "## A\n- [ ] Step\n  Why: One.\n  Why: Two.\n", "a step has one 'Why:' line; this step's is at line 7",
     8),
    (FRONT + "## A\n- [ ] Step\n  Why:\n", "the 'Why:' line has no text", 7),
    (FRONT + "## A\n- [ ] Step\n  See: scene-preservation\n", "'See:' takes the path of a page on this site", 7),
    (FRONT + "## A\n- [ ] Step\n  Note: remember this\n", "must start with 'Why:' or 'See:'", 7),
    (FRONT + "## A\n- [x] Step\n", "write every step unticked", 6),
    (FRONT + "## A\n- Step without a box\n", "each step must be a task-list item", 6),
    (FRONT + "## A\n- [ ] Step\n\nA paragraph of explanation.\n", "text outside a step", 8),
    (FRONT + "## A\n### Part\n- [ ] Step\n", "use '## ' for a section heading", 6),
    (FRONT + "## A\n## B\n- [ ] Step\n", "section 'A' has no steps", 5),
    (FRONT + "## A\n- [ ] Step\n## a\n- [ ] Other\n", "section 'a' appears twice (first at line 5)", 7),
    (FRONT + "## A\n- [ ] Step\n- [ ] step\n", "this step appears twice in 'A' (first at line 6)", 7),
    (FRONT + "## A\n- [ ] See [the page](/guidance/golden-hour)\n", "a step cannot hold a link", 6),
    (FRONT, "the checklist has no steps", 5),
]


@pytest.mark.parametrize(("text", "message", "line"), BAD_CHECKLISTS)
def test_a_malformed_checklist_is_reported_with_its_line_and_loads_nothing(runner, content_tree, db, text, message,
                                                                           line):
    (content_tree / "checklists/broken.md").write_text(text)
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert f"checklists/broken.md:{line}: " in result.output and message in result.output, result.output
    assert "checklist: 2 added, 0 changed, 0 unchanged, 0 removed, 1 failed" in result.output
    assert checklist(db, "broken") is None


def test_a_see_line_to_a_missing_guidance_page_fails_that_checklist_only(runner, content_tree, db):
    path = content_tree / "checklists/first-hour.md"
    path.write_text(path.read_text().replace("See: /guidance/victim-updates", "See: /guidance/not-there"))
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert "checklists/first-hour.md:19: link to '/guidance/not-there' goes nowhere" in result.output
    assert checklist(db, "first-hour") is None
    assert checklist(db, "keeping-updated") is not None


def test_a_link_in_a_reason_is_checked_too(runner, content_tree, db):
    path = content_tree / "checklists/keeping-updated.md"
    path.write_text(path.read_text().replace("Why: It is a right under the national code.",
                                             "Why: It is a [right](/guidance/missing-code)."))
    result = sync(runner, content_tree)
    assert "checklists/keeping-updated.md:8: link to '/guidance/missing-code' goes nowhere" in result.output
    assert checklist(db, "keeping-updated") is None


@pytest.mark.parametrize(("name", "message"), [
    ("notes.txt", "only .md checklists belong in checklists/"),
    ("old/first-hour.md", "a checklist must be at checklists/<slug>.md"),
    ("First_Hour.md", "must be a slug"),
])
def test_files_that_are_not_checklists_are_refused(runner, content_tree, name, message):
    target = content_tree / "checklists" / name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(content_tree / "checklists/first-hour.md", target)
    result = sync(runner, content_tree)
    assert result.exit_code == 1 and f"checklists/{name}" in result.output and message in result.output


def test_a_removed_file_retires_its_checklist_and_a_broken_one_keeps_its_last_good_version(runner, content_tree, db):
    sync(runner, content_tree)
    (content_tree / "checklists/keeping-updated.md").unlink()
    path = content_tree / "checklists/first-hour.md"
    path.write_text(path.read_text().replace("title:", "titel:"))
    result = sync(runner, content_tree)
    assert "removed: checklists/keeping-updated.md" in result.output and result.exit_code == 1
    db.session.expire_all()
    assert checklist(db, "keeping-updated").is_retired
    assert db.session.scalar(sa.select(SearchDocument).where(SearchDocument.key == "keeping-updated")) is None
    kept = checklist(db, "first-hour")
    assert not kept.is_retired and kept.title == "First hour: key steps"
    assert db.session.scalar(sa.select(AuditEvent.summary).where(AuditEvent.action == "checklist.retired")) \
        == "Retired checklist 'Keeping people updated': source file removed"


def test_a_retired_checklist_comes_back_when_its_file_does(runner, content_tree, db):
    sync(runner, content_tree)
    saved = (content_tree / "checklists/keeping-updated.md").read_text()
    (content_tree / "checklists/keeping-updated.md").unlink()
    sync(runner, content_tree)
    (content_tree / "checklists/keeping-updated.md").write_text(saved)
    result = sync(runner, content_tree)
    assert "changed: checklists/keeping-updated.md" in result.output
    db.session.expire_all()
    assert not checklist(db, "keeping-updated").is_retired


def test_script_never_reaches_the_stored_steps(runner, content_tree, db):
    path = content_tree / "checklists/keeping-updated.md"
    path.write_text(path.read_text().replace("Give the caller the crime number",
                                             'Give the number <script>alert(1)</script><img src=x onerror="alert(2)">'))
    assert sync(runner, content_tree).exit_code == 0
    step = checklist(db, "keeping-updated").sections[0]["steps"][1]["html"]
    assert "<script" not in step and "onerror" not in step and step.startswith("Give the number")

