"""Operations on courses: mark a module read, and the quiz (policy, start, submit). They flush, never commit."""
import logging
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.audit.services import record
from lms.courses.models import (AttemptQuestion, Course, Module, ModuleRead, Question, QuizAttempt, QuizVersion,
                                option_bit)
from lms.courses.cycles import abandon_open_attempts
from lms.courses.progress import CourseProgress, abandon_cutoff, cycle_start, is_open_attempt
from lms.courses.scoring import question_credit, score_percent
from lms.extensions import db
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


class QuizError(Exception):
    """Something the officer cannot do with the quiz; the message says why."""


class AttemptNotAllowed(QuizError):
    pass


class TamperedSubmission(QuizError):
    """A submission that the quiz page could not have sent: nothing of it is recorded."""


class AlreadySubmitted(QuizError):
    pass


class AttemptAbandoned(QuizError):
    """An attempt left unsubmitted too long (or open when a new cycle began): closed, unmarked, not counted."""

    def __init__(self):
        super().__init__("This attempt was closed because it was left unsubmitted for too long. It does not count "
                         "as one of your attempts: start a new one when you are ready.")


class UnansweredQuestions(QuizError):
    def __init__(self, positions: list[int]):
        super().__init__("Answer every question before you submit.")
        self.positions = positions


def mark_read(person, module: Module) -> ModuleRead:
    """Record that the person has read the module: once a cycle, however often they say so. A read from before a
    refresher or reset is moved to now (the earlier completion is kept on the cycle, not in the read)."""
    existing = db.session.scalar(sa.select(ModuleRead).where(ModuleRead.person_id == person.id,
                                                             ModuleRead.module_id == module.id))
    if existing is not None:
        started = cycle_start(person.id, module.course_id)
        if started is not None and existing.read_at < started:
            existing.read_at = utcnow()
            db.session.flush()
            log.info("module %s read again by %s", module.id, person.id)
        return existing
    read = ModuleRead(person_id=person.id, module_id=module.id, read_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(read)
    except sa.exc.IntegrityError:  # the same person's second tab got there first
        return db.session.scalar(sa.select(ModuleRead).where(ModuleRead.person_id == person.id,
                                                             ModuleRead.module_id == module.id))
    log.info("module %s read by %s", module.id, person.id)
    return read


@dataclass(frozen=True)
class QuizState:
    """Where an officer stands with a course's quiz, under its attempt policy."""

    #: "no_quiz", "in_progress", "passed", "not_taken", "can_retake", "cooling_down", "no_attempts_left"
    status: str
    attempts_used: int
    #: None = unlimited
    attempts_left: int | None
    best_percent: int | None
    next_attempt_at: datetime | None = None
    in_progress_attempt_id: int | None = None

    @property
    def can_start(self) -> bool:
        return self.status in ("not_taken", "can_retake")


def quiz_state(course: Course, progress: CourseProgress, now: datetime) -> QuizState:
    """Apply the attempt policy (max attempts, cool-down after a submitted attempt) to an officer's progress."""
    used = progress.attempts_used
    left = None if course.max_attempts is None else max(course.max_attempts - used, 0)
    state = dict(attempts_used=used, attempts_left=left, best_percent=progress.best_percent)
    if progress.in_progress_attempt_id is not None:
        return QuizState("in_progress", in_progress_attempt_id=progress.in_progress_attempt_id, **state)
    if progress.has_passed_quiz:
        return QuizState("passed", **state)
    if not progress.has_quiz:
        return QuizState("no_quiz", **state)
    if used == 0:
        return QuizState("not_taken", **state)
    if left == 0:
        return QuizState("no_attempts_left", **state)
    next_at = progress.last_submitted_at + timedelta(hours=course.retake_after_hours)
    if next_at > now:
        return QuizState("cooling_down", next_attempt_at=next_at, **state)
    return QuizState("can_retake", **state)


NOT_ALLOWED = {
    "passed": "You have already passed this quiz.",
    "no_quiz": "This course has no quiz at the moment.",
    "no_attempts_left": "You have used all your attempts at this quiz. Speak to a trainer.",
    "cooling_down": "You cannot start another attempt yet.",
}


def current_version(course: Course) -> QuizVersion | None:
    return db.session.scalar(
        sa.select(QuizVersion).where(QuizVersion.course_id == course.id, QuizVersion.is_current.is_(True))
        .options(so.selectinload(QuizVersion.questions).selectinload(Question.options)))


def start_attempt(person, course: Course, progress: CourseProgress, *, rng: random.Random | None = None,
                  now: datetime | None = None) -> QuizAttempt:
    """Start an attempt (or return the one in progress): draw the questions and fix their option order."""
    now = now or utcnow()
    state = quiz_state(course, progress, now)
    if state.status == "in_progress":
        return db.session.get(QuizAttempt, state.in_progress_attempt_id)
    if not state.can_start:
        raise AttemptNotAllowed(NOT_ALLOWED[state.status])
    # An attempt left open too long no longer counts as in progress; mark it so before this one takes its place.
    abandon_open_attempts(now, started_before=abandon_cutoff(now), person_id=person.id, course_id=course.id)
    version = current_version(course)
    rng = rng or random.SystemRandom()
    drawn = draw_questions(version, times_asked(person.id, course.id), rng)
    attempt = QuizAttempt(person_id=person.id, course_id=course.id, version_id=version.id, started_at=now,
                          pass_mark=course.pass_mark)
    for position, question in enumerate(drawn, start=1):
        # Options are shuffled in every attempt, whatever the quiz says: authors tend to write the right answer
        # first, and the order must tell an officer nothing.
        order = [option.id for option in question.options]
        rng.shuffle(order)
        attempt.questions.append(AttemptQuestion(question_id=question.id, position=position, option_order=order))
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except sa.exc.IntegrityError:
        # Another request started one a moment ago (the one-in-progress index): carry on with that one.
        return db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.person_id == person.id,
                                                              QuizAttempt.course_id == course.id,
                                                              QuizAttempt.submitted_at.is_(None),
                                                              QuizAttempt.abandoned_at.is_(None)))
    record(person, "quiz_attempt.started", "quiz_attempt", attempt.id,
           f"{person.name} started an attempt at the '{course.title}' quiz (version {version.number})")
    return attempt


