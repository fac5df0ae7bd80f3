"""Booking: officers book, cancel and wait; the waiting list moves up; supervisors and trainers book others."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.courses.models import Course
from lms.people.models import Area
from lms.sessions import booking as booking_service
from lms.sessions import register
from lms.sessions.models import Venue
from lms.sessions.rules import SessionRuleError
from tests.sessions_fixtures import bookings, course, make_session, outbox, seats_taken, trainer, venue  # noqa: F401


def _book(client, session, person=None):
    data = {"person_id": person.id} if person else {}
    return client.post(f"/sessions/{session.id}/book", data=data, follow_redirects=True)


def test_officer_books_a_seat_and_is_emailed_with_the_calendar_entry(client, db, login, make_person, make_session):
    officer = make_person()
    session = make_session()
    login(officer)
    response = _book(client, session)
    assert response.status_code == 200
    assert "You are booked" in response.get_data(as_text=True)
    [made] = bookings(db, session)
    assert (made.person_id, made.status, made.booked_by_id) == (officer.id, "booked", officer.id)
    assert seats_taken(db, session) == 1
    [email] = outbox(db, "booking_confirmed")
    assert email.to_address == officer.email and "BEGIN:VEVENT" in email.ics
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "booking.created")).actor_id == officer.id


def test_a_second_booking_for_the_same_course_is_refused(client, db, login, make_person, make_session):
    officer = make_person()
    first, second = make_session(), make_session(starts_in=timedelta(days=14))
    login(officer)
    _book(client, first)
    response = _book(client, second)
    assert "You already have a place on the session" in response.get_data(as_text=True)
    assert bookings(db, second) == []
    assert seats_taken(db, second) == 0


def test_the_schema_refuses_a_second_live_booking_for_a_course_even_past_the_checks(db, make_person, make_session):
    officer = make_person()
    first, second = make_session(), make_session(starts_in=timedelta(days=14))
    booking_service.book(officer, first, officer)
    db.session.commit()
    from lms.sessions.models import Booking

    db.session.add(Booking(session_id=second.id, person_id=officer.id, course_id=second.course_id, status="waiting"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def _held_earlier(db, make_person, make_session, trainer, mark=None, status="booked"):
    """An officer's seat (or, with status="waiting", place in the queue) on a session of the course that is over."""
    officer = make_person()
    past = make_session(starts_in=timedelta(days=-2), capacity=1 if status == "waiting" else 8)
    if status == "waiting":
        holder = make_person()
        booking_service.book(trainer, past, holder, now=past.starts_at - timedelta(days=3))
    booking_service.book(trainer, past, officer, now=past.starts_at - timedelta(days=3))
    if mark:
        register.mark(trainer, past, officer, mark, now=past.ends_at)
    db.session.commit()
    return officer, past


@pytest.mark.parametrize("mark, status", [("absent", "booked"), ("excused", "booked"), (None, "booked"),
                                          (None, "waiting")])
def test_an_officer_whose_session_is_over_without_attending_can_book_another(client, db, login, make_person,
                                                                              make_session, trainer, mark, status):
    officer, past = _held_earlier(db, make_person, make_session, trainer, mark, status)
    later = make_session(starts_in=timedelta(days=5))
    login(officer)
    response = _book(client, later)
    assert "You are booked" in response.get_data(as_text=True)
    [old] = [b for b in bookings(db, past) if b.person_id == officer.id]
    assert (old.status, old.superseded_at is not None) == (status, True)  # still on the old session's record
    assert [(b.status, b.superseded_at) for b in bookings(db, later)] == [("booked", None)]
    assert db.session.scalar(sa.select(AuditEvent.actor_id).where(AuditEvent.action == "booking.superseded")) \
        == officer.id


