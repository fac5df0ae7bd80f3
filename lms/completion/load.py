"""Gather the rule's facts for one officer or thousands and decide, in a fixed number of queries whatever their number:
modules and quiz from lms.courses.progress, one for the sessions attended, one for the seats on sessions to come.
"""
import gc
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from lms.completion.rule import CourseRule, Facts, Learner, Status, decide
from lms.courses.models import Course, CourseCycle
from lms.courses.progress import (COURSES, NO_SUMMARY, PEOPLE, AttemptsSummary, CourseProgress, Population,
                                  ProgressSummary, abandon_cutoff, attempts_select, each_read_select, load_summaries,
                                  people_rows, previous_completions_select, progress_from, rows)
from lms.extensions import db
from lms.people.models import Person
from lms.sessions.models import LIVE_STATUSES, Booking, TrainingSession
from lms.sessions.queries import attended_select, last_attended
from lms.sessions.state import not_on_register
from lms.timeutil import from_london, to_london, utcnow


def london_day(value: datetime | None) -> date | None:
    """The London date of a UTC time. London is UTC or one hour ahead, so before 23:00 UTC the date is the same:
    only the last hour needs the time zone (this runs for every officer and course of a report)."""
    if value is None:
        return None
    return value.date() if value.hour < 23 else to_london(value).date()


def learner_of(person: Person) -> Learner:
    return Learner(id=person.id, rank=person.rank, team_type=person.team.team_type if person.team else None,
                   joined_on=london_day(person.created_at))


def _seats_select(people) -> sa.Select:
    return (sa.select(Booking.person_id, Booking.course_id, Booking.status, TrainingSession.starts_at,
                      TrainingSession.ends_at)
            .join(TrainingSession, TrainingSession.id == Booking.session_id)
            .where(Booking.person_id.in_(people), Booking.course_id.in_(COURSES),
                   Booking.status.in_(LIVE_STATUSES), TrainingSession.is_cancelled.is_(False),
                   TrainingSession.ends_at > sa.bindparam("now"), not_on_register()))


def seats_to_come(person_ids: list[int], course_ids: list[int], now: datetime,
                  people: Population | sa.Select | None = None) -> dict[tuple[int, int], Booking]:
    """Each (person, course)'s live booking on a session that has not ended and whose register does not mark them yet,
    in one query: the register has the last word (as in booking_state), so someone marked absent while the session
    runs no longer holds a seat to come."""
    if not person_ids or not course_ids:
        return {}
    rows = people_rows(_seats_select, person_ids if people is None else people, courses=course_ids, now=now)
    return {(row.person_id, row.course_id): row for row in rows}


NOTHING_DONE = Facts()


def facts_from(progress: CourseProgress | ProgressSummary, modules_total: int, attended_at: datetime | None,
               seat) -> Facts:
    """The rule's facts from the courses domain's progress (full or summed up), the sessions attended and a seat."""
    started = progress.modules_read or progress.attempts_used or progress.in_progress_attempt_id is not None
    if not started and attended_at is None and seat is None and progress.previous_completed_on is None:
        return NOTHING_DONE
    modules_done = progress.modules_read >= modules_total and progress.last_read_at is not None
    return Facts(
        modules_done_on=london_day(progress.last_read_at) if modules_done else None,
        quiz_passed_on=london_day(progress.last_passed_at),
        attended_on=london_day(attended_at),
        has_started=bool(started or attended_at or seat),
        booked_for=seat.starts_at if seat is not None and seat.status == "booked" else None,
        is_waiting=seat is not None and seat.status == "waiting",
        previous_completed_on=progress.previous_completed_on,
    )


class Record(NamedTuple):
    """One officer on one course: the courses domain's progress, the rule's facts and the status decided."""

    progress: CourseProgress
    facts: Facts
    status: Status