def times_asked(person_id: int, course_id: int) -> Counter[str]:
    """How often the person has been asked each question of the course, by fingerprint (so across versions)."""
    return Counter(dict(db.session.execute(
        sa.select(Question.fingerprint, sa.func.count())
        .select_from(AttemptQuestion).join(QuizAttempt).join(Question, AttemptQuestion.question_id == Question.id)
        .where(QuizAttempt.person_id == person_id, QuizAttempt.course_id == course_id)
        .group_by(Question.fingerprint)).all()))


def draw_questions(version: QuizVersion, asked: Counter[str], rng: random.Random) -> list[Question]:
    """The questions of a new attempt: those the officer has been asked least often, at random among equals.

    A retake is then a different paper for as long as the bank lasts, so the explanations shown after one attempt
    never hand over the answers to the next.

    The blueprint (at least N questions from a module) is met first, each module's share again the least asked;
    the rest of the paper is the least asked of what is left, from any module.
    """
    bank = list(version.questions)
    rng.shuffle(bank)
    bank.sort(key=lambda question: asked[question.fingerprint])  # a stable sort: equals stay in random order
    drawn = []
    for slug, number in version.at_least_per_module.items():
        drawn.extend([question for question in bank if question.module_slug == slug][:number])
    chosen = {question.id for question in drawn}
    drawn.extend([question for question in bank if question.id not in chosen]
                 [:version.questions_per_attempt - len(drawn)])
    if version.is_shuffled:
        rng.shuffle(drawn)  # not grouped by module, as the blueprint drew them
    else:
        drawn.sort(key=lambda question: question.position)
    return drawn


