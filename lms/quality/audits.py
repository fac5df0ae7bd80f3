"""Quality audit operations and reads: visits, their scored cases and their actions. Flush and audit; views commit."""
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from lms.audit.services import record
from lms.extensions import db
from lms.people.models import Person, Team
from lms.quality.models import AuditAction, AuditCase, AuditVisit, RubricVersion
from lms.quality.scope import plan_team_ids, reviewed_team_ids
from lms.timeutil import today_london, utcnow

LIST_LIMIT = 200
#: the furthest ahead an action may fall due
ACTION_MAX_DAYS_AHEAD = 730


class AuditError(Exception):
    """A change the visit or action does not allow; the message says why."""


def is_auditor(user: Person) -> bool:
    """The audit team: admins, and investigative-quality sergeants for the teams of their area."""
    return user.has_role("admin") or bool(reviewed_team_ids(user))


def recordable_team_ids(user: Person) -> frozenset[int]:
    if user.has_role("admin"):
        return frozenset(db.session.scalars(sa.select(Team.id)))
    return reviewed_team_ids(user)


def get_visit_for(user: Person, visit_id: int) -> AuditVisit:
    """A visit `user` may see (their teams', or one holding an action they own); 404 otherwise."""
    visit = db.session.get(AuditVisit, visit_id, options=[
        so.selectinload(AuditVisit.cases), so.selectinload(AuditVisit.actions).joinedload(AuditAction.owner),
        so.joinedload(AuditVisit.team).joinedload(Team.area), so.joinedload(AuditVisit.rubric_version)])
    if visit is None or (visit.team_id not in plan_team_ids(user)
                         and all(action.owner_id != user.id for action in visit.actions)):
        abort(404)
    return visit


def may_change(user: Person, visit: AuditVisit) -> bool:
    return visit.team_id in recordable_team_ids(user)


def visits_for(user: Person) -> list[AuditVisit]:
    team_ids = plan_team_ids(user)
    if not team_ids:
        return []
    return list(db.session.scalars(
        sa.select(AuditVisit).where(AuditVisit.team_id.in_(team_ids))
        .options(so.selectinload(AuditVisit.cases), so.selectinload(AuditVisit.actions),
                 so.joinedload(AuditVisit.team).joinedload(Team.area))
        .order_by(AuditVisit.visited_on.desc(), AuditVisit.id.desc()).limit(LIST_LIMIT)))


# Built once: the home page asks every officer for their overdue actions, and building and keying the select cost
# more than running it.
_OPEN_ACTIONS = (sa.select(AuditAction).where(AuditAction.owner_id == sa.bindparam("owner_id"),
                                              AuditAction.status == "open")
                 .options(so.joinedload(AuditAction.visit).joinedload(AuditVisit.team)).order_by(AuditAction.due_on))
_OVERDUE_ACTIONS = _OPEN_ACTIONS.where(AuditAction.due_on < sa.bindparam("today"))


_ANY_OVERDUE = _OVERDUE_ACTIONS.with_only_columns(AuditAction.id).options().order_by(None).limit(1)


def open_actions(owner: Person, *, overdue: bool = False) -> list[AuditAction]:
    """The owner's open actions (only those past their due date, with `overdue`), the soonest due first."""
    if overdue:
        params = {"owner_id": owner.id, "today": today_london()}
        # The home page asks everyone, and almost no one owns an overdue action: a plain row first spares them the
        # ORM's setting up of a load that finds nothing (2% of the home page; the query itself was 7%).
        if db.session.execute(_ANY_OVERDUE, params).first() is None:
            return []
        return list(db.session.scalars(_OVERDUE_ACTIONS, params))
    return list(db.session.scalars(_OPEN_ACTIONS, {"owner_id": owner.id}))


def is_overdue(action: AuditAction) -> bool:
    return action.status == "open" and action.due_on < today_london()


def record_visit(user: Person, team_id: int, visited_on: date, auditors: str, findings: str,
                 version: RubricVersion) -> AuditVisit:
    visit = AuditVisit(team_id=team_id, visited_on=visited_on, auditors=auditors, findings=findings,
                       rubric_version_id=version.id, created_by_id=user.id)
    db.session.add(visit)
    db.session.flush()
    record(user, "audit_visit.recorded", "audit_visit", visit.id, f"Quality audit visit on {visited_on} recorded")
    return visit


def add_case(user: Person, visit: AuditVisit, crime_reference: str, scores: list[dict], comment: str) -> AuditCase:
    if any(case.crime_reference == crime_reference for case in visit.cases):
        raise AuditError(f"{crime_reference} is already one of this visit's cases.")
    case = AuditCase(visit_id=visit.id, crime_reference=crime_reference, scores=scores, comment=comment,
                     total=sum(item["score"] for item in scores), max_score=visit.rubric_version.max_score)
    try:
        with db.session.begin_nested():
            db.session.add(case)
    except sa.exc.IntegrityError:  # the same case saved a moment ago in another tab, or by another auditor
        raise AuditError(f"{crime_reference} is already one of this visit's cases.") from None
    record(user, "audit_case.scored", "audit_visit", visit.id, f"Case {crime_reference} scored {case.total} of "
                                                               f"{case.max_score}")
    return case


def due_date_problem(visit: AuditVisit, due_on: date) -> str | None:
    """What is wrong with an action's due date, or None: not before the visit, and not years ahead (a slipped
    year, 2062 for 2026, would keep the action from ever falling overdue)."""
    if due_on < visit.visited_on:
        return "The due date must be the same as or after the date of the visit"
    if due_on > today_london() + timedelta(days=ACTION_MAX_DAYS_AHEAD):
        return f"The due date must be within {ACTION_MAX_DAYS_AHEAD // 365} years from today"
    return None


def add_action(user: Person, visit: AuditVisit, description: str, owner: Person, due_on: date) -> AuditAction:
    action = AuditAction(description=description, owner_id=owner.id, due_on=due_on)
    visit.actions.append(action)
    db.session.flush()
    record(user, "audit_action.added", "audit_visit", visit.id, f"Action for {owner.name}, due {due_on}")
    return action


def close_action(user: Person, action: AuditAction, note: str) -> None:
    # Conditional, so that of two presses at once (two tabs, the owner and an auditor) one closes it and is audited
    closed = db.session.execute(sa.update(AuditAction).where(AuditAction.id == action.id,
                                                             AuditAction.status == "open")
                                .values(status="closed", closing_note=note, closed_at=utcnow())).rowcount
    if not closed:
        raise AuditError("This action is closed already.")
    record(user, "audit_action.closed", "audit_visit", action.visit_id, f"Action {action.id} closed: {note[:100]}")
