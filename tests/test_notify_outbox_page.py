"""The outbox page says when mail was last sent and what failed, and an admin retries a failed message (audited)."""
import time

import pytest
import sqlalchemy as sa

import lms.models  # noqa: F401  (first: lms.sessions and lms.courses import each other, this in a working order)
from lms.audit.models import AuditEvent
from lms.notify.models import OutboxMessage
from lms.notify.sending import send_due
from lms.sessions import booking as booking_service
from lms.timeutil import format_datetime
from tests.mail_support import free_port, smtp  # noqa: F401
from tests.sessions_fixtures import course, make_session, trainer  # noqa: F401


@pytest.fixture
def admin(make_person, login):
    person = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin")
    login(person)
    return person


@pytest.fixture
def failed(app, db, smtp, make_person, make_session, monkeypatch):
    """One message sent, then a second refused because the mail server was down."""
    session = make_session()
    first, second = make_person(given_name="Fay"), make_person(given_name="Sid")
    booking_service.book(first, session, first)
    db.session.commit()
    assert send_due().sent == 1
    booking_service.book(second, session, second)
    db.session.commit()
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    assert len(send_due().failed) == 1
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.person_id == second.id))


def test_the_outbox_says_when_mail_was_last_sent_and_what_failed(client, db, admin, failed):
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "notify send" not in page
    sent_at = db.session.scalar(sa.select(OutboxMessage.sent_at).where(OutboxMessage.status == "sent"))
    assert "Mail last sent" in page and format_datetime(sent_at) in page
    assert "1 message failed and will be tried again" in page and "ConnectionRefusedError" in page


def test_an_admin_retries_a_failed_message_and_it_is_sent_and_audited(client, db, admin, failed, smtp):
    page = client.get(f"/admin/outbox/{failed.id}").get_data(as_text=True)
    assert "Try sending it again now" in page and "ConnectionRefusedError" in page
    response = client.post(f"/admin/outbox/{failed.id}/retry", follow_redirects=True)
    assert f"Sent to {failed.to_address}." in response.get_data(as_text=True)
    assert [message["To"] for message in smtp.received][-1] == failed.to_address
    db.session.expire_all()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 2, "")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "outbox.retried"))
    assert (event.actor_id, event.object_id) == (admin.id, str(failed.id))
    again = client.post(f"/admin/outbox/{failed.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "nothing to retry" in again and len(smtp.received) == 2


def test_only_admins_retry(client, db, login, make_person, failed):
    login(make_person(roles=("officer", "trainer", "supervisor")))
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 403
    db.session.expire_all()
    assert failed.attempts == 1 and db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "outbox.retried")) is None


def test_retrying_against_a_silent_mail_server_answers_within_seconds(app, client, db, admin, failed, monkeypatch):
    """The retry is sent inside the admin's request: it waited the sending run's MAIL_TIMEOUT_SECONDS (10 s),
    holding one of the site's few workers."""
    from tests.test_core_failsoft import silent_server

    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    monkeypatch.setitem(app.config, "MAIL_RETRY_NOW_TIMEOUT_SECONDS", 0.5)
    with silent_server() as port:
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        started = time.monotonic()
        response = client.post(f"/admin/outbox/{failed.id}/retry", follow_redirects=True)
        seconds = time.monotonic() - started
    assert seconds < 0.5 + 1.5
    assert "It failed again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (failed.status, failed.attempts) == ("pending", 2)
