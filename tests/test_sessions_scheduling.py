"""Trainers schedule, change and cancel sessions; double-booked trainers and rooms are refused; UK time is right."""
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.sessions import booking as booking_service
from lms.sessions.models import TrainingSession, Venue
from lms.timeutil import to_london, utcnow
from tests.forms_support import date_fields, with_dates
from tests.sessions_fixtures import bookings, course, make_session, outbox, seats_taken, trainer, venue  # noqa: F401


def _form(course, trainer, day, start="10:00", end="12:00", **overrides):
    data = {"course_id": course.id, "day": day, "start_time": start, "end_time": end, "venue_id": 0,
            "online_url": "https://meet.example/masterclass", "capacity": 8, "min_attendees": 0,
            "trainer_ids": [trainer.id], "notes": "Bring a recent investigation plan."}
    data.update(overrides)
    return with_dates(data, "day", "deadline_day")


def _times(starts_at: datetime, ends_at: datetime) -> dict:
    """The date and time fields for a session from `starts_at` to `ends_at` (UTC), as the form shows them."""
    starts, ends = to_london(starts_at), to_london(ends_at)
    times = date_fields("day", starts.date()) | {"start_time": starts.strftime("%H:%M"),
                                                 "end_time": ends.strftime("%H:%M")}
    return times | ({"ends_next_day": "y"} if ends.date() > starts.date() else {})


def _edit_form(course, trainer, session, **overrides):
    """The edit form as the trainer would find it for `session`, with `overrides` changed."""
    data = _form(course, trainer, "", online_url=session.online_url) | _times(session.starts_at, session.ends_at)
    data.update(overrides)
    return data


def _future_day(days=30) -> str:
    return (to_london(utcnow()) + timedelta(days=days)).date().isoformat()


def _sessions(db) -> list[TrainingSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(TrainingSession).order_by(TrainingSession.starts_at)))


def test_a_trainer_schedules_a_session(client, db, login, course, trainer):
    login(trainer)
    response = client.post("/sessions/new", data=_form(course, trainer, _future_day()), follow_redirects=True)
    assert response.status_code == 200
    assert "The session is scheduled" in response.get_data(as_text=True)
    [session] = _sessions(db)
    assert (session.capacity, session.online_url, [t.id for t in session.trainers]) == (
        8, "https://meet.example/masterclass", [trainer.id])
    assert to_london(session.starts_at).strftime("%H:%M") == "10:00"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session.created")).actor_id == trainer.id


def test_the_schedule_form_offers_the_default_capacity(client, login, course, trainer, app):
    login(trainer)
    page = client.get("/sessions/new").get_data(as_text=True)
    assert re.search(rf'id="capacity"[^>]*value="{app.config["SESSION_DEFAULT_CAPACITY"]}"', page)


def test_times_either_side_of_the_october_clock_change_are_stored_in_utc(client, db, login, course, trainer, clock):
    """Clocks go back at 02:00 BST on Sunday 31 October 2027: 10:00 is 09:00 UTC before, 10:00 UTC after."""
    clock.move_to(datetime(2027, 10, 1, 9, 0))
    login(trainer)
    client.post("/sessions/new", data=_form(course, trainer, "2027-10-30"))
    client.post("/sessions/new", data=_form(course, trainer, "2027-11-01"))
    # A late session that runs across the change itself: 00:30 BST to 03:00 GMT is three and a half hours.
    client.post("/sessions/new", data=_form(course, trainer, "2027-10-31", start="00:30", end="03:00"))
    saturday, across, monday = _sessions(db)
    assert saturday.starts_at == datetime(2027, 10, 30, 9, 0)
    assert monday.starts_at == datetime(2027, 11, 1, 10, 0)
    assert (across.starts_at, across.ends_at) == (datetime(2027, 10, 30, 23, 30), datetime(2027, 10, 31, 3, 0))
    page = client.get("/sessions/manage").get_data(as_text=True)
    assert "30 Oct 2027, 10:00" in page and "1 Nov 2027, 10:00" in page and "31 Oct 2027, 00:30" in page


def test_a_time_skipped_by_the_spring_clock_change_is_refused(client, db, login, course, trainer, clock):
    clock.move_to(datetime(2027, 3, 1, 9, 0))
    login(trainer)
    response = client.post("/sessions/new", data=_form(course, trainer, "2027-03-28", start="01:30", end="03:00"))
    assert "01:30 does not exist on 28 March 2027" in response.get_data(as_text=True)
    assert _sessions(db) == []


