"""The quiz: start, answer, submit once, score and pass mark, the attempt policy, and tampered submissions."""
import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.courses.models import AttemptQuestion, QuizAttempt, QuizVersion
from lms.courses.progress import progress_of
from lms.courses.services import start_attempt
from lms.timeutil import format_datetime
from tests.courses_support import (SLUG, answers, course, csrf_client_signed_in, sign_in_as, start,  # noqa: F401
                                   submit, take_quiz, token_on)


ATTEMPT_URL = f"/courses/{SLUG}/quiz/attempts/{{}}"


def attempts(db):
    return db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.id)).all()


def version(db) -> QuizVersion:
    return db.session.scalar(sa.select(QuizVersion).where(QuizVersion.is_current.is_(True)))


def test_an_officer_passes_and_sees_every_answer_explained_with_its_guidance(client, make_person, login, db,
                                                                               course):
    login(make_person())
    attempt_id = start(client)
    page = client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert page.index("When should a witness") < page.index("looked like a builder") < page.index("good description")
    assert "Choose all that apply." in page and 'type="checkbox"' in page and 'type="radio"' in page
    response = submit(client, attempt_id, answers(attempt_id))
    assert response.status_code == 302 and response.headers["Location"].endswith(ATTEMPT_URL.format(attempt_id))
    result = client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert "Passed" in result and "100%" in result
    assert "The first account is relevant material and fades fast." in result
    assert '<a class="govuk-link" href="/guidance/golden-hour">Read the guidance: The golden hour</a>' in result
    saved = attempts(db)[0]
    assert (saved.score_percent, saved.is_passed, saved.points) == (100, True, 4.0)
    assert [item.chosen_ids for item in saved.questions] == [
        {option.id for option in item.question.options if option.is_correct} for item in saved.questions]


def test_a_fail_below_the_pass_mark_marks_each_wrong_answer_and_shows_the_right_one(client, make_person, login,
                                                                                   db, course):
    login(make_person())
    attempt_id = take_quiz(client, wrong={1, 2})
    result = client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert "Not passed" in result and "50%" in result and "pass mark 60%" in result
    assert result.count("govuk-tag--red\">Wrong") == 2 and result.count("Correct answer") == 5
    saved = attempts(db)[0]
    assert (saved.score_percent, saved.is_passed) == (50, False)
    assert [item.is_correct for item in saved.questions] == [False, False, True, True]


def test_a_failed_result_says_how_many_attempts_are_left_and_when_the_next_may_start(client, make_person, login,
                                                                                     db, course):
    officer = make_person()
    login(officer)
    attempt_id = take_quiz(client, wrong={1, 2})
    submitted_at = attempts(db)[0].submitted_at
    result = client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert "2 of 4 questions fully right" in result and "You have 2 attempts left." in result
    assert f"You can try again from {format_datetime(submitted_at + timedelta(hours=24))}." in result
    sign_in_as(client, login, make_person(roles=("trainer",)))
    seen_by_trainer = client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert f"{officer.name}'s attempt" in seen_by_trainer and "attempts left" not in seen_by_trainer
    assert len(attempts(db)) == 1


def test_a_part_right_choose_all_answer_scores_nothing_unless_the_quiz_gives_partial_credit(client, make_person,
                                                                                            login, db, course):
    login(make_person())
    quiz_page = client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    assert "a part-right answer scores nothing for that question" in quiz_page
    attempt_id = start(client)
    submit(client, attempt_id, answers(attempt_id, partly={3}))
    assert attempts(db)[0].score_percent == 75
    version(db).is_partial_credit = True
    db.session.commit()
    sign_in_as(client, login, make_person())
    assert "each right option you tick earns a share" in client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    attempt_id = start(client)
    submit(client, attempt_id, answers(attempt_id, partly={3}))
    partial = db.session.get(QuizAttempt, attempt_id)
    assert (partial.points, partial.score_percent) == (3.5, 87)
    assert "Partly right (50% of the mark)" in client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)