def load_records(learners: Iterable[Learner], courses: Iterable[Course],
                 now: datetime | None = None) -> dict[tuple[int, int], Record]:
    """Every (learner, course)'s record, with the modules read, keyed (person_id, course_id), in one query (and the
    courses' modules, kept): for a page about one officer (or a few)."""
    learners, courses = list(learners), list(courses)
    now = now or utcnow()
    today = london_day(now)
    person_ids, course_ids = sorted({learner.id for learner in learners}), [course.id for course in courses]
    if not person_ids or not course_ids:
        return {}
    found = _facts_of_few(person_ids, course_ids, now)
    progress = progress_from(person_ids, course_ids, found.reads, found.attempts, found.previous)
    records = {}
    for course in courses:
        rule = CourseRule.of(course)
        for learner in learners:
            key = (learner.id, course.id)
            facts = facts_from(progress[key], progress[key].modules_total, found.attended.get(key),
                               found.seats.get(key))
            records[key] = Record(progress[key], facts, decide(rule, learner, facts, today))
    return records


class Seat(NamedTuple):
    """A live booking on a session still to come, as seats_to_come gives it."""

    person_id: int
    course_id: int
    status: str
    starts_at: datetime
    ends_at: datetime


class FewFacts(NamedTuple):
    reads: list[tuple[int, int, int, datetime]]
    attempts: dict[tuple[int, int], AttemptsSummary]
    previous: dict[tuple[int, int], date]
    attended: dict[tuple[int, int], datetime]
    seats: dict[tuple[int, int], Seat]


#: how many columns of each type the union below has: each select's columns go into those of their type, since the
#: columns of a UNION must agree in type on PostgreSQL, and the first select's types decide how SQLite's are read
_SLOTS = (("int", sa.Integer, 3), ("time", sa.DateTime, 4), ("date", sa.Date, 1), ("text", sa.String, 1))


def _slotted(kind: str, select: sa.Select, **positions: tuple[int, ...]) -> sa.Select:
    """`select` (person_id and course_id first) as a row of the union: its kind, then its other columns by position
    in the slots of their type, NULL in the rest."""
    inner = list(select.subquery().c)
    columns = [sa.literal_column(f"'{kind}'", sa.String).label("kind"), inner[0].label("person_id"),
               inner[1].label("course_id")]
    for slot, type_, count in _SLOTS:
        taken = positions.get(slot, ())
        columns += [(inner[taken[index]] if index < len(taken) else sa.cast(sa.null(), type_)).label(f"{slot}{index}")
                    for index in range(count)]
    return sa.select(*columns)


# The five selects that load_progress, last_attended and seats_to_come run, as one UNION ALL: a page about one
# officer makes one round trip for their facts rather than five, by the same rules (the same selects).
_FACTS_OF_FEW = sa.union_all(
    _slotted("read", each_read_select(PEOPLE), int=(2,), time=(3,)),
    _slotted("quiz", attempts_select(PEOPLE), int=(2, 3, 7), time=(4, 5, 6, 8)),
    _slotted("previous", previous_completions_select(PEOPLE), date=(2,)),
    _slotted("attended", attended_select(PEOPLE), time=(2,)),
    _slotted("seat", _seats_select(PEOPLE), text=(2,), time=(3, 4)),
)


def _facts_of_few(person_ids: list[int], course_ids: list[int], now: datetime) -> FewFacts:
    found = FewFacts([], {}, {}, {}, {})
    wanted = set(course_ids)
    for row in rows(_FACTS_OF_FEW, people=person_ids, courses=course_ids, now=now,
                    abandon_cutoff=abandon_cutoff(now)):
        key = (row.person_id, row.course_id)
        if row.kind == "read":
            found.reads.append((row.person_id, row.course_id, row.int0, row.time0))
        elif row.kind == "quiz":
            found.attempts[key] = AttemptsSummary(row.int0, row.int1, row.time0, row.time1, row.time2, row.int2,
                                                  row.time3)
        elif row.kind == "previous":
            found.previous[key] = row.date0
        elif row.kind == "attended" and row.course_id in wanted:  # as last_attended: courses picked here
            found.attended[key] = row.time0
        elif row.kind == "seat":
            found.seats[key] = Seat(row.person_id, row.course_id, row.text0, row.time0, row.time1)
    return found