def test_a_late_session_ends_the_next_day(client, db, login, course, trainer, clock):
    """22:00 to 01:30 with "Ends the next day" ticked: stored in UTC, shown as ending the next day, and the edit form
    comes back ticked, so saving it unchanged changes nothing."""
    clock.move_to(datetime(2027, 1, 10, 9, 0))
    login(trainer)
    response = client.post("/sessions/new", data=_form(course, trainer, "2027-01-15", start="22:00", end="01:30",
                                                       ends_next_day="y"), follow_redirects=True)
    assert "The session is scheduled" in response.get_data(as_text=True)
    [session] = _sessions(db)
    assert (session.starts_at, session.ends_at) == (datetime(2027, 1, 15, 22, 0), datetime(2027, 1, 16, 1, 30))
    assert "Fri 15 Jan 2027, 22:00 to 01:30 the next day" in response.get_data(as_text=True)
    form = client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*id="ends_next_day"|<input[^>]*id="ends_next_day"[^>]*checked', form)
    again = client.post(f"/sessions/{session.id}/edit", data=_edit_form(course, trainer, session),
                        follow_redirects=True)
    assert "Nothing changed." in again.get_data(as_text=True)
    assert _sessions(db)[0].ends_at == datetime(2027, 1, 16, 1, 30)


@pytest.mark.parametrize("day, end, ends_at", [
    # Clocks go forward at 01:00 GMT on Sunday 28 March 2027: 23:00 GMT to 03:00 BST is three hours.
    ("2027-03-27", "03:00", datetime(2027, 3, 28, 2, 0)),
    # Clocks go back at 02:00 BST on Sunday 31 October 2027: 23:00 BST to 02:00 GMT is four hours.
    ("2027-10-30", "02:00", datetime(2027, 10, 31, 2, 0)),
])
def test_a_session_past_midnight_on_the_night_the_clocks_change_lasts_its_real_length(client, db, login, course,
                                                                                       trainer, clock, day, end,
                                                                                       ends_at):
    clock.move_to(datetime(2027, 3, 1, 9, 0))
    login(trainer)
    client.post("/sessions/new", data=_form(course, trainer, day, start="23:00", end=end, ends_next_day="y"))
    [session] = _sessions(db)
    assert session.ends_at == ends_at
    assert session.ends_at - session.starts_at == timedelta(hours=3 if day.endswith("03-27") else 4)


def test_a_late_session_cannot_end_at_a_time_the_spring_clocks_skip(client, db, login, course, trainer, clock):
    clock.move_to(datetime(2027, 3, 1, 9, 0))
    login(trainer)
    response = client.post("/sessions/new", data=_form(course, trainer, "2027-03-27", start="23:00", end="01:30",
                                                       ends_next_day="y"))
    assert "01:30 does not exist on 28 March 2027" in response.get_data(as_text=True)
    assert _sessions(db) == []