def test_an_officer_who_attended_is_told_there_is_no_need_to_book_again(client, db, login, make_person,
                                                                         make_session, trainer):
    officer, past = _held_earlier(db, make_person, make_session, trainer, "attended")
    later = make_session(starts_in=timedelta(days=5))
    login(officer)
    response = _book(client, later)
    assert "You attended this course&#39;s session on" in response.get_data(as_text=True)
    assert bookings(db, later) == [] and bookings(db, past)[0].superseded_at is None
    booking_service.book(trainer, later, officer)  # a trainer can still book them, for a refresher
    db.session.commit()
    assert [b.status for b in bookings(db, later)] == ["booked"]


def test_a_session_in_progress_still_counts_as_the_officers_booking(client, db, login, make_person, make_session,
                                                                     trainer):
    officer = make_person()
    running = make_session(starts_in=timedelta(minutes=-30))
    booking_service.book(trainer, running, officer, now=running.starts_at - timedelta(days=1))
    db.session.commit()
    later = make_session(starts_in=timedelta(days=5))
    login(officer)
    assert "You already have a place on the session" in _book(client, later).get_data(as_text=True)
    assert bookings(db, later) == []


def test_an_overlapping_session_of_another_course_is_refused(client, db, login, make_person, make_session):
    other_course = Course(slug="other", title="Interviewing victims", summary="", audience="")
    db.session.add(other_course)
    db.session.commit()
    officer = make_person()
    first = make_session()
    clash = make_session(starts_in=timedelta(days=7, hours=1), for_course=other_course, trainers=[])
    login(officer)
    _book(client, first)
    response = _book(client, clash)
    assert "clashes with the Investigation Masterclass session" in response.get_data(as_text=True)
    assert bookings(db, clash) == []


def test_booking_after_the_deadline_is_refused(client, db, login, make_person, make_session):
    from lms.timeutil import utcnow

    session = make_session(booking_deadline_at=utcnow() - timedelta(hours=1))
    login(make_person())
    response = _book(client, session)
    assert "Booking for this session closed" in response.get_data(as_text=True)
    assert bookings(db, session) == []


def test_a_session_past_its_booking_deadline_is_listed_as_closed_not_as_seats_left(client, db, login, make_person,
                                                                                  make_session, course):
    from lms.timeutil import utcnow

    closed = make_session(starts_in=timedelta(days=1), booking_deadline_at=utcnow() - timedelta(hours=1))
    login(make_person())
    for path in ("/sessions/", "/courses/investigation-masterclass/"):
        page = client.get(path).get_data(as_text=True)
        item = page.split(f'href="/sessions/{closed.id}"')[1].split("</li>")[0]
        assert "Booking closed" in item and "seats left" not in item, path


def test_a_session_for_other_teams_is_neither_listed_nor_bookable(client, db, login, make_person, make_team,
                                                                  make_session):
    mine, theirs = make_team("Response A", area="Northtown"), make_team("Response B", area="Southport")
    officer = make_person(team=mine)
    open_to_all = make_session()
    south_only = make_session(starts_in=timedelta(days=9), audience_areas=[theirs.area], trainers=[])
    my_team_only = make_session(starts_in=timedelta(days=11), audience_teams=[mine], trainers=[])
    login(officer)
    page = client.get("/sessions/").get_data(as_text=True)
    assert f"/sessions/{open_to_all.id}\"" in page and f"/sessions/{my_team_only.id}\"" in page
    assert f"/sessions/{south_only.id}\"" not in page
    response = _book(client, south_only)
    assert "not open to" in response.get_data(as_text=True)
    assert bookings(db, south_only) == []


def test_a_full_session_puts_the_next_officer_on_the_waiting_list(client, db, login, make_person, make_session):
    session = make_session(capacity=1)
    holder = make_person()
    booking_service.book(holder, session, holder)
    db.session.commit()
    officer = make_person()
    login(officer)
    response = _book(client, session)
    assert "on the waiting list" in response.get_data(as_text=True)
    assert [b.status for b in bookings(db, session)] == ["booked", "waiting"]
    assert seats_taken(db, session) == 1
    assert outbox(db, "waiting_list", officer)[0].ics is None
    assert "number 1 on the waiting list" in client.get(f"/sessions/{session.id}").get_data(as_text=True)


