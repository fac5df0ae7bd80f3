"""Put messages in the outbox. Every domain calls these; they flush, never commit, and never talk to SMTP."""
import logging
from datetime import datetime

import sqlalchemy as sa
from flask import render_template
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


def queue(kind: str, person: Person, *, topic: str = "", ics: str | None = None, due_at: datetime | None = None,
          **context) -> None:
    """Render a message for `person` and add it to the outbox."""
    subject, body = render(kind, person=person, **context)
    db.session.add(OutboxMessage(kind=kind, to_address=person.email, person_id=person.id, topic=topic,
                                 subject=subject, body_text=body, ics=ics, due_at=due_at or utcnow()))
    log.info("queued %s for %s (%s)", kind, person.id, topic)


def queue_once(dedupe_key: str, kind: str, person: Person, *, topic: str = "", ics: str | None = None,
               due_at: datetime | None = None, **context) -> bool:
    """Queue a message only if none with this key was ever queued (two senders at once add it once)."""
    subject, body = render(kind, person=person, **context)
    values = dict(kind=kind, to_address=person.email, person_id=person.id, topic=topic, subject=subject,
                  body_text=body, ics=ics, dedupe_key=dedupe_key, status="pending", due_at=due_at or utcnow(),
                  attempts=0, last_error="", created_at=utcnow())
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(OutboxMessage).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id))
    return db.session.execute(statement).scalar() is not None


def withdraw_pending(kind: str, person_id: int, topic: str) -> None:
    """Drop a not-yet-sent message that a newer one replaces (a register outcome changed before it went)."""
    db.session.execute(sa.delete(OutboxMessage).where(
        OutboxMessage.kind == kind, OutboxMessage.person_id == person_id, OutboxMessage.topic == topic,
        OutboxMessage.status == "pending"))
