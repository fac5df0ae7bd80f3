"""Rubrics and their versions, investigation plans with their attempts and reviews, and teams' monthly outcomes.

No crime records are held: a live case is named by its crime reference number only.
"""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: the earliest year an audit visit or an outcome month may fall in: an earlier one is a slipped year (1926 for 2026)
EARLIEST_YEAR = 2000
RUBRIC_USES = {"plan-review": "Investigation plan review", "quality-audit": "Quality audit"}
PLAN_KINDS = ("practice", "live")
#: draft: being written; waiting: submitted, not yet reviewed; reviewed: its latest attempt has a review
PLAN_STATUSES = ("draft", "waiting", "reviewed")


class Rubric(db.Model):
    """A standard to score work against, imported from content/rubrics/<slug>.md."""

    __tablename__ = "rubrics"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: one of RUBRIC_USES: which kind of work it scores
    use: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    #: the number of its newest version
    version: so.Mapped[int] = so.mapped_column(default=1)
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300))
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    is_retired: so.Mapped[bool] = so.mapped_column(default=False)
    retired_at: so.Mapped[datetime | None]


class RubricVersion(db.Model):
    """The criteria of one version of a rubric, kept for good: a review is read against the version it used."""

    __tablename__ = "rubric_versions"
    __table_args__ = (sa.UniqueConstraint("rubric_id", "number"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    rubric_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rubrics.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    #: [{"key", "title", "guide_html", "levels": [{"score", "label", "html"}]}], in the file's order
    criteria: so.Mapped[list] = so.mapped_column(sa.JSON)
    #: the highest score possible: the sum of each criterion's top level
    max_score: so.Mapped[int]
    criteria_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    rubric: so.Mapped[Rubric] = so.relationship()


class Plan(db.Model):
    """An officer's investigation plan: a practice plan for a masterclass scenario, or a live plan a reviewer
    looked at (named by its crime reference). Its attempts are kept in order."""

    __tablename__ = "plans"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('practice','live')", name="kind"),
        sa.CheckConstraint("status IN ('draft','waiting','reviewed')", name="status"),
        sa.CheckConstraint("kind = 'practice' OR crime_reference IS NOT NULL", name="live_has_reference"),
        sa.Index("ix_plans_status_waiting_since", "status", "waiting_since"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the officer whose plan it is
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: the officer's team when the plan was started: who supervises and reviews it
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: the masterclass scenario a practice plan answers
    scenario: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    crime_reference: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="draft")
    #: when the attempt now waiting for review was submitted (the queue's order)
    waiting_since: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    person: so.Mapped["Person"] = so.relationship()  # noqa: F821
    team: so.Mapped["Team"] = so.relationship()  # noqa: F821
    attempts: so.Mapped[list["PlanAttempt"]] = so.relationship(
        back_populates="plan", order_by="PlanAttempt.number", cascade="all, delete-orphan")

    @property
    def title(self) -> str:
        return self.scenario if self.kind == "practice" else f"Live plan {self.crime_reference}"


class PlanAttempt(db.Model):
    """One version of a plan's text: a draft until submitted; after a review the officer may write another."""

    __tablename__ = "plan_attempts"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    #: the officer's markdown; empty for a live plan (its text stays in the crime system)
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: rendered and sanitised when saved, never per request
    body_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    saved_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[datetime | None]

    plan: so.Mapped[Plan] = so.relationship(back_populates="attempts")
    review: so.Mapped["PlanReview | None"] = so.relationship(back_populates="attempt", uselist=False)


class PlanReview(db.Model):
    """A reviewer's scores for one attempt, criterion by criterion, against one version of the rubric."""

    __tablename__ = "plan_reviews"
    __table_args__ = (sa.CheckConstraint("total BETWEEN 0 AND max_score", name="total_in_range"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plan_attempts.id", ondelete="CASCADE"),
                                                  unique=True)
    reviewer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    rubric_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rubric_versions.id"))
    #: [{"key", "score", "comment"}], one per criterion of the version, in its order
    scores: so.Mapped[list] = so.mapped_column(sa.JSON)
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    total: so.Mapped[int]
    max_score: so.Mapped[int]
    reviewed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    attempt: so.Mapped[PlanAttempt] = so.relationship(back_populates="review")
    reviewer: so.Mapped["Person | None"] = so.relationship()  # noqa: F821
    rubric_version: so.Mapped[RubricVersion] = so.relationship()

    @property
    def percent(self) -> int:
        return round(100 * self.total / self.max_score) if self.max_score else 0


class OutcomeImport(db.Model):
    """One outcome file imported: what it held and who imported it."""

    __tablename__ = "outcome_imports"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    file_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    rows: so.Mapped[int]
    #: rows it replaced (the same team and month imported before)
    replaced: so.Mapped[int] = so.mapped_column(default=0)
    imported_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    imported_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class OutcomeMonth(db.Model):
    """A team's crimes finalised in a month, by outcome: counts only, no case-level data."""

    __tablename__ = "outcome_months"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "month"),
        sa.CheckConstraint("charge_summons >= 0 AND outcome_16 >= 0 AND outcome_14_15 >= 0 AND other >= 0",
                           name="counts_not_negative"),
        sa.CheckConstraint("finalised = charge_summons + outcome_16 + outcome_14_15 + other", name="counts_add_up"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    #: the first day of the month
    month: so.Mapped[date] = so.mapped_column(index=True)
    finalised: so.Mapped[int]
    charge_summons: so.Mapped[int]
    #: outcome 16: evidential difficulties, the victim does not support action
    outcome_16: so.Mapped[int]
    #: outcomes 14 and 15: evidential difficulties (14: no suspect identified and the victim does not support action;
    #: 15: a named suspect, the victim supports action, but the evidence does not allow it)
    outcome_14_15: so.Mapped[int]
    other: so.Mapped[int]
    import_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("outcome_imports.id"), index=True)


class AuditVisit(db.Model):
    """A quality audit team's visit to a team: the cases sampled (by crime reference), findings and actions."""

    __tablename__ = "audit_visits"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    visited_on: so.Mapped[date]
    #: who audited, as the audit team writes it
    auditors: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: the audit rubric version every case of the visit is scored on
    rubric_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rubric_versions.id"))
    findings: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    team: so.Mapped["Team"] = so.relationship()  # noqa: F821
    rubric_version: so.Mapped[RubricVersion] = so.relationship()
    cases: so.Mapped[list["AuditCase"]] = so.relationship(order_by="AuditCase.id", cascade="all, delete-orphan")
    actions: so.Mapped[list["AuditAction"]] = so.relationship(back_populates="visit", order_by="AuditAction.due_on",
                                                              cascade="all, delete-orphan")


class AuditCase(db.Model):
    """One sampled case, named by its crime reference only, scored on the visit's rubric version."""

    __tablename__ = "audit_cases"
    __table_args__ = (sa.UniqueConstraint("visit_id", "crime_reference"),
                      sa.CheckConstraint("total BETWEEN 0 AND max_score", name="total_in_range"))
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("audit_visits.id", ondelete="CASCADE"))
    crime_reference: so.Mapped[str] = so.mapped_column(sa.String(30))
    #: [{"key", "score", "comment"}], one per criterion of the visit's rubric version
    scores: so.Mapped[list] = so.mapped_column(sa.JSON)
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    total: so.Mapped[int]
    max_score: so.Mapped[int]

    @property
    def percent(self) -> int:
        return round(100 * self.total / self.max_score) if self.max_score else 0


class AuditAction(db.Model):
    """Something the team must do after a visit, followed up until its owner closes it with a note."""

    __tablename__ = "audit_actions"
    __table_args__ = (sa.CheckConstraint("status IN ('open','closed')", name="status"),
                      sa.CheckConstraint("status = 'open' OR closing_note <> ''", name="closed_with_note"),
                      sa.Index("ix_audit_actions_owner_id_status_due_on", "owner_id", "status", "due_on"))
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("audit_visits.id", ondelete="CASCADE"), index=True)
    description: so.Mapped[str] = so.mapped_column(sa.String(500))
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"))
    due_on: so.Mapped[date]
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open")
    closing_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    closed_at: so.Mapped[datetime | None]

    owner: so.Mapped["Person"] = so.relationship()  # noqa: F821
    visit: so.Mapped[AuditVisit] = so.relationship(back_populates="actions")
