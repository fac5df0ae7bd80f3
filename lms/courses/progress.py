"""The one rule for an officer's progress on a course: modules read, quiz passed, the parts this domain owns.

Every page, report and export asks here, so progress reads the same everywhere. The bulk loader answers for
many officers (or many courses) in four queries, whatever their number.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from lms.courses.models import Course, Module, ModuleRead, QuizAttempt, QuizVersion
from lms.extensions import db

#: The parts of a completion rule that courses own; "session" belongs to the sessions domain.
OWNED_PARTS = ("modules", "quiz")


class CourseProgress(NamedTuple):
    """Where one officer is on one course (a tuple: reports make thousands of them)."""

    modules_total: int
    #: the live modules read; left empty when only the counts were loaded (load_progress(..., module_ids=False))
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
    #: how many of the live modules have been read
    read_count: int = 0

    @property
    def modules_read(self) -> int:
        return self.read_count

    @property
    def has_read_all_modules(self) -> bool:
        return self.modules_read >= self.modules_total

    @property
    def has_passed_quiz(self) -> bool:
        return self.passed_at is not None

    @property
    def is_started(self) -> bool:
        return self.read_count > 0 or self.attempts_used > 0 or self.in_progress_attempt_id is not None

    @property
    def percent_of_modules(self) -> int:
        return 100 if not self.modules_total else self.modules_read * 100 // self.modules_total

    def owned_parts_done(self, course: Course) -> bool:
        """Whether every part of the course's completion rule that courses own is done."""
        done = {"modules": self.has_read_all_modules, "quiz": self.has_passed_quiz}
        return all(done[part] for part in OWNED_PARTS if course.requires(part))


def rows(statement):
    """Plain rows, without the ORM's per-row work: the bulk loader reads tens of thousands of them."""
    return db.session.connection().execute(statement).all()


def load_progress(person_ids: Iterable[int], courses: Iterable[Course], *, module_ids: bool = True,
                  people: sa.Select | None = None) -> dict[tuple[int, int], CourseProgress]:
    """Progress of every (person, course) pair, keyed (person_id, course_id), in four queries.

    Reports on thousands of officers pass module_ids=False (the database counts the modules read instead of listing
    them) and `people`, a select of the same person ids, so the database is not sent thousands of ids.
    """
    person_ids, courses = sorted(set(person_ids)), list(courses)
    course_ids = [course.id for course in courses]
    if not person_ids or not course_ids:
        return {}
    people = person_ids if people is None else people.scalar_subquery()
    modules_by_course: dict[int, set[int]] = defaultdict(set)
    for course_id, module_id in rows(
            sa.select(Module.course_id, Module.id).where(Module.course_id.in_(course_ids),
                                                         Module.is_retired.is_(False))):
        modules_by_course[course_id].add(module_id)
    reads: dict[tuple[int, int], set[int]] = defaultdict(set)
    counts: dict[tuple[int, int], tuple[int, datetime]] = {}
    live_reads = (sa.select(ModuleRead.person_id, Module.course_id).join(Module)
                  .where(ModuleRead.person_id.in_(people), Module.course_id.in_(course_ids),
                         Module.is_retired.is_(False)))
    if module_ids:
        for person_id, course_id, module_id, read_at in rows(live_reads.add_columns(ModuleRead.module_id,
                                                                                    ModuleRead.read_at)):
            reads[(person_id, course_id)].add(module_id)
            count, last = counts.get((person_id, course_id), (0, read_at))
            counts[(person_id, course_id)] = (count + 1, max(last, read_at))
    else:
        for person_id, course_id, count, last in rows(
                live_reads.add_columns(sa.func.count(), sa.func.max(ModuleRead.read_at))
                .group_by(ModuleRead.person_id, Module.course_id)):
            counts[(person_id, course_id)] = (count, last)
    with_quiz = set(db.session.scalars(sa.select(QuizVersion.course_id).where(
        QuizVersion.course_id.in_(course_ids), QuizVersion.is_current.is_(True))))
    submitted = QuizAttempt.submitted_at.is_not(None)
    attempts = {
        (row.person_id, row.course_id): row for row in rows(
            sa.select(
                QuizAttempt.person_id, QuizAttempt.course_id,
                sa.func.count(QuizAttempt.submitted_at).label("used"),
                sa.func.max(QuizAttempt.score_percent).label("best"),
                sa.func.min(sa.case((QuizAttempt.is_passed.is_(True), QuizAttempt.submitted_at))).label("passed_at"),
                sa.func.max(sa.case((QuizAttempt.is_passed.is_(True), QuizAttempt.submitted_at))).label("last_pass"),
                sa.func.max(QuizAttempt.submitted_at).label("last_at"),
                sa.func.max(sa.case((sa.not_(submitted), QuizAttempt.id))).label("in_progress"),
            ).where(QuizAttempt.person_id.in_(people), QuizAttempt.course_id.in_(course_ids))
            .group_by(QuizAttempt.person_id, QuizAttempt.course_id))
    }
    result = {}
    nothing, no_reads = frozenset(), (0, None)
    # Someone who has done nothing on a course has the same (unchangeable) progress as anyone else who has not.
    untouched = {course_id: CourseProgress(len(modules_by_course[course_id]), nothing, course_id in with_quiz, 0,
                                           None, None, None, None) for course_id in course_ids}
    for person_id in person_ids:
        for course_id in course_ids:
            key = (person_id, course_id)
            row = attempts.get(key)
            read_count, last_read = counts.get(key, no_reads)
            if row is None and not read_count:
                result[key] = untouched[course_id]
                continue
            result[key] = CourseProgress(
                modules_total=len(modules_by_course[course_id]),
                read_module_ids=frozenset(reads[key]) if module_ids else nothing,
                has_quiz=course_id in with_quiz,
                attempts_used=row.used if row else 0,
                best_percent=row.best if row else None,
                passed_at=row.passed_at if row else None,
                last_submitted_at=row.last_at if row else None,
                in_progress_attempt_id=row.in_progress if row else None,
                last_read_at=last_read,
                last_passed_at=row.last_pass if row else None,
                read_count=read_count,
            )
    return result


def progress_of_people(person_ids: Iterable[int], course: Course) -> dict[int, CourseProgress]:
    """Bulk: each officer's progress on one course, keyed by person id (four queries)."""
    return {person_id: progress for (person_id, _), progress in load_progress(person_ids, [course]).items()}


def progress_in_courses(person_id: int, courses: Iterable[Course]) -> dict[int, CourseProgress]:
    """One officer's progress on many courses, keyed by course id (four queries)."""
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
