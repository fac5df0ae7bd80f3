"""course.md says who must complete a course and by when: the import checks it and stores it for the rule."""
import pytest
import sqlalchemy as sa

from lms.courses.models import Course
from tests.test_content_sync import sync, tree  # noqa: F401

COURSE_MD = "courses/witness-basics/course.md"


def with_fields(tree, fields: str) -> None:
    path = tree / COURSE_MD
    path.write_text(path.read_text().replace("order: 1\n", f"order: 1\n{fields}", 1))


def test_required_ranks_and_due_dates_by_rank_and_team_type_are_imported(runner, tree, db):
    with_fields(tree, "required_of: [PC, DC, PS]\ndue:\n  default: 2027-03-31\n  PS: 2026-10-31\n"
                      "  NEIGHBOURHOOD: '2027-01-15'\ndue_within_days: 90\n")
    result = sync(runner, tree)
    assert result.exit_code == 0, result.output
    course = db.session.scalar(sa.select(Course))
    assert course.required_ranks == ["PC", "DC", "PS"]
    assert course.due_dates == {"default": "2027-03-31", "PS": "2026-10-31", "NEIGHBOURHOOD": "2027-01-15"}
    assert course.due_within_days == 90
    assert course.is_required_of("DC") and not course.is_required_of("INSP")


def test_one_due_date_is_everyones_and_no_settings_mean_everyone_and_no_date(runner, tree, db):
    assert sync(runner, tree).exit_code == 0
    course = db.session.scalar(sa.select(Course))
    assert (course.required_ranks, course.due_dates, course.due_within_days) == ([], {}, None)
    with_fields(tree, "due: 2027-03-31\n")
    assert "changed: courses/witness-basics/course.md" in sync(runner, tree).output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Course)).due_dates == {"default": "2027-03-31"}


@pytest.mark.parametrize("fields, message", [
    ("required_of: [PC, Sergeant]\n", "required_of lists rank codes such as PC, DC, PS, DS (not 'Sergeant')"),
    ("due:\n  SERGEANTS: 2027-01-01\n", "'SERGEANTS' is not default, a rank code or a team type"),
    ("due: next spring\n", "'next spring' is not a date written YYYY-MM-DD"),
    ("due:\n  PS: 31/01/2027\n", "'31/01/2027' is not a date written YYYY-MM-DD"),
    ("due_within_days: 0\n", "due_within_days must be at least 1"),
])
def test_a_bad_completion_setting_is_reported_on_its_line_and_nothing_loads(runner, tree, db, fields, message):
    with_fields(tree, fields)
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert f"{COURSE_MD}:" in result.output and message in result.output, result.output
    assert db.session.scalar(sa.select(Course)) is None
