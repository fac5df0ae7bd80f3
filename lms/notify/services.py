"""Put messages in the outbox. Every domain calls these; they flush, never commit, and never talk to SMTP."""
import logging
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.notify.models import OutboxMessage
from lms.people.models import Person
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


def render(kind: str, **context) -> tuple[str, str]:
    """Render notify/<kind>.txt: its first line is the subject, the rest (after a blank line) the body."""
    text = render_template(f"notify/{kind}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return subject.removeprefix("Subject:").strip(), body.strip() + "\n"


def new_message_id() -> str:
    """A Message-ID for a message being queued: random, so no two messages share one, in the sender's domain."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "masterclass.invalid"
    return f"<{secrets.token_hex(16)}@{domain}>"


def queue(kind: str, person: Person, *, topic: str = "", ics: str | None = None, due_at: datetime | None = None,
          **context) -> None:
    """Render a message for `person` and add it to the outbox."""
    subject, body = render(kind, person=person, **context)
    db.session.add(OutboxMessage(kind=kind, to_address=person.email, person_id=person.id, topic=topic,
                                 subject=subject, body_text=body, ics=ics, due_at=due_at or utcnow(),
                                 message_id=new_message_id()))
    log.info("queued %s for %s (%s)", kind, person.id, topic)


def queue_once(dedupe_key: str, kind: str, person: Person, *, topic: str = "", ics: str | None = None,
               due_at: datetime | None = None, refresh: bool = False, **context) -> bool:
    """Queue a message only if none with this key is in the outbox (two senders at once add it once).

    With `refresh`, a message with the key that has not gone yet is rewritten instead (same Message-ID); one that
    has gone, or is going, is left alone. Returns whether a message was added or rewritten.
    """
    subject, body = render(kind, person=person, **context)
    values = dict(kind=kind, to_address=person.email, person_id=person.id, topic=topic, subject=subject,
                  body_text=body, ics=ics, dedupe_key=dedupe_key, status="pending", due_at=due_at or utcnow(),
                  attempts=0, last_error="", created_at=utcnow(), message_id=new_message_id())
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OutboxMessage).values(**values)
    if refresh:
        fresh = {name: statement.excluded[name] for name in ("to_address", "subject", "body_text", "ics", "due_at")}
        statement = statement.on_conflict_do_update(index_elements=["dedupe_key"], set_=fresh,
                                                    where=OutboxMessage.status == "pending")
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    return db.session.execute(statement.returning(OutboxMessage.id)).scalar() is not None


def release_keys(kind: str, topic: str, person_id: int | None = None) -> None:
    """End the keyed messages of `kind` about `topic` (for one person, or everyone): drop those not sent yet, and
    free the key of those sent, so that a later event queues a new message."""
    keyed = [OutboxMessage.kind == kind, OutboxMessage.topic == topic, OutboxMessage.dedupe_key.is_not(None)]
    if person_id is not None:
        keyed.append(OutboxMessage.person_id == person_id)
    db.session.execute(sa.delete(OutboxMessage).where(*keyed, OutboxMessage.status == "pending"))
    db.session.execute(sa.update(OutboxMessage).where(*keyed).values(dedupe_key=None)
                       .execution_options(synchronize_session=False))


def withdraw_pending(kind: str, person_id: int, topic: str) -> None:
    """Drop a not-yet-sent message that a newer one replaces (a register outcome changed before it went)."""
    db.session.execute(sa.delete(OutboxMessage).where(
        OutboxMessage.kind == kind, OutboxMessage.person_id == person_id, OutboxMessage.topic == topic,
        OutboxMessage.status == "pending"))
