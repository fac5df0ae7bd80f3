"""Plan operations: write, submit, resubmit and review. They flush and audit; the view commits."""
import logging

import sqlalchemy as sa
from flask import current_app, url_for

from lms.audit.services import record
from lms.content.render import render_written
from lms.extensions import db
from lms.notify.services import queue
from lms.people.models import Person
from lms.quality.models import Plan, PlanAttempt, PlanReview, Rubric, RubricVersion
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


class PlanError(Exception):
    """A change the plan's state does not allow; the message says why."""


def current_rubric(use: str = "plan-review") -> RubricVersion | None:
    """The newest version of the live rubric for `use` (the first by title if a force publishes several)."""
    return db.session.scalar(
        sa.select(RubricVersion).join(Rubric).where(Rubric.use == use, Rubric.is_retired.is_(False),
                                                     RubricVersion.number == Rubric.version)
        .order_by(Rubric.title, Rubric.id).limit(1))


def start_plan(officer: Person, scenario: str) -> Plan:
    if officer.team_id is None:
        raise PlanError("You are not in a team yet, so nobody could review your plan: ask an admin to add you "
                        "to your team.")
    plan = Plan(person_id=officer.id, team_id=officer.team_id, kind="practice", scenario=scenario, status="draft")
    plan.attempts.append(PlanAttempt(number=1))
    db.session.add(plan)
    db.session.flush()
    return plan


def latest(plan: Plan) -> PlanAttempt:
    return plan.attempts[-1]


def save_draft(plan: Plan, scenario: str, body: str, *, submit: bool) -> PlanAttempt:
    """Save the draft attempt's text, rendered once here; with `submit`, send it for review."""
    attempt = latest(plan)
    if plan.status != "draft":
        raise PlanError("This attempt has been submitted and can no longer be changed.")
    attempt.body, attempt.body_html, attempt.saved_at = body, render_written(body), utcnow()
    if plan.attempts[0] is attempt:
        plan.scenario = scenario
    if submit:
        attempt.submitted_at = plan.waiting_since = utcnow()
        plan.status = "waiting"
        record(plan.person, "plan.submitted", "plan", plan.id, f"Plan '{plan.title}' attempt {attempt.number} "
                                                               f"submitted for review")
        log.info("plan %s attempt %s submitted by %s", plan.id, attempt.number, plan.person_id)
    db.session.flush()
    return attempt


def resubmit(plan: Plan) -> PlanAttempt:
    """Start another attempt from the last one's text, keeping the last one and its review as they were."""
    if plan.kind == "practice" and plan.status == "reviewed":
        # Conditional: of two presses at once (two tabs) one starts the attempt; the other carries on with it.
        taken = db.session.execute(sa.update(Plan).where(Plan.id == plan.id, Plan.status == "reviewed")
                                   .values(status="draft", waiting_since=None)).rowcount
        if taken:
            previous = latest(plan)
            attempt = PlanAttempt(number=previous.number + 1, body=previous.body, body_html=previous.body_html)
            plan.attempts.append(attempt)
            db.session.flush()
            return attempt
        db.session.refresh(plan)
    if plan.kind == "practice" and plan.status == "draft":
        return latest(plan)  # started a moment ago in another tab: carry on with that draft
    raise PlanError("You can write another attempt once this one has been reviewed.")


def record_review(reviewer: Person, plan: Plan, version: RubricVersion, scores: list[dict],
                  comment: str) -> PlanReview:
    """Score the plan's waiting attempt on `version`, criterion by criterion."""
    # One conditional UPDATE takes the waiting plan for this review: of reviewers of an area saving at once, one
    # gets it and the others (on PostgreSQL after waiting for the row) find it reviewed, instead of every one
    # passing a check read earlier and the later ones failing on the one-review-per-attempt index.
    taken = db.session.execute(sa.update(Plan).where(Plan.id == plan.id, Plan.status == "waiting")
                               .values(status="reviewed", waiting_since=None)).rowcount
    if not taken:
        raise PlanError("This plan is not waiting for a review: it may have been reviewed already.")
    attempt = latest(plan)
    review = PlanReview(attempt=attempt, reviewer_id=reviewer.id, rubric_version_id=version.id, scores=scores,
                        comment=comment, total=sum(item["score"] for item in scores), max_score=version.max_score,
                        reviewed_at=utcnow())
    db.session.add(review)
    db.session.flush()
    record(reviewer, "plan.reviewed", "plan", plan.id, f"Plan '{plan.title}' attempt {attempt.number} reviewed: "
                                                       f"{review.total} of {review.max_score}")
    url = current_app.config["SITE_URL"] + url_for("quality.plan", plan_id=plan.id)
    queue("plan_reviewed", plan.person, topic=f"plan:{plan.id}", plan=plan, attempt=attempt, review=review, url=url)
    return review


def record_live_review(reviewer: Person, officer: Person, crime_reference: str, version: RubricVersion,
                       scores: list[dict], comment: str) -> Plan:
    """Record the review of a live plan, which stays in the crime system: only its crime reference is kept here."""
    plan = Plan(person_id=officer.id, team_id=officer.team_id, kind="live", crime_reference=crime_reference,
                status="waiting", waiting_since=utcnow())
    plan.attempts.append(PlanAttempt(number=1, submitted_at=utcnow()))
    db.session.add(plan)
    db.session.flush()
    record_review(reviewer, plan, version, scores, comment)
    return plan
