"""Who may see and review which plans: officers their own, supervisors their teams' (the reports' scope function),
investigative-quality sergeants their areas'. Every plan page and download asks here."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from lms.extensions import db
from lms.people.models import Person, Team
from lms.quality.models import Plan, PlanAttempt, PlanReview
from lms.reports.scope import teams_visible_to


def reviewer_area_ids(user: Person) -> frozenset[int]:
    """The areas an investigative-quality sergeant reviews: the area of their own team."""
    if not user.has_role("iq_sergeant") or user.team_id is None:
        return frozenset()
    return frozenset(db.session.scalars(sa.select(Team.area_id).where(Team.id == user.team_id)))


def reviewed_team_ids(user: Person) -> frozenset[int]:
    areas = reviewer_area_ids(user)
    if not areas:
        return frozenset()
    return frozenset(db.session.scalars(sa.select(Team.id).where(Team.area_id.in_(areas))))


def plan_team_ids(user: Person) -> frozenset[int]:
    """Every team whose plans `user` may see besides their own: supervised (reports' scope) and reviewed."""
    return teams_visible_to(user) | reviewed_team_ids(user)


def get_plan_for(user: Person, plan_id: int) -> Plan:
    """A plan `user` may see, with its attempts, their reviews and reviewers (a fixed number of queries however many
    attempts); 404 otherwise (never confirm that someone else's plan exists)."""
    plan = db.session.get(Plan, plan_id, options=[
        so.selectinload(Plan.attempts).selectinload(PlanAttempt.review).joinedload(PlanReview.reviewer),
        so.joinedload(Plan.person), so.joinedload(Plan.team).joinedload(Team.area)])
    if plan is None or (plan.person_id != user.id and plan.team_id not in plan_team_ids(user)):
        abort(404)
    return plan


def may_review(user: Person, plan: Plan) -> bool:
    """A reviewer scores plans of their areas' teams, never their own."""
    return plan.person_id != user.id and plan.team_id in reviewed_team_ids(user)
