"""Quiz attempts left open are closed as abandoned (not failed, not counted) after QUIZ_ABANDON_AFTER_HOURS; and an
officer who starts the quiz with modules unread is warned first, with the way back."""
from datetime import timedelta

import sqlalchemy as sa

from lms.completion.load import learner_of, load_records, statuses
from lms.courses.models import QuizAttempt
from lms.courses.progress import progress_of
from lms.courses.services import quiz_state, start_attempt
from lms.extensions import db
from lms.timeutil import utcnow
from tests.courses_support import SLUG, answers, course, start, submit  # noqa: F401


def attempts():
    return db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.id)).all()


def leave_open(attempt_id: int, hours: float) -> QuizAttempt:
    item = db.session.get(QuizAttempt, attempt_id)
    item.started_at = utcnow() - timedelta(hours=hours)
    db.session.commit()
    return item


def test_an_attempt_left_open_past_the_limit_is_abandoned_not_failed(client, make_person, login, course):
    person = make_person()
    login(person)
    first = start(client)
    leave_open(first, hours=25)  # the default limit is 24 hours

    quiz = client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    assert "Closed unsubmitted" in quiz and "Continue your attempt" not in quiz and "Start the quiz" in quiz
    shown = client.get(f"/courses/{SLUG}/quiz/attempts/{first}", follow_redirects=True).get_data(as_text=True)
    assert "This attempt was closed because it was left unsubmitted for too long." in shown
    late = submit(client, first, answers(first))
    assert late.status_code == 302 and late.headers["Location"].endswith(f"/courses/{SLUG}/quiz")
    assert db.session.get(QuizAttempt, first).submitted_at is None

    state = quiz_state(course, progress_of(person.id, course), utcnow())
    assert (state.status, state.attempts_used, state.attempts_left) == ("not_taken", 0, 3)
    second = start(client)
    assert second != first
    old, new = attempts()
    assert old.abandoned_at is not None and old.is_passed is None and old.score_percent is None
    assert new.abandoned_at is None and new.submitted_at is None
    assert submit(client, second, answers(second)).status_code == 302
    assert db.session.get(QuizAttempt, second).is_passed


def test_the_limit_is_a_setting(app, client, make_person, login, course, monkeypatch):
    monkeypatch.setitem(app.config, "QUIZ_ABANDON_AFTER_HOURS", 1)
    login(make_person())
    attempt_id = start(client)
    leave_open(attempt_id, hours=0.5)
    assert "Continue your attempt" in client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)
    leave_open(attempt_id, hours=1.5)
    assert "Closed unsubmitted" in client.get(f"/courses/{SLUG}/quiz").get_data(as_text=True)


def test_the_cron_step_closes_every_stale_attempt_and_no_fresh_one(client, make_person, login, course, runner):
    login(make_person())
    stale = start(client)
    leave_open(stale, hours=30)
    other = make_person()
    fresh = start_attempt(other, course, progress_of(other.id, course)).id
    db.session.commit()
    result = runner.invoke(args=["courses", "close-abandoned"])
    assert result.exit_code == 0 and "Closed 1 abandoned quiz attempt." in result.output
    db.session.expire_all()
    assert db.session.get(QuizAttempt, stale).abandoned_at is not None
    assert db.session.get(QuizAttempt, fresh).abandoned_at is None


def test_starting_with_modules_unread_warns_first_and_offers_the_way_back(client, make_person, login, course):
    login(make_person())
    client.post(f"/courses/{SLUG}/modules/first-account/read")
    warned = client.post(f"/courses/{SLUG}/quiz/start")
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200 and attempts() == []
    assert "You have 3 attempts; you have not read modules 2 and 3." in page
    assert f'href="/courses/{SLUG}/modules/describing-people">Go back and read module 2</a>' in page
    assert "Start the quiz anyway" in page
    going_on = client.post(f"/courses/{SLUG}/quiz/start", data={"unread": "confirmed"})
    assert going_on.status_code == 302 and len(attempts()) == 1


def test_no_warning_once_every_module_is_read(client, make_person, login, course):
    login(make_person())
    for slug in ("first-account", "describing-people", "after-the-account"):
        client.post(f"/courses/{SLUG}/modules/{slug}/read")
    response = client.post(f"/courses/{SLUG}/quiz/start")
    assert response.status_code == 302 and "/quiz/attempts/" in response.headers["Location"]


def test_an_open_attempt_is_judged_at_the_moment_asked_about_not_at_the_clock_s(client, make_person, login, course):
    person = make_person()
    login(person)
    attempt_id = start(client)
    started = leave_open(attempt_id, hours=30).started_at  # abandoned by now
    learner = learner_of(person)
    then = load_records([learner], [course], now=started + timedelta(hours=1))[(person.id, course.id)]
    assert then.progress.in_progress_attempt_id == attempt_id and then.facts.has_started
    now = load_records([learner], [course], now=started + timedelta(hours=30))[(person.id, course.id)]
    assert now.progress.in_progress_attempt_id is None and not now.facts.has_started
    key = (person.id, course.id)
    assert statuses([learner], [course], now=started + timedelta(hours=1))[key].code == "in_progress"
    assert statuses([learner], [course], now=started + timedelta(hours=30))[key].code != "in_progress"
