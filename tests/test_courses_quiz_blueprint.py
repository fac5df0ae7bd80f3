"""A quiz's blueprint: every attempt draws at least N questions from each module, so no paper can leave out
victims or outcomes entirely; an import refuses a blueprint the bank cannot meet, saying file and line."""
import random
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.courses.models import Course, Module, QuizAttempt, QuizVersion
from lms.courses.services import draw_questions
from tests.courses_support import answers, library, start, submit  # noqa: F401
from tests.test_content_sync import sync, tree  # noqa: F401  (the same copied tree and sync)

COURSE = "courses/witness-basics"
MODULES = ("first-account", "describing-people", "after-the-account")


def current(db, slug: str) -> QuizVersion:
    return db.session.scalar(sa.select(QuizVersion).join(Course).where(Course.slug == slug,
                                                                       QuizVersion.is_current.is_(True)))


@pytest.mark.parametrize("slug", ["investigation-masterclass", "supervisor-reviews"])
def test_every_paper_of_the_real_courses_meets_the_blueprint_over_many_draws(db, library, slug):
    """Officers with any history of questions asked (including none and a long one) all get papers that cover
    every module at least as often as the blueprint says."""
    version = current(db, slug)
    modules = set(db.session.scalars(sa.select(Module.slug).where(Module.course_id == version.course_id)))
    assert set(version.at_least_per_module) == modules and all(version.at_least_per_module.values())
    rng = random.Random(13)
    for _ in range(300):
        asked = Counter({question.fingerprint: rng.randrange(4) for question in version.questions
                         if rng.random() < 0.6})
        paper = draw_questions(version, asked, rng)
        assert len(paper) == version.draw == len({question.id for question in paper})
        drawn = Counter(question.module_slug for question in paper)
        for module, at_least in version.at_least_per_module.items():
            assert drawn[module] >= at_least, (module, drawn)


def test_the_masterclass_never_leaves_victims_or_outcomes_out_of_an_attempt(client, login, make_person, db,
                                                                          library):
    login(make_person())
    attempt_id = start(client, "investigation-masterclass")
    drawn = Counter(item.question.module_slug for item in db.session.get(QuizAttempt, attempt_id).questions)
    assert drawn["victims-and-witnesses"] >= 2 and drawn["outcomes"] >= 2


def test_retakes_keep_to_the_blueprint_and_still_ask_the_least_asked_first(client, login, make_person, db,
                                                                          library):
    """The supervisors' blueprint adds up to the whole paper, so three attempts use the bank of 30 exactly."""
    login(make_person(rank="PS"))
    version = current(db, "supervisor-reviews")
    seen = set()
    for _ in range(3):
        attempt_id = start(client, "supervisor-reviews")
        attempt = db.session.get(QuizAttempt, attempt_id)
        questions = [item.question for item in attempt.questions]
        assert Counter(question.module_slug for question in questions) == Counter(version.at_least_per_module)
        assert seen.isdisjoint(question.id for question in questions)
        seen |= {question.id for question in questions}
        positions = {item.position for item in attempt.questions}
        submit(client, attempt_id, answers(attempt_id, wrong=positions), "supervisor-reviews")
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.submitted_at -= timedelta(hours=attempt.course.retake_after_hours, seconds=1)
        db.session.commit()
    assert len(seen) == len(version.questions)


def sorted_quiz(front: str, sections: dict[str, int]) -> str:
    """A quiz with `sections[module]` questions under each module's heading."""
    body = []
    for module, count in sections.items():
        body.append(f"# {module}\n")
        body += [f"## {module} question {number}?\n- [x] Yes\n- [ ] No\n> Because.\n" for number in range(count)]
    return f"---\ntitle: Q\n{front}\n---\n" + "\n".join(body)


BLUEPRINT_PROBLEMS = [
    ("draw: 3\nat_least_per_module: 2", {"first-account": 2, "describing-people": 2, "after-the-account": 2}, 4,
     "at_least_per_module adds up to 6 questions but an attempt draws 3"),
    ("draw: 4\nat_least_per_module: {default: 1, describing-people: 3}",
     {"first-account": 2, "describing-people": 2, "after-the-account": 2}, 4,
     "every attempt must draw at least 3 questions on 'describing-people' but the bank has 2"),
    ("draw: 3\nat_least_per_module: 1", {"first-account": 2, "describing-people": 2}, 4,
     "at least 1 question on 'after-the-account' but the bank has 0"),
    ("draw: 3\nat_least_per_module: {first-acount: 1}", {"first-account": 2, "describing-people": 2}, 4,
     "names 'first-acount', which is not a module of this course"),
    ("draw: 3\nat_least_per_module: {default: two}", {"first-account": 2}, 4, "'two' for default is not a whole"),
    ("draw: 2", {"first-account": 1, "describing-peeple": 1}, 12,
     "'# describing-peeple' is not a module of this course (its modules: first-account, describing-people, "
     "after-the-account)"),
]


@pytest.mark.parametrize(("front", "sections", "line", "message"), BLUEPRINT_PROBLEMS)
def test_an_import_refuses_a_blueprint_the_bank_cannot_meet(runner, tree, db, front, sections, line, message):
    (tree / COURSE / "quiz.md").write_text(sorted_quiz(front, sections))
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert f"{COURSE}/quiz.md:{line}: " in result.output and message in result.output, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizVersion)) == 0


def test_a_blueprint_needs_every_question_under_a_module_heading(runner, tree):
    unsorted = "---\ntitle: Q\nat_least_per_module: 1\n---\n## Why?\n- [x] A\n- [ ] B\n> Because.\n"
    (tree / COURSE / "quiz.md").write_text(unsorted)
    assert f"{COURSE}/quiz.md:3: at_least_per_module needs the questions sorted by module" in sync(runner, tree).output
    stray = ("---\ntitle: Q\n---\n## Before any heading?\n- [x] A\n- [ ] B\n> Because.\n\n# first-account\n\n"
             "## Under one?\n- [x] A\n- [ ] B\n> Because.\n")
    (tree / COURSE / "quiz.md").write_text(stray)
    assert f"{COURSE}/quiz.md:4: a question before the first '# <module-slug>' heading" in sync(runner, tree).output
    inside = "---\ntitle: Q\n---\n# first-account\n## Half done?\n- [x] A\n# describing-people\n- [ ] B\n> Why.\n"
    (tree / COURSE / "quiz.md").write_text(inside)
    assert f"{COURSE}/quiz.md:7: a module heading inside a question" in sync(runner, tree).output


def test_a_met_blueprint_is_published_with_each_question_knowing_its_module(runner, tree, db):
    sections = {"first-account": 2, "describing-people": 3, "after-the-account": 1}
    (tree / COURSE / "quiz.md").write_text(sorted_quiz("draw: 4\nat_least_per_module: {default: 1, "
                                                       "describing-people: 2}", sections))
    result = sync(runner, tree)
    assert result.exit_code == 0, result.output
    version = current(db, "witness-basics")
    assert version.at_least_per_module == {"first-account": 1, "describing-people": 2, "after-the-account": 1}
    assert Counter(question.module_slug for question in version.questions) == Counter(sections)
    rng = random.Random(5)
    for _ in range(100):
        drawn = Counter(question.module_slug for question in draw_questions(version, Counter(), rng))
        assert drawn["describing-people"] >= 2 and drawn["first-account"] >= 1 and drawn["after-the-account"] == 1
