"""Trainers schedule, change and cancel sessions, and manage venues. These flush; the caller commits."""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from lms.audit.services import diff, record
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Area, Person, Team
from lms.sessions import notices
from lms.sessions.booking import fill_freed_seats
from lms.sessions.models import LIVE_STATUSES, Booking, TrainingSession, Venue, session_trainers
from lms.sessions.rules import SessionRuleError, lock_rows
from lms.timeutil import format_datetime, utcnow

log = logging.getLogger(__name__)

#: changes that move the calendar entry or what people need to know to get there
NOTIFIED_FIELDS = ("starts", "ends", "where", "online link")


@dataclass
class SessionDetails:
    """What a trainer enters for a session, already converted to UTC."""

    course: Course
    starts_at: datetime
    ends_at: datetime
    venue: Venue | None
    online_url: str | None
    capacity: int
    trainers: list[Person]
    audience_teams: list[Team] = field(default_factory=list)
    audience_areas: list[Area] = field(default_factory=list)
    booking_deadline_at: datetime | None = None
    min_attendees: int = 0
    notes: str = ""


def _overlapping(stmt, details: SessionDetails, session: TrainingSession | None):
    stmt = stmt.where(TrainingSession.is_cancelled.is_(False), TrainingSession.starts_at < details.ends_at,
                      TrainingSession.ends_at > details.starts_at)
    if session is not None and session.id is not None:
        stmt = stmt.where(TrainingSession.id != session.id)
    return db.session.execute(stmt.limit(1)).first()