def checked_places(attempt: QuizAttempt, wanted: list[AttemptQuestion], shown: list[int],
                   answers: dict[int, list[int]]) -> dict[int, list[int]]:
    """Refuse anything the page showing `wanted` (the attempt's questions, or one screen of them) could not have
    sent; return {attempt question id: option places} for the questions answered."""
    if attempt.is_submitted:
        raise AlreadySubmitted("This attempt has already been submitted.")
    if not is_open_attempt(attempt):
        raise AttemptAbandoned()
    by_id = {item.id: item for item in wanted}
    if len(shown) != len(set(shown)) or set(shown) != set(by_id):
        raise TamperedSubmission("The answers sent do not match the questions of this attempt.")
    checked = {}
    for item_id, places in answers.items():
        item = by_id.get(item_id)
        if item is None:
            raise TamperedSubmission("An answer was sent for a question that is not in this attempt.")
        if len(set(places)) != len(places) or not all(1 <= place <= len(item.option_order) for place in places):
            raise TamperedSubmission(f"An answer sent for question {item.position} is not one of its options.")
        if len(places) > 1 and not item.question.is_multiple:
            raise TamperedSubmission(f"Several answers were sent for question {item.position}, which takes one.")
        checked[item_id] = places
    return checked


def check_answers(attempt: QuizAttempt, shown: list[int], answers: dict[int, list[int]]) -> dict[int, set[int]]:
    """Refuse anything the attempt's own page could not have sent; return {attempt question id: option ids}.

    The page sends each option as its place (from 1) in the order this attempt shows it, never as its id: the
    places mean nothing outside the attempt, and only here are they turned back into options.
    """
    places = checked_places(attempt, attempt.questions, shown, answers)
    checked = {item.id: {item.option_order[place - 1] for place in places[item.id]}
               for item in attempt.questions if places.get(item.id)}
    unanswered = [item.position for item in attempt.questions if not checked.get(item.id)]
    if unanswered:
        raise UnansweredQuestions(unanswered)
    return checked


def submit_attempt(person, attempt: QuizAttempt, shown: list[int], answers: dict[int, list[int]]) -> QuizAttempt:
    """Mark and record the attempt, once: a second submission, however it arrives, changes nothing."""
    checked = check_answers(attempt, shown, answers)
    partial = attempt.version.is_partial_credit
    credits = {item.id: question_credit(item.question, checked[item.id], partial_credit=partial)
               for item in attempt.questions}
    points = round(sum(credits.values()), 4)
    percent = score_percent(points, len(attempt.questions))
    now = utcnow()
    # The WHERE makes submitting a race-free, one-time change: a concurrent second submit updates no row.
    done = db.session.execute(
        sa.update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None),
                                     QuizAttempt.abandoned_at.is_(None))
        .values(submitted_at=now, points=points, score_percent=percent, is_passed=percent >= attempt.pass_mark)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise AlreadySubmitted("This attempt has already been submitted.")
    for item in attempt.questions:
        item.credit = credits[item.id]
        item.is_correct = credits[item.id] == 1.0
        item.chosen_mask = sum(option_bit(option.position) for option in item.question.options
                               if option.id in checked[item.id])
    for name, value in (("submitted_at", now), ("points", points), ("score_percent", percent),
                        ("is_passed", percent >= attempt.pass_mark)):
        so.attributes.set_committed_value(attempt, name, value)
    db.session.flush()
    record(person, "quiz_attempt.submitted", "quiz_attempt", attempt.id,
           f"{person.name} scored {percent}% ({'passed' if attempt.is_passed else 'not passed'}) "
           f"on the '{attempt.course.title}' quiz", {"score_percent": [None, percent]})
    log.info("quiz attempt %s submitted by %s: %s%%", attempt.id, person.id, percent)
    return attempt
