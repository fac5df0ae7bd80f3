"""Issue 11.1 and 11.2: a person's state on a session is one function, every page says the same, and nobody on the
register (or on a session that has started) can cancel their own booking."""
import re
from datetime import timedelta

import pytest

from lms.courses.models import Course  # noqa: F401  (loaded first: lms.sessions and lms.courses import each other)
from lms.sessions import booking as booking_service
from lms.sessions import register
from lms.sessions.models import Attendance, Booking
from lms.sessions.state import booking_state
from tests.sessions_fixtures import bookings, course, make_session, outbox, seats_taken, trainer  # noqa: F401


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _text(response.get_data(as_text=True))


def _checked_in(db, make_person, make_session, trainer):
    """An officer booked on a session starting in ten minutes who has checked in with the code."""
    officer = make_person()
    soon = make_session(starts_in=timedelta(minutes=10))
    made = booking_service.book(trainer, soon, officer, now=soon.starts_at - timedelta(days=2))
    code = register.open_check_in(trainer, soon)
    register.check_in(officer, code)
    db.session.commit()
    return officer, soon, made


def test_an_officer_who_has_checked_in_cannot_cancel_and_every_page_says_attended(client, db, login, make_person,
                                                                                   make_session, trainer):
    officer, soon, made = _checked_in(db, make_person, make_session, trainer)
    login(officer)
    response = client.post(f"/sessions/bookings/{made.id}/cancel", follow_redirects=True)
    assert "You are marked attended on the register, so the booking can no longer be cancelled." \
        in _text(response.get_data(as_text=True))
    assert [(b.status, b.cancelled_at) for b in bookings(db, soon)] == [("booked", None)]
    assert seats_taken(db, soon) == 1
    mine = _page(client, "/sessions/mine")
    assert "Investigation Masterclass" in mine and "Attended" in mine
    assert "Cancel booking" not in mine
    course_panel = _page(client, "/courses/investigation-masterclass/")
    assert "Attended" in course_panel and "Cancel your booking" not in course_panel
    detail = _page(client, f"/sessions/{soon.id}")
    assert "The register marks you attended" in detail and "Cancel my booking" not in detail
    client.post("/logout")
    login(trainer)
    sheet = _page(client, f"/sessions/{soon.id}/register")
    assert "Walk-in" not in sheet and "Attended" in sheet


def test_a_trainer_cannot_cancel_the_booking_of_someone_on_the_register_either(db, make_person, make_session,
                                                                               trainer):
    officer, soon, made = _checked_in(db, make_person, make_session, trainer)
    with pytest.raises(booking_service.SessionRuleError, match="Change the register instead"):
        booking_service.cancel(trainer, made)
    db.session.rollback()
    assert [b.status for b in bookings(db, soon)] == ["booked"]


def test_once_a_session_has_started_the_officer_cannot_cancel(client, db, login, make_person, make_session,
                                                              trainer):
    officer = make_person()
    running = make_session(starts_in=timedelta(minutes=-5))
    made = booking_service.book(trainer, running, officer, now=running.starts_at - timedelta(days=1))
    # a deadline after the start used to leave cancelling open while the session ran
    running.booking_deadline_at = running.ends_at
    db.session.commit()
    login(officer)
    response = client.post(f"/sessions/bookings/{made.id}/cancel", follow_redirects=True)
    assert "This session has started, so the booking can no longer be cancelled." \
        in _text(response.get_data(as_text=True))
    assert [b.status for b in bookings(db, running)] == ["booked"]
    assert "Cancel booking" not in _page(client, "/sessions/mine")


def test_my_sessions_keeps_past_sessions_with_their_outcome(client, db, login, make_person, make_session, trainer,
                                                            course):
    officer = make_person()
    days = (-30, -20, -10, -3)
    absent, excused, walked_in, unmarked = (make_session(starts_in=timedelta(days=d)) for d in days)
    for past in (absent, excused, unmarked):
        booking_service.book(trainer, past, officer, now=past.starts_at - timedelta(days=3))
        if past is not unmarked:
            register.mark(trainer, past, officer, "absent" if past is absent else "excused", now=past.ends_at)
        db.session.commit()
        db.session.query(Booking).filter_by(person_id=officer.id).update({"superseded_at": past.ends_at})
    register.add_walk_in(trainer, walked_in, officer, now=walked_in.ends_at)
    db.session.commit()
    login(officer)
    page = _page(client, "/sessions/mine")
    past_part = page.split("Past sessions", 1)[1]
    outcomes = re.findall(r"(Absent|Excused|Attended Added on the day|Booked The register has not been taken yet)",
                          past_part)
    assert outcomes == ["Booked The register has not been taken yet", "Attended Added on the day", "Excused",
                        "Absent"]


def test_one_function_names_every_state(db, make_person, make_session, trainer):
    session = make_session()
    person = make_person()
    seat = Booking(session=session, person_id=person.id, course_id=session.course_id, status="booked")
    place = Booking(session=session, person_id=person.id, course_id=session.course_id, status="waiting")
    gone = Booking(session=session, person_id=person.id, course_id=session.course_id, status="cancelled")
    marks = {status: Attendance(session=session, person=person, status=status)
             for status in ("attended", "absent", "excused")}
    assert [booking_state(seat, None), booking_state(place, None), booking_state(gone, None)] \
        == ["booked", "waiting", "cancelled"]
    assert [booking_state(seat, mark) for mark in marks.values()] == ["attended", "absent", "excused"]
    assert booking_state(None, marks["attended"]) == "attended"  # a walk-in
    session.is_cancelled = True
    assert booking_state(seat, None) == "cancelled"
    db.session.rollback()


def test_leaving_the_waiting_list_says_so_on_the_page_and_in_the_email(client, db, login, make_person,
                                                                       make_session, trainer):
    full = make_session(capacity=1)
    holder, officer = make_person(), make_person()
    booking_service.book(holder, full, holder)
    place = booking_service.book(officer, full, officer)
    db.session.commit()
    login(officer)
    response = client.post(f"/sessions/bookings/{place.id}/cancel", follow_redirects=True)
    page = _text(response.get_data(as_text=True))
    assert "You have left the waiting list." in page and "The booking is cancelled" not in page
    [email] = outbox(db, "booking_cancelled", officer)
    assert email.subject.startswith("You have left the waiting list for Investigation Masterclass")
    assert "You have left the waiting list for this session." in email.body_text
    assert "cancelled" not in email.body_text.split("You have left", 1)[0]


def test_an_officer_marked_absent_while_the_session_runs_is_not_booked_on_any_page(client, db, login, make_person,
                                                                                    make_session, trainer):
    officer = make_person()
    running = make_session(starts_in=timedelta(minutes=-30))
    booking_service.book(trainer, running, officer, now=running.starts_at - timedelta(days=2))
    register.mark(trainer, running, officer, "absent", now=running.starts_at + timedelta(minutes=20))
    db.session.commit()
    login(officer)
    assert "Absent" in _page(client, "/sessions/mine")
    course_panel = _page(client, "/courses/investigation-masterclass/")
    assert "Absent" in course_panel
    training = _page(client, "/my-training")
    # the seat was a fact of the booking; the register says the seat was not taken up
    assert "Booked" not in training and "Not started" in training
    home = _page(client, "/")
    assert "Booked:" not in home and "You have no session booked." in home
