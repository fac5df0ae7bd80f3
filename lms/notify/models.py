"""The outbox: every email the site sends waits here until `flask notify send` delivers it."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

OUTBOX_STATUSES = ("pending", "sending", "sent")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending','sending','sent')", name="status"),
        sa.Index("ix_outbox_messages_status_due_at", "status", "due_at"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: what the message is about, e.g. "booking_confirmed", "reminder"
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    to_address: so.Mapped[str] = so.mapped_column(sa.String(254))
    person_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    #: the thing it concerns, e.g. "session:12", so a later message can replace one not yet sent
    topic: so.Mapped[str] = so.mapped_column(sa.String(60), default="", index=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body_text: so.Mapped[str] = so.mapped_column(sa.Text)
    #: a calendar entry sent as an attachment, when the message concerns a session
    ics: so.Mapped[str | None] = so.mapped_column(sa.Text)
    #: a message that must only ever be queued once (a reminder) carries a key; the unique index enforces it
    dedupe_key: so.Mapped[str | None] = so.mapped_column(sa.String(120), unique=True)
    #: the email's Message-ID, fixed when the message is queued: a resend after a crash (when the SMTP server may
    #: have accepted the first copy) carries the same one, so mail systems drop the duplicate
    message_id: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    #: one of OUTBOX_STATUSES; a sender claims a pending row by moving it to "sending" with a conditional UPDATE
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending")
    due_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    claimed_at: so.Mapped[datetime | None]
    #: which sender run holds the claim
    claim_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    sent_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    person: so.Mapped["Person | None"] = so.relationship()  # noqa: F821


from lms.people.models import Person  # noqa: E402,F401
