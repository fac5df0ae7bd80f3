"""The xAPI queue: every statement waits here until `flask xapi send` has delivered it to the learning record store."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow


class XapiStatement(db.Model):
    __tablename__ = "xapi_statements"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending','sending','sent')", name="status"),
        sa.Index("ix_xapi_statements_status_due_at", "status", "due_at"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the statement's id, a uuid5 of the event it records: the same event is never queued twice, and a resend
    #: after a crash carries the id the store already has, so the store keeps one copy
    statement_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    person_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"), index=True)
    #: for a statement a later correction can make untrue (a register mark), what it is about: "<service number>
    #: <session activity id>"; a new statement about the same thing voids this one
    subject: so.Mapped[str | None] = so.mapped_column(sa.String(300), index=True)
    #: a voiding statement has been queued for this one
    is_voided: so.Mapped[bool] = so.mapped_column(default=False)
    #: the statement as sent (JSON)
    body: so.Mapped[dict] = so.mapped_column(sa.JSON)
    #: pending → sending (claimed by one sender run with a conditional UPDATE) → sent
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending")
    due_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    claimed_at: so.Mapped[datetime | None]
    claim_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    sent_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
