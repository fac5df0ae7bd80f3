"""A new cycle of a course for one officer: a refresher they start when it is due, or a reset by a trainer or admin.

From the cycle's start only what is done again counts: modules read, quiz attempts (and their limit) and sessions
attended. The completion before it is kept on the cycle, so the rule, reports and transcript show both. Flushes,
never commits.
"""
from datetime import date, datetime

import sqlalchemy as sa

from lms.audit.services import record
from lms.courses.models import Course, CourseCycle, QuizAttempt
from lms.extensions import db
from lms.timeutil import format_date, utcnow

#: the longest reason a reset may give (the column's size)
REASON_MAX = 300


class CycleError(Exception):
    """A new cycle that cannot be started; the message says why."""


def may_start_refresher(status) -> bool:
    """Whether the officer may start a refresher: it is due, and their current cycle was completed (otherwise the
    refresher is the cycle they are in)."""
    return status.code == "refresher_due" and status.completed_on is not None


def start_cycle(actor, person, course: Course, status, *, reason: str = "", now: datetime | None = None) -> CourseCycle:
    """Begin a new cycle of `course` for `person`, whose status on it is `status` (as lms.completion decided it).

    The officer starts their own refresher when it is due (no reason); a trainer or admin resets anyone's course,
    giving a reason. An attempt left open is closed as abandoned: it belongs to the cycle that ends.
    """
    now = now or utcnow()
    reason = " ".join(reason.split())
    if actor.id == person.id and not reason:
        if not may_start_refresher(status):
            raise CycleError("Your refresher of this course is not due.")
        kind, reason = "refresher", "Refresher due"
    else:
        if not actor.has_role("trainer", "admin"):
            raise CycleError("Only trainers and admins can reset a course.")
        if not reason:
            raise CycleError("Enter the reason for the reset.")
        if len(reason) > REASON_MAX:
            raise CycleError(f"The reason must be {REASON_MAX} characters or fewer.")
        kind = "reset"
    previous: date | None = status.completed_on or status.previous_completed_on
    db.session.execute(sa.update(CourseCycle).where(
        CourseCycle.person_id == person.id, CourseCycle.course_id == course.id, CourseCycle.is_current.is_(True))
        .values(is_current=False).execution_options(synchronize_session=False))
    abandon_open_attempts(now, person_id=person.id, course_id=course.id)
    cycle = CourseCycle(person_id=person.id, course_id=course.id, kind=kind, reason=reason, started_at=now,
                        started_by_id=actor.id, previous_completed_on=previous)
    db.session.add(cycle)
    db.session.flush()
    earlier = f" (previously completed {format_date(previous)})" if previous else ""
    summary = (f"{person.name} started a refresher of '{course.title}'{earlier}" if kind == "refresher" else
               f"{actor.name} reset {person.name}'s '{course.title}' course{earlier}: {reason}")
    record(actor, f"course_cycle.{kind}", "course_cycle", cycle.id, summary, {"reason": [None, reason]})
    return cycle


def abandon_open_attempts(now: datetime, *, started_before: datetime | None = None, person_id: int | None = None,
                          course_id: int | None = None) -> int:
    """Close attempts still in progress as abandoned (not failed: unmarked, and not counted against the limit);
    only those started before `started_before` when given, only one person's or course's when given. One
    statement; returns how many were closed."""
    conditions = [QuizAttempt.submitted_at.is_(None), QuizAttempt.abandoned_at.is_(None)]
    if started_before is not None:
        conditions.append(QuizAttempt.started_at < started_before)
    if person_id is not None:
        conditions.append(QuizAttempt.person_id == person_id)
    if course_id is not None:
        conditions.append(QuizAttempt.course_id == course_id)
    return db.session.execute(sa.update(QuizAttempt).where(*conditions).values(abandoned_at=now)
                              .execution_options(synchronize_session=False)).rowcount
