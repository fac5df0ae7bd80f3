"""Gather the rule's facts for many officers and courses at once, in a fixed number of queries, and decide.

Six queries whatever the number of officers: four for modules and quiz (lms.courses.progress), one for the
sessions attended and one for the seats held on sessions still to come.
"""
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa

from lms.completion.rule import CourseRule, Facts, Learner, Status, decide
from lms.courses.models import Course
from lms.courses.progress import CourseProgress, load_progress
from lms.extensions import db
from lms.people.models import Person
from lms.sessions.models import LIVE_STATUSES, Booking, TrainingSession
from lms.sessions.queries import last_attended
from lms.timeutil import to_london, utcnow


def london_day(value: datetime | None) -> date | None:
    """The London date of a UTC time. London is UTC or one hour ahead, so before 23:00 UTC the date is the same:
    only the last hour needs the time zone (this runs for every officer and course of a report)."""
    if value is None:
        return None
    return value.date() if value.hour < 23 else to_london(value).date()


def learner_of(person: Person) -> Learner:
    return Learner(id=person.id, rank=person.rank, team_type=person.team.team_type if person.team else None,
                   joined_on=london_day(person.created_at))


def seats_to_come(person_ids: list[int], course_ids: list[int], now: datetime,
                  people: sa.Select | None = None) -> dict[tuple[int, int], Booking]:
    """Each (person, course)'s live booking on a session that has not ended, in one query."""
    if not person_ids or not course_ids:
        return {}
    rows = db.session.connection().execute(
        sa.select(Booking.person_id, Booking.course_id, Booking.status, TrainingSession.starts_at)
        .join(TrainingSession, TrainingSession.id == Booking.session_id)
        .where(Booking.person_id.in_(person_ids if people is None else people.scalar_subquery()),
               Booking.course_id.in_(course_ids),
               Booking.status.in_(LIVE_STATUSES), TrainingSession.is_cancelled.is_(False),
               TrainingSession.ends_at > now))
    return {(row.person_id, row.course_id): row for row in rows}


NOTHING_DONE = Facts()


def facts_from(progress: CourseProgress, attended_at: datetime | None, seat) -> Facts:
    if not progress.read_count and not progress.attempts_used and progress.in_progress_attempt_id is None \
            and attended_at is None and seat is None:
        return NOTHING_DONE
    modules_done = progress.has_read_all_modules and progress.last_read_at is not None
    return Facts(
        modules_done_on=london_day(progress.last_read_at) if modules_done else None,
        quiz_passed_on=london_day(progress.last_passed_at),
        attended_on=london_day(attended_at),
        has_started=progress.is_started or attended_at is not None or seat is not None,
        booked_for=seat.starts_at if seat is not None and seat.status == "booked" else None,
        is_waiting=seat is not None and seat.status == "waiting",
    )


class Record(NamedTuple):
    """One officer on one course: the courses domain's progress, the rule's facts and the status decided."""

    progress: CourseProgress
    facts: Facts
    status: Status


def _decided(learners: list[Learner], courses: list[Course], now: datetime | None, module_ids: bool,
             people: sa.Select | None = None):
    """Yield ((person_id, course_id), progress, facts, status) for every learner and course, from six queries."""
    now = now or utcnow()
    today = london_day(now)
    person_ids, course_ids = [learner.id for learner in learners], [course.id for course in courses]
    progress = load_progress(person_ids, courses, module_ids=module_ids, people=people)
    attended = last_attended(person_ids, course_ids, people) if person_ids and course_ids else {}
    seats = seats_to_come(person_ids, course_ids, now, people)
    rules = [(course.id, CourseRule.of(course)) for course in courses]
    for learner in learners:
        for course_id, rule in rules:
            key = (learner.id, course_id)
            found = progress[key]
            facts = facts_from(found, attended.get(key), seats.get(key))
            yield key, found, facts, decide(rule, learner, facts, today)


def load_records(learners: Iterable[Learner], courses: Iterable[Course], now: datetime | None = None, *,
                 module_ids: bool = True) -> dict[tuple[int, int], Record]:
    """Every (learner, course)'s record, keyed (person_id, course_id), in six queries. With module_ids=False the
    progress holds how many modules were read but not which."""
    return {key: Record(progress, facts, status)
            for key, progress, facts, status in _decided(list(learners), list(courses), now, module_ids)}


def statuses(learners: Iterable[Learner], courses: Iterable[Course], now: datetime | None = None,
             people: sa.Select | None = None) -> dict[tuple[int, int], Status]:
    """Bulk: every (learner, course)'s status, keyed (person_id, course_id), in six queries, for thousands.
    `people` is the learners as a select of their ids, when there is one (the database is then sent no ids)."""
    return {key: status for key, _, _, status in _decided(list(learners), list(courses), now, False, people)}


def status_of(person: Person, course: Course, now: datetime | None = None) -> Status:
    """One officer's status on one course."""
    return load_records([learner_of(person)], [course], now)[(person.id, course.id)].status
