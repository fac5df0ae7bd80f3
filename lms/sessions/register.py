"""The register: trainers mark attendance on the day, officers check themselves in with the code in the room.
These flush; the caller commits."""
import logging
import secrets
from datetime import datetime

import sqlalchemy as sa

from lms.audit.services import record
from lms.extensions import db
from lms.people.models import Person
from lms.sessions import notices
from lms.sessions.models import ATTENDANCE_STATUSES, Attendance, Booking, TrainingSession
from lms.sessions.rules import (SessionRuleError, checkin_window, is_trainer, register_locks_at,
                                register_opens_at)
from lms.timeutil import format_date, utcnow

log = logging.getLogger(__name__)

#: no 0/O or 1/I/L: the code is read off a screen across a room
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def is_locked(session: TrainingSession, now: datetime) -> bool:
    return now > register_locks_at(session)


def check_can_mark(actor: Person, session: TrainingSession, now: datetime, reason: str | None) -> str:
    """Return the audit action for a change to the register, or raise why it is not allowed now."""
    if session.is_cancelled:
        raise SessionRuleError("This session was cancelled; it has no register.")
    if now < register_opens_at(session):
        raise SessionRuleError(f"The register opens on the day of the session, {format_date(session.starts_at)}.")
    if not is_locked(session, now):
        if not is_trainer(actor):
            raise SessionRuleError("Only trainers can take the register.")
        return "attendance.marked"
    if not actor.has_role("admin"):
        raise SessionRuleError("The register is locked. Ask an administrator to correct it.")
    if not (reason or "").strip():
        raise SessionRuleError("The register is locked: give a reason for the correction.")
    return "attendance.corrected"


def _booked_person_ids(session: TrainingSession) -> set[int]:
    return set(db.session.scalars(sa.select(Booking.person_id).where(Booking.session_id == session.id,
                                                                     Booking.status == "booked")))


def _attendance(session: TrainingSession, person_id: int) -> Attendance | None:
    return db.session.scalar(sa.select(Attendance).where(Attendance.session_id == session.id,
                                                         Attendance.person_id == person_id))


def _set(actor: Person | None, session: TrainingSession, person: Person, status: str, action: str, *,
         reason: str = "", walk_in: bool = False, self_check_in: bool = False) -> Attendance:
    attendance = _attendance(session, person.id)
    before = attendance.status if attendance else None
    if before == status:
        return attendance
    if attendance is None:
        attendance = Attendance(session=session, person=person, is_walk_in=walk_in)
        db.session.add(attendance)
    attendance.status, attendance.marked_by_id, attendance.marked_at = status, getattr(actor, "id", None), utcnow()
    attendance.is_self_checked_in = self_check_in
    db.session.flush()
    changes = {"status": [before, status]}
    if reason:
        changes["reason"] = [None, reason.strip()[:200]]
    how = " (walk-in)" if walk_in else " (self check-in)" if self_check_in else ""
    record(actor, action, "attendance", attendance.id,
           f"{person.name} {ATTENDANCE_STATUSES[status].lower()} at {session.course.title} on "
           f"{format_date(session.starts_at)}{how}", changes)
    notices.register_outcome(attendance)
    return attendance


def mark(actor: Person, session: TrainingSession, person: Person, status: str, now: datetime | None = None,
         reason: str = "") -> Attendance:
    """Mark one person attended, absent or excused."""
    now = now or utcnow()
    if status not in ATTENDANCE_STATUSES:
        raise SessionRuleError("Choose attended, absent or excused.")
    action = check_can_mark(actor, session, now, reason)
    if person.id not in _booked_person_ids(session) and _attendance(session, person.id) is None:
        raise SessionRuleError(f"{person.name} is not booked on this session. Add them as a walk-in.")
    return _set(actor, session, person, status, action, reason=reason)


def mark_all_attended(actor: Person, session: TrainingSession, now: datetime | None = None) -> int:
    """Mark everyone booked and not yet marked as attended; returns how many were marked."""
    now = now or utcnow()
    action = check_can_mark(actor, session, now, None)
    if action != "attendance.marked":
        raise SessionRuleError("The register is locked: correct people one at a time, with a reason.")
    marked = set(db.session.scalars(sa.select(Attendance.person_id).where(Attendance.session_id == session.id)))
    people = db.session.scalars(sa.select(Person).where(Person.id.in_(_booked_person_ids(session) - marked))
                                .order_by(Person.id)).all()
    for person in people:
        _set(actor, session, person, "attended", action)
    return len(people)


def add_walk_in(actor: Person, session: TrainingSession, person: Person, now: datetime | None = None,
                reason: str = "") -> Attendance:
    """Add someone who came without a booking, marked attended."""
    action = check_can_mark(actor, session, now or utcnow(), reason)
    if person.id in _booked_person_ids(session) or _attendance(session, person.id) is not None:
        raise SessionRuleError(f"{person.name} is already on the register.")
    return _set(actor, session, person, "attended", action, reason=reason, walk_in=True)


def open_check_in(actor: Person, session: TrainingSession) -> str:
    """Give the session a new check-in code (any earlier code stops working)."""
    if session.is_cancelled:
        raise SessionRuleError("This session was cancelled.")
    session.checkin_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    record(actor, "session.checkin_opened", "session", session.id, "New self check-in code shown")
    return session.checkin_code


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()[:CODE_LENGTH * 2]


def check_in(person: Person, code: str, now: datetime | None = None) -> Attendance:
    """Mark a booked officer attended with the code shown in the room; a wrong or expired code changes nothing."""
    now = now or utcnow()
    code = normalise_code(code)
    candidates = db.session.scalars(sa.select(TrainingSession).join(
        Booking, sa.and_(Booking.session_id == TrainingSession.id, Booking.person_id == person.id,
                         Booking.status == "booked"))
        .where(TrainingSession.checkin_code == code, TrainingSession.is_cancelled.is_(False))).all() if code else []
    session = next((s for s in candidates if checkin_window(s)[0] <= now <= checkin_window(s)[1]), None)
    if session is None:
        log.info("failed check-in by %s", person.id)
        raise SessionRuleError("That code is not right, or check-in for your session has closed. "
                               "Check the code on the trainer's screen, or ask the trainer to mark you.")
    existing = _attendance(session, person.id)
    if existing is not None and existing.status == "attended":
        return existing
    return _set(person, session, person, "attended", "attendance.checked_in", self_check_in=True)