def test_the_drawn_questions_and_option_order_are_fixed_for_the_attempt(client, make_person, login, db, course):
    quiz = version(db)
    quiz.draw, quiz.is_shuffled = 2, True
    db.session.commit()
    login(make_person())
    attempt_id = start(client)
    first = client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert first == client.get(ATTEMPT_URL.format(attempt_id)).get_data(as_text=True)
    assert start(client) == attempt_id  # starting again resumes; nothing new is drawn
    saved = attempts(db)
    assert len(saved) == 1 and len(saved[0].questions) == 2
    for item in saved[0].questions:
        values = re.findall(rf'name="choice-{item.id}" type="\w+" value="([^"]+)"', first)
        labels = re.findall(rf'for="choice-{item.id}-\d+">(.*?)</label>', first)
        # The page shows the stored order, and each value is only a place in it: 1, 2, 3, ...
        assert labels == [option.html for option in item.ordered_options()]
        assert values == [str(place) for place in range(1, len(item.option_order) + 1)]


def test_options_are_shuffled_in_every_attempt_and_questions_when_the_quiz_says_so(make_person, db, course):
    person = make_person()
    progress = progress_of(person.id, course)
    authored = start_attempt(person, course, progress, rng=random.Random(3))
    assert [item.question.position for item in authored.questions] == [1, 2, 3, 4]
    assert any(item.option_order != sorted(item.option_order) for item in authored.questions)
    db.session.rollback()
    version(db).is_shuffled = True
    db.session.commit()
    shuffled = start_attempt(person, course, progress, rng=random.Random(3))
    assert [item.question.position for item in shuffled.questions] != [1, 2, 3, 4]
    assert any(item.option_order != sorted(item.option_order) for item in shuffled.questions)


def test_the_cool_down_is_enforced_on_the_server_and_shown(client, make_person, login, db, course):
    login(make_person())
    take_quiz(client, wrong={1, 2})
    response = client.post(f"/courses/{SLUG}/quiz/start")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/courses/{SLUG}/quiz")
    page = client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    assert "You cannot start another attempt yet." in page and "You can try again from" in page
    assert "You have 2 attempts left." in page and "Start another attempt" not in page
    assert len(attempts(db)) == 1
    attempts(db)[0].submitted_at -= timedelta(hours=24, minutes=1)
    db.session.commit()
    assert "Start another attempt" in client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    start(client)
    assert len(attempts(db)) == 2


def test_no_attempt_beyond_the_maximum_and_none_after_a_pass(client, make_person, login, db, course):
    course.retake_after_hours = 0
    db.session.commit()
    login(make_person())
    for _ in range(3):
        take_quiz(client, wrong={1, 2})
    client.post(f"/courses/{SLUG}/quiz/start")
    assert len(attempts(db)) == 3
    assert "You have used all 3 attempts" in client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    sign_in_as(client, login, make_person())
    take_quiz(client)
    follow = client.post(f"/courses/{SLUG}/quiz/start", follow_redirects=True).get_data(as_text=True)
    assert "You have already passed this quiz." in follow
    assert len(attempts(db)) == 4


def test_a_double_submit_or_a_resubmit_changes_nothing(client, make_person, login, db, course):
    login(make_person())
    attempt_id = start(client)
    failing = answers(attempt_id, wrong={1, 2})
    assert submit(client, attempt_id, failing).status_code == 302
    again = submit(client, attempt_id, failing)
    assert again.status_code == 400 and "already been submitted" in again.get_data(as_text=True)
    better = submit(client, attempt_id, answers(attempt_id))
    assert better.status_code == 400
    saved = attempts(db)
    assert len(saved) == 1 and saved[0].score_percent == 50
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "quiz_attempt.submitted")) == 1


def test_the_schema_allows_one_attempt_in_progress_per_person_and_course(make_person, db, course):
    person = make_person()
    quiz = version(db)
    db.session.add(QuizAttempt(person_id=person.id, course_id=course.id, version_id=quiz.id, pass_mark=60))
    db.session.commit()
    db.session.add(QuizAttempt(person_id=person.id, course_id=course.id, version_id=quiz.id, pass_mark=60))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def _first(form: dict) -> str:
    return f"choice-{form['question'][0]}"


