"""Who may see which teams: one function that every report, export, transcript and nudge asks.

Admins (the programme lead among them) see every team. A supervisor sees the teams they supervise and every team
of the areas they lead. An acting supervisor also sees, while a delegation applies, the teams of the supervisor
who delegated to them (not what was delegated on to that supervisor: delegations do not chain).
"""
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from lms.extensions import db
from lms.people import with_person
from lms.people.models import Person, RoleGrant, Team, team_supervisors
from lms.people.with_person import MISSING, load_with_person, loaded_with_person
from lms.reports.models import Delegation, area_leads
from lms.timeutil import today_london


def own_teams(person_ids: list[int]):
    """A select of the team ids the given supervisors supervise or lead the area of."""
    supervised = sa.select(team_supervisors.c.team_id).where(team_supervisors.c.person_id.in_(person_ids))
    led = (sa.select(Team.id).join(area_leads, area_leads.c.area_id == Team.area_id)
           .where(area_leads.c.person_id.in_(person_ids)))
    return sa.union(supervised, led)


def _applying(to_person_id, on, lender) -> tuple:
    """What makes a delegation to `to_person_id` apply on the day `on`: not cancelled, `on` within its days, and the
    lender (`lender`, Person or an alias of it, joined on from_person_id) still an active supervisor."""
    return (Delegation.to_person_id == to_person_id, Delegation.cancelled_at.is_(None), Delegation.starts_on <= on,
            Delegation.ends_on >= on, lender.is_active_account.is_(True),
            lender.role_grants.any(RoleGrant.role == "supervisor"))


# Built once, run with the person and the day as parameters: every page asks who the signed-in person may see,
# and building and keying these selects cost more than running them.
_DELEGATIONS_TO = (sa.select(Delegation).join(Person, Person.id == Delegation.from_person_id)
                   .where(*_applying(sa.bindparam("user_id"), sa.bindparam("on"), Person)))
_LENDERS = _DELEGATIONS_TO.with_only_columns(Delegation.from_person_id)


def _lenders_of_signed_in():
    """The ids of the supervisors lending their teams to the signed-in person today, as "3,17": most pages ask who
    they may see, so this comes with the person (lms.people.with_person)."""
    lender = so.aliased(Person)
    return (sa.select(sa.func.aggregate_strings(sa.cast(Delegation.from_person_id, sa.String), ","))
            .join(lender, lender.id == Delegation.from_person_id)
            .where(*_applying(Person.id, with_person.TODAY, lender)).scalar_subquery())


load_with_person("lenders", _lenders_of_signed_in)
_OWN_TEAMS = own_teams(sa.bindparam("supervisors", expanding=True))
_ALL_TEAMS = sa.select(Team.id)


def delegations_to(user: Person, on: date) -> list[Delegation]:
    """The delegations that make `user` an acting supervisor on `on`."""
    return list(db.session.scalars(_DELEGATIONS_TO, {"user_id": user.id, "on": on}))


def teams_visible_to(user: Person, on: date | None = None) -> frozenset[int]:
    """The ids of the teams whose people `user` may see in reports on the day `on` (today by default)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.has_role("admin"):
        return frozenset(db.session.scalars(_ALL_TEAMS))
    lenders = _lenders(user, on or today_london())
    supervisors = ([user.id] if user.has_role("supervisor") else []) + lenders
    if not supervisors:
        return frozenset()
    return frozenset(db.session.scalars(_OWN_TEAMS, {"supervisors": supervisors}))


def _lenders(user: Person, on: date) -> list[int]:
    """The supervisors lending their teams to `user` on `on`: as loaded with them for this request, or asked for."""
    loaded = loaded_with_person("lenders", user.id, on)
    if loaded is MISSING:
        return list(db.session.scalars(_LENDERS, {"user_id": user.id, "on": on}))
    return [int(lender) for lender in loaded.split(",")] if loaded else []


def sees_whole_force(user: Person) -> bool:
    return user.has_role("admin")


def require_scope(user: Person) -> frozenset[int]:
    """The teams `user` may see; 403 for someone who may see none (an officer, or a supervisor of no team)."""
    teams = teams_visible_to(user)
    if not teams:
        abort(403)
    return teams


def get_person_for(user: Person, person_id: int) -> Person:
    """A person whose record `user` may see: themselves, or someone in a team they may see; 404 otherwise."""
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    if person.id != user.id and (person.team_id is None or person.team_id not in teams_visible_to(user)):
        abort(404)  # never confirm that someone outside your teams exists
    return person
