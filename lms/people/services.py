"""Operations on people: sign-in checks, roles, teams, deactivation. They flush; the caller commits."""
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from lms.audit.services import diff, record
from lms.extensions import db
from lms.people.devices import sign_out_everywhere
from lms.people.models import ROLES, LoginFailure, Person, RoleGrant, RosterDeactivation, Team
from lms.people.passwords import check_password
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


class LoginThrottled(Exception):
    """Too many recent failures for this account or this address."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _recent_failures(column, value) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginFailure).where(column == value, LoginFailure.at >= since)
    )


def login_throttled(email: str, address: str) -> bool:
    """Whether the account or the address has failed to sign in too often lately (a wrong second factor counts)."""
    config = current_app.config
    return (_recent_failures(LoginFailure.email, email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _recent_failures(LoginFailure.address, address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def authenticate(email: str, password: str, address: str) -> Person | None:
    """Return the person if the credentials are right; record a failure otherwise.

    Raises LoginThrottled, without checking the password, when the account or the address has failed too often.
    """
    email = normalise_email(email)
    if login_throttled(email, address):
        log.warning("login throttled for %s from %s", email, address)
        raise LoginThrottled()
    person = db.session.scalar(sa.select(Person).where(Person.email == email))
    if person and person.is_active_account and check_password(person.password_hash, password):
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email))
        return person
    db.session.add(LoginFailure(email=email, address=address))
    log.warning("failed login for %s from %s", email, address)
    return None


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
        record(actor, "person.changed", "person", person.id, f"Changed {person.name}: {', '.join(changes)}", changes)
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
