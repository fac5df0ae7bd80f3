"""The one rule for an officer's progress on a course: modules read, quiz passed, the parts this domain owns.

Every page, report and export asks here, so progress reads the same everywhere. The bulk loader answers for
many officers (or many courses) in four queries, whatever their number.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from lms.courses.models import Course, Module, ModuleRead, QuizAttempt, QuizVersion
from lms.extensions import db

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


def load_progress(person_ids: Iterable[int], courses: Iterable[Course]) -> dict[tuple[int, int], CourseProgress]:
    """Progress of every (person, course) pair, keyed (person_id, course_id), in four queries."""
    person_ids, courses = sorted(set(person_ids)), list(courses)
    course_ids = [course.id for course in courses]
    if not person_ids or not course_ids:
        return {}
    modules_by_course: dict[int, set[int]] = defaultdict(set)
    for course_id, module_id in db.session.execute(
            sa.select(Module.course_id, Module.id).where(Module.course_id.in_(course_ids),
                                                         Module.is_retired.is_(False))):
        modules_by_course[course_id].add(module_id)
    reads: dict[tuple[int, int], set[int]] = defaultdict(set)
    for person_id, course_id, module_id in db.session.execute(
            sa.select(ModuleRead.person_id, Module.course_id, ModuleRead.module_id).join(Module)
            .where(ModuleRead.person_id.in_(person_ids), Module.course_id.in_(course_ids),
                   Module.is_retired.is_(False))):
        reads[(person_id, course_id)].add(module_id)
    with_quiz = set(db.session.scalars(sa.select(QuizVersion.course_id).where(
        QuizVersion.course_id.in_(course_ids), QuizVersion.is_current.is_(True))))
    submitted = QuizAttempt.submitted_at.is_not(None)
    attempts = {
        (row.person_id, row.course_id): row for row in db.session.execute(
            sa.select(
                QuizAttempt.person_id, QuizAttempt.course_id,
                sa.func.count(QuizAttempt.submitted_at).label("used"),
                sa.func.max(QuizAttempt.score_percent).label("best"),
                sa.func.min(sa.case((QuizAttempt.is_passed.is_(True), QuizAttempt.submitted_at))).label("passed_at"),
                sa.func.max(QuizAttempt.submitted_at).label("last_at"),
                sa.func.max(sa.case((sa.not_(submitted), QuizAttempt.id))).label("in_progress"),
            ).where(QuizAttempt.person_id.in_(person_ids), QuizAttempt.course_id.in_(course_ids))
            .group_by(QuizAttempt.person_id, QuizAttempt.course_id))
    }
    result = {}
    for person_id in person_ids:
        for course_id in course_ids:
            row = attempts.get((person_id, course_id))
            result[(person_id, course_id)] = CourseProgress(
                modules_total=len(modules_by_course[course_id]),
                read_module_ids=frozenset(reads[(person_id, course_id)]),
                has_quiz=course_id in with_quiz,
                attempts_used=row.used if row else 0,
                best_percent=row.best if row else None,
                passed_at=row.passed_at if row else None,
                last_submitted_at=row.last_at if row else None,
                in_progress_attempt_id=row.in_progress if row else None,
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