class InvalidSession(SessionRuleError):
    """Everything wrong with a session's details at once, each as (the detail it is about, the message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(" ".join(message for _, message in problems))
        self.problems = problems


def validate(details: SessionDetails, session: TrainingSession | None, now: datetime) -> None:
    """Raise InvalidSession with every problem in `details`, double-bookings included, so a trainer fixes them
    in one go. Each is against a SessionDetails attribute name (`capacity`, `trainers`...)."""
    problems = []
    maximum = current_app.config["SESSION_MAX_CAPACITY"]
    times_make_sense = details.ends_at > details.starts_at
    if not times_make_sense:
        problems.append(("ends_at", "The session must end after it starts."))
    moved = session is None or (session.starts_at, session.ends_at) != (details.starts_at, details.ends_at)
    days_ahead = current_app.config["SESSION_MAX_DAYS_AHEAD"]
    if moved and details.starts_at <= now:
        problems.append(("starts_at", "The start must be in the future."))
    elif details.starts_at > now + timedelta(days=days_ahead):
        problems.append(("starts_at", f"Sessions can be scheduled up to {days_ahead} days ahead: check the year."))
    if (details.venue is None) == (not details.online_url):
        problems.append(("venue", "Choose a venue, or give an online link for a session held online (not both)."))
    if details.online_url and not details.online_url.lower().startswith(("https://", "http://")):
        # it becomes a link in pages and emails
        problems.append(("online_url", "The online link must start https://"))
    if not 1 <= details.capacity <= maximum:
        problems.append(("capacity", f"Capacity must be between 1 and {maximum}: sessions are kept small."))
    elif details.venue is not None and details.capacity > details.venue.capacity:
        problems.append(("capacity", f"{details.venue.name} seats {details.venue.capacity}; lower the capacity."))
    elif session is not None and details.capacity < session.seats_taken:
        booked = "1 person is" if session.seats_taken == 1 else f"{session.seats_taken} people are"
        problems.append(("capacity", f"{booked} booked: the capacity cannot go below that. "
                                     "Move or cancel bookings first."))
    if not 0 <= details.min_attendees <= details.capacity:
        problems.append(("min_attendees", "The minimum numbers must be between 0 and the capacity."))
    if details.booking_deadline_at is not None and details.booking_deadline_at > details.starts_at:
        problems.append(("booking_deadline_at", "The booking deadline must be before the start."))
    if not details.trainers:
        problems.append(("trainers", "Choose at least one trainer."))
    if details.course.is_retired:
        problems.append(("course", "That course has been retired."))
    elif session is not None and session.course_id != details.course.id and live_bookings(session):
        problems.append(("course", "People are booked on this session, so its course cannot change."))
    if times_make_sense:
        problems += _clashes(details, session)
    if problems:
        raise InvalidSession(problems)


def _clashes(details: SessionDetails, session: TrainingSession | None) -> list[tuple[str, str]]:
    """A trainer or the venue already booked at an overlapping time."""
    problems = []
    lock_rows(Person, [trainer.id for trainer in details.trainers])
    lock_rows(Venue, [details.venue.id] if details.venue else [])
    trainer_sessions = (sa.select(Person.given_name, Person.family_name, TrainingSession.starts_at)
                        .select_from(TrainingSession)
                        .join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
                        .join(Person, Person.id == session_trainers.c.person_id)
                        .where(Person.id.in_([trainer.id for trainer in details.trainers])))
    clash = _overlapping(trainer_sessions, details, session)
    if clash:
        problems.append(("trainers", f"{clash.given_name} {clash.family_name} is already running a session at "
                                     f"{format_datetime(clash.starts_at)} that overlaps this one."))
    if details.venue is not None:
        clash = _overlapping(sa.select(TrainingSession.starts_at)
                             .where(TrainingSession.venue_id == details.venue.id), details, session)
        if clash:
            problems.append(("venue", f"{details.venue.name} is already booked for a session at "
                                      f"{format_datetime(clash.starts_at)} that overlaps this one."))
    return problems


def snapshot(session: TrainingSession) -> dict:
    return {
        "course": session.course.title if session.course else None,
        "starts": format_datetime(session.starts_at),
        "ends": format_datetime(session.ends_at),
        "where": session.where,
        "online link": session.online_url or "",
        "capacity": session.capacity,
        "minimum": session.min_attendees,
        "trainers": sorted(trainer.name for trainer in session.trainers),
        "audience": sorted([team.full_name for team in session.audience_teams]
                           + [area.name for area in session.audience_areas]),
        "booking deadline": format_datetime(session.booking_deadline_at),
        "notes": session.notes,
    }


def _apply(session: TrainingSession, details: SessionDetails) -> None:
    session.course = details.course
    session.starts_at, session.ends_at = details.starts_at, details.ends_at
    session.venue, session.online_url = details.venue, details.online_url or None
    session.capacity, session.min_attendees = details.capacity, details.min_attendees
    session.trainers = list(details.trainers)
    session.audience_teams, session.audience_areas = list(details.audience_teams), list(details.audience_areas)
    session.booking_deadline_at, session.notes = details.booking_deadline_at, details.notes
    session.updated_at = utcnow()


def create_session(actor: Person, details: SessionDetails, now: datetime | None = None) -> TrainingSession:
    """Schedule a session, refusing a trainer or venue already booked at an overlapping time."""
    validate(details, None, now or utcnow())
    session = TrainingSession(created_by_id=actor.id, seats_taken=0, sequence=0)
    _apply(session, details)
    db.session.add(session)
    db.session.flush()
    record(actor, "session.created", "session", session.id,
           f"Scheduled {details.course.title} on {format_datetime(session.starts_at)}", diff({}, snapshot(session)))
    log.info("session %s scheduled by %s", session.id, actor.id)
    return session


def live_bookings(session: TrainingSession) -> list[Booking]:
    return list(db.session.scalars(sa.select(Booking).where(Booking.session_id == session.id,
                                                            Booking.status.in_(LIVE_STATUSES))
                                   .order_by(Booking.created_at, Booking.id)))


def update_session(actor: Person, session: TrainingSession, details: SessionDetails,
                   now: datetime | None = None) -> dict:
    """Change a session; if its time or place moved, bump the calendar SEQUENCE and tell everyone booked."""
    now = now or utcnow()
    if session.is_cancelled:
        raise SessionRuleError("This session has been cancelled; schedule a new one instead.")
    lock_rows(TrainingSession, [session.id])
    db.session.refresh(session)
    validate(details, session, now)
    before = snapshot(session)
    _apply(session, details)
    changes = diff(before, snapshot(session))
    if not changes:
        return changes
    told = [name for name in NOTIFIED_FIELDS if name in changes]
    if told:
        session.sequence += 1
    db.session.flush()
    record(actor, "session.changed", "session", session.id,
           f"Changed {session.course.title} on {format_datetime(session.starts_at)}: {', '.join(changes)}", changes)
    if told:
        notices.session_changed(session, live_bookings(session), told)
    if "capacity" in changes and changes["capacity"][1] > changes["capacity"][0]:
        fill_freed_seats(session, now)
    elif "capacity" in changes and session.seats_left == 0:
        notices.offer_ended(session)
    return changes


def cancel_session(actor: Person, session: TrainingSession, reason: str, now: datetime | None = None) -> int:
    """Cancel a session with a reason; every booking ends and everyone booked or waiting is told."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise SessionRuleError("Give a reason: it goes in the email to everyone booked.")
    if session.is_cancelled:
        raise SessionRuleError("This session has already been cancelled.")
    affected = live_bookings(session)
    db.session.execute(sa.update(Booking).where(Booking.session_id == session.id,
                                                Booking.status.in_(LIVE_STATUSES))
                       .values(status="cancelled", cancelled_at=now, cancel_reason="session cancelled")
                       .execution_options(synchronize_session=False))
    session.is_cancelled, session.cancel_reason, session.cancelled_at = True, reason[:500], now
    session.seats_taken, session.checkin_code = 0, None
    session.sequence += 1
    session.updated_at = now
    db.session.flush()
    for booking in affected:
        db.session.expire(booking)
    record(actor, "session.cancelled", "session", session.id,
           f"Cancelled {session.course.title} on {format_datetime(session.starts_at)}: {reason}"[:300],
           {"cancelled": [False, True], "bookings ended": [len(affected), 0]})
    notices.offer_ended(session)
    notices.session_cancelled(session, affected)
    return len(affected)


