"""Calendar entries and the personal feed: valid RFC 5545, a stable UID, SEQUENCE on change, cancellations."""
import hashlib
import re
from datetime import datetime, timedelta

import ics
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.services import set_active, sign_out_everywhere_by
from lms.sessions import booking as booking_service
from lms.sessions import scheduling
from lms.sessions.models import CalendarFeed
from tests.ical_check import check, unfold
from tests.sessions_fixtures import course, make_session, outbox, trainer  # noqa: F401


def _details(session, **changes) -> scheduling.SessionDetails:
    values = dict(course=session.course, starts_at=session.starts_at, ends_at=session.ends_at, venue=session.venue,
                  online_url=session.online_url, capacity=session.capacity, trainers=list(session.trainers))
    values.update(changes)
    return scheduling.SessionDetails(**values)


def _parse(text: str):
    """Both checks: our strict line-level one and the `ics` package's parser."""
    events = check(text)
    parsed = list(ics.Calendar(text).events)
    assert sorted(event.uid for event in parsed) == sorted(event["UID"] for event in events)
    return events, parsed


def test_a_session_calendar_entry_is_valid_and_in_utc(client, login, make_person, make_session):
    session = make_session()
    login(make_person())
    response = client.get(f"/sessions/{session.id}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    text = response.get_data(as_text=True)
    [event], [parsed] = _parse(text)
    assert "METHOD:PUBLISH" in unfold(text)
    assert event["UID"] == f"session-{session.uid}@investigation-masterclass"
    assert (event["SEQUENCE"], event["STATUS"]) == ("0", "CONFIRMED")
    assert event["DTSTART"] == session.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert parsed.begin.datetime.replace(tzinfo=None) == session.starts_at
    assert "Investigation Masterclass" in parsed.name


def test_a_winter_session_and_a_summer_session_keep_their_wall_clock_time(db, make_person, make_session, trainer,
                                                                          client, login):
    """10:00 in London is 10:00Z in January and 09:00Z in July."""
    winter = make_session(starts_in=timedelta(days=1))
    summer = make_session(starts_in=timedelta(days=3))
    winter.starts_at, winter.ends_at = datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 12)
    summer.starts_at, summer.ends_at = datetime(2027, 7, 13, 9), datetime(2027, 7, 13, 11)
    db.session.commit()
    login(make_person())
    for session, expected in ((winter, "20270112T100000Z"), (summer, "20270713T090000Z")):
        [event], [parsed] = _parse(client.get(f"/sessions/{session.id}.ics").get_data(as_text=True))
        assert event["DTSTART"] == expected
        assert parsed.begin.to("Europe/London").strftime("%H:%M") == "10:00"


def test_a_change_keeps_the_uid_and_bumps_the_sequence(client, db, login, make_person, make_session, trainer):
    session = make_session()
    login(make_person())
    [before], _ = _parse(client.get(f"/sessions/{session.id}.ics").get_data(as_text=True))
    scheduling.update_session(trainer, session, _details(session, starts_at=session.starts_at + timedelta(hours=1),
                                                         ends_at=session.ends_at + timedelta(hours=1)))
    db.session.commit()
    [after], _ = _parse(client.get(f"/sessions/{session.id}.ics").get_data(as_text=True))
    assert after["UID"] == before["UID"]
    assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
    assert after["DTSTART"] != before["DTSTART"]


def test_a_cancelled_session_is_published_as_cancelled(client, db, login, make_person, make_session, trainer):
    session = make_session()
    scheduling.cancel_session(trainer, session, "Trainer unwell")
    db.session.commit()
    login(make_person())
    text = client.get(f"/sessions/{session.id}.ics").get_data(as_text=True)
    [event], [parsed] = _parse(text)
    assert "METHOD:CANCEL" in unfold(text)
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", "1")
    assert parsed.status == "CANCELLED"


class CalendarClient:
    """A calendar app fetching the feed: no login, and its own app context so it shares no `g` with the test's."""

    def __init__(self, app):
        self.app = app

    def get(self, url):
        with self.app.app_context():
            return self.app.test_client().get(url)


def _feed_url(client) -> str:
    """Make the address: it is on the page that answers the POST, and nowhere afterwards."""
    page = client.post("/sessions/mine/calendar-feed").get_data(as_text=True)
    return re.search(r'id="feed-url"[^>]* readonly value="http://[^/]+(/sessions/feed/[^"]+\.ics)"', page).group(1)


