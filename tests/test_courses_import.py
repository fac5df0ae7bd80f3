"""Course import: validation with file and line, all-or-nothing courses, quiz versions, retirement, search."""
import shutil

import pytest
import sqlalchemy as sa

from lms.courses.models import Course, Module, QuizAttempt, QuizVersion
from lms.search.models import SearchDocument
from tests.test_content_sync import sync, tree  # noqa: F401  (the same copied tree and sync)

COURSE = "courses/witness-basics"


def quiz_with(body: str, front: str = "title: Q") -> str:
    return f"---\n{front}\n---\n{body}"


GOOD_Q = "## Good question?\n- [x] Yes\n- [ ] No\n> Because.\n"

QUIZ_PROBLEMS = [
    ("## No right answer?\n- [ ] A\n- [ ] B\n> Why.\n", 4, "no option is marked correct"),
    ("## Empty option?\n- [x] A\n- [ ] \n> Why.\n", 6, "empty option"),
    ("## Only one?\n- [x] A\n> Why.\n", 4, "at least two options"),
    (GOOD_Q + "\n## Good question?\n- [x] Yes\n- [ ] No\n> Again.\n", 9, "duplicate question: the same as line 4"),
    ("## No explanation?\n- [x] A\n- [ ] B\n", 4, "missing explanation"),
    ("## Cites nothing real?\n- [x] A\n- [ ] B\n> See [gone](/guidance/not-a-page).\n", 7,
     "link to '/guidance/not-a-page' goes nowhere"),
    ("Stray text\n" + GOOD_Q, 4, "text before the first question"),
    ("## Plain list?\n- [x] A\n- B\n> Why.\n", 6, "an option must start with '- [ ]'"),
    ("## Option after why?\n- [x] A\n- [ ] B\n> Why.\n- [ ] C\n", 8, "an option after the explanation"),
]


@pytest.mark.parametrize(("body", "line", "message"), QUIZ_PROBLEMS)
def test_a_quiz_problem_is_reported_with_its_line_and_the_course_loads_nothing(runner, tree, db, body, line,
                                                                                message):
    (tree / COURSE / "quiz.md").write_text(quiz_with(body))
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert f"{COURSE}/quiz.md:{line}: " in result.output and message in result.output, result.output
    assert "course: 0 added, 0 changed, 0 unchanged, 0 removed, 5 failed" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Module)) == 0


def test_unknown_quiz_field_and_a_draw_bigger_than_the_bank_are_reported(runner, tree):
    (tree / COURSE / "quiz.md").write_text(quiz_with(GOOD_Q, "title: Q\nshufle: true"))
    assert f"{COURSE}/quiz.md:3: unknown field 'shufle'" in sync(runner, tree).output
    (tree / COURSE / "quiz.md").write_text(quiz_with(GOOD_Q, "title: Q\ndraw: 3"))
    assert f"{COURSE}/quiz.md:3: 'draw' is 3 but the bank has 1 question" in sync(runner, tree).output


def test_a_module_number_gap_is_reported_on_the_file_after_it(runner, tree, db):
    (tree / COURSE / "03-after-the-account.md").rename(tree / COURSE / "04-after-the-account.md")
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert f"{COURSE}/04-after-the-account.md: module number gap: expected 03 here, found 04" in result.output
    assert db.session.scalar(sa.select(Course)) is None


@pytest.mark.parametrize(("file", "old", "new", "line", "message"), [
    ("course.md", "pass_mark: 60", "pass_mark: 60\ncolour: blue", 6, "unknown field 'colour'"),
    ("course.md", "completion: [modules, quiz, session]", "completion: [modules, exam]", 8,
     "completion lists any of: modules, quiz, session (not 'exam')"),
    ("course.md", "pass_mark: 60", "pass_mark: 160", 5, "pass_mark is a percentage from 1 to 100"),
    ("01-first-account.md", "minutes: 10\n", "", 2, "missing required field 'minutes'"),
    ("01-first-account.md", "(/guidance/golden-hour)", "(/guidance/nowhere)", 14,
     "link to '/guidance/nowhere' goes nowhere"),
])
def test_course_and_module_problems_name_file_and_line(runner, tree, db, file, old, new, line, message):
    path = tree / COURSE / file
    path.write_text(path.read_text().replace(old, new))
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert f"{COURSE}/{file}:{line}: {message}" in result.output, result.output
    assert db.session.scalar(sa.select(Course)) is None


