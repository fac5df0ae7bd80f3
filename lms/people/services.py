"""Operations on people: sign-in checks, roles, teams, deactivation, the roster. They flush; the caller commits."""
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from lms.audit.services import diff, record
from lms.extensions import db
from lms.people.models import ROLES, Area, LoginFailure, Person, RoleGrant, Team, default_roles
from lms.people.passwords import check_password
from lms.people.queries import teams_by_area
from lms.people.roster import Problem, Roster, RosterRow, check_against_database, guess_team_type, name_key
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


def authenticate(email: str, password: str, address: str) -> Person | None:
    """Return the person if the credentials are right; record a failure otherwise.

    Raises LoginThrottled, without checking the password, when the account or the address has failed too often.
    """
    email = normalise_email(email)
    config = current_app.config
    if (
        _recent_failures(LoginFailure.email, email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginFailure.address, address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        log.warning("login throttled for %s from %s", email, address)
        raise LoginThrottled()
    person = db.session.scalar(sa.select(Person).where(Person.email == email))
    if person and person.is_active_account and check_password(person.password_hash, password):
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email))
        return person
    db.session.add(LoginFailure(email=email, address=address))
    log.warning("failed login for %s from %s", email, address)
    return None


def sign_out_everywhere(person: Person) -> None:
    """Invalidate every session cookie the person holds, and their calendar address (deactivation comes here too)."""
    # Imported here while lms.sessions imports its routes from its __init__ (a circle through people); once the
    # app factory registers routes this moves to the top.
    from lms.sessions.feeds import revoke_feeds

    person.session_nonce = secrets.token_hex(16)
    revoke_feeds(person, None)


def person_snapshot(person: Person) -> dict:
    return {
        "name": person.name,
        "email": person.email,
        "rank": person.rank,
        "student officer": person.is_student_officer,
        "team": person.team.full_name if person.team else None,
        "roles": sorted(person.roles),
        "supervises": sorted(team.full_name for team in person.supervised_teams),
        "active": person.is_active_account,
    }


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
    if not active:
        sign_out_everywhere(person)
    record(actor, "person.activated" if active else "person.deactivated", "person", person.id,
           f"{'Reactivated' if active else 'Deactivated'} {person.name}", {"active": [not active, active]})


@dataclass
class RosterResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    teams_created: int = 0
    teams_changed: int = 0
    deactivated: int = 0
    #: clashes with the database; when there are any, nothing was changed
    problems: list[Problem] = field(default_factory=list)
    #: service numbers in the file whose accounts are deactivated: an import never reactivates anyone
    left_inactive: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged",
                 f"{self.teams_created} team{'' if self.teams_created == 1 else 's'} created"]
        if self.teams_changed:
            parts.append(f"{self.teams_changed} team{'' if self.teams_changed == 1 else 's'} changed")
        if self.deactivated:
            parts.append(f"{self.deactivated} deactivated")
        return ", ".join(parts)


def _keeps_an_admin(roster: Roster, by_number: dict[str, Person]) -> bool:
    """Whether someone in the roster will be an active admin after the import."""
    for row in roster.rows:
        person = by_number.get(row.service_number)
        granted = "admin" in (row.roles or ())
        if (person is None and granted) or (person and person.is_active_account and
                                            (granted or "admin" in person.roles)):
            return True
    return False


def _roster_teams(roster: Roster, teams: dict[tuple[str, str], Team], result: RosterResult) -> None:
    """Create the areas and teams the roster names that do not exist yet; apply a changed team type."""
    areas = {name_key(area.name): area for area in db.session.scalars(sa.select(Area))}
    named = {}
    for row in roster.rows:
        named.setdefault(row.team_key, row)
    types = {row.team_key: row.team_type for row in roster.rows if row.team_type}
    new_teams = []
    for key, row in named.items():
        team, wanted = teams.get(key), types.get(key)
        if team is None:
            area = areas.get(name_key(row.area)) or areas.setdefault(name_key(row.area), Area(name=row.area))
            team = teams[key] = Team(name=row.team, area=area, team_type=wanted or guess_team_type(row.team))
            db.session.add(team)
            new_teams.append(team)
        elif wanted and wanted != team.team_type:
            record(None, "team.changed", "team", team.id, f"Changed the type of {team.full_name} from the roster",
                   {"type": [team.team_type, wanted]})
            team.team_type = wanted
            result.teams_changed += 1
    db.session.flush()
    for team in new_teams:
        record(None, "team.created", "team", team.id, f"Created {team.full_name} from the roster",
               {"type": [None, team.team_type]})
    result.teams_created = len(new_teams)


