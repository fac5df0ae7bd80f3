"""The health check's heartbeat: one row the check rewrites to prove the database takes writes."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow


class Heartbeat(db.Model):
    """Rewritten by every /healthz: a database that cannot be written (read-only, full) fails the check."""

    __tablename__ = "heartbeats"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    beat_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


def beat() -> None:
    """Rewrite the heartbeat row (adding it the first time). The caller commits."""
    updated = db.session.execute(sa.update(Heartbeat).where(Heartbeat.id == 1)
                                 .values(beat_at=utcnow()))
    if updated.rowcount == 0:
        db.session.add(Heartbeat(id=1))
        db.session.flush()
