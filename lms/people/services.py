"""Operations on people: roles, teams, deactivation, signing out everywhere. They flush; the caller commits."""
import logging

import sqlalchemy as sa

from lms.audit.services import diff, record
from lms.audit.wording import person_changed_summary
from lms.extensions import db
from lms.people.devices import sign_out_everywhere
from lms.people.models import ROLES, Person, RoleGrant, RosterDeactivation, Team

log = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def sign_out_everywhere_by(actor: Person, person: Person) -> int:
    """An admin ends every session the person holds; audited. Return how many devices were signed out."""
    count = sign_out_everywhere(person)
    record(actor, "person.signed_out_everywhere", "person", person.id,
           f"Signed {person.name} out of every device ({count})", {"devices": [count, 0]})
    return count


def snapshot(*, name: str, email: str, rank: str, is_student_officer: bool, team: str | None, roles: set[str],
             supervises: list[str], active: bool) -> dict:
    """What the audit trail records of a person, before and after a change (team names in full)."""
    return {"name": name, "email": email, "rank": rank, "student officer": is_student_officer, "team": team,
            "roles": sorted(roles), "supervises": sorted(supervises), "active": active}


def person_snapshot(person: Person) -> dict:
    return snapshot(name=person.name, email=person.email, rank=person.rank,
                    is_student_officer=person.is_student_officer,
                    team=person.team.full_name if person.team else None, roles=person.roles,
                    supervises=[team.full_name for team in person.supervised_teams],
                    active=person.is_active_account)


def _set_roles(person: Person, roles: set[str]) -> None:
    if roles != person.roles:
        person.role_grants = [grant for grant in person.role_grants if grant.role in roles] + [
            RoleGrant(role=role) for role in sorted(roles - person.roles)
        ]


def update_person(actor: Person, person: Person, *, team: Team | None, roles: set[str],
                  supervised_teams: list[Team], rank: str) -> dict:
    """Change a person's team, rank, roles and supervised teams; audit what changed; return the changes."""
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown role: {', '.join(sorted(unknown))}")
    if actor.id == person.id and "admin" not in roles:
        raise ValueError("You cannot remove your own admin role; ask another admin.")
    before = person_snapshot(person)
    person.team = team
    person.rank = rank
    _set_roles(person, roles)
    person.supervised_teams = supervised_teams
    db.session.flush()
    changes = diff(before, person_snapshot(person))
    if changes:
        record(actor, "person.changed", "person", person.id, person_changed_summary(person.name, changes), changes)
    return changes


def set_active(actor: Person | None, person: Person, active: bool) -> None:
    """Deactivate (nothing of their history is deleted) or reactivate an account; actor None is the system."""
    if actor is not None and actor.id == person.id and not active:
        raise ValueError("You cannot deactivate your own account.")
    if person.is_active_account == active:
        return
    person.is_active_account = active
    if active:
        # Reactivated by hand: no import's "undo" should touch this person again.
        db.session.execute(sa.delete(RosterDeactivation).where(RosterDeactivation.person_id == person.id))
    else:
        sign_out_everywhere(person)
    record(actor, "person.activated" if active else "person.deactivated", "person", person.id,
           f"{'Reactivated' if active else 'Deactivated'} {person.name}", {"active": [not active, active]})