def _full_with_queue(db, make_person, make_session, starts_in):
    session = make_session(capacity=1, starts_in=starts_in)
    holder, first, second = make_person(), make_person(), make_person()
    for person in (holder, first, second):
        booking_service.book(person, session, person)
    db.session.commit()
    return session, holder, first, second


def test_before_the_cut_off_a_freed_seat_goes_to_the_first_person_waiting(client, db, login, make_person,
                                                                           make_session):
    session, holder, first, second = _full_with_queue(db, make_person, make_session, timedelta(days=3))
    login(holder)
    [held] = bookings(db, session, "booked")
    response = client.post(f"/sessions/bookings/{held.id}/cancel", follow_redirects=True)
    assert "The booking is cancelled" in response.get_data(as_text=True)
    statuses = {b.person_id: b.status for b in bookings(db, session)}
    assert statuses == {holder.id: "cancelled", first.id: "booked", second.id: "waiting"}
    assert seats_taken(db, session) == 1
    [email] = outbox(db, "promoted")
    assert email.person_id == first.id and "STATUS:CONFIRMED" in email.ics
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "booking.promoted")) is not None


def test_after_the_cut_off_a_freed_seat_is_offered_to_everyone_waiting(client, app, db, login, make_person,
                                                                        make_session):
    session, holder, first, second = _full_with_queue(db, make_person, make_session, timedelta(hours=10))
    assert app.config["SESSION_PROMOTION_CUTOFF_HOURS"] == 24
    login(holder)
    [held] = bookings(db, session, "booked")
    client.post(f"/sessions/bookings/{held.id}/cancel")
    assert {b.person_id: b.status for b in bookings(db, session)}[first.id] == "waiting"
    assert seats_taken(db, session) == 0
    assert {m.person_id for m in outbox(db, "seat_offered")} == {first.id, second.id}
    assert outbox(db, "promoted") == []

    client.post("/logout")
    login(second)  # second in the queue, but first to accept
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Take the seat" in page
    [waiting_second] = [b for b in bookings(db, session) if b.person_id == second.id]
    response = client.post(f"/sessions/bookings/{waiting_second.id}/take-seat", follow_redirects=True)
    assert "The seat is yours" in response.get_data(as_text=True)
    client.post("/logout")
    login(first)
    [waiting_first] = [b for b in bookings(db, session) if b.person_id == first.id]
    response = client.post(f"/sessions/bookings/{waiting_first.id}/take-seat", follow_redirects=True)
    assert "Someone else took the free seat first" in response.get_data(as_text=True)
    assert {b.person_id: b.status for b in bookings(db, session)} == {
        holder.id: "cancelled", first.id: "waiting", second.id: "booked"}
    assert seats_taken(db, session) == 1