def _places(db, form: dict) -> int:
    return len(db.session.get(AttemptQuestion, int(form["question"][0])).option_order)


TAMPERINGS = {
    "a place past the question's last option": lambda form, db: {**form, _first(form): [str(_places(db, form) + 1)]},
    "place 0": lambda form, db: {**form, _first(form): ["0"]},
    "the same place twice": lambda form, db: {**form, _first(form): form[_first(form)] * 2},
    "a question left out": lambda form, db: {**form, "question": form["question"][1:]},
    "a question that is not in the attempt": lambda form, db: {**form, "question": form["question"] + ["999999"]},
    "an answer for a question not shown": lambda form, db: {**form, "choice-999999": ["1"]},
    "a field the quiz never sends": lambda form, db: {**form, "score": "100"},
    "a value that is not a number": lambda form, db: {**form, _first(form): ["one"]},
    "a number with a sign": lambda form, db: {**form, _first(form): ["+1"]},
    "a number with a leading zero": lambda form, db: {**form, _first(form): ["01"]},
    "a number too big for any database": lambda form, db: {**form, _first(form): ["9" * 40]},
    "an answer field from a page of the old kind": lambda form, db: {
        **{key: value for key, value in form.items() if key != _first(form)},
        f"answer-{form['question'][0]}": form[_first(form)]},
    "two answers to a one-answer question": lambda form, db: {**form, _first(form): ["1", "2"]},
}


@pytest.mark.parametrize("kind", TAMPERINGS)
def test_a_tampered_submission_is_refused_and_records_nothing(client, make_person, login, db, course, kind):
    login(make_person())
    attempt_id = start(client)
    form = answers(attempt_id)
    response = submit(client, attempt_id, TAMPERINGS[kind](form, db))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your answers could not be marked" in page and "Nothing has been recorded" in page
    assert "Question 4 of 4" in page and " checked" not in page  # the questions again, nothing ticked
    db.session.expire_all()
    assert attempts(db)[0].submitted_at is None
    assert [item.chosen_mask for item in attempts(db)[0].questions] == [None] * 4
    assert submit(client, attempt_id, answers(attempt_id)).status_code == 302  # the honest form still works


def test_an_unanswered_question_is_asked_for_and_the_other_answers_kept(client, make_person, login, db, course):
    login(make_person())
    attempt_id = start(client)
    form = answers(attempt_id)
    second = form["question"][1]
    chosen_first = form[f"choice-{form['question'][0]}"][0]
    del form[f"choice-{second}"]
    response = submit(client, attempt_id, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="#question-2">Answer question 2</a>' in page
    assert f'value="{chosen_first}" checked' in page
    assert attempts(db)[0].submitted_at is None


def test_an_attempt_started_before_the_quiz_changed_is_marked_on_its_own_questions(client, make_person, login, db,
                                                                                    course):
    login(make_person())
    attempt_id = start(client)
    form = answers(attempt_id)
    old = version(db)
    old.is_current = False
    db.session.flush()
    db.session.add(QuizVersion(course_id=course.id, number=2, title="New", is_current=True, source_path="x",
                               content_hash="y"))
    db.session.commit()
    assert submit(client, attempt_id, form).status_code == 302
    saved = db.session.get(QuizAttempt, attempt_id)
    assert saved.version_id == old.id and saved.score_percent == 100


def test_the_quiz_form_needs_its_csrf_token(app, make_person, db, course, monkeypatch):
    csrf_client = csrf_client_signed_in(app, monkeypatch, make_person())
    assert csrf_client.post(f"/courses/{SLUG}/quiz/start").status_code == 400
    token = token_on(csrf_client, f"/courses/{SLUG}/quiz")
    response = csrf_client.post(f"/courses/{SLUG}/quiz/start", data={"csrf_token": token, "unread": "confirmed"})
    assert response.status_code == 302
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert submit(csrf_client, attempt_id, answers(attempt_id)).status_code == 400
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None
    assert submit(csrf_client, attempt_id, {**answers(attempt_id), "csrf_token": token}).status_code == 302
