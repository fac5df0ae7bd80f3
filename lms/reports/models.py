"""Who leads an area, who is acting for whom, the programme's targets, and the nudges sent to overdue officers."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: An area lead (an inspector or chief inspector with the supervisor role) sees every team of the area, including
#: teams added to it later; supervising a team is the team_supervisors table.
area_leads = sa.Table(
    "area_leads",
    db.metadata,
    sa.Column("area_id", sa.ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Delegation(db.Model):
    """A supervisor's teams lent to an acting supervisor for a date range (leave, secondment).

    It starts and ends by itself: whether it applies is worked out from the dates on every request.
    """

    __tablename__ = "supervision_delegations"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("from_person_id <> to_person_id", name="not_to_self"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the supervisor whose teams are lent
    from_person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: the acting supervisor
    to_person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: first and last day (London) on which it applies
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date]
    reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: ended early by hand; it no longer applies from this moment
    cancelled_at: so.Mapped[datetime | None]

    from_person: so.Mapped["Person"] = so.relationship(foreign_keys=[from_person_id])  # noqa: F821
    to_person: so.Mapped["Person"] = so.relationship(foreign_keys=[to_person_id])  # noqa: F821

    def applies_on(self, day: date) -> bool:
        return self.cancelled_at is None and self.starts_on <= day <= self.ends_on


class ProgrammeTarget(db.Model):
    """A programme target: "every sergeant completes the masterclass", "800 constables complete it"."""

    __tablename__ = "programme_targets"
    __table_args__ = (sa.CheckConstraint("goal IS NULL OR goal >= 1", name="goal_positive"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(120))
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"), index=True)
    #: rank codes of the people it counts
    ranks: so.Mapped[list] = so.mapped_column(sa.JSON)
    #: how many of them must complete the course; None = every one of them
    goal: so.Mapped[int | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    course: so.Mapped["Course"] = so.relationship()  # noqa: F821


class Nudge(db.Model):
    """A reminder emailed to an overdue officer: at most one per officer in NUDGE_INTERVAL_DAYS."""

    __tablename__ = "nudges"
    __table_args__ = (sa.Index("ix_nudges_person_id_sent_at", "person_id", "sent_at"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    sent_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: the slugs of the courses it chased
    courses: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)

    sent_by: so.Mapped["Person | None"] = so.relationship(foreign_keys=[sent_by_id])  # noqa: F821


from lms.courses.models import Course  # noqa: E402,F401  (resolves the relationships' strings)
from lms.people.models import Person  # noqa: E402,F401
