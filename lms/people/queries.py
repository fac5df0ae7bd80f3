"""Read-side selects for the people pages."""
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.completion.cache import kept_until_change
from lms.extensions import db
from lms.people.models import Area, Person, RoleGrant, RosterImport, Team
from lms.timeutil import utcnow


def teams_by_area() -> list[Team]:
    return list(db.session.scalars(
        sa.select(Team).join(Team.area).options(so.contains_eager(Team.area)).order_by(Area.name, Team.name)
    ))


class AreaChoice(NamedTuple):
    id: int
    name: str


_AREAS = sa.select(Area.id, Area.name).order_by(Area.name)


def areas() -> list[tuple[int, str]]:
    """Every area as (id, name), for the lists to choose one from (the sessions list's on every view): kept until
    the training data, which areas are part of, changes (lms.completion.cache)."""
    return kept_until_change(("people.areas",), utcnow(),
                             lambda: ([AreaChoice(*row) for row in db.session.execute(_AREAS)], datetime.max))


def people_filtered(*, q: str | None, area_id: int | None, team_id: int | None, rank: str | None,
                    role: str | None, status: str):
    """Return a select for the admin people list, newest filters applied, eager-loading what the list shows."""
    stmt = (
        sa.select(Person)
        .outerjoin(Person.team)
        .options(so.contains_eager(Person.team).joinedload(Team.area))
        .order_by(Person.family_name, Person.given_name, Person.id)
    )
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(sa.or_(
            sa.func.lower(Person.given_name + " " + Person.family_name).like(like),
            sa.func.lower(Person.email).like(like),
            sa.func.lower(Person.service_number).like(like),
        ))
    if area_id:
        stmt = stmt.where(Team.area_id == area_id)
    if team_id:
        stmt = stmt.where(Person.team_id == team_id)
    if rank:
        stmt = stmt.where(Person.rank == rank)
    if role:
        stmt = stmt.where(Person.role_grants.any(RoleGrant.role == role))
    if status == "active":
        stmt = stmt.where(Person.is_active_account.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Person.is_active_account.is_(False))
    return stmt


def recent_roster_imports(limit: int = 20) -> list[RosterImport]:
    return list(db.session.scalars(sa.select(RosterImport).options(so.joinedload(RosterImport.actor))
                                   .order_by(RosterImport.id.desc()).limit(limit)))
