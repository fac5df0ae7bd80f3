"""The outbox and `flask notify send`: real SMTP, each message once, failures kept for a retry, reminders."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db as _db
from lms.notify.models import OutboxMessage
from lms.notify.sending import send_due
from lms.sessions import booking as booking_service
from lms.timeutil import utcnow
from tests.mail_support import free_port, smtp  # noqa: F401
from tests.sessions_fixtures import course, make_session, outbox, trainer  # noqa: F401


@pytest.fixture
def booked(db, make_person, make_session):
    """Two officers booked on a session: two confirmation emails in the outbox."""
    session = make_session()
    people = [make_person(), make_person()]
    for person in people:
        booking_service.book(person, session, person)
    db.session.commit()
    return session, people


def _statuses(db) -> list[str]:
    db.session.expire_all()
    return [m.status for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def test_send_delivers_plain_text_with_the_calendar_entry_attached(runner, db, smtp, booked):
    session, people = booked
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 messages." in result.output
    assert sorted(message["To"] for message in smtp.received) == sorted(person.email for person in people)
    received = smtp.received[0]
    assert received["Subject"].startswith("Booked: Investigation Masterclass")
    parts = {part.get_content_type(): part for part in received.walk()}
    assert "You are booked on a small-group session." in parts["text/plain"].get_payload(decode=True).decode()
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "PUBLISH" and calendar.get_filename() == "session.ics"
    assert f"session-{session.uid}" in calendar.get_payload(decode=True).decode()
    assert _statuses(db) == ["sent", "sent"]
    assert all(m.sent_at is not None and m.attempts == 1 for m in outbox(db))


def test_running_send_twice_sends_nothing_twice(runner, db, smtp, booked):
    runner.invoke(args=["notify", "send"])
    second = runner.invoke(args=["notify", "send"])
    assert second.exit_code == 0 and "Sent 0 messages." in second.output
    assert len(smtp.received) == 2


def test_two_senders_at_once_send_each_message_once(app, db, smtp, make_person, make_session):
    session = make_session(capacity=12)
    for _ in range(12):
        person = make_person()
        booking_service.book(person, session, person)
    db.session.commit()
    barrier = threading.Barrier(3)
    reports = []

    def sender():
        with app.app_context():
            barrier.wait()
            reports.append(send_due(limit=5))  # small batches, so the senders interleave
            reports.append(send_due(limit=5))
            reports.append(send_due(limit=5))
            _db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(report.sent for report in reports) == 12
    assert [failed for report in reports for failed in report.failed] == []
    assert sorted(m["To"] for m in smtp.received) == sorted({m["To"] for m in smtp.received})
    assert len(smtp.received) == 12 and set(_statuses(db)) == {"sent"}


def test_an_smtp_failure_keeps_the_message_for_a_retry_and_reports_it(app, runner, db, booked, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 1
    assert "the rest wait for the next run" in result.output and "not sent: message" in result.output
    tried, untried = outbox(db)
    assert tried.status == untried.status == "pending"
    assert tried.attempts == 1 and tried.last_error and tried.due_at > utcnow()
    assert untried.attempts == 0 and not untried.last_error and untried.due_at <= utcnow()


def test_a_failed_message_is_sent_on_a_later_run(app, db, smtp, booked, monkeypatch):
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    report = send_due()
    assert len(report.failed) == 1 and report.outage  # the server is down: the second waits untried
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    assert send_due().sent == 1  # the untried one; the failed one waits MAIL_RETRY_MINUTES
    later = utcnow() + timedelta(minutes=app.config["MAIL_RETRY_MINUTES"] + 1)
    assert send_due(now=later).sent == 1
    assert len(smtp.received) == 2 and _statuses(db) == ["sent", "sent"]
    assert [(m.attempts, m.last_error) for m in outbox(db)] == [(2, ""), (1, "")]


def test_without_a_mail_server_messages_stay_in_the_outbox(app, runner, db, booked):
    assert not app.config.get("MAIL_SERVER")
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0
    assert "MAIL_SERVER is not set: 2 message(s) stay in the outbox" in result.output
    assert _statuses(db) == ["pending", "pending"]


def test_a_message_due_later_is_not_sent_early(db, smtp, make_person, make_session, trainer):
    from lms.sessions import register

    session = make_session(starts_in=timedelta(minutes=-10))
    officer = make_person()
    booking_service.book(trainer, session, officer, now=session.starts_at - timedelta(days=1))
    register.mark(trainer, session, officer, "attended")
    db.session.commit()
    assert send_due().sent == 1  # the booking confirmation; the register outcome waits for the end
    [outcome] = outbox(db, "register_outcome")
    assert outcome.status == "pending"
    assert send_due(now=session.ends_at + timedelta(minutes=1)).sent == 1


def test_reminders_are_queued_once_for_sessions_starting_soon(app, runner, db, make_person, make_session):
    soon = make_session(starts_in=timedelta(hours=app.config["REMINDER_HOURS"] - 2))
    later = make_session(starts_in=timedelta(days=5), trainers=[])
    officer, other = make_person(), make_person()
    booking_service.book(officer, soon, officer)
    booking_service.book(other, later, other)
    db.session.commit()
    first = runner.invoke(args=["notify", "send"])
    assert "Queued 1 reminder." in first.output
    runner.invoke(args=["notify", "send"])
    [reminder] = outbox(db, "reminder")
    assert reminder.person_id == officer.id and "BEGIN:VEVENT" in reminder.ics
    assert reminder.subject.startswith("Reminder: Investigation Masterclass")


def test_admins_read_the_outbox_and_officers_cannot(client, db, login, make_person, booked):
    login(make_person())
    assert client.get("/admin/outbox/").status_code == 403
    client.post("/logout")
    login(make_person(roles=("officer", "admin")))
    page = client.get("/admin/outbox/?status=pending").get_data(as_text=True)
    assert "2 messages" in page and "Booked: Investigation Masterclass" in page
    message = outbox(db)[0]
    body = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "You are booked on a small-group session." in body and "Attached" in body


def test_the_site_can_write_while_a_message_is_being_sent(app, db, smtp, booked):
    """No database transaction stays open across the SMTP conversation (on SQLite it would lock out every writer)."""
    from lms.audit.services import record

    writes = []
    original = smtp.handle_DATA

    async def write_during_delivery(server, session, envelope):
        with app.app_context():
            record(None, "test.write", "test", 1, "written while the sender waits for the SMTP reply")
            _db.session.commit()
            writes.append(True)
            _db.session.remove()
        return await original(server, session, envelope)

    smtp.handle_DATA = write_during_delivery
    report = send_due()
    assert (report.sent, report.failed, len(writes)) == (2, [], 2)