def _apply_row(row: RosterRow, person: Person, teams: dict[tuple[str, str], Team], is_new: bool) -> None:
    person.given_name, person.family_name, person.email = row.given_name, row.family_name, row.email
    person.rank = row.rank
    person.team = teams[row.team_key]
    if row.is_student_officer is not None:
        person.is_student_officer = row.is_student_officer
    if row.roles is not None:
        # The admin role is the site's, not HR's: an import may grant it but never takes it away.
        roles = set(row.roles) | ({"admin"} & person.roles)
    else:
        roles = default_roles(row.rank) if is_new else set(person.roles)
    if row.supervises:
        roles.add("supervisor")
    _set_roles(person, roles)
    if row.supervises is not None:
        wanted = list(dict.fromkeys(teams[(name_key(row.area), name_key(name))] for name in row.supervises))
        if set(wanted) != set(person.supervised_teams):
            person.supervised_teams = wanted


def import_roster(roster: Roster, *, deactivate_missing: bool = False) -> RosterResult:
    """Add and update people from a checked roster by service number; audit every change.

    Changes nothing and returns every problem when any row is bad or clashes with the database. People not in the
    roster are deactivated only with `deactivate_missing`.
    """
    teams = {(name_key(team.area.name), name_key(team.name)): team for team in teams_by_area()}
    people = list(db.session.scalars(sa.select(Person).options(so.selectinload(Person.supervised_teams))))
    by_number = {person.service_number.upper(): person for person in people}
    clashes = check_against_database(roster, existing_teams=set(teams),
                                     owner_of_email={person.email: person.service_number.upper() for person in people})
    result = RosterResult(problems=sorted(roster.problems + clashes, key=lambda problem: problem.line or 0))
    in_file = {row.service_number for row in roster.rows}
    missing = [person for number, person in by_number.items() if person.is_active_account and number not in in_file]
    if deactivate_missing and any("admin" in person.roles for person in missing) and not _keeps_an_admin(
            roster, by_number):
        result.problems.append(Problem(None, "--deactivate-missing would deactivate every admin, because no active "
                                             "admin is in the file. Add an admin's row or leave the option off."))
    if result.problems:
        return result

    _roster_teams(roster, teams, result)
    touched = []
    for row in roster.rows:
        person = by_number.get(row.service_number)
        if person is None:
            person = Person(service_number=row.service_number, role_grants=[], supervised_teams=[])
            db.session.add(person)
            touched.append((person, None))
        else:
            touched.append((person, person_snapshot(person)))
            if not person.is_active_account:
                result.left_inactive.append(row.service_number)
        _apply_row(row, person, teams, is_new=touched[-1][1] is None)
    db.session.flush()

    for person, before in touched:
        after = person_snapshot(person)
        if before is None:
            result.added += 1
            record(None, "person.created", "person", person.id, f"Added {person.name} from the roster",
                   {key: [None, value] for key, value in after.items() if value not in (None, [], False)})
        elif changes := diff(before, after):
            result.updated += 1
            record(None, "person.changed", "person", person.id,
                   f"Changed {person.name} from the roster: {', '.join(changes)}", changes)
        else:
            result.unchanged += 1
    if deactivate_missing:
        for person in missing:
            set_active(None, person, False)
        result.deactivated = len(missing)
    log.info("roster imported: %s", result.summary())
    return result
