"""Sessions per device: each sign-in is its own server-side session, ended alone, timed out on the server."""
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from config import TestConfig
from lms import create_app
from lms.audit.models import AuditEvent
from lms.extensions import write_intent
from lms.people.auth import load_person
from lms.people.models import DeviceSession
from lms.timeutil import utcnow
from tests.conftest import PASSWORD, Client

PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
            "Mobile Safari/537.36")
DESK_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def sign_in(client, person, user_agent=DESK_UA):
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    response = client.post("/login", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return client


def signed_in(client) -> bool:
    return client.get("/guidance/").status_code == 200


def sessions_of(db, person) -> list[DeviceSession]:
    db.session.commit()  # end the snapshot a page read in (last seen and expiry are written apart from it)
    return list(db.session.scalars(sa.select(DeviceSession).where(DeviceSession.person_id == person.id)
                                   .order_by(DeviceSession.id)))


@pytest.fixture
def officer_on_two_devices(app, make_person):
    person = make_person()
    return person, sign_in(app.test_client(), person, DESK_UA), sign_in(app.test_client(), person, PHONE_UA)


def test_signing_out_on_one_device_leaves_the_other_signed_in(officer_on_two_devices, db):
    person, desk, phone = officer_on_two_devices
    assert [s.browser for s in sessions_of(db, person)] == ["Firefox on Windows", "Chrome on Android"]
    desk.post("/logout")
    assert not signed_in(desk)
    assert signed_in(phone)
    assert [s.browser for s in sessions_of(db, person)] == ["Chrome on Android"]


def test_a_copied_cookie_works_until_that_device_signs_out_then_never(app, officer_on_two_devices, db):
    person, desk, phone = officer_on_two_devices
    copy = app.test_client()
    copy.set_cookie("session", desk.get_cookie("session").value)
    assert signed_in(copy)
    desk.post("/logout")
    assert not signed_in(copy)
    assert signed_in(phone)


def test_the_devices_page_lists_each_device_and_marks_this_one(officer_on_two_devices):
    person, desk, phone = officer_on_two_devices
    page = phone.get("/account/devices").get_data(as_text=True)
    assert "You are signed in on 2 devices" in page
    assert "Firefox on Windows" in page and "with password" in page
    assert "Chrome on Android <strong class=\"govuk-tag govuk-tag--green\">This device</strong>" in page


def test_signing_out_another_device_from_the_devices_page(officer_on_two_devices, db):
    person, desk, phone = officer_on_two_devices
    desk_session = sessions_of(db, person)[0]
    response = phone.post(f"/account/devices/{desk_session.id}/sign-out", follow_redirects=True)
    assert "That device is signed out." in response.get_data(as_text=True)
    assert not signed_in(desk)
    assert signed_in(phone)
    assert len(sessions_of(db, person)) == 1


def test_sign_out_of_all_other_devices_keeps_this_one(app, make_person, db):
    person = make_person()
    others = [sign_in(app.test_client(), person) for _ in range(3)]
    here = sign_in(app.test_client(), person, PHONE_UA)
    response = here.post("/account/devices/sign-out-others", follow_redirects=True)
    assert "Signed out of 3 other devices." in response.get_data(as_text=True)
    assert [signed_in(client) for client in others] == [False, False, False]
    assert signed_in(here)
    assert [s.browser for s in sessions_of(db, person)] == ["Chrome on Android"]


def test_nobody_can_sign_out_someone_elses_device(app, make_person, db):
    victim, attacker = make_person(), make_person()
    victim_client = sign_in(app.test_client(), victim)
    attacker_client = sign_in(app.test_client(), attacker)
    victim_session = sessions_of(db, victim)[0]
    response = attacker_client.post(f"/account/devices/{victim_session.id}/sign-out", follow_redirects=True)
    assert "That device was already signed out." in response.get_data(as_text=True)
    assert signed_in(victim_client)
    assert len(sessions_of(db, victim)) == 1


def test_an_idle_session_ends_on_the_server(app, make_person, db):
    person = make_person()
    client = sign_in(app.test_client(), person)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    db.session.execute(sa.update(DeviceSession).values(last_seen_at=utcnow() - idle - timedelta(minutes=1)))
    db.session.commit()
    assert not signed_in(client)
    assert sessions_of(db, person) == []


def test_a_busy_session_still_ends_at_the_absolute_limit(app, make_person, db):
    person = make_person()
    client = sign_in(app.test_client(), person)
    hours = app.config["SESSION_ABSOLUTE_HOURS"]
    db.session.execute(sa.update(DeviceSession).values(created_at=utcnow() - timedelta(hours=hours, minutes=1),
                                                       last_seen_at=utcnow()))
    db.session.commit()
    assert not signed_in(client)
    assert sessions_of(db, person) == []


def test_last_seen_is_written_at_most_once_a_minute(app, make_person, db):
    person = make_person()
    client = sign_in(app.test_client(), person)
    seen = sessions_of(db, person)[0].last_seen_at
    db.session.commit()
    assert signed_in(client)
    assert sessions_of(db, person)[0].last_seen_at == seen  # a page seconds later writes nothing
    two_minutes_ago = utcnow() - timedelta(minutes=2)
    db.session.execute(sa.update(DeviceSession).values(last_seen_at=two_minutes_ago))
    db.session.commit()
    assert signed_in(client)
    assert sessions_of(db, person)[0].last_seen_at > two_minutes_ago + timedelta(minutes=1)


def test_the_cookie_is_signed_again_only_when_last_seen_is_written(app, make_person, db, clock):
    """Its expiry (the idle timeout) moves on with last seen, not on every page: signing it costs every page."""
    client = sign_in(app.test_client(), make_person())

    def cookie_expiry():
        response = client.get("/guidance/")
        assert response.status_code == 200
        cookie = next((c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")), None)
        return cookie and re.search(r"Expires=([^;]+)", cookie).group(1)

    cookie_expiry()  # the first page after signing in keeps a CSRF token in the session
    assert cookie_expiry() is None  # seconds later: last seen is not written, nor the cookie
    clock.advance(timedelta(minutes=2))
    idle_ends = datetime.now(UTC) + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    expires = parsedate_to_datetime(cookie_expiry())
    assert abs(expires - idle_ends) < timedelta(seconds=5)
    assert cookie_expiry() is None


def test_loading_the_signed_in_person_is_one_query(app, make_person, db, count_queries):
    person = make_person(roles=("officer", "trainer"))
    client = sign_in(app.test_client(), person)
    with client.session_transaction() as session:
        token = session["_user_id"]
    db.session.expire_all()
    with count_queries() as counter:
        loaded = load_person(token)
        assert loaded.id == person.id and loaded.roles == {"officer", "trainer"}
    assert counter.count == 1, counter.statements


def test_a_forged_or_unknown_session_id_signs_nobody_in(app, make_person):
    make_person()
    client = app.test_client()
    for value in ("1", "1:abc", "x" * 500, ""):
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert not signed_in(client), value


def test_admin_signs_a_person_out_everywhere_and_it_is_audited(app, make_person, login, client, db):
    person = make_person()
    devices = [sign_in(app.test_client(), person) for _ in range(2)]
    admin = make_person(roles=("officer", "admin"))
    login(admin)
    page = client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Firefox on Windows" in page and "Sign out everywhere" in page
    response = client.post(f"/admin/people/{person.id}/sign-out-everywhere", follow_redirects=True)
    assert f"{person.name} is signed out of 2 devices." in response.get_data(as_text=True)
    assert [signed_in(device) for device in devices] == [False, False]
    assert sessions_of(db, person) == []
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.signed_out_everywhere"))
    assert event.actor_id == admin.id and event.object_id == str(person.id)
    assert signed_in(client)  # the admin's own session is untouched


def test_an_officer_cannot_sign_anyone_out_everywhere(app, make_person, login, client, db):
    person = make_person()
    device = sign_in(app.test_client(), person)
    login(make_person())
    assert client.post(f"/admin/people/{person.id}/sign-out-everywhere").status_code == 403
    assert signed_in(device)


def test_a_new_password_from_the_command_line_ends_every_session(app, make_person, runner, db):
    person = make_person()
    device = sign_in(app.test_client(), person)
    result = runner.invoke(args=["users", "set-password", person.email], input="a new long passphrase 7\n" * 2)
    assert result.exit_code == 0, result.output
    assert not signed_in(device)
    assert sessions_of(db, person) == []


def test_a_session_started_on_one_instance_ends_on_another(app, database_url, make_person, db):
    """Two app instances (two gunicorn hosts) on one database share the sessions: nothing lives in a process."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    other_app = create_app(Config)
    other_app.test_client_class = Client
    person = make_person()
    client = sign_in(app.test_client(), person)
    cookie = client.get_cookie("session").value
    db.session.commit()  # the test's own session ends its transaction, as a request's does when it is served
    with other_app.app_context():
        other = other_app.test_client()
        other.set_cookie("session", cookie)
        assert other.get("/guidance/").status_code == 200
        other.post("/logout")
        assert other.get("/guidance/").status_code == 302
        db.session.remove()
        db.engine.dispose()
    assert not signed_in(client)
    assert sessions_of(db, person) == []


def test_a_form_sent_when_last_seen_is_due_is_served_at_once(app, make_person, db):
    """On SQLite a form takes the write lock up front: the "last seen" write must not wait on it from outside."""
    person = make_person()
    client = sign_in(app.test_client(), person)
    two_minutes_ago = utcnow() - timedelta(minutes=2)
    db.session.execute(sa.update(DeviceSession).values(last_seen_at=two_minutes_ago))
    db.session.commit()
    response = client.post("/account/devices/sign-out-others")
    assert response.status_code == 302
    assert sessions_of(db, person)[0].last_seen_at > two_minutes_ago + timedelta(minutes=1)


def test_signing_in_clears_the_persons_timed_out_sessions(app, make_person, db):
    person = make_person()
    sign_in(app.test_client(), person)
    db.session.execute(sa.update(DeviceSession).values(last_seen_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    sign_in(app.test_client(), person, PHONE_UA)
    assert [s.browser for s in sessions_of(db, person)] == ["Chrome on Android"]


def test_a_page_after_a_form_when_last_seen_is_due_is_served_at_once(app, make_person, db, clock):
    """A form's request ends its transaction, as the server ends it: the next page's "last seen" write, on its own
    connection, does not wait on the write lock the form took (it did in the test client, and answered 503)."""
    person = make_person()
    client = sign_in(app.test_client(), person)
    assert client.post("/account/devices/sign-out-others").status_code == 302
    clock.advance(timedelta(minutes=2))
    assert client.get("/guidance/").status_code == 200
    assert sessions_of(db, person)[0].last_seen_at > utcnow() - timedelta(minutes=1)


def test_a_page_refused_before_it_runs_still_records_the_device_as_seen(app, make_person, db, clock):
    """Whether a request may write is settled before any other check: a page refused for a control character in its
    address (its error page loads the person) reads like any page, and its "last seen" write, apart from the
    request, is kept. Decided after the refusal, it was whatever the thread's last request left: after a form, the
    write joined the refused request's transaction and was rolled back with it."""
    person = make_person()
    client = sign_in(app.test_client(), person)
    clock.advance(timedelta(minutes=2))
    write_intent.set(True)  # as a server thread leaves it after a form
    response = client.get("/guidance/?q=%01")
    assert response.status_code == 400 and "Sign out" in response.get_data(as_text=True)  # the person was loaded
    assert sessions_of(db, person)[0].last_seen_at > utcnow() - timedelta(minutes=1)
