"""The one rule for an officer's progress on a course: modules read, quiz passed, the parts this domain owns.

Every page, report and export asks here, so progress reads the same everywhere. The bulk loader answers for
many officers (or many courses) in five queries, whatever their number. Only the current cycle counts (see
CourseCycle): a refresher or reset starts the modules, the quiz and its attempt limit afresh.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

from lms.content.cache import cached
from lms.courses.models import Course, CourseCycle, Module, ModuleRead, QuizAttempt, QuizVersion
from lms.extensions import db
from lms.timeutil import utcnow

#: The parts of a completion rule that courses own; "session" belongs to the sessions domain.
OWNED_PARTS = ("modules", "quiz")


@dataclass(frozen=True)
class CourseProgress:
    modules_total: int
    read_module_ids: frozenset[int]
    #: whether the course has a quiz that new attempts can be made on
    has_quiz: bool
    #: submitted attempts
    attempts_used: int
    best_percent: int | None
    #: when the quiz was first passed; None = not passed
    passed_at: datetime | None
    last_submitted_at: datetime | None
    in_progress_attempt_id: int | None
    #: when the latest of the live modules read was read (a completion date when all are read)
    last_read_at: datetime | None = None
    #: the latest passing attempt: a refresher is counted from it
    last_passed_at: datetime | None = None
    #: the completion before the current cycle (a refresher or reset) began; None in a first cycle
    previous_completed_on: date | None = None

    @property
    def modules_read(self) -> int:
        return len(self.read_module_ids)

    @property
    def has_read_all_modules(self) -> bool:
        return self.modules_read >= self.modules_total

    @property
    def has_passed_quiz(self) -> bool:
        return self.passed_at is not None

    @property
    def is_started(self) -> bool:
        return bool(self.read_module_ids) or self.attempts_used > 0 or self.in_progress_attempt_id is not None

    @property
    def percent_of_modules(self) -> int:
        return 100 if not self.modules_total else self.modules_read * 100 // self.modules_total

    def owned_parts_done(self, course: Course) -> bool:
        """Whether every part of the course's completion rule that courses own is done."""
        done = {"modules": self.has_read_all_modules, "quiz": self.has_passed_quiz}
        return all(done[part] for part in OWNED_PARTS if course.requires(part))


def abandon_cutoff(now: datetime | None = None) -> datetime:
    """An attempt started before this and still unsubmitted is abandoned (QUIZ_ABANDON_AFTER_HOURS). Every read
    treats it so at once; the row is marked at the officer's next start, or by `flask courses close-abandoned`."""
    return (now or utcnow()) - timedelta(hours=current_app.config["QUIZ_ABANDON_AFTER_HOURS"])