def test_cancelling_asks_first_and_says_the_seat_goes_to_the_next_person(client, db, login, make_person,
                                                                        make_session):
    officer, waiting = make_person(), make_person()
    session = make_session(capacity=1)
    for person in (officer, waiting):
        booking_service.book(person, session, person)
    db.session.commit()
    held, queued = bookings(db, session)
    login(officer)
    page = client.get(f"/sessions/bookings/{held.id}/cancel?back=mine").get_data(as_text=True)
    assert "Cancel your booking?" in page and "goes straight to the first person on the waiting list" in page
    assert 'name="back" value="mine"' in page and "Yes, cancel my booking" in page
    assert [b.status for b in bookings(db, session)] == ["booked", "waiting"]  # asking changes nothing
    response = client.post(f"/sessions/bookings/{held.id}/cancel", data={"back": "mine"})
    assert response.headers["Location"] == "/sessions/mine"
    assert [b.status for b in bookings(db, session)] == ["cancelled", "booked"]
    again = client.get(f"/sessions/bookings/{held.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "That booking has already been cancelled." in again

    client.post("/logout")
    login(make_person(roles=("officer", "trainer")))
    page = client.get(f"/sessions/bookings/{queued.id}/cancel").get_data(as_text=True)
    assert f"Cancel {waiting.name}&#39;s booking?" in page and f"We will email {waiting.name}" in page


def test_an_officer_cannot_cancel_after_the_deadline(client, db, login, make_person, make_session):
    from lms.timeutil import utcnow

    officer = make_person()
    session = make_session()
    booking_service.book(officer, session, officer)
    session.booking_deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(officer)
    [held] = bookings(db, session)
    response = client.post(f"/sessions/bookings/{held.id}/cancel", follow_redirects=True)
    assert "Cancelling closed" in response.get_data(as_text=True)
    assert bookings(db, session)[0].status == "booked"


def test_an_officer_cannot_cancel_or_see_another_officers_booking(client, db, login, make_person, make_session):
    owner, other = make_person(), make_person()
    session = make_session()
    booking_service.book(owner, session, owner)
    db.session.commit()
    [held] = bookings(db, session)
    login(other)
    assert client.get(f"/sessions/bookings/{held.id}/cancel").status_code == 404
    assert client.post(f"/sessions/bookings/{held.id}/cancel").status_code == 404
    assert client.post(f"/sessions/bookings/{held.id}/take-seat").status_code == 404
    assert client.post(f"/sessions/{session.id}/book", data={"person_id": owner.id}).status_code == 404
    assert bookings(db, session)[0].status == "booked"


def test_a_supervisor_books_an_officer_of_their_team_but_not_of_another(client, db, login, make_person, make_team,
                                                                        make_session):
    mine, theirs = make_team("Response A"), make_team("Response B")
    supervisor = make_person(roles=("officer", "supervisor"), rank="PS", supervises=[mine])
    team_officer, other_officer = make_person(team=mine), make_person(team=theirs)
    session = make_session()
    login(supervisor)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Book someone from your team" in page and team_officer.service_number in page
    assert other_officer.service_number not in page
    response = _book(client, session, team_officer)
    assert f"{team_officer.name} is booked" in response.get_data(as_text=True)
    assert client.post(f"/sessions/{session.id}/book", data={"person_id": other_officer.id}).status_code == 404
    [made] = bookings(db, session)
    assert (made.person_id, made.booked_by_id) == (team_officer.id, supervisor.id)
    assert outbox(db, "booking_confirmed", team_officer)


def test_a_supervisor_cancels_for_their_team_but_gets_404_for_another_team(client, db, login, make_person, make_team,
                                                                           make_session):
    mine, theirs = make_team("Response A"), make_team("Response B")
    supervisor = make_person(roles=("officer", "supervisor"), rank="PS", supervises=[mine])
    team_officer, other_officer = make_person(team=mine), make_person(team=theirs)
    session = make_session()
    for person in (team_officer, other_officer):
        booking_service.book(person, session, person)
    db.session.commit()
    by_person = {b.person_id: b for b in bookings(db, session)}
    login(supervisor)
    assert client.post(f"/sessions/bookings/{by_person[other_officer.id].id}/cancel").status_code == 404
    assert client.post(f"/sessions/bookings/{by_person[team_officer.id].id}/cancel").status_code == 302
    assert {b.person_id: b.status for b in bookings(db, session)} == {team_officer.id: "cancelled",
                                                                      other_officer.id: "booked"}


def test_a_trainer_books_anyone_and_moves_them_to_another_session(client, db, login, make_person, make_session,
                                                                  trainer):
    officer = make_person()
    first = make_session()
    second = make_session(starts_in=timedelta(days=14), trainers=[])
    login(trainer)
    page = client.get(f"/sessions/{first.id}?q={officer.service_number}").get_data(as_text=True)
    assert officer.name in page
    _book(client, first, officer)
    [held] = bookings(db, first)
    response = client.post(f"/sessions/bookings/{held.id}/move", data={"target_id": second.id}, follow_redirects=True)
    assert f"{officer.name} moved to" in response.get_data(as_text=True)
    assert [b.status for b in bookings(db, first)] == ["cancelled"]
    assert [(b.person_id, b.status) for b in bookings(db, second)] == [(officer.id, "booked")]
    assert (seats_taken(db, first), seats_taken(db, second)) == (0, 1)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "booking.moved")).actor_id == trainer.id


