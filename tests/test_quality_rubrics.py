"""Rubrics as content: imported with `flask content sync`, errors with file and line, and versioned so a review
keeps the criteria it was scored against."""
import pytest
import sqlalchemy as sa

from lms.quality.models import Rubric, RubricVersion

RUBRIC = "rubrics/plan-review.md"


def sync(runner, content_tree):
    return runner.invoke(args=["content", "sync", "--path", str(content_tree)])


def rubric(db, slug="plan-review") -> Rubric | None:
    return db.session.scalar(sa.select(Rubric).where(Rubric.slug == slug))


def versions(db, slug="plan-review") -> list[RubricVersion]:
    return list(db.session.scalars(sa.select(RubricVersion).join(Rubric).where(Rubric.slug == slug)
                                   .order_by(RubricVersion.number)))


def test_a_rubric_is_imported_with_its_criteria_and_levels_and_a_second_sync_changes_nothing(runner, content_tree, db):
    first = sync(runner, content_tree)
    assert first.exit_code == 0, first.output
    assert "rubric: 1 added" in first.output
    assert "rubric: 0 added, 0 changed, 1 unchanged" in sync(runner, content_tree).output
    stored = rubric(db)
    assert (stored.title, stored.use, stored.version) == ("Plan review (test)", "plan-review", 1)
    [version] = versions(db)
    assert [criterion["title"] for criterion in version.criteria] == ["Hypotheses", "Victim care"]
    assert version.criteria[0]["levels"][2] == {"score": 2, "label": "Meets the standard",
                                                "html": "Alternatives recorded with the enquiries that test them."}
    assert version.max_score == 4


def test_changed_criteria_make_a_new_version_and_the_old_one_is_kept(runner, content_tree, db):
    sync(runner, content_tree)
    path = content_tree / RUBRIC
    path.write_text(path.read_text().replace("- 2 Meets the standard: Needs assessed, updates agreed.",
                                             "- 2 Meets the standard: Needs assessed, updates agreed.\n"
                                             "- 3 Strong: Risk reassessed as the case moves on."))
    assert sync(runner, content_tree).exit_code == 0
    old, new = versions(db)
    assert (old.number, old.max_score, new.number, new.max_score) == (1, 4, 2, 5)
    assert rubric(db).version == 2
    # A change to the summary alone is no new standard to score against.
    path.write_text(path.read_text().replace("A small plan review rubric", "A short plan review rubric"))
    result = sync(runner, content_tree)
    assert "rubric: 0 added, 1 changed" in result.output
    assert len(versions(db)) == 2


def test_the_real_rubrics_import_cleanly(app, db):
    from pathlib import Path

    from lms.quality.rubric_format import parse_rubric

    for path in sorted((Path(app.root_path).parent / "content" / "rubrics").glob("*.md")):
        data = parse_rubric(path)
        assert len(data.criteria) >= 5 and data.max_score > 0


FRONT = "---\ntitle: Broken\nsummary: A rubric with a fault.\nuse: plan-review\n---\n"


@pytest.mark.parametrize("body, line, message", [
    ("## Hypotheses\n- 0 None: nothing.\n- 1 Some: some.\n", 6, "needs at least 2 criteria"),
    ("## One\n- 0 A: a.\n- 2 B: b.\n\n## Two\n- 0 A: a.\n- 1 B: b.\n", 8, "must be scored 0, 1, 2"),
    ("## One\n- 0 A: a.\n- one B: b.\n\n## Two\n- 0 A: a.\n- 1 B: b.\n", 8, "write a level as"),
    ("## One\n- 0 A: a.\n\n## Two\n- 0 A: a.\n- 1 B: b.\n", 6, "needs at least 2 levels"),
    ("## One\n- 0 A: a.\n- 1 B: b.\n\n## one\n- 0 A: a.\n- 1 B: b.\n", 10, "appears twice"),
    ("Intro text.\n## One\n- 0 A: a.\n- 1 B: b.\n", 6, "text before the first criterion"),
    ("## One\n- 0 A: a.\nLate guide.\n- 1 B: b.\n## Two\n- 0 A: a.\n- 1 B: b.\n", 8, "goes before its levels"),
    ("## One\n- 0 A: a.\n- 1 B:\n## Two\n- 0 A: a.\n- 1 B: b.\n", 8, "says nothing"),
])
def test_a_broken_rubric_is_reported_with_its_line_and_nothing_of_it_is_loaded(runner, content_tree, db, body, line,
                                                                                message):
    (content_tree / "rubrics" / "broken.md").write_text(FRONT + body)
    result = sync(runner, content_tree)
    assert result.exit_code == 1
    assert f"rubrics/broken.md:{line}: " in result.output and message in result.output, result.output
    assert rubric(db, "broken") is None and rubric(db) is not None


def test_a_rubric_for_an_unknown_use_is_refused(runner, content_tree, db):
    (content_tree / "rubrics" / "broken.md").write_text(FRONT.replace("plan-review", "appraisal") +
                                                         "## One\n- 0 A: a.\n- 1 B: b.\n## Two\n- 0 A: a.\n- 1 B: b.\n")
    assert "rubrics/broken.md:4: use must be one of plan-review, quality-audit" in sync(runner, content_tree).output
