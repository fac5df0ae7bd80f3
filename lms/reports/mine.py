"""My training: each course's status and the one thing to do next."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from lms.completion.load import Record
from lms.courses.cycles import may_start_refresher
from lms.courses.models import Course
from lms.courses.progress import ModuleLine
from lms.courses.services import quiz_state
from lms.timeutil import format_date, format_datetime


@dataclass(frozen=True)
class Step:
    text: str
    url: str | None = None
    link_text: str | None = None


def next_step(course: Course, record: Record, modules: Sequence[ModuleLine], now: datetime) -> Step:
    """What the officer should do next on the course, in the order the course is meant to be done."""
    status, progress, facts = record.status, record.progress, record.facts
    course_url = url_for("courses.course", slug=course.slug)
    if status.code == "not_required":
        return Step("You do not have to do this course, but you are welcome to.", course_url, "Open the course")
    if status.code == "complete":
        later = f" Your refresher is due on {format_date(status.refresher_due_on)}." if status.refresher_due_on else ""
        return Step("Nothing to do: you have completed this course." + later)
    if may_start_refresher(status):
        return Step("Your refresher is due: start it to read the modules, take the quiz"
                    + (" and book a session" if course.requires("session") else "") + " again.",
                    course_url, "Start your refresher")
    # Otherwise a refresher or reset is under way: the steps are the course's own, counted from its start.
    if course.requires("modules") and not facts.modules_done_on:
        unread = [module for module in modules if module.id not in progress.read_module_ids]
        if unread:
            return Step(f"Read module {unread[0].number}: {unread[0].title}.",
                        url_for("courses.module", slug=course.slug, module_slug=unread[0].slug),
                        f"Read module {unread[0].number}")
    if course.requires("quiz") and not facts.quiz_passed_on:
        return _quiz_step(course, record, now)
    if course.requires("session") and not facts.attended_on:
        if facts.booked_for:
            return Step(f"Go to your small-group session on {format_datetime(facts.booked_for)}.",
                        url_for("sessions.mine"), "See my sessions")
        if facts.is_waiting:
            return Step("You are on the waiting list for a session: we will email you if a seat comes free.",
                        url_for("sessions.mine"), "See my sessions")
        return Step("Book a small-group session.", url_for("sessions.index", course=course.id), "Book a session")
    return Step("Open the course to see what is left.", course_url, "Open the course")


def _quiz_step(course: Course, record: Record, now: datetime) -> Step:
    state = quiz_state(course, record.progress, now)
    quiz_url = url_for("courses.quiz", slug=course.slug)
    if state.status == "in_progress":
        return Step("Finish your quiz attempt.", url_for("courses.attempt", slug=course.slug,
                                                         attempt_id=state.in_progress_attempt_id), "Go to the quiz")
    if state.status == "not_taken":
        return Step("Take the quiz.", quiz_url, "Take the quiz")
    if state.status == "can_retake":
        return Step(f"Retake the quiz: your best score so far is {state.best_percent}%.", quiz_url, "Retake the quiz")
    if state.status == "cooling_down":
        return Step(f"Retake the quiz on {format_datetime(state.next_attempt_at)}.", quiz_url, "See the quiz")
    if state.status == "no_attempts_left":
        return Step("You have used all your attempts at the quiz: speak to a trainer.")
    return Step("The quiz is not open at the moment: check back soon.")