def is_open_attempt(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Whether the attempt is in progress: not submitted, not abandoned, and not left open too long."""
    return (attempt.submitted_at is None and attempt.abandoned_at is None
            and attempt.started_at >= abandon_cutoff(now))


def rows(statement, **params):
    """Plain rows, without the ORM's per-row work: the bulk loaders read tens of thousands of them."""
    return db.session.connection().execute(statement, params).all()


#: The ids a prebuilt statement is run for: building a select and working out its cache key costs most of a small
#: query's time (about 1 ms of 1.1 for the attempts), so the statements for a list of people are built once.
PEOPLE = sa.bindparam("people", expanding=True)
COURSES = sa.bindparam("courses", expanding=True)


class Population(NamedTuple):
    """Thousands of people as a select of their ids, built once (at module level) with bound parameters, and the
    values of those parameters: the bulk statements around it are then built once too."""

    select: sa.Select
    params: dict[str, Any]


@cache
def _prebuilt(build: Callable[[Any], sa.Select], people: sa.Select | None) -> sa.Select:
    return build(PEOPLE if people is None else people.scalar_subquery())


def people_rows(build: Callable[[Any], sa.Select], people: "list[int] | Population | sa.Select",
                **params) -> list[sa.Row]:
    """The rows of `build(people)`, people given as a list of ids or as a select of them. For a list or a
    Population, a statement built once in this process is run with the ids, or the population's parameters, as
    parameters; around any other select of ids it is built each time."""
    if isinstance(people, Population):  # first: a NamedTuple is a tuple
        return rows(_prebuilt(build, people.select), **people.params, **params)
    if isinstance(people, (list, tuple)):
        return rows(_prebuilt(build, None), people=list(people), **params)
    return rows(build(people.scalar_subquery()), **params)


class ModuleLine(NamedTuple):
    """A live module as lists of modules show it (content: the same for everyone, so kept in the process)."""

    id: int
    course_id: int
    slug: str
    number: int
    title: str
    summary: str
    minutes: int


_LIVE_MODULES = (sa.select(Module.id, Module.course_id, Module.slug, Module.number, Module.title, Module.summary,
                           Module.minutes)
                 .where(Module.course_id.in_(COURSES), Module.is_retired.is_(False))
                 .order_by(Module.course_id, Module.number))


def live_module_lines(course_ids: Iterable[int]) -> dict[int, tuple[ModuleLine, ...]]:
    """The live modules of these courses, in order, keyed by course id: one query, then none until the content
    changes (lms.content.cache)."""
    course_ids = tuple(course_ids)

    def load() -> dict[int, tuple[ModuleLine, ...]]:
        found: dict[int, list[ModuleLine]] = {course_id: [] for course_id in course_ids}
        for row in rows(_LIVE_MODULES, courses=list(course_ids)):
            found[row.course_id].append(ModuleLine(*row))
        return {course_id: tuple(lines) for course_id, lines in found.items()}

    return cached(("courses.live_module_lines", course_ids), load)


def in_current_cycle(select: sa.Select, person_id, course_id, done_at) -> sa.Select:
    """`select` kept to what was done (`done_at`) in each person's current cycle of the course: everything in a
    first cycle, from its start in a refresher or after a reset. A join, not a query per person."""
    cycle = sa.and_(CourseCycle.person_id == person_id, CourseCycle.course_id == course_id,
                    CourseCycle.is_current.is_(True))
    return select.outerjoin(CourseCycle, cycle).where(
        sa.or_(CourseCycle.started_at.is_(None), done_at >= CourseCycle.started_at))


def cycle_start(person_id: int, course_id: int) -> datetime | None:
    """When the person's current cycle of the course began; None in a first cycle."""
    return db.session.scalar(sa.select(CourseCycle.started_at).where(
        CourseCycle.person_id == person_id, CourseCycle.course_id == course_id, CourseCycle.is_current.is_(True)))


def _reads(people):
    """A select of (person_id, course_id) for each read of a live module of the courses (COURSES) by these people,
    in their current cycle."""
    return in_current_cycle(
        sa.select(ModuleRead.person_id, Module.course_id).join(Module)
        .where(ModuleRead.person_id.in_(people), Module.course_id.in_(COURSES), Module.is_retired.is_(False)),
        ModuleRead.person_id, Module.course_id, ModuleRead.read_at)


def each_read_select(people):
    return _reads(people).add_columns(ModuleRead.module_id, ModuleRead.read_at)


def _reads_counted(people):
    return (_reads(people).add_columns(sa.func.count(), sa.func.max(ModuleRead.read_at))
            .group_by(ModuleRead.person_id, Module.course_id))


def previous_completions_select(people):
    return (sa.select(CourseCycle.person_id, CourseCycle.course_id, CourseCycle.previous_completed_on)
            .where(CourseCycle.person_id.in_(people), CourseCycle.course_id.in_(COURSES),
                   CourseCycle.is_current.is_(True), CourseCycle.previous_completed_on.is_not(None)))


def _previous_completions(people, course_ids: list[int]) -> dict[tuple[int, int], date]:
    """Each (person, course)'s completion before their current cycle, where there was one, in one query."""
    return {(person_id, course_id): day for person_id, course_id, day
            in people_rows(previous_completions_select, people, courses=course_ids)}


def attempts_select(people):
    open_attempt = sa.and_(QuizAttempt.submitted_at.is_(None), QuizAttempt.abandoned_at.is_(None),
                           QuizAttempt.started_at >= sa.bindparam("abandon_cutoff"))
    passed_at = sa.case((QuizAttempt.is_passed.is_(True), QuizAttempt.submitted_at))
    return in_current_cycle(
        sa.select(QuizAttempt.person_id, QuizAttempt.course_id,
                  sa.func.count(QuizAttempt.submitted_at).label("used"),
                  sa.func.max(QuizAttempt.score_percent).label("best"),
                  sa.func.min(passed_at).label("passed_at"), sa.func.max(passed_at).label("last_pass"),
                  sa.func.max(QuizAttempt.submitted_at).label("last_at"),
                  sa.func.max(sa.case((open_attempt, QuizAttempt.id))).label("in_progress"),
                  sa.func.max(sa.case((open_attempt, QuizAttempt.started_at))).label("in_progress_since"))
        .where(QuizAttempt.person_id.in_(people), QuizAttempt.course_id.in_(COURSES)),
        QuizAttempt.person_id, QuizAttempt.course_id, QuizAttempt.started_at
    ).group_by(QuizAttempt.person_id, QuizAttempt.course_id)


class AttemptsSummary(NamedTuple):
    """A (person, course)'s attempts in their current cycle summed up, as attempts_select gives them."""

    used: int
    best: int | None
    passed_at: datetime | None
    last_pass: datetime | None
    last_at: datetime | None
    in_progress: int | None
    in_progress_since: datetime | None


def _attempts(people, course_ids: list[int], now: datetime | None) -> dict[tuple[int, int], AttemptsSummary]:
    """Each (person, course)'s attempts in their current cycle summed up: used (submitted; abandoned ones are not),
    best, first and latest pass, latest, the one in progress at `now` (an attempt left open too long is not)."""
    return {(row.person_id, row.course_id): AttemptsSummary(*row[2:]) for row in people_rows(
        attempts_select, people, courses=course_ids, abandon_cutoff=abandon_cutoff(now))}


_WITH_QUIZ = sa.select(QuizVersion.course_id).where(QuizVersion.course_id.in_(COURSES),
                                                    QuizVersion.is_current.is_(True))


def load_progress(person_ids: Iterable[int], courses: Iterable[Course],
                  now: datetime | None = None) -> dict[tuple[int, int], CourseProgress]:
    """Progress of every (person, course) pair in their current cycle at `now` (the present by default), keyed
    (person_id, course_id), in three queries."""
    person_ids, course_ids = sorted(set(person_ids)), [course.id for course in courses]
    if not person_ids or not course_ids:
        return {}
    return progress_from(person_ids, course_ids, people_rows(each_read_select, person_ids, courses=course_ids),
                         _attempts(person_ids, course_ids, now), _previous_completions(person_ids, course_ids))


def progress_from(person_ids: list[int], course_ids: list[int], reads: Iterable[tuple[int, int, int, datetime]],
                  attempts: dict[tuple[int, int], AttemptsSummary],
                  previous: dict[tuple[int, int], date]) -> dict[tuple[int, int], CourseProgress]:
    """Each (person, course)'s progress from what its selects gave: every module read (person, course, module,
    when), the attempts summed up and the completion before the current cycle."""
    modules_by_course = live_module_lines(course_ids)
    read_ids: dict[tuple[int, int], set[int]] = defaultdict(set)
    last_read: dict[tuple[int, int], datetime] = {}
    for person_id, course_id, module_id, read_at in reads:
        read_ids[(person_id, course_id)].add(module_id)
        last_read[(person_id, course_id)] = max(read_at, last_read.get((person_id, course_id), read_at))
    with_quiz = cached(("courses.with_quiz", tuple(course_ids)),
                       lambda: frozenset(course_id for course_id, in rows(_WITH_QUIZ, courses=course_ids)))
    result = {}
    for person_id in person_ids:
        for course_id in course_ids:
            key = (person_id, course_id)
            row = attempts.get(key)
            result[key] = CourseProgress(
                modules_total=len(modules_by_course[course_id]),
                read_module_ids=frozenset(read_ids[key]),
                has_quiz=course_id in with_quiz,
                attempts_used=row.used if row else 0,
                best_percent=row.best if row else None,
                passed_at=row.passed_at if row else None,
                last_submitted_at=row.last_at if row else None,
                in_progress_attempt_id=row.in_progress if row else None,
                last_read_at=last_read.get(key),
                last_passed_at=row.last_pass if row else None,
                previous_completed_on=previous.get(key),
            )
    return result


class ProgressSummary(NamedTuple):
    """What a report needs of one officer's progress on one course: counts and latest dates, no module list."""

    modules_read: int = 0
    last_read_at: datetime | None = None
    attempts_used: int = 0
    last_passed_at: datetime | None = None
    in_progress_attempt_id: int | None = None
    #: when the attempt in progress was started: it is abandoned (and may count for nothing) a set time later
    in_progress_since: datetime | None = None
    previous_completed_on: date | None = None


NO_SUMMARY = ProgressSummary()


def load_summaries(people: Population | sa.Select, courses: Iterable[Course],
                   now: datetime | None = None) -> tuple[dict[int, int], dict[tuple[int, int], ProgressSummary]]:
    """Bulk, for reports on thousands of officers (`people`, their ids as a select): the number of live modules
    of each course, and a summary for each (person, course) with anything done or an earlier completion, in four
    queries. The database
    counts the modules read rather than listing them, by the same rules as load_progress."""
    course_ids = [course.id for course in courses]
    if not course_ids:
        return {}, {}
    totals = {course_id: len(lines) for course_id, lines in live_module_lines(course_ids).items()}
    found = {(person_id, course_id): ProgressSummary(count, last) for person_id, course_id, count, last
             in people_rows(_reads_counted, people, courses=course_ids)}
    for key, row in _attempts(people, course_ids, now).items():
        count, last = found.get(key, (0, None))[:2]
        found[key] = ProgressSummary(count, last, row.used, row.last_pass, row.in_progress, row.in_progress_since)
    for key, day in _previous_completions(people, course_ids).items():
        found[key] = found.get(key, NO_SUMMARY)._replace(previous_completed_on=day)
    return totals, found


def progress_of_people(person_ids: Iterable[int], course: Course) -> dict[int, CourseProgress]:
    """Bulk: each officer's progress on one course, keyed by person id (five queries)."""
    return {person_id: progress for (person_id, _), progress in load_progress(person_ids, [course]).items()}


def progress_in_courses(person_id: int, courses: Iterable[Course]) -> dict[int, CourseProgress]:
    """One officer's progress on many courses, keyed by course id (five queries)."""
    return {course_id: progress for (_, course_id), progress in load_progress([person_id], courses).items()}


def progress_of(person_id: int, course: Course) -> CourseProgress:
    return load_progress([person_id], [course])[(person_id, course.id)]


def has_read_all_modules(person_id: int, course: Course) -> bool:
    return progress_of(person_id, course).has_read_all_modules


def has_passed_quiz(person_id: int, course: Course) -> bool:
    return progress_of(person_id, course).has_passed_quiz


def owned_parts_done(person_id: int, course: Course) -> bool:
    """Whether the modules and quiz parts of the course's completion rule are done (sessions own the rest)."""
    return progress_of(person_id, course).owned_parts_done(course)