def confirm_go_ahead(actor: Person, session: TrainingSession) -> None:
    """The trainer decides a session below its minimum numbers still runs."""
    if session.is_cancelled:
        raise SessionRuleError("This session has been cancelled.")
    session.is_go_confirmed = True
    record(actor, "session.go_confirmed", "session", session.id,
           f"Confirmed {session.course.title} on {format_datetime(session.starts_at)} goes ahead with "
           f"{session.seats_taken} booked (minimum {session.min_attendees})")


def save_venue(actor: Person, venue: Venue | None, *, name: str, address: str, capacity: int,
               area: Area | None, is_active: bool) -> Venue:
    """Add a venue or change one; names are unique."""
    name = name.strip()
    taken = db.session.scalar(sa.select(Venue.id).where(sa.func.lower(Venue.name) == name.lower()))
    if taken is not None and (venue is None or taken != venue.id):
        raise SessionRuleError(f"There is already a venue called {name}.")
    if capacity < 1:
        raise SessionRuleError("Capacity must be at least 1.")
    before = {} if venue is None else {"name": venue.name, "address": venue.address, "capacity": venue.capacity,
                                       "area": venue.area.name if venue.area else None, "active": venue.is_active}
    if venue is None:
        venue = Venue()
        db.session.add(venue)
    venue.name, venue.address, venue.capacity, venue.area, venue.is_active = name, address.strip(), capacity, area, \
        is_active
    db.session.flush()
    after = {"name": venue.name, "address": venue.address, "capacity": venue.capacity,
             "area": area.name if area else None, "active": venue.is_active}
    changes = diff(before, after)
    if changes:
        record(actor, "venue.created" if not before else "venue.changed", "venue", venue.id,
               f"{'Added' if not before else 'Changed'} venue {venue.name}", changes)
    return venue