@contextmanager
def cycle_collector_paused():
    """Pause Python's cycle collector (reference counting still frees everything) while a report builds some
    hundred thousand small tuples that hold no cycles: otherwise full collections, which walk every object in the
    process, take a quarter of the time of a 5,000-officer report, and more the larger it is."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def statuses(learners: Iterable[Learner], courses: Iterable[Course], now: datetime | None = None,
             people: Population | sa.Select | None = None) -> dict[tuple[int, int], Status]:
    """Bulk: every (learner, course)'s status, keyed (person_id, course_id), in six queries, for thousands of
    officers. `people` is the learners as a select of their ids, when the caller has one, so the database is not
    sent thousands of ids (a Population: its statements are built once)."""
    return statuses_until(learners, courses, now or utcnow(), people)[0]


def statuses_until(learners: Iterable[Learner], courses: Iterable[Course], now: datetime,
                   people: Population | sa.Select | None = None) -> tuple[dict[tuple[int, int], Status], datetime]:
    """statuses(), and the first moment after `now` at which one of them may change with nothing written: the next
    London midnight (due dates and refreshers are days), the end of a session someone holds a seat on, or the
    abandoning of an attempt in progress. For keeping them (lms.completion.cache)."""
    with cycle_collector_paused():
        return _statuses(list(learners), list(courses), now, people)


def _statuses(learners: list[Learner], courses: list[Course], now: datetime,
              people: Population | sa.Select | None) -> tuple[dict[tuple[int, int], Status], datetime]:
    today = london_day(now)
    changes_at = from_london(today + timedelta(days=1), time(0))
    person_ids, course_ids = [learner.id for learner in learners], [course.id for course in courses]
    if not person_ids or not course_ids:
        return {}, changes_at
    people = person_ids if people is None else people
    totals, summaries = load_summaries(people, courses, now)
    attended = last_attended(person_ids, course_ids, people)
    seats = seats_to_come(person_ids, course_ids, now, people)
    moments = [changes_at, *(seat.ends_at for seat in seats.values())]
    open_since = [summary.in_progress_since for summary in summaries.values() if summary.in_progress_since]
    if open_since:
        moments.append(min(open_since) + (now - abandon_cutoff(now)))
    changes_at = min(moments)
    found = {}
    for course in courses:
        rule, total = CourseRule.of(course), totals.get(course.id, 0)
        # decide() is a pure function of the rule, the learner's rank, team type and joining day, the facts and
        # the date, so everyone who has done nothing and shares those gets one status, decided once.
        untouched: dict[tuple, Status] = {}
        for learner in learners:
            key = (learner.id, course.id)
            facts = facts_from(summaries.get(key, NO_SUMMARY), total, attended.get(key), seats.get(key))
            if facts is NOTHING_DONE:
                alike = (learner.rank, learner.team_type, learner.joined_on)
                status = untouched.get(alike) or untouched.setdefault(alike, decide(rule, learner, facts, today))
            else:
                status = decide(rule, learner, facts, today)
            found[key] = status
    return found, changes_at


def status_of(person: Person, course: Course, now: datetime | None = None) -> Status:
    """One officer's status on one course."""
    return load_records([learner_of(person)], [course], now)[(person.id, course.id)].status


def cycles_started(people: sa.Select, course: Course) -> dict[int, date]:
    """The London day each of these people (a select of ids) began their current cycle of `course`, for those in a
    refresher or after a reset: the day their earlier completion stopped counting. One query."""
    rows = db.session.execute(sa.select(CourseCycle.person_id, CourseCycle.started_at).where(
        CourseCycle.person_id.in_(people.scalar_subquery()), CourseCycle.course_id == course.id,
        CourseCycle.is_current.is_(True)))
    return {person_id: london_day(started_at) for person_id, started_at in rows}
