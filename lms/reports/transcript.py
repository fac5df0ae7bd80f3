"""One officer's record: status per course, modules read, quiz attempts and sessions, for screen, paper and CSV."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from lms.completion.load import Record, learner_of, load_records
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Person
from lms.reports import queries
from lms.reports.tables import Block
from lms.sessions.models import ATTENDANCE_STATUSES
from lms.timeutil import format_date, format_datetime, utcnow

BOOKING_LABELS = {"booked": "Booked", "waiting": "Waiting list"}


@dataclass
class Transcript:
    person: Person
    courses: list[Course]
    records: dict[int, Record]
    blocks: list[Block]


def _quiz_text(record: Record, course: Course) -> str:
    progress = record.progress
    if progress.last_passed_at:
        return f"Passed {format_date(progress.last_passed_at)} (best {progress.best_percent}%)"
    if progress.attempts_used:
        tries = f"{progress.attempts_used} attempt{'' if progress.attempts_used == 1 else 's'}"
        return f"Not passed: best {progress.best_percent}% in {tries}"
    return "Not taken" if course.requires("quiz") or progress.has_quiz else "No quiz"


def _booking_text(booking, mark, session) -> str:
    if session.is_cancelled:
        return "Session cancelled"
    if booking is not None:
        return BOOKING_LABELS.get(booking.status, "")
    return "Walk-in" if mark is not None and mark.is_walk_in else ""


def build(person: Person, now: datetime | None = None) -> Transcript:
    """Everything the person has done, in a fixed number of queries."""
    now = now or utcnow()
    all_courses = {course.id: course for course in db.session.scalars(sa.select(Course).order_by(Course.position,
                                                                                                 Course.title))}
    reads = queries.modules_read_by(person.id)
    attempts = queries.attempts_by(person.id)
    sessions = queries.sessions_of(person.id)
    touched = ({module.course_id for _, module in reads} | {attempt.course_id for attempt in attempts}
               | {session.course_id for _, _, session in sessions})
    courses = [course for course in all_courses.values() if not course.is_retired or course.id in touched]
    records = {course_id: record for (_, course_id), record in
               load_records([learner_of(person)], courses, now).items()}
    attended = {}
    for _, mark, session in sessions:
        if mark is not None and mark.status == "attended" and not session.is_cancelled:
            attended[session.course_id] = attended.get(session.course_id, 0) + 1
    summary = Block("Courses", ["Course", "Status", "Modules read", "Quiz", "Sessions attended"], [
        [course.title + (" (withdrawn)" if course.is_retired else ""), records[course.id].status.text,
         f"{records[course.id].progress.modules_read} of {records[course.id].progress.modules_total}",
         _quiz_text(records[course.id], course), attended.get(course.id, 0)] for course in courses])
    modules = Block("Modules read", ["Course", "Module", "Read on"], [
        [all_courses[module.course_id].title, f"{module.number}. {module.title}"
         + (" (withdrawn)" if module.is_retired else ""), format_date(read.read_at)] for read, module in reads])
    tries = Block("Quiz attempts", ["Course", "Submitted", "Score", "Result"], [
        [all_courses[attempt.course_id].title, format_datetime(attempt.submitted_at), f"{attempt.score_percent}%",
         "Passed" if attempt.is_passed else "Not passed"] for attempt in attempts])
    sessions_block = Block("Sessions", ["Course", "Date", "Where", "Booking", "Register"], [
        [all_courses[session.course_id].title, format_datetime(session.starts_at), session.where,
         _booking_text(booking, mark, session), ATTENDANCE_STATUSES.get(mark.status, "") if mark else ""]
        for booking, mark, session in sessions])
    return Transcript(person, courses, records, [summary, modules, tries, sessions_block])
