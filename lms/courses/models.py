"""Courses, their modules and quizzes, and what officers did with them (modules read, quiz attempts)."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: What a course's completion rule may require (course.md `completion:`).
COMPLETION_PARTS = ("modules", "quiz", "session")


class Course(db.Model):
    __tablename__ = "courses"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    #: free text: who the course is for
    audience: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: rendered and sanitised course introduction
    intro_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: percent needed to pass the quiz
    pass_mark: so.Mapped[int] = so.mapped_column(default=80)
    #: None = unlimited
    max_attempts: so.Mapped[int | None]
    #: cool-down between quiz attempts
    retake_after_hours: so.Mapped[int] = so.mapped_column(default=0)
    #: the completion rule: a list drawn from COMPLETION_PARTS
    completion: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: a refresher is due this many months after completion; None = never
    valid_for_months: so.Mapped[int | None]
    #: rank codes of the people who must complete it; empty = everyone who holds the officer role
    required_ranks: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: when it must be done by: {"default" | rank code | team type: "YYYY-MM-DD"}; empty = no date
    due_dates: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: someone who joins later has this many days from joining (never less time than the dates give)
    due_within_days: so.Mapped[int | None]
    position: so.Mapped[int] = so.mapped_column(default=100)
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    is_retired: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def requires(self, part: str) -> bool:
        return part in (self.completion or [])

    def is_required_of(self, rank: str) -> bool:
        return not self.required_ranks or rank in self.required_ranks


class Module(db.Model):
    """One module of a course, from NN-<slug>.md; retired, never deleted, when its file goes."""

    __tablename__ = "course_modules"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"), index=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: NN from the file name: the module's place in the course
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    #: estimated reading time
    minutes: so.Mapped[int]
    #: learning outcomes, in order
    outcomes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: prompts for the small-group session
    discussion: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: rendered and sanitised once at import; served as it is
    html: so.Mapped[str] = so.mapped_column(sa.Text)
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300))
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    is_retired: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    course: so.Mapped[Course] = so.relationship()


class ModuleRead(db.Model):
    """An officer's "I have read this": recorded once, with the time."""

    __tablename__ = "module_reads"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "module_id"),
        # The reports count every officer's reads and the latest per course from this index alone.
        sa.Index("ix_module_reads_person_module_read_at", "person_id", "module_id", "read_at"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    module_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("course_modules.id"), index=True)
    read_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class CourseCycle(db.Model):
    """A new round of a course for one officer: a refresher they started, or a reset by a trainer or admin.

    Only what is done from `started_at` on counts towards the current cycle (modules read, quiz attempts and their
    limit, sessions attended); the earlier completion stays here, so pages and reports can show both.
    """

    __tablename__ = "course_cycles"
    __table_args__ = (
        # One current cycle per person per course: the progress queries join it as a single row.
        sa.Index("uq_course_cycles_current", "person_id", "course_id", unique=True,
                 sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current")),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"), index=True)
    #: "refresher" (the officer started it when it was due) or "reset" (a trainer or admin did, with a reason)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    reason: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    started_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    #: the latest completion before this cycle began; None if the course had never been completed
    previous_completed_on: so.Mapped[date | None]
    is_current: so.Mapped[bool] = so.mapped_column(default=True)


class QuizVersion(db.Model):
    """One published state of a course's quiz.md. Its questions and options are never changed after import,
    so an attempt shows for ever exactly what was answered; editing the quiz publishes a new version."""

    __tablename__ = "quiz_versions"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "number"),
        sa.Index("uq_quiz_versions_current", "course_id", unique=True,
                 sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current")),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"), index=True)
    #: 1, 2, ... within the course
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: questions drawn per attempt; None = the whole bank
    draw: so.Mapped[int | None]
    #: the blueprint: {module slug: questions every attempt draws from it, at least}; {} = none
    at_least_per_module: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: shuffle the order of the questions in every attempt (each question's options are always shuffled)
    is_shuffled: so.Mapped[bool] = so.mapped_column(default=False)
    #: score part-right "choose all that apply" answers
    is_partial_credit: so.Mapped[bool] = so.mapped_column(default=False)
    #: the version new attempts use; older versions stay for the attempts made on them
    is_current: so.Mapped[bool] = so.mapped_column(default=True)
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300))
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    course: so.Mapped[Course] = so.relationship()
    questions: so.Mapped[list["Question"]] = so.relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan")

    @property
    def questions_per_attempt(self) -> int:
        return min(self.draw or len(self.questions), len(self.questions))


class Question(db.Model):
    __tablename__ = "quiz_questions"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("quiz_versions.id"), index=True)
    #: order in the bank, from 1
    position: so.Mapped[int]
    #: the question as plain text (CSV, analytics) and as rendered HTML
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    html: so.Mapped[str] = so.mapped_column(sa.Text)
    #: optional scene-setting paragraphs, rendered
    scenario_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    explanation_html: so.Mapped[str] = so.mapped_column(sa.Text)
    #: the guidance page the explanation cites, e.g. "/guidance/golden-hour"; "" when none
    cited_path: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    #: slug of the course module the question tests (its '# <module>' heading in quiz.md); "" when unsorted
    module_slug: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    #: several correct options: "choose all that apply"
    is_multiple: so.Mapped[bool] = so.mapped_column(default=False)
    #: hash of the text and options: the same question in another version pools its analytics with this one
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)

    version: so.Mapped[QuizVersion] = so.relationship(back_populates="questions")
    options: so.Mapped[list["Option"]] = so.relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan")


