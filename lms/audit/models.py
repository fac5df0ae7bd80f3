"""The audit trail: who changed what, when, from what to what."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: who did it; None for the system (a CLI import, a scheduled job)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    #: dotted verb, e.g. "person.roles_changed", "guidance.changed", "booking.created"
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    object_id: so.Mapped[str] = so.mapped_column(sa.String(80))
    summary: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: {field: [before, after]}
    changes: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    actor: so.Mapped["Person | None"] = so.relationship()  # noqa: F821


from lms.people.models import Person  # noqa: E402,F401  (resolves the relationship's string)
