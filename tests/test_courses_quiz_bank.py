"""A retake is a new paper: each attempt draws the questions the officer has been asked least, so the explanations
shown after one attempt do not hand over the next; the supervisors' course has a bank and an attempt policy."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.courses.models import Course, QuizAttempt, QuizVersion
from tests.courses_support import CONTENT, SLUG, answers, course, library, start, submit  # noqa: F401

SUPERVISORS = "supervisor-reviews"


def asked(db, attempt_id: int) -> set[str]:
    """The questions of an attempt, by their text."""
    return {item.question.text for item in db.session.get(QuizAttempt, attempt_id).questions}


def fail(client, db, attempt_id: int, slug: str) -> None:
    """Submit the attempt with every question wrong, then move its submission back past the cool-down."""
    positions = {item.position for item in db.session.get(QuizAttempt, attempt_id).questions}
    assert submit(client, attempt_id, answers(attempt_id, wrong=positions), slug).status_code == 302
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.score_percent == 0
    attempt.submitted_at -= timedelta(hours=attempt.course.retake_after_hours, minutes=1)
    db.session.commit()


def test_each_retake_draws_the_questions_not_yet_asked(client, login, make_person, db, course):
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id))
    version.draw = 2
    db.session.commit()
    login(make_person())
    first = start(client)
    fail(client, db, first, SLUG)
    second = start(client)
    assert len(asked(db, first)) == len(asked(db, second)) == 2
    assert asked(db, first).isdisjoint(asked(db, second))  # the bank of four is used up before anything repeats
    fail(client, db, second, SLUG)
    assert len(asked(db, start(client))) == 2


def test_the_supervisors_course_has_a_bank_that_gives_every_allowed_attempt_a_new_paper(db, library):
    course = db.session.scalar(sa.select(Course).where(Course.slug == SUPERVISORS))
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                             QuizVersion.is_current.is_(True)))
    assert (course.max_attempts, course.retake_after_hours, version.draw) == (3, 24, 10)
    assert len(version.questions) >= version.draw * course.max_attempts


def test_a_supervisor_who_fails_gets_a_new_paper_each_time_and_no_fourth(client, login, make_person, db, library):
    login(make_person(rank="PS"))
    seen: set[str] = set()
    for number in range(1, 4):
        attempt_id = start(client, SUPERVISORS)
        questions = asked(db, attempt_id)
        assert len(questions) == 10 and questions.isdisjoint(seen), f"attempt {number} repeats a question"
        seen |= questions
        fail(client, db, attempt_id, SUPERVISORS)
        result = client.get(f"/courses/{SUPERVISORS}/quiz/attempts/{attempt_id}").get_data(as_text=True)
        # The result explains every answer: safe, because the next paper asks none of these questions.
        assert "Not passed" in result and result.count('<h4 class="govuk-heading-s">Why</h4>') == 10
        if number < 3:
            assert f"You have {3 - number} attempt{'s' if number == 1 else ''} left." in result
    refused = client.post(f"/courses/{SUPERVISORS}/quiz/start", follow_redirects=True).get_data(as_text=True)
    assert "You have used all your attempts at this quiz." in refused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 3


def test_the_supervisors_cool_down_holds_between_attempts(client, login, make_person, db, library):
    login(make_person(rank="PS"))
    attempt_id = start(client, SUPERVISORS)
    positions = {item.position for item in db.session.get(QuizAttempt, attempt_id).questions}
    submit(client, attempt_id, answers(attempt_id, wrong=positions), SUPERVISORS)
    response = client.post(f"/courses/{SUPERVISORS}/quiz/start")
    assert response.headers["Location"].endswith(f"/courses/{SUPERVISORS}/quiz")
    assert "You can try again from" in client.get(f"/courses/{SUPERVISORS}/quiz").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


@pytest.mark.parametrize("slug", ["investigation-masterclass", SUPERVISORS])
def test_the_right_option_is_not_written_first_throughout_the_real_quizzes(slug):
    """The shuffle makes authoring order irrelevant to officers; trainers' analytics and the files themselves still
    show it, so the right answer is not habitually first."""
    blocks = re.split(r"\n## ", (CONTENT / "courses" / slug / "quiz.md").read_text())[1:]
    single = [block for block in blocks if block.count("- [x]") == 1]
    right_first = sum(block.split("\n- [", 1)[1].startswith("x") for block in single)
    assert len(blocks) >= 30 and right_first <= len(single) / 2, (right_first, len(single))
