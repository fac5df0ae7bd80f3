"""Tell people about their bookings: each function renders one kind of email into the outbox."""
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from lms.extensions import db
from lms.notify.services import queue, queue_once, release_keys, withdraw_pending
from lms.sessions.calendar import session_ics, session_url
from lms.sessions.models import Attendance, Booking, TrainingSession
from lms.timeutil import utcnow


def _topic(session: TrainingSession) -> str:
    return f"session:{session.id}"


def _send(kind: str, booking: Booking, *, ics: str | None = None, **context) -> None:
    session = booking.session
    queue(kind, booking.person, topic=_topic(session), ics=ics, session=session, booking=booking,
          url=session_url(session), **context)


def booking_confirmed(booking: Booking) -> None:
    _send("booking_confirmed", booking, ics=session_ics(booking.session, join_link=True))


def waiting_list_place(booking: Booking) -> None:
    # No calendar entry: a place in the queue is not a commitment to be somewhere.
    _send("waiting_list", booking)


def promoted(booking: Booking) -> None:
    _send("promoted", booking, ics=session_ics(booking.session, join_link=True))


def booking_cancelled(booking: Booking, *, held_seat: bool) -> None:
    """Confirm a cancellation; one that held a seat withdraws the calendar entry the confirmation added."""
    ics = session_ics(booking.session, cancelled=True, extra_sequence=1) if held_seat else None
    _send("booking_cancelled", booking, ics=ics, held_seat=held_seat)


def seat_offered(session: TrainingSession, waiting: list[Booking]) -> None:
    """Offer the free seats to everyone waiting: one offer a person while it stands. Another seat freed meanwhile
    rewrites an offer that has not gone yet and sends nothing new."""
    for booking in waiting:
        queue_once(f"seat_offered:{session.id}:{booking.person_id}", "seat_offered", booking.person, refresh=True,
                   topic=_topic(session), session=session, booking=booking, url=session_url(session))


def offer_ended(session: TrainingSession, person_id: int | None = None) -> None:
    """The offer no longer stands, for everyone (the free seats are gone) or for one person (they took a seat or
    left the waiting list): an offer not sent yet is withdrawn, and a seat freed later is offered afresh."""
    release_keys("seat_offered", _topic(session), person_id)


def session_changed(session: TrainingSession, bookings: list[Booking], changes: list[str]) -> None:
    ics = session_ics(session, join_link=True)  # sent only to those with a seat
    for booking in bookings:
        _send("session_changed", booking, ics=ics if booking.status == "booked" else None, changes=changes)


def session_cancelled(session: TrainingSession, bookings: list[Booking]) -> None:
    ics = session_ics(session, cancelled=True)
    for booking in bookings:
        _send("session_cancelled", booking, ics=ics)


def register_outcome(attendance: Attendance) -> None:
    """Tell the person how the register recorded them; a correction before it goes replaces the message."""
    session = attendance.session
    withdraw_pending("register_outcome", attendance.person_id, _topic(session))
    queue("register_outcome", attendance.person, topic=_topic(session), session=session, attendance=attendance,
          url=session_url(session), due_at=max(utcnow(), session.ends_at))


def queue_due_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for every seat on a session starting within REMINDER_HOURS; each goes once per start time."""
    now = now or utcnow()
    horizon = now + timedelta(hours=current_app.config["REMINDER_HOURS"])
    bookings = db.session.scalars(
        sa.select(Booking).join(Booking.session)
        .options(so.contains_eager(Booking.session).joinedload(TrainingSession.course),
                 so.contains_eager(Booking.session).selectinload(TrainingSession.trainers),
                 so.contains_eager(Booking.session).joinedload(TrainingSession.venue),
                 so.joinedload(Booking.person))
        .where(Booking.status == "booked", TrainingSession.is_cancelled.is_(False),
               TrainingSession.starts_at > now, TrainingSession.starts_at <= horizon)
        .order_by(Booking.id)
    ).unique().all()
    queued = 0
    for booking in bookings:
        session = booking.session
        key = f"reminder:{booking.id}:{session.starts_at:%Y%m%dT%H%M}"
        queued += queue_once(key, "reminder", booking.person, topic=_topic(session), ics=session_ics(session),
                             session=session, booking=booking, url=session_url(session))
    return queued
