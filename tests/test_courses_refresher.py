"""The refresher cycle: an officer starts a refresher when it is due, or a trainer or admin resets a course with a
reason; modules, quiz attempts (and their limit) and sessions then count afresh, and the rule, reports, transcript
and My training show the earlier completion beside the current cycle."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.completion.load import learner_of, london_day, status_of, statuses
from lms.completion.rule import CourseRule, Facts, Learner, decide
from lms.courses.models import Course, CourseCycle, QuizAttempt
from lms.courses.progress import progress_of
from lms.courses.services import quiz_state
from lms.extensions import db
from lms.sessions.booking import book as book_seat
from lms.sessions.rules import SessionRuleError
from lms.timeutil import utcnow
from tests.courses_support import answers, start, submit
from tests.reports_support import ago, attempt, attend, complete, course, force, session_of  # noqa: F401

SLUG = "witness-basics"
TODAY = date(2026, 11, 25)
PC = Learner(1, "PC", "RESPONSE", date(2020, 1, 1))
DONE = date(2024, 6, 1)


def rule(months=24, due=None) -> CourseRule:
    return CourseRule.of(Course(completion=["modules", "quiz", "session"], required_ranks=[], due_dates=due or {},
                                due_within_days=None, valid_for_months=months))


@pytest.mark.parametrize("why, course_rule, facts, code, completed_on", [
    ("a refresher begun, nothing done yet: still due", rule(), Facts(previous_completed_on=DONE), "refresher_due",
     None),
    ("a refresher half done is still due", rule(), Facts(date(2026, 11, 1), None, None, True,
                                                         previous_completed_on=DONE), "refresher_due", None),
    ("every part done again: complete on the new date", rule(),
     Facts(date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3), True, previous_completed_on=DONE), "complete",
     date(2026, 11, 3)),
    ("a reset before the refresher was due is not overdue against the first due date",
     rule(due={"default": "2025-01-01"}), Facts(previous_completed_on=date(2025, 12, 1)), "not_started", None),
    ("a reset course booked again says booked", rule(),
     Facts(None, None, None, True, datetime(2026, 12, 1, 9), previous_completed_on=date(2025, 12, 1)), "booked",
     None),
])
def test_the_rule_reads_a_new_cycle(why, course_rule, facts, code, completed_on):
    status = decide(course_rule, PC, facts, TODAY)
    assert (status.code, status.completed_on, status.previous_completed_on) == (code, completed_on,
                                                                                facts.previous_completed_on)
    assert status.text.endswith("(previously completed 1 June 2024)" if facts.previous_completed_on == DONE
                                else "(previously completed 1 December 2025)")


def read_all(client, db):
    for slug in ("first-account", "describing-people", "after-the-account"):
        assert client.post(f"/courses/{SLUG}/modules/{slug}/read").status_code == 302


def cycles(person):
    return db.session.scalars(sa.select(CourseCycle).where(CourseCycle.person_id == person.id)
                              .order_by(CourseCycle.id)).all()


def test_an_officer_whose_refresher_is_due_starts_it_and_completes_the_course_again(client, login, force, course):
    officer = force.officer()
    old = ago(days=800)
    complete(officer, course, at=old)
    for _ in range(2):  # the first cycle used every attempt: two fails and the pass
        attempt(officer, course, passed=False, at=old - timedelta(days=3))
    login(officer)
    page = client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    assert "Refresher due" in page and "Start your refresher" in page and "3 of 3 modules read" in page
    # Before the refresher starts, the quiz is passed and the attended session still counts, as before.
    refused = client.post(f"/courses/{SLUG}/quiz/start", data={"unread": "confirmed"}, follow_redirects=True)
    assert "You have already passed this quiz." in refused.get_data(as_text=True)
    future = session_of(course, utcnow().replace(microsecond=0) + timedelta(days=7), seats_taken=0)
    with pytest.raises(SessionRuleError, match="no need to book another"):
        book_seat(officer, future, officer)
    db.session.rollback()

    response = client.post(f"/courses/{SLUG}/refresher", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your refresher has started." in page and "0 of 3 modules read" in page
    assert "Start your refresher" not in page and "previously completed" in page
    [cycle] = cycles(officer)
    completed_before = london_day(old)
    assert (cycle.kind, cycle.previous_completed_on, cycle.started_by_id) == ("refresher", completed_before,
                                                                              officer.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course_cycle.refresher"))
    assert "started a refresher of 'Witness basics'" in event.summary
    module_page = client.get(f"/courses/{SLUG}/modules/first-account").get_data(as_text=True)
    assert "I have read this" in module_page and "You marked this module as read" not in module_page

    # A fresh set of attempts: the limit counts per cycle.
    state = quiz_state(course, progress_of(officer.id, course), utcnow())
    assert (state.status, state.attempts_used, state.attempts_left) == ("not_taken", 0, 3)
    read_all(client, db)
    attempt_id = start(client)
    assert submit(client, attempt_id, answers(attempt_id)).status_code == 302
    assert db.session.get(QuizAttempt, attempt_id).is_passed
    # ... and a new session may be booked, then attended.
    booking = book_seat(officer, future, officer)
    db.session.commit()
    assert booking.status == "booked"
    assert status_of(officer, course).code == "refresher_due"
    cycle.started_at -= timedelta(days=3)  # the register is taken for a session since the refresher began
    db.session.commit()
    attend(officer, course, at=ago(days=1), walk_in=True)
    now_status = status_of(officer, course)
    assert now_status.code == "complete" and now_status.previous_completed_on == completed_before
    assert now_status.completed_on > completed_before
    assert statuses([learner_of(officer)], [course])[(officer.id, course.id)] == now_status

    for path in ("/my-training", f"/courses/{SLUG}/"):
        page = client.get(path).get_data(as_text=True)
        assert "Complete" in page and "previously completed" in page, path


def test_a_refresher_that_is_not_due_cannot_be_started(client, login, force, course):
    officer = force.officer()
    complete(officer, course, at=ago(days=30))
    login(officer)
    page = client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    assert "Start your refresher" not in page
    response = client.post(f"/courses/{SLUG}/refresher", follow_redirects=True)
    assert "Your refresher of this course is not due." in response.get_data(as_text=True)
    assert cycles(officer) == []


def test_an_attempt_open_when_a_cycle_begins_is_closed_as_abandoned(client, login, force, course):
    officer = force.officer()
    complete(officer, course, at=ago(days=800))
    open_attempt = QuizAttempt(person_id=officer.id, course_id=course.id, version_id=course_version(course),
                               started_at=ago(hours=1), pass_mark=60)
    db.session.add(open_attempt)
    db.session.commit()
    login(officer)
    client.post(f"/courses/{SLUG}/refresher")
    db.session.refresh(open_attempt)
    assert open_attempt.abandoned_at is not None and open_attempt.submitted_at is None


def course_version(course):
    from lms.courses.services import current_version
    return current_version(course).id


def test_an_admin_resets_a_course_from_the_transcript_with_a_reason(client, login, force, course):
    officer = force.officer()
    complete(officer, course, at=ago(days=30))
    login(force.admin)
    page = client.get(f"/reports/people/{officer.id}").get_data(as_text=True)
    assert "Reset a course" in page and "Reset the course" in page

    missing = client.post(f"/reports/people/{officer.id}/reset", data={"course": course.id, "reason": "  "})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "There is a problem" in text and "Enter the reason for the reset" in text
    assert "<title>Error:" in text
    nothing = client.post(f"/reports/people/{officer.id}/reset", data={"course": 0, "reason": "Asked to redo it"})
    assert nothing.status_code == 400 and "Choose the course to reset" in nothing.get_data(as_text=True)
    long = client.post(f"/reports/people/{officer.id}/reset", data={"course": course.id, "reason": "x" * 301})
    assert long.status_code == 400 and "300 characters or fewer" in long.get_data(as_text=True)
    assert cycles(officer) == []

    done = client.post(f"/reports/people/{officer.id}/reset",
                       data={"course": course.id, "reason": "Failed the workplace assessment"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "course has been reset" in text and "previously completed" in text
    [cycle] = cycles(officer)
    assert (cycle.kind, cycle.reason, cycle.started_by_id) == ("reset", "Failed the workplace assessment",
                                                              force.admin.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course_cycle.reset"))
    assert event.actor_id == force.admin.id and "Failed the workplace assessment" in event.summary
    status = status_of(officer, course)
    assert status.code == "not_started" and status.previous_completed_on == london_day(ago(days=30))
    csv = client.get(f"/reports/people/{officer.id}.csv").get_data(as_text=True)
    assert "previously completed" in csv


def test_only_trainers_and_admins_may_reset(client, login, force, course):
    officer = force.officer()
    complete(officer, course, at=ago(days=30))
    login(force.sergeant_a)  # a supervisor sees the transcript, but may not reset
    assert "Reset a course" not in client.get(f"/reports/people/{officer.id}").get_data(as_text=True)
    response = client.post(f"/reports/people/{officer.id}/reset", data={"course": course.id, "reason": "Because"})
    assert response.status_code == 403
    login(officer)
    assert client.post(f"/reports/people/{officer.id}/reset",
                       data={"course": course.id, "reason": "Because"}).status_code == 403
    assert cycles(officer) == []


def test_bulk_statuses_with_cycles_agree_and_take_the_same_queries(force, course, count_queries, client, login):
    people = [force.officer() for _ in range(6)]
    for person in people:
        complete(person, course, at=ago(days=800))
    login(force.admin)
    for person in people[:3]:
        assert client.post(f"/reports/people/{person.id}/reset",
                           data={"course": course.id, "reason": "Redo"}).status_code == 302
    learners = [learner_of(person) for person in people]
    db.session.refresh(course)
    with count_queries() as few:
        statuses(learners[:2], [course])
    with count_queries() as many:
        found = statuses(learners, [course])
    assert few.count == many.count == 6
    assert [found[(person.id, course.id)] for person in people] == [status_of(person, course) for person in people]
    assert all(found[(person.id, course.id)].previous_completed_on for person in people[:3])
    assert not any(found[(person.id, course.id)].previous_completed_on for person in people[3:])
