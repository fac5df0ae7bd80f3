"""`flask notify send` killed mid-run: nothing else waits on it, and a resend carries the same Message-ID."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from lms.notify.sending import send_due
from lms.sessions import booking as booking_service
from lms.timeutil import utcnow
from tests.mail_support import free_port, smtp  # noqa: F401
from tests.sessions_fixtures import course, make_session, outbox, trainer  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _four_booked(db, make_person, make_session) -> dict[int, str]:
    """Four booking confirmations in the outbox; returns each message's Message-ID as queued."""
    session = make_session()
    for _ in range(4):
        person = make_person()
        booking_service.book(person, session, person)
    db.session.commit()
    queued = {message.id: message.message_id for message in outbox(db)}
    db.session.commit()  # end the read: the sender in another process must be able to write
    return queued


def test_every_message_has_its_own_message_id_from_the_moment_it_is_queued(app, db, make_person, make_session):
    queued = _four_booked(db, make_person, make_session)
    domain = app.config["MAIL_FROM"].rpartition("@")[2]
    assert len(set(queued.values())) == 4
    assert all(message_id.startswith("<") and message_id.endswith(f"@{domain}>") for message_id in queued.values())


def test_a_retried_message_keeps_its_message_id(app, db, smtp, make_person, make_session, monkeypatch):
    queued = _four_booked(db, make_person, make_session)
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens: every message fails
    assert [len(send_due().failed) for _ in range(4)] == [1, 1, 1, 1]  # a run stops at the first, the next run...
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    later = utcnow() + timedelta(minutes=app.config["MAIL_RETRY_MINUTES"] + 1)
    assert send_due(now=later).sent == 4
    assert sorted(m["Message-ID"] for m in smtp.received) == sorted(queued.values())


def test_a_sender_killed_after_the_server_accepted_a_message(app, db, smtp, database_url, make_person, make_session):
    """The kill lands between the server taking the message and the sender recording it: that one message is
    sent again after the claim timeout, with the same Message-ID, and no other message waits for the timeout."""
    queued = _four_booked(db, make_person, make_session)
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(app.config["MAIL_PORT"]), "MAIL_FROM": app.config["MAIL_FROM"]}
    env.pop("TEST_DATABASE_URL", None)
    sender = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "notify", "send"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    accept = smtp.handle_DATA

    async def kill_the_sender_then_accept(server, session, envelope):
        if sender.poll() is None:
            sender.kill()
        return await accept(server, session, envelope)

    smtp.handle_DATA = kill_the_sender_then_accept
    output, _ = sender.communicate(timeout=60)
    assert sender.returncode == -9, output.decode()
    [first] = smtp.received
    db.session.commit()  # a fresh snapshot, to see what the killed sender committed
    statuses = {message.id: message.status for message in outbox(db)}
    in_flight = next(message_id for message_id, status in statuses.items() if status == "sending")
    assert first["Message-ID"] == queued[in_flight]
    assert sorted(statuses.values()) == ["pending", "pending", "pending", "sending"]  # the rest were never claimed

    smtp.handle_DATA = accept
    assert send_due().sent == 3  # the others go at once, not after the claim timeout
    stale = utcnow() + timedelta(minutes=app.config["MAIL_CLAIM_TIMEOUT_MINUTES"] + 1)
    assert send_due(now=stale).sent == 1  # the one in flight, once its claim is stale
    message_ids = [m["Message-ID"] for m in smtp.received]
    assert sorted(message_ids) == sorted([*queued.values(), queued[in_flight]])
    assert message_ids.count(queued[in_flight]) == 2  # same Message-ID: the receiving system drops the copy
    db.session.commit()
    assert [message.status for message in outbox(db)] == ["sent"] * 4