@pytest.mark.parametrize("overrides, message", [
    ({"start_time": "12:00", "end_time": "10:00"}, "The session must end after it starts."),
    ({"start_time": "22:00", "end_time": "01:00"}, "If it runs past midnight, tick “Ends the next day”."),
    ({"ends_next_day": "y"}, "“Ends the next day” is ticked, but that would make the session last a day or more"),
    ({"capacity": 40}, "Capacity must be between 1 and 16"),
    ({"online_url": ""}, "Choose a venue, or give an online link"),
    ({"online_url": "javascript://meet.example/%0aalert(1)"}, "Enter a full link, starting https://"),
    ({"min_attendees": 9}, "The minimum numbers must be between 0 and the capacity."),
    ({"day": "2020-01-01"}, "The start must be in the future."),
    ({"deadline_day": "2099-01-01", "deadline_time": "09:00"}, "The booking deadline must be before the start."),
])
def test_a_session_with_a_mistake_is_refused_with_a_message(client, db, login, course, trainer, overrides, message):
    login(trainer)
    data = _form(course, trainer, **({"day": _future_day()} | overrides))
    response = client.post("/sessions/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _sessions(db) == []


def test_each_mistake_in_the_summary_links_to_a_field_on_the_page(client, db, login, course, trainer):
    login(trainer)
    data = _form(course, trainer, "")
    del data["trainer_ids"]
    page = client.post("/sessions/new", data=data).get_data(as_text=True)
    summary = page.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets == ["day-day", "trainer_ids-0"]
    for target in targets:
        assert f'id="{target}"' in page
    assert _sessions(db) == []


def test_a_session_cannot_have_more_seats_than_its_venue(client, db, login, course, trainer):
    small = Venue(name="Interview room 2", address="Police station", capacity=4)
    db.session.add(small)
    db.session.commit()
    login(trainer)
    response = client.post("/sessions/new", data=_form(course, trainer, _future_day(), venue_id=small.id,
                                                       online_url=""))
    assert "Interview room 2 seats 4; lower the capacity." in response.get_data(as_text=True)
    assert _sessions(db) == []


def test_a_trainer_already_running_a_session_at_that_time_is_refused(client, db, login, course, trainer):
    login(trainer)
    day = _future_day()
    client.post("/sessions/new", data=_form(course, trainer, day, start="10:00", end="12:00"))
    response = client.post("/sessions/new", data=_form(course, trainer, day, start="11:00", end="13:00"))
    assert f"{trainer.name} is already running a session" in response.get_data(as_text=True)
    back_to_back = client.post("/sessions/new", data=_form(course, trainer, day, start="12:00", end="14:00"),
                               follow_redirects=True)
    assert "The session is scheduled" in back_to_back.get_data(as_text=True)
    assert len(_sessions(db)) == 2


def test_a_venue_already_booked_at_that_time_is_refused(client, db, login, course, trainer, venue, make_person):
    other_trainer = make_person(roles=("officer", "trainer"))
    login(trainer)
    day = _future_day()
    client.post("/sessions/new", data=_form(course, trainer, day, venue_id=venue.id, online_url=""))
    response = client.post("/sessions/new", data=_form(course, other_trainer, day, start="11:30", end="13:00",
                                                       venue_id=venue.id, online_url=""))
    assert "Northtown training room is already booked" in response.get_data(as_text=True)
    assert len(_sessions(db)) == 1


def test_officers_and_supervisors_cannot_schedule(client, db, login, make_person, course):
    for roles in (("officer",), ("officer", "supervisor")):
        login(make_person(roles=roles))
        assert client.get("/sessions/new").status_code == 403
        assert client.get("/sessions/manage").status_code == 403
        client.post("/logout")


def _one_booked_one_waiting(db, make_person, make_session):
    session = make_session(capacity=1)
    booked, waiting = make_person(), make_person()
    for person in (booked, waiting):
        booking_service.book(person, session, person)
    db.session.commit()
    return session, booked, waiting


def test_rescheduling_bumps_the_sequence_and_tells_everyone_booked_or_waiting(client, db, login, make_person,
                                                                              make_session, course, trainer):
    session, booked, waiting = _one_booked_one_waiting(db, make_person, make_session)
    login(trainer)
    moved = session.starts_at + timedelta(days=1)
    response = client.post(f"/sessions/{session.id}/edit", data=_form(course, trainer, "", capacity=1) | _times(
        moved, moved + timedelta(hours=2)), follow_redirects=True)
    assert "Everyone booked or waiting has been told" in response.get_data(as_text=True)
    [changed] = _sessions(db)
    assert changed.sequence == 1
    emails = {m.person_id: m for m in outbox(db, "session_changed")}
    assert set(emails) == {booked.id, waiting.id}
    assert "SEQUENCE:1" in emails[booked.id].ics and emails[waiting.id].ics is None
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session.changed"))
    assert "starts" in audit.changes


def test_a_change_to_the_notes_alone_does_not_email_anyone(client, db, login, make_person, make_session, course,
                                                           trainer):
    session = make_session()
    person = make_person()
    booking_service.book(person, session, person)
    db.session.commit()
    login(trainer)
    client.post(f"/sessions/{session.id}/edit", data=_edit_form(course, trainer, session, notes="Park at the back."))
    assert _sessions(db)[0].notes == "Park at the back." and _sessions(db)[0].sequence == 0
    assert outbox(db, "session_changed") == []


def test_capacity_cannot_drop_below_the_people_booked(client, db, login, make_person, make_session, course, trainer):
    session = make_session()
    for _ in range(3):
        person = make_person()
        booking_service.book(person, session, person)
    db.session.commit()
    login(trainer)
    response = client.post(f"/sessions/{session.id}/edit", data=_edit_form(course, trainer, session, capacity=2))
    assert "3 people are booked" in response.get_data(as_text=True)
    assert _sessions(db)[0].capacity == 8


def test_raising_the_capacity_promotes_people_waiting(client, db, login, make_person, make_session, course, trainer):
    session = make_session(capacity=1)
    people = [make_person() for _ in range(3)]
    for person in people:
        booking_service.book(person, session, person)
    db.session.commit()
    login(trainer)
    client.post(f"/sessions/{session.id}/edit", data=_edit_form(course, trainer, session, capacity=2))
    assert [b.status for b in bookings(db, session)] == ["booked", "booked", "waiting"]
    assert seats_taken(db, session) == 2
    assert [m.person_id for m in outbox(db, "promoted")] == [people[1].id]


def test_cancelling_a_session_ends_every_booking_and_tells_everyone(client, db, login, make_person, make_session,
                                                                    trainer):
    session, booked, waiting = _one_booked_one_waiting(db, make_person, make_session)
    login(trainer)
    refused = client.post(f"/sessions/{session.id}/cancel", data={"reason": ""})
    assert "Give a reason" in refused.get_data(as_text=True)
    response = client.post(f"/sessions/{session.id}/cancel", data={"reason": "Trainer unwell", "confirmed": "1"},
                           follow_redirects=True)
    assert "2 people have been told" in response.get_data(as_text=True)
    [cancelled] = _sessions(db)
    assert cancelled.is_cancelled and cancelled.cancel_reason == "Trainer unwell" and cancelled.seats_taken == 0
    assert {b.status for b in bookings(db, session)} == {"cancelled"}
    emails = outbox(db, "session_cancelled")
    assert {m.person_id for m in emails} == {booked.id, waiting.id}
    assert all("METHOD:CANCEL" in m.ics and "Trainer unwell" in m.body_text for m in emails)


def test_a_session_below_its_minimum_is_flagged_until_the_trainer_decides(client, db, login, make_session, trainer):
    session = make_session(min_attendees=4)
    login(trainer)
    page = client.get("/sessions/manage").get_data(as_text=True)
    assert "Below minimum (4)" in page
    client.post(f"/sessions/{session.id}/go-ahead")
    assert "Below minimum" not in client.get("/sessions/manage").get_data(as_text=True)
    assert _sessions(db)[0].is_go_confirmed
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "session.go_confirmed"))


