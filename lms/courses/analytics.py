"""Quiz analytics for trainers: per version, and per question pooled across versions while it is unchanged.

Every figure comes from a fixed number of aggregate queries, however many attempts there are.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.courses.models import AttemptQuestion, Option, Question, QuizAttempt, QuizVersion, chosen_positions
from lms.courses.queries import guidance_titles
from lms.extensions import db
from lms.timeutil import from_london

#: Score bands for the distribution: (label, lowest percent, highest percent)
BANDS = [(f"{low}–{low + 9}%", low, low + 9) for low in range(0, 100, 10)] + [("100%", 100, 100)]


def share(part: int, whole: int, minimum: int) -> int | None:
    """A whole-number percentage, or None when `whole` is too small for a percentage to mean anything."""
    if whole < max(minimum, 1):
        return None
    return round(100 * part / whole)


class Submitted(NamedTuple):
    """The London days (inclusive) the attempts counted were submitted on; either end may be open."""

    first: date | None = None
    last: date | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        """The conditions on QuizAttempt.submitted_at (UTC) that keep the attempts submitted on those days."""
        conditions = []
        if self.first:
            conditions.append(QuizAttempt.submitted_at >= from_london(self.first, time()))
        if self.last:
            conditions.append(QuizAttempt.submitted_at < from_london(self.last + timedelta(days=1), time()))
        return conditions


@dataclass
class OptionFigures:
    option: Option
    chosen: int = 0
    #: percent of those who answered the question; None = too few attempts
    percent: int | None = None
    is_most_popular_wrong: bool = False


@dataclass
class QuestionFigures:
    question: Question
    answered: int = 0
    correct: int = 0
    #: percent who got it right; None = too few attempts
    facility: int | None = None
    options: list[OptionFigures] = field(default_factory=list)
    most_popular_wrong: OptionFigures | None = None
    #: the version numbers whose answers are pooled here (this question unchanged)
    pooled_versions: list[int] = field(default_factory=list)
    cited_title: str = ""


@dataclass
class VersionFigures:
    version: QuizVersion
    versions: list[QuizVersion]
    minimum: int
    attempts: int = 0
    passed: int = 0
    pass_rate: int | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    questions: list[QuestionFigures] = field(default_factory=list)
    #: per version id, the attempts submitted on it: (how many, the first, the last submitted_at); a version with
    #: none is absent. An attempt belongs to the version it was started on, so each version's figures cover
    #: exactly its own attempts.
    coverage: dict[int, tuple[int, datetime, datetime]] = field(default_factory=dict)
    #: the days counted: every attempt unless the trainer chose some
    submitted: Submitted = Submitted()

    @property
    def by_facility(self) -> list[QuestionFigures]:
        """Every question, hardest first; those with too few answers to judge last, in their order."""
        return self.most_missed + self.too_few

    @property
    def most_missed(self) -> list[QuestionFigures]:
        """Questions with enough answers to judge, hardest first: the myths to tackle in the sessions."""
        judged = [figures for figures in self.questions if figures.facility is not None]
        return sorted(judged, key=lambda figures: (figures.facility, figures.question.position))

    @property
    def too_few(self) -> list[QuestionFigures]:
        return [figures for figures in self.questions if figures.facility is None]


def quiz_versions(course_id: int) -> list[QuizVersion]:
    return list(db.session.scalars(sa.select(QuizVersion).where(QuizVersion.course_id == course_id)
                                   .order_by(QuizVersion.number.desc())))


def version_figures(version: QuizVersion, versions: list[QuizVersion], minimum: int,
                    people: sa.Select | None = None, submitted: Submitted = Submitted()) -> VersionFigures:
    """The figures of a version; with `people` (a select of person ids), of those people's attempts only; with
    `submitted`, of the attempts submitted on those days only."""
    figures = VersionFigures(version=version, versions=versions, minimum=minimum, submitted=submitted)
    _attempt_figures(figures, people)
    questions = list(db.session.scalars(
        sa.select(Question).where(Question.version_id == version.id).order_by(Question.position)
        .options(so.selectinload(Question.options))))
    _question_figures(figures, questions, version.course_id, people)
    return figures


def _attempt_figures(figures: VersionFigures, people: sa.Select | None) -> None:
    stmt = (sa.select(QuizAttempt.score_percent, QuizAttempt.is_passed, sa.func.count())
            .where(QuizAttempt.version_id == figures.version.id, QuizAttempt.submitted_at.is_not(None),
                   *figures.submitted.where())
            .group_by(QuizAttempt.score_percent, QuizAttempt.is_passed))
    if people is not None:
        stmt = stmt.where(QuizAttempt.person_id.in_(people.scalar_subquery()))
    rows = db.session.execute(stmt).all()
    bands = dict.fromkeys(label for label, _, _ in BANDS)
    counts = defaultdict(int)
    for percent, passed, count in rows:
        figures.attempts += count
        figures.passed += count if passed else 0
        label = next(label for label, low, high in BANDS if low <= percent <= high)
        counts[label] += count
    figures.pass_rate = share(figures.passed, figures.attempts, figures.minimum)
    figures.distribution = [(label, counts[label]) for label in bands]
    spans = (sa.select(QuizAttempt.version_id, sa.func.count(), sa.func.min(QuizAttempt.submitted_at),
                       sa.func.max(QuizAttempt.submitted_at))
             .where(QuizAttempt.version_id.in_([version.id for version in figures.versions]),
                    QuizAttempt.submitted_at.is_not(None), *figures.submitted.where())
             .group_by(QuizAttempt.version_id))
    if people is not None:
        spans = spans.where(QuizAttempt.person_id.in_(people.scalar_subquery()))
    figures.coverage = {version_id: (count, first, last) for version_id, count, first, last in db.session.execute(spans)}


def _question_figures(figures: VersionFigures, questions: list[Question], course_id: int,
                      people: sa.Select | None) -> None:
    # Every version's copy of these questions: a copy has the same fingerprint, so the same options in the same
    # places, and its answers count here too.
    copies: dict[str, set[int]] = defaultdict(set)
    versions_of: dict[str, set[int]] = defaultdict(set)
    fingerprint_of: dict[int, str] = {}
    for question_id, fingerprint, number in db.session.execute(
            sa.select(Question.id, Question.fingerprint, QuizVersion.number).join(QuizVersion)
            .where(QuizVersion.course_id == course_id,
                   Question.fingerprint.in_({question.fingerprint for question in questions}))):
        copies[fingerprint].add(question_id)
        versions_of[fingerprint].add(number)
        fingerprint_of[question_id] = fingerprint
    # One pass over the submitted answers: how many gave each distinct answer, and whether it was fully right.
    answered: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    chosen: dict[tuple[str, int], int] = defaultdict(int)
    answers = (sa.select(AttemptQuestion.question_id, AttemptQuestion.is_correct, AttemptQuestion.chosen_mask,
                         sa.func.count())
               .where(AttemptQuestion.question_id.in_(fingerprint_of), AttemptQuestion.is_correct.is_not(None))
               .group_by(AttemptQuestion.question_id, AttemptQuestion.is_correct, AttemptQuestion.chosen_mask))
    if people is not None or figures.submitted.where():
        answers = answers.join(QuizAttempt).where(*figures.submitted.where())
    if people is not None:
        answers = answers.where(QuizAttempt.person_id.in_(people.scalar_subquery()))
    for question_id, is_correct, mask, count in db.session.execute(answers):
        answered[question_id][0] += count
        answered[question_id][1] += count if is_correct else 0
        for position in chosen_positions(mask):
            chosen[(fingerprint_of[question_id], position)] += count
    titles = guidance_titles({question.cited_path for question in questions if question.cited_path})
    for question in questions:
        key = question.fingerprint
        total = sum(answered.get(question_id, (0, 0))[0] for question_id in copies[key])
        right = sum(answered.get(question_id, (0, 0))[1] for question_id in copies[key])
        item = QuestionFigures(question=question, answered=total, correct=right,
                               facility=share(right, total, figures.minimum),
                               pooled_versions=sorted(versions_of[key]),
                               cited_title=titles.get(question.cited_path, ""))
        for option in question.options:
            count = chosen[(key, option.position)]
            item.options.append(OptionFigures(option, count, share(count, total, figures.minimum)))
        wrong = [entry for entry in item.options if not entry.option.is_correct and entry.chosen]
        if wrong and item.facility is not None:
            item.most_popular_wrong = max(wrong, key=lambda entry: (entry.chosen, -entry.option.position))
            item.most_popular_wrong.is_most_popular_wrong = True
        figures.questions.append(item)
