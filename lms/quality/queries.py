"""Read-side selects for the plan pages: a fixed number of queries whatever the number of plans."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from lms.extensions import db
from lms.people.models import Area, Person, Team
from lms.quality.models import Plan, PlanAttempt, PlanReview

QUEUE_LIMIT = 500


@dataclass(frozen=True)
class PlanRow:
    id: int
    title: str
    kind: str
    status: str
    officer: str
    team: str
    area: str
    attempts: int
    #: when the waiting attempt was submitted, or when the plan was started
    since: datetime
    #: the latest review's score in percent, if any
    percent: int | None


def _rows(statement) -> list[PlanRow]:
    attempts = (sa.select(sa.func.count()).where(PlanAttempt.plan_id == Plan.id).scalar_subquery())
    latest = (sa.select(sa.func.round(100.0 * PlanReview.total / PlanReview.max_score))
              .join(PlanAttempt, PlanAttempt.id == PlanReview.attempt_id).where(PlanAttempt.plan_id == Plan.id)
              .order_by(PlanReview.reviewed_at.desc()).limit(1).scalar_subquery())
    statement = (statement.add_columns(Person.given_name, Person.family_name, Person.rank, Team.name, Area.name,
                                       attempts, latest)
                 .join(Person, Person.id == Plan.person_id).join(Team, Team.id == Plan.team_id)
                 .join(Area, Area.id == Team.area_id))
    rows = []
    for plan, given, family, rank, team, area, count, percent in db.session.execute(statement):
        rows.append(PlanRow(plan.id, plan.title, plan.kind, plan.status, f"{rank} {given} {family}", team, area,
                            count, plan.waiting_since or plan.created_at, None if percent is None else int(percent)))
    return rows


def own_plans(person: Person) -> list[PlanRow]:
    return _rows(sa.select(Plan).where(Plan.person_id == person.id).order_by(Plan.created_at.desc()))


def queue(team_ids: frozenset[int]) -> list[PlanRow]:
    """Plans waiting for a review in these teams: by area, oldest first within it."""
    if not team_ids:
        return []
    return _rows(sa.select(Plan).where(Plan.status == "waiting", Plan.team_id.in_(team_ids))
                 .order_by(Area.name, Plan.waiting_since, Plan.id).limit(QUEUE_LIMIT))


def team_plans(team_ids: frozenset[int], page: int, per_page: int = 50):
    """The plans of these teams, newest first, a page at a time: (rows, total, the page shown). A page past the
    last shows the last (a link kept from when there were more plans)."""
    if not team_ids:
        return [], 0, 1
    where = Plan.team_id.in_(team_ids)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Plan).where(where))
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = _rows(sa.select(Plan).where(where).order_by(Plan.created_at.desc(), Plan.id.desc())
                 .limit(per_page).offset((page - 1) * per_page))
    return rows, total, page