def test_the_trainers_list_runs_the_same_number_of_queries_however_many_sessions(client, login, make_session,
                                                                                 trainer, count_queries):
    login(trainer)
    make_session()
    make_session(starts_in=timedelta(days=-3))
    with count_queries() as few:
        assert client.get("/sessions/manage").status_code == 200
    for day in range(2, 12):
        make_session(starts_in=timedelta(days=day * 3))
        make_session(starts_in=timedelta(days=-day * 3))
    with count_queries() as many:
        assert client.get("/sessions/manage").status_code == 200
    assert many.count == few.count


def test_trainers_add_and_change_venues(client, db, login, trainer):
    login(trainer)
    client.post("/sessions/venues/new", data={"name": "Southport hub", "address": "2 Quay Road", "capacity": 10,
                                              "area_id": 0, "is_active": "y"})
    duplicate = client.post("/sessions/venues/new", data={"name": "southport HUB", "address": "x", "capacity": 5,
                                                          "area_id": 0})
    assert "There is already a venue called" in duplicate.get_data(as_text=True)
    [venue] = db.session.scalars(sa.select(Venue)).all()
    assert (venue.name, venue.capacity) == ("Southport hub", 10)
    assert "Southport hub" in client.get("/sessions/venues").get_data(as_text=True)


def test_the_trainer_running_a_session_is_not_offered_a_seat_on_it(client, db, login, make_person, make_session,
                                                                   trainer):
    session = make_session()
    login(trainer)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "You are running this session." in page and "Book a seat" not in page
    client.post("/logout")
    login(make_person(roles=("officer", "trainer")))
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "You are running this session." not in page and "Book a seat" in page