class Option(db.Model):
    __tablename__ = "quiz_options"
    __table_args__ = (sa.UniqueConstraint("question_id", "position"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("quiz_questions.id"))
    #: order as authored, from 1
    position: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    html: so.Mapped[str] = so.mapped_column(sa.Text)
    is_correct: so.Mapped[bool] = so.mapped_column(default=False)

    question: so.Mapped[Question] = so.relationship(back_populates="options")


#: an attempt in progress: neither submitted nor closed as abandoned
OPEN_ATTEMPT = "submitted_at IS NULL AND abandoned_at IS NULL"


class QuizAttempt(db.Model):
    """One go at a course's quiz. In progress until submitted, or closed as abandoned when left open too long (or
    when a new cycle of the course begins); a submitted attempt never changes. Abandoned is not failed: it is not
    marked and does not count against the attempt limit."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # One attempt in progress per person per course: a second start resumes it, a race fails here.
        sa.Index("uq_quiz_attempts_in_progress", "person_id", "course_id", unique=True,
                 sqlite_where=sa.text(OPEN_ATTEMPT), postgresql_where=sa.text(OPEN_ATTEMPT)),
        sa.Index("ix_quiz_attempts_person_course", "person_id", "course_id"),
        sa.Index("ix_quiz_attempts_version_score", "version_id", "score_percent", "is_passed"),
        sa.CheckConstraint("score_percent IS NULL OR score_percent BETWEEN 0 AND 100", name="score_percent"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"))
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("quiz_versions.id"))
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[datetime | None]
    abandoned_at: so.Mapped[datetime | None]
    #: marks earned: a whole mark per question, or a share of one with partial credit
    points: so.Mapped[float | None]
    #: points as a percentage of the questions asked, rounded down
    score_percent: so.Mapped[int | None]
    #: against the course's pass mark at the time of submission
    is_passed: so.Mapped[bool | None]
    #: the pass mark the attempt was judged against
    pass_mark: so.Mapped[int]

    course: so.Mapped[Course] = so.relationship()
    version: so.Mapped[QuizVersion] = so.relationship()
    person: so.Mapped["Person"] = so.relationship()  # noqa: F821
    questions: so.Mapped[list["AttemptQuestion"]] = so.relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_abandoned(self) -> bool:
        return self.abandoned_at is not None


def option_bit(position: int) -> int:
    """The bit that stands for the option at `position` (from 1) in a chosen mask."""
    return 1 << (position - 1)


def chosen_positions(mask: int) -> list[int]:
    return [position for position in range(1, mask.bit_length() + 1) if option_bit(position) & mask]


class AttemptQuestion(db.Model):
    """A question drawn for one attempt, with the option order that attempt shows, and how it was scored."""

    __tablename__ = "quiz_attempt_questions"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "position"),
        sa.UniqueConstraint("attempt_id", "question_id"),
        # Analytics count answers straight from this index: one ordered pass, no table reads.
        sa.Index("ix_quiz_attempt_questions_answers", "question_id", "is_correct", "chosen_mask"),
        sa.CheckConstraint("chosen_mask IS NULL OR chosen_mask > 0", name="chosen_mask"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("quiz_questions.id"))
    #: order in this attempt, from 1
    position: so.Mapped[int]
    #: option ids in the order this attempt shows them, drawn at random for the attempt. The page sends an option
    #: as its place in this list (from 1), so nothing sent to the browser follows ids or authoring order.
    option_order: so.Mapped[list] = so.mapped_column(sa.JSON)
    #: full marks for this question; None until the attempt is submitted
    is_correct: so.Mapped[bool | None]
    #: the places (in option_order, from 1) ticked so far, kept while the officer moves between the screens of a
    #: long quiz; None until a screen holding this question is sent
    saved_places: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    #: the mark earned, 0 to 1; None until submitted
    credit: so.Mapped[float | None]
    #: the options ticked, as bits of their authored positions (bit 0 = option 1); None until submitted.
    #: A number rather than rows of choices so analytics count every answer in one pass over an index.
    chosen_mask: so.Mapped[int | None]

    attempt: so.Mapped[QuizAttempt] = so.relationship(back_populates="questions")
    question: so.Mapped[Question] = so.relationship()

    def ordered_options(self) -> list[Option]:
        """The question's options in the order this attempt shows them."""
        by_id = {option.id: option for option in self.question.options}
        return [by_id[option_id] for option_id in self.option_order]

    @property
    def chosen_ids(self) -> set[int]:
        mask = self.chosen_mask or 0
        return {option.id for option in self.question.options if option_bit(option.position) & mask}


from lms.people.models import Person  # noqa: E402,F401  (resolves the relationship's string)
