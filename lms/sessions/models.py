"""Venues, sessions of a course, bookings and the waiting list, attendance and calendar feeds."""
import secrets
import uuid
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: a booking that holds a seat or a place in the queue; anything else is history
LIVE_STATUSES = ("booked", "waiting")
#: the bookings that count as a person's one booking for a course (a superseded one is history)
LIVE_BOOKING_WHERE = "status IN ('booked','waiting') AND superseded_at IS NULL"
BOOKING_STATUSES = ("booked", "waiting", "cancelled")
ATTENDANCE_STATUSES = {"attended": "Attended", "absent": "Absent", "excused": "Excused"}

session_trainers = sa.Table(
    "session_trainers",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)
session_audience_teams = sa.Table(
    "session_audience_teams",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)
session_audience_areas = sa.Table(
    "session_audience_areas",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)


class Venue(db.Model):
    """A training room the trainers may book, from a list they manage."""

    __tablename__ = "venues"
    __table_args__ = (sa.CheckConstraint("capacity >= 1", name="capacity_positive"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: seats in the room; a session there cannot have more
    capacity: so.Mapped[int]
    #: the local policing area the room is in, for the "near me" filter
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("areas.id"), index=True)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)

    area: so.Mapped["Area | None"] = so.relationship()  # noqa: F821


class TrainingSession(db.Model):
    """One small-group session of a course: when, where, how many seats, who runs it."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_sessions_starts_at_is_cancelled", "starts_at", "is_cancelled"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the calendar UID: stays the same through every change, so calendar clients update in place
    uid: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True, default=lambda: uuid.uuid4().hex)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"), index=True)
    starts_at: so.Mapped[datetime]
    ends_at: so.Mapped[datetime]
    venue_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("venues.id"), index=True)
    #: a video-call link, for a session held online
    online_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    capacity: so.Mapped[int] = so.mapped_column(default=8)
    #: seats held by bookings; changed only by conditional UPDATEs so it can never pass capacity
    seats_taken: so.Mapped[int] = so.mapped_column(default=0)
    #: below this many bookings the trainer is asked whether it still goes ahead
    min_attendees: so.Mapped[int] = so.mapped_column(default=0)
    #: officers may book and cancel until then; None = until the start
    booking_deadline_at: so.Mapped[datetime | None]
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the trainer decided a session below its minimum still goes ahead
    is_go_confirmed: so.Mapped[bool] = so.mapped_column(default=False)
    is_cancelled: so.Mapped[bool] = so.mapped_column(default=False)
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    cancelled_at: so.Mapped[datetime | None]
    #: the calendar SEQUENCE: bumped on every change people are told about
    sequence: so.Mapped[int] = so.mapped_column(default=0)
    #: the self check-in code the trainer shows in the room; None until check-in is opened
    checkin_code: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    course: so.Mapped["Course"] = so.relationship()  # noqa: F821
    venue: so.Mapped[Venue | None] = so.relationship()
    trainers: so.Mapped[list["Person"]] = so.relationship(  # noqa: F821
        secondary=session_trainers, order_by="Person.family_name")
    audience_teams: so.Mapped[list["Team"]] = so.relationship(secondary=session_audience_teams)  # noqa: F821
    audience_areas: so.Mapped[list["Area"]] = so.relationship(secondary=session_audience_areas)  # noqa: F821

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def deadline(self) -> datetime:
        return self.booking_deadline_at or self.starts_at

    @property
    def where(self) -> str:
        if self.venue:
            return f"{self.venue.name}, {self.venue.address}"
        return "Online"

    @property
    def has_audience(self) -> bool:
        return bool(self.audience_teams or self.audience_areas)


class Booking(db.Model):
    """A person's seat on a session, or their place on its waiting list."""

    __tablename__ = "bookings"
    __table_args__ = (
        sa.CheckConstraint("status IN ('booked','waiting','cancelled')", name="status"),
        # One live booking per person per course: the schema, not the code, has the last word under load.
        sa.Index("uq_bookings_live_person_course", "person_id", "course_id", unique=True,
                 sqlite_where=sa.text(LIVE_BOOKING_WHERE), postgresql_where=sa.text(LIVE_BOOKING_WHERE)),
        sa.Index("ix_bookings_session_id_status", "session_id", "status"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    #: the session's course, copied so the one-live-booking-per-course rule is a plain unique index
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"))
    #: one of BOOKING_STATUSES
    status: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: who made the booking: the person themselves, their supervisor or a trainer
    booked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"))
    #: the waiting list is in this order (then id), so it is stable however many join at once
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    promoted_at: so.Mapped[datetime | None]
    cancelled_at: so.Mapped[datetime | None]
    #: "cancelled", "session cancelled", "moved", ...
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: when the person booked the course again after this booking's session was over (they missed it, or the
    #: waiting list never reached them): it stays on the session's record but no longer counts as their booking
    superseded_at: so.Mapped[datetime | None]

    session: so.Mapped[TrainingSession] = so.relationship()
    person: so.Mapped["Person"] = so.relationship(foreign_keys=[person_id])  # noqa: F821
    booked_by: so.Mapped["Person | None"] = so.relationship(foreign_keys=[booked_by_id])  # noqa: F821

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class Attendance(db.Model):
    """The register: whether one person attended one session."""

    __tablename__ = "attendances"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "person_id"),
        sa.CheckConstraint("status IN ('attended','absent','excused')", name="status"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    #: one of ATTENDANCE_STATUSES
    status: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: came without a booking and was added on the day
    is_walk_in: so.Mapped[bool] = so.mapped_column(default=False)
    #: marked by the officer with the check-in code rather than by the trainer
    is_self_checked_in: so.Mapped[bool] = so.mapped_column(default=False)
    marked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"))
    marked_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    session: so.Mapped[TrainingSession] = so.relationship()
    person: so.Mapped["Person"] = so.relationship(foreign_keys=[person_id])  # noqa: F821


class CalendarFeed(db.Model):
    """A secret address at which a person's calendar reads every session they are booked on."""

    __tablename__ = "calendar_feeds"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the secret in the address (lms.sessions.feeds): the address itself is shown once and not kept
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: a revoked address answers 404
    revoked_at: so.Mapped[datetime | None]

    person: so.Mapped["Person"] = so.relationship()  # noqa: F821


from lms.courses.models import Course  # noqa: E402,F401  (resolves the relationships' strings)
from lms.people.models import Area, Person, Team  # noqa: E402,F401