def test_a_course_that_breaks_later_keeps_its_last_good_version_of_every_file(runner, tree, db):
    assert sync(runner, tree).exit_code == 0
    module = tree / COURSE / "02-describing-people.md"
    module.write_text(module.read_text().replace("Describing people", "Describing people well"))
    (tree / COURSE / "quiz.md").write_text(quiz_with("## Broken?\n- [ ] A\n- [ ] B\n> Why.\n"))
    result = sync(runner, tree)
    assert result.exit_code == 1 and "5 failed" in result.output
    titles = set(db.session.scalars(sa.select(Module.title)))
    assert "Describing people" in titles and "Describing people well" not in titles
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizVersion)) == 1


def test_second_sync_changes_nothing_and_modules_join_search(runner, tree, db):
    first = sync(runner, tree)
    assert "course: 5 added, 0 changed, 0 unchanged, 0 removed, 0 failed" in first.output
    assert "course: 0 added, 0 changed, 5 unchanged, 0 removed, 0 failed" in sync(runner, tree).output
    documents = db.session.execute(sa.select(SearchDocument.key, SearchDocument.context)
                                   .where(SearchDocument.kind == "module")).all()
    assert sorted(documents) == [("witness-basics/after-the-account", "Witness basics"),
                                 ("witness-basics/describing-people", "Witness basics"),
                                 ("witness-basics/first-account", "Witness basics")]


def test_module_text_is_found_by_search(client, make_person, login, synced_content):
    login(make_person())
    body = client.get("/search", query_string={"q": "distinctive"}).get_data(as_text=True)
    assert "Describing people" in body and "/courses/witness-basics/modules/describing-people" in body


def test_a_changed_quiz_is_a_new_version_and_old_attempts_keep_their_questions(runner, tree, db, client,
                                                                               make_person, login):
    from tests.courses_support import take_quiz

    assert sync(runner, tree).exit_code == 0
    login(make_person())
    attempt_id = take_quiz(client)
    before = client.get(f"/courses/witness-basics/quiz/attempts/{attempt_id}").get_data(as_text=True)
    quiz = tree / COURSE / "quiz.md"
    quiz.write_text(quiz.read_text().replace("Straight away, in their own words", "At once, word for word"))
    result = sync(runner, tree)
    assert "changed: courses/witness-basics/quiz.md" in result.output
    versions = db.session.execute(sa.select(QuizVersion.number, QuizVersion.is_current)
                                  .order_by(QuizVersion.number)).all()
    assert versions == [(1, False), (2, True)]
    assert db.session.get(QuizAttempt, attempt_id).version.number == 1
    after = client.get(f"/courses/witness-basics/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Straight away, in their own words" in after and "At once, word for word" not in after
    assert before.split("<main")[1] == after.split("<main")[1]


def test_a_removed_module_and_course_are_retired_with_history_kept(runner, tree, db, client, make_person, login):
    from tests.courses_support import take_quiz

    assert sync(runner, tree).exit_code == 0
    login(make_person())
    attempt_id = take_quiz(client)
    (tree / COURSE / "03-after-the-account.md").unlink()
    result = sync(runner, tree)
    assert result.exit_code == 0 and "removed: courses/witness-basics/03-after-the-account.md" in result.output
    assert db.session.scalar(sa.select(Module.is_retired).where(Module.slug == "after-the-account")) is True
    assert client.get("/courses/witness-basics/modules/after-the-account").status_code == 404
    shutil.rmtree(tree / COURSE)
    result = sync(runner, tree)
    assert result.exit_code == 0, result.output
    course = db.session.scalar(sa.select(Course))
    assert course.is_retired and db.session.scalar(sa.select(QuizVersion.is_current)) is False
    assert client.get("/courses/witness-basics/").status_code == 410
    assert "Witness basics" not in client.get("/courses/").get_data(as_text=True)
    assert client.get(f"/courses/witness-basics/quiz/attempts/{attempt_id}").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)
                             .where(SearchDocument.kind == "module")) == 0


def test_the_real_course_folder_layout_is_checked(runner, tree):
    (tree / COURSE / "notes.txt").write_text("scribbles")
    (tree / "courses/Bad Name").mkdir()
    (tree / "courses/empty").mkdir()
    output = sync(runner, tree).output
    assert f"{COURSE}/notes.txt: unexpected file" in output
    assert "courses/Bad Name: course folder 'Bad Name' must be lower-case" in output
    assert "courses/empty/course.md: missing: every course folder needs a course.md" in output