def test_officers_cannot_move_bookings(client, db, login, make_person, make_session):
    officer = make_person()
    first, second = make_session(), make_session(starts_in=timedelta(days=14), trainers=[])
    booking_service.book(officer, first, officer)
    db.session.commit()
    login(officer)
    [held] = bookings(db, first)
    assert client.post(f"/sessions/bookings/{held.id}/move", data={"target_id": second.id}).status_code == 403


def test_cancelling_twice_changes_nothing_the_second_time(db, make_person, make_session):
    officer = make_person()
    session = make_session()
    made = booking_service.book(officer, session, officer)
    booking_service.cancel(officer, made)
    db.session.commit()
    with pytest.raises(SessionRuleError):
        booking_service.cancel(officer, made)
    db.session.rollback()
    assert seats_taken(db, session) == 0


def test_my_sessions_lists_bookings_and_waiting_places(client, db, login, make_person, make_session):
    officer = make_person()
    booked = make_session()
    booking_service.book(officer, booked, officer)
    db.session.commit()
    login(officer)
    page = client.get("/sessions/mine").get_data(as_text=True)
    assert "Investigation Masterclass" in page and "Booked" in page and "Cancel booking" in page


def test_the_sessions_list_runs_the_same_number_of_queries_however_many_sessions(client, db, login, make_person,
                                                                                 make_session, count_queries):
    officer = make_person()
    login(officer)
    make_session()
    client.get("/sessions/")  # fills what is kept (the areas and courses to filter by), as for every later view
    with count_queries() as few:
        assert client.get("/sessions/").status_code == 200
    for day in range(2, 12):  # each in its own room and area: the list names both
        make_session(starts_in=timedelta(days=day * 3), venue=Venue(name=f"Room {day}", address="High Street",
                                                                    capacity=8, area=Area(name=f"Area {day}")))
    client.get("/sessions/")
    with count_queries() as many:
        assert client.get("/sessions/").status_code == 200
    assert many.count == few.count


def test_every_sessions_page_renders_for_its_roles_without_inline_script_or_style(app, client, db, login, make_person,
                                                                                  make_session, trainer, monkeypatch):
    from lms.sessions import register

    officer = make_person()
    session = make_session(starts_in=timedelta(minutes=-20))
    booking_service.book(trainer, session, officer, now=session.starts_at - timedelta(days=1))
    booking = booking_service.book(trainer, make_session(starts_in=timedelta(days=3), trainers=[]), make_person())
    spare = make_session(starts_in=timedelta(days=5), trainers=[])
    register.open_check_in(trainer, session)
    db.session.commit()
    login(make_person(roles=("officer", "trainer", "supervisor", "admin")))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # so every POST form must carry its token
    for path in ("/", "/sessions/", f"/sessions/{session.id}", f"/sessions/{session.id}?q=Tester", "/sessions/mine",
                 "/sessions/team", "/sessions/manage", "/sessions/new", f"/sessions/{session.id}/edit",
                 f"/sessions/{session.id}/cancel", "/sessions/venues", "/sessions/venues/new",
                 f"/sessions/{session.id}/register", f"/sessions/{session.id}/register?q=Tester",
                 f"/sessions/{session.id}/check-in-code", "/sessions/check-in", "/admin/outbox/",
                 f"/sessions/bookings/{booking.id}/cancel",
                 f"/sessions/bookings/{booking.id}/move?target_id={spare.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        inline_script = re.search(r"<script(?![^>]*\bsrc=)", body)  # a script file of our own is allowed
        assert not inline_script and " style=" not in body and " on" + "click=" not in body, path
        for form in re.findall(r'<form method="post".*?</form>', body, re.S):
            assert 'name="csrf_token"' in form, (path, form[:120])