def test_the_personal_feed_has_every_session_booked_and_marks_cancelled_ones(app, client, db, login, make_person,
                                                                             make_session, trainer):
    officer = make_person()
    kept, dropped, cancelled = (make_session(starts_in=timedelta(days=days), trainers=[]) for days in (3, 6, 9))
    other_course_session = make_session(starts_in=timedelta(days=12), trainers=[])
    booking_service.book(officer, kept, officer)
    db.session.commit()
    login(officer)
    url = _feed_url(client)
    anonymous = CalendarClient(app)
    [event], _ = _parse(anonymous.get(url).get_data(as_text=True))
    assert event["UID"].startswith(f"session-{kept.uid}") and event["STATUS"] == "CONFIRMED"
    assert other_course_session.uid not in anonymous.get(url).get_data(as_text=True)

    # Move to another session of the course, then have that one cancelled: both show as cancelled.
    [held] = [b for b in db.session.scalars(sa.select(booking_service.Booking))]
    booking_service.cancel(officer, held)
    booking_service.book(officer, dropped, officer)
    db.session.commit()
    events, _ = _parse(anonymous.get(url).get_data(as_text=True))
    by_uid = {event["UID"]: event for event in events}
    assert by_uid[f"session-{kept.uid}@investigation-masterclass"]["STATUS"] == "CANCELLED"
    assert by_uid[f"session-{kept.uid}@investigation-masterclass"]["SEQUENCE"] == "1"
    assert by_uid[f"session-{dropped.uid}@investigation-masterclass"]["STATUS"] == "CONFIRMED"
    scheduling.cancel_session(trainer, dropped, "Room flooded")
    db.session.commit()
    events, _ = _parse(anonymous.get(url).get_data(as_text=True))
    assert {event["STATUS"] for event in events} == {"CANCELLED"}
    assert cancelled.uid not in anonymous.get(url).get_data(as_text=True)


def test_a_revoked_or_replaced_feed_address_is_a_404(app, client, db, login, make_person):
    officer = make_person()
    login(officer)
    first = _feed_url(client)
    anonymous = CalendarClient(app)
    assert anonymous.get(first).status_code == 200
    second = _feed_url(client)  # "Make a new address"
    assert second != first
    assert anonymous.get(first).status_code == 404 and anonymous.get(second).status_code == 200
    client.post("/sessions/mine/calendar-feed/revoke")
    assert anonymous.get(second).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)
                             .where(CalendarFeed.revoked_at.is_(None))) == 0
    assert anonymous.get("/sessions/feed/not-a-real-token.ics").status_code == 404


def test_a_deactivated_persons_feed_is_a_404(app, client, db, login, make_person):
    officer = make_person()
    login(officer)
    url = _feed_url(client)
    officer.is_active_account = False
    db.session.commit()
    assert CalendarClient(app).get(url).status_code == 404


def test_the_feed_address_is_shown_once_and_stored_only_as_a_hash(app, client, db, login, make_person):
    officer = make_person()
    login(officer)
    url = _feed_url(client)
    token = url.removeprefix("/sessions/feed/").removesuffix(".ics")
    assert token not in client.get("/sessions/mine").get_data(as_text=True)
    assert "It is shown only when it is made" in client.get("/sessions/mine").get_data(as_text=True)
    [feed] = db.session.scalars(sa.select(CalendarFeed))
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in feed.token_hash
    assert CalendarClient(app).get(f"/sessions/feed/{feed.token_hash}.ics").status_code == 404  # the hash is no key
    assert CalendarClient(app).get(url).status_code == 200


def test_signing_out_everywhere_or_deactivation_revokes_the_feed_for_good(app, client, db, login, make_person):
    officer, admin = make_person(), make_person(roles=("admin",))
    login(officer)
    url = _feed_url(client)
    client.post("/logout", data={})  # signing out of this device keeps the calendar address
    assert CalendarClient(app).get(url).status_code == 200
    sign_out_everywhere_by(admin, officer)
    db.session.commit()
    assert CalendarClient(app).get(url).status_code == 404
    login(officer)
    second = _feed_url(client)
    set_active(admin, officer, False)
    db.session.commit()
    set_active(admin, officer, True)
    db.session.commit()
    assert CalendarClient(app).get(second).status_code == 404  # reactivation does not bring it back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarFeed)
                             .where(CalendarFeed.revoked_at.is_(None))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "calendar_feed.revoked")) == 2


def test_the_session_calendar_file_gives_the_join_link_only_to_the_booked_and_trainers(client, db, login,
                                                                                        make_person, make_session,
                                                                                        trainer):
    session = make_session()  # online
    booked, waiting, other = make_person(), make_person(), make_person()
    booking_service.book(booked, session, booked)
    db.session.commit()
    session.capacity = 1
    booking_service.book(waiting, session, waiting)
    db.session.commit()

    def sees_link(person) -> tuple[bool, bool]:
        login(person)
        ics_text = "\n".join(unfold(client.get(f"/sessions/{session.id}.ics").get_data(as_text=True)))
        page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
        client.post("/logout")
        return session.online_url in ics_text, session.online_url in page

    assert sees_link(booked) == (True, True)
    assert sees_link(trainer) == (True, True)
    assert sees_link(waiting) == (False, False)
    assert sees_link(other) == (False, False)


def test_emails_give_the_join_link_only_to_people_with_a_seat(db, make_person, make_session):
    session = make_session(capacity=1)  # online
    booked, waiting = make_person(), make_person()
    booking_service.book(booked, session, booked)
    booking_service.book(waiting, session, waiting)
    db.session.commit()
    [confirmed] = outbox(db, "booking_confirmed", booked)
    [queued] = outbox(db, "waiting_list", waiting)
    assert session.online_url in confirmed.body_text and session.online_url in confirmed.ics.replace("\r\n ", "")
    assert session.online_url not in queued.body_text
