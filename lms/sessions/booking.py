"""Book, cancel, move and promote: every seat changes hands through a conditional UPDATE, so no race can
overfill a session (ENGINEERING.md). These operations flush and never commit."""
import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.audit.services import record
from lms.courses.progress import cycle_start
from lms.extensions import db
from lms.people.models import Person
from lms.sessions import notices
from lms.sessions.models import LIVE_STATUSES, Attendance, Booking, TrainingSession
from lms.sessions.rules import (SessionRuleError, cancel_refusal, in_audience, is_trainer, lock_rows,
                                may_book_for, promotion_cutoff)
from lms.timeutil import format_date, format_datetime, utcnow

log = logging.getLogger(__name__)


def _take_seat(session_id: int) -> bool:
    """Take one seat if one is free; the WHERE is re-checked against the newest row, so it cannot oversell."""
    result = db.session.execute(
        sa.update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.seats_taken < TrainingSession.capacity,
               TrainingSession.is_cancelled.is_(False))
        .values(seats_taken=TrainingSession.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release_seat(session_id: int) -> None:
    db.session.execute(
        sa.update(TrainingSession)
        .where(TrainingSession.id == session_id, TrainingSession.seats_taken > 0)
        .values(seats_taken=TrainingSession.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


def _set_status(booking: Booking, before: str, after: str, **values) -> bool:
    """Move a booking between statuses only if it is still in `before`; the owner is part of the WHERE."""
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.person_id == booking.person_id, Booking.status == before)
        .values(status=after, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _refresh(*objects) -> None:
    for obj in objects:
        db.session.expire(obj)


def live_booking_for_course(person_id: int, course_id: int) -> Booking | None:
    return db.session.scalar(sa.select(Booking).where(
        Booking.person_id == person_id, Booking.course_id == course_id, Booking.status.in_(LIVE_STATUSES),
        Booking.superseded_at.is_(None)))


def _is_over(booking: Booking, now: datetime) -> bool:
    """A seat on a session that has ended, or a place in the queue for one that has started, is history."""
    session = booking.session
    return now >= (session.ends_at if booking.status == "booked" else session.starts_at)


def register_mark(booking: Booking) -> str | None:
    """How the register marks the booking's person on its session (attended, absent, excused), or None."""
    return db.session.scalar(sa.select(Attendance.status).where(
        Attendance.session_id == booking.session_id, Attendance.person_id == booking.person_id))


def _attended(booking: Booking) -> bool:
    """Whether the person attended the booked session in their current cycle of the course: one attended before a
    refresher or reset leaves them free to book again."""
    started = cycle_start(booking.person_id, booking.course_id)
    if started is not None and booking.session.starts_at < started:
        return False
    return register_mark(booking) == "attended"


def _supersede(actor: Person, finished: Booking, now: datetime) -> None:
    """Let a booking whose session is over stop counting as the person's booking for the course."""
    db.session.execute(sa.update(Booking).where(Booking.id == finished.id, Booking.superseded_at.is_(None))
                       .values(superseded_at=now).execution_options(synchronize_session=False))
    _refresh(finished)
    record(actor, "booking.superseded", "booking", finished.id,
           f"{finished.person.name}'s {'seat' if finished.status == 'booked' else 'waiting-list place'} on "
           f"{format_datetime(finished.session.starts_at)} closed: they booked the course again",
           {"superseded": [False, True]})


def _overlapping_booking(person_id: int, session: TrainingSession) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking).join(Booking.session).options(so.contains_eager(Booking.session))
        .where(Booking.person_id == person_id, Booking.status.in_(LIVE_STATUSES),
               TrainingSession.is_cancelled.is_(False), TrainingSession.id != session.id,
               TrainingSession.starts_at < session.ends_at, TrainingSession.ends_at > session.starts_at)
        .limit(1)
    )


def check_bookable(actor: Person, session: TrainingSession, person: Person, now: datetime) -> Booking | None:
    """Raise SessionRuleError naming the first rule that stops `actor` booking `person` on `session`. Return the
    person's booking for the course on a session that is over, which the new booking is to replace."""
    if not may_book_for(actor, person):
        raise SessionRuleError("You can only book officers of the teams you supervise.")
    if not person.is_active_account:
        raise SessionRuleError(f"{person.name}'s account is deactivated.")
    if session.is_cancelled:
        raise SessionRuleError("This session has been cancelled.")
    if now >= session.starts_at:
        raise SessionRuleError("This session has already started.")
    if not is_trainer(actor):
        if now > session.deadline:
            raise SessionRuleError(f"Booking for this session closed at {format_datetime(session.deadline)}.")
        if not in_audience(session, person):
            raise SessionRuleError(f"This session is not open to {person.name}'s team.")
    existing = live_booking_for_course(person.id, session.course_id)
    you = actor.id == person.id
    if existing is not None and not _is_over(existing, now):
        who = "You already have" if you else f"{person.name} already has"
        state = "a place on" if existing.status == "booked" else "a place on the waiting list for"
        raise SessionRuleError(f"{who} {state} the session on {format_datetime(existing.session.starts_at)} "
                               "for this course. Cancel that booking first.")
    if (existing is not None and existing.status == "booked" and not is_trainer(actor)
            and _attended(existing)):
        raise SessionRuleError(f"{'You' if you else person.name} attended this course's session on "
                               f"{format_date(existing.session.starts_at)}, so there is no need to book another.")
    clash = _overlapping_booking(person.id, session)
    if clash is not None:
        raise SessionRuleError(f"That clashes with the {clash.session.course.title} session on "
                               f"{format_datetime(clash.session.starts_at)}.")
    return existing


def book(actor: Person, session: TrainingSession, person: Person, now: datetime | None = None) -> Booking:
    """Give `person` a seat on `session`, or a place on its waiting list when it is full."""
    now = now or utcnow()
    lock_rows(Person, [person.id])  # one person's bookings one at a time, so the clash check holds
    finished = check_bookable(actor, session, person, now)
    if finished is not None:
        _supersede(actor, finished, now)
    booking = Booking(session_id=session.id, person_id=person.id, course_id=session.course_id,
                      status="booked" if _take_seat(session.id) else "waiting", booked_by_id=actor.id,
                      created_at=utcnow())
    db.session.add(booking)
    db.session.flush()  # the partial unique index refuses a second live booking for the course here
    _refresh(session)
    if booking.status == "booked" and session.seats_left == 0:
        notices.offer_ended(session)
    verb = "booked" if booking.status == "booked" else "put on the waiting list for"
    record(actor, "booking.created" if booking.status == "booked" else "booking.waiting", "booking", booking.id,
           f"{person.name} {verb} {session.course.title} on {format_datetime(session.starts_at)}",
           {"status": [None, booking.status], "session": [None, session.id]})
    log.info("booking %s (%s) of %s on session %s by %s", booking.id, booking.status, person.id, session.id, actor.id)
    (notices.booking_confirmed if booking.status == "booked" else notices.waiting_list_place)(booking)
    return booking


@dataclass
class ManyBooked:
    """What booking several people on one session came to, person by person."""

    session: TrainingSession
    booked: list[Person] = field(default_factory=list)
    waiting: list[Person] = field(default_factory=list)
    #: (person, why not), in the words book() refused them in
    refused: list[tuple[Person, str]] = field(default_factory=list)


def book_many(actor: Person, session: TrainingSession, people: list[Person], now: datetime | None = None) -> ManyBooked:
    """Book each of `people` on `session` as book() books one (a seat while seats last, then the waiting list, each
    emailed): someone a rule refuses is left out with the reason and the others are booked all the same, each in
    a savepoint so a refusal undoes only their own half-made booking."""
    now = now or utcnow()
    result = ManyBooked(session)
    for person in people:
        try:
            with db.session.begin_nested():
                made = book(actor, session, person, now)
        except SessionRuleError as error:
            result.refused.append((person, str(error)))
        except sa.exc.IntegrityError:  # booked for the course at the same moment by someone else
            result.refused.append((person, f"{person.name} already has a booking for this course."))
        else:
            (result.booked if made.status == "booked" else result.waiting).append(person)
    _refresh(session)
    return result


def cancel(actor: Person, booking: Booking, now: datetime | None = None, *, reason: str = "cancelled",
           tell: bool = True) -> list[Booking]:
    """Cancel a booking; a freed seat goes on to the waiting list in the same transaction. Returns who moved up."""
    now = now or utcnow()
    session = booking.session
    refusal = cancel_refusal(actor, booking, now, register_mark(booking))
    if refusal:
        raise SessionRuleError(refusal)
    values = {"cancelled_at": now, "cancel_reason": reason}
    if _set_status(booking, "booked", "cancelled", **values):
        _release_seat(session.id)
        before = "booked"
    elif _set_status(booking, "waiting", "cancelled", **values):
        before = "waiting"
    else:
        raise SessionRuleError("That booking has already been cancelled.")
    _refresh(booking, session)
    record(actor, "booking.cancelled", "booking", booking.id,
           f"{booking.person.name}'s booking on {format_datetime(session.starts_at)} cancelled ({reason})",
           {"status": [before, "cancelled"]})
    if tell:
        notices.booking_cancelled(booking, held_seat=before == "booked")
    if before == "waiting":
        notices.offer_ended(session, booking.person_id)
    return fill_freed_seats(session, now) if before == "booked" else []


def fill_freed_seats(session: TrainingSession, now: datetime | None = None) -> list[Booking]:
    """Before the cut-off promote the first people waiting; after it, offer the free seats to everyone waiting."""
    now = now or utcnow()
    if session.is_cancelled or now >= session.starts_at:
        return []
    waiting = (sa.select(Booking).where(Booking.session_id == session.id, Booking.status == "waiting")
               .order_by(Booking.created_at, Booking.id))
    if now >= promotion_cutoff(session):
        if session.seats_left > 0:
            notices.seat_offered(session, list(db.session.scalars(waiting)))
        return []
    promoted = []
    while True:
        # SKIP LOCKED: two cancellations at once promote two different people instead of queueing on one.
        candidate = db.session.scalar(waiting.limit(1).with_for_update(skip_locked=True))
        if candidate is None or not _take_seat(session.id):
            break
        if not _set_status(candidate, "waiting", "booked", promoted_at=now):
            _release_seat(session.id)
            continue
        _refresh(candidate)
        record(None, "booking.promoted", "booking", candidate.id,
               f"{candidate.person.name} moved up from the waiting list", {"status": ["waiting", "booked"]})
        notices.promoted(candidate)
        promoted.append(candidate)
    _refresh(session)
    return promoted


def take_offered_seat(actor: Person, booking: Booking, now: datetime | None = None) -> None:
    """Someone waiting takes a free seat (offered to all waiting after the cut-off): the first to ask gets it."""
    now = now or utcnow()
    session = booking.session
    if booking.status != "waiting":
        raise SessionRuleError("You are not on the waiting list for this session.")
    if session.is_cancelled or now >= session.starts_at:
        raise SessionRuleError("This session has already started or been cancelled.")
    if not _take_seat(session.id):
        raise SessionRuleError("Someone else took the free seat first. You are still on the waiting list.")
    if not _set_status(booking, "waiting", "booked", promoted_at=now):
        raise SessionRuleError("You are not on the waiting list for this session.")
    _refresh(booking, session)
    notices.offer_ended(session, None if session.seats_left == 0 else booking.person_id)
    record(actor, "booking.seat_taken", "booking", booking.id,
           f"{booking.person.name} took a free seat on {format_datetime(session.starts_at)}",
           {"status": ["waiting", "booked"]})
    notices.booking_confirmed(booking)


def move(actor: Person, booking: Booking, target: TrainingSession, now: datetime | None = None) -> Booking:
    """A trainer moves someone to another session of the same course; the seat they leave is passed on."""
    now = now or utcnow()
    if not is_trainer(actor):
        raise SessionRuleError("Only trainers can move people between sessions.")
    if target.id == booking.session_id or target.course_id != booking.course_id:
        raise SessionRuleError("Choose another session of the same course.")
    if not booking.is_live:
        raise SessionRuleError("That booking has already been cancelled.")
    person = booking.person
    cancel(actor, booking, now, reason="moved")
    moved = book(actor, target, person, now)
    record(actor, "booking.moved", "booking", moved.id, f"{person.name} moved to the session on "
           f"{format_datetime(target.starts_at)}", {"session": [booking.session_id, target.id]})
    return moved
