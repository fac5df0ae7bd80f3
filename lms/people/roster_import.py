"""Import a checked roster: plan every change from reads alone, then write the plan in one short transaction.

A 20,000-row roster used to hold the database's write lock for the whole import (11 s and more), so a user's
write in the meantime waited and failed. Now `plan_import` reads what is on the site and works out, as plain
data, every insert, update, deactivation and audit event; the caller ends that read transaction
(`extensions.read_transaction`) and `apply_plan` writes it all with bulk statements, no query per row.
"""
import hashlib
import logging
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from lms.audit.services import diff, event_values, record, record_many
from lms.extensions import db
from lms.people.models import (Area, Person, RoleGrant, RosterDeactivation, RosterImport, Team, default_roles,
                               person_name, team_full_name, team_supervisors)
from lms.people.roster import Problem, Roster, RosterRow, check_against_database, guess_team_type, name_key
from lms.people.services import snapshot

log = logging.getLogger(__name__)

TeamKey = tuple[str, str]
#: An import is planned from one read and written in a later transaction; a clash in between refuses it whole.
CHANGED_MEANWHILE = ("Someone changed people on the site while the import was being prepared, so nothing was "
                     "imported. Import the file again.")


@dataclass(frozen=True)
class ImportOptions:
    #: deactivate everyone active whose service number is not in the file (leavers)
    deactivate_missing: bool = False
    #: let `deactivate_missing` deactivate more than ROSTER_MAX_DEACTIVATION_PERCENT of the active people
    allow_mass_deactivation: bool = False
    #: reactivate people in the file whom an import deactivated (not those an admin deactivated)
    reactivate_listed: bool = False


@dataclass(frozen=True)
class TeamInfo:
    id: int | None
    area: str
    name: str
    team_type: str

    @property
    def full_name(self) -> str:
        return team_full_name(self.area, self.name)


@dataclass
class PersonChange:
    """One row's person to add or update, with the audit trail's view of the change."""

    row: RosterRow
    #: None for a new person
    person_id: int | None
    roles_added: set[str]
    roles_removed: set[str]
    #: the teams to supervise, replacing the old ones; None: leave them
    supervises: list[TeamKey] | None
    changes: dict


@dataclass(frozen=True)
class Someone:
    id: int
    name: str


@dataclass
class RosterPlan:
    """What an import will do, worked out before anything is written."""

    options: ImportOptions
    problems: list[Problem] = field(default_factory=list)
    teams: dict[TeamKey, TeamInfo] = field(default_factory=dict)
    new_teams: list[TeamKey] = field(default_factory=list)
    #: (team id, its full name, old type, new type)
    team_types: list[tuple[int, str, str, str]] = field(default_factory=list)
    added: list[PersonChange] = field(default_factory=list)
    updated: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    deactivate: list[Someone] = field(default_factory=list)
    reactivate: list[Someone] = field(default_factory=list)
    #: service numbers in the file whose accounts are deactivated and stay so
    left_inactive: list[str] = field(default_factory=list)
    #: how many of `left_inactive` an import deactivated (reactivate_listed would bring them back)
    reactivatable: int = 0
    active_before: int = 0
    #: the highest person id when the plan was made: every person the import adds gets a higher one
    last_person_id: int = 0

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.updated or self.new_teams or self.team_types or self.deactivate
                    or self.reactivate)

    def summary(self) -> str:
        teams = len(self.new_teams)
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{self.unchanged} unchanged",
                 f"{teams} team{'' if teams == 1 else 's'} created"]
        if self.team_types:
            parts.append(f"{len(self.team_types)} team{'' if len(self.team_types) == 1 else 's'} changed")
        if self.options.deactivate_missing:
            parts.append(f"{len(self.deactivate)} deactivated")
        if self.reactivate:
            parts.append(f"{len(self.reactivate)} reactivated")
        return ", ".join(parts)


@dataclass
class _Current:
    """A person as the site holds them now, read with plain selects (no ORM objects to flush)."""

    id: int
    service_number: str
    given_name: str
    family_name: str
    email: str
    rank: str
    is_student_officer: bool
    team_id: int | None
    is_active_account: bool
    roles: set[str] = field(default_factory=set)
    supervises: set[int] = field(default_factory=set)


def _read_site() -> tuple[dict[TeamKey, TeamInfo], dict[str, str], dict[str, _Current], set[int]]:
    """Teams by name key, area names by key, people by service number, and who an import deactivated."""
    teams = {(name_key(area), name_key(name)): TeamInfo(id, area, name, team_type) for id, name, team_type, area in
             db.session.execute(sa.select(Team.id, Team.name, Team.team_type, Area.name).join(Team.area))}
    areas = {name_key(name): name for name in db.session.scalars(sa.select(Area.name))}
    columns = [Person.id, Person.service_number, Person.given_name, Person.family_name, Person.email, Person.rank,
               Person.is_student_officer, Person.team_id, Person.is_active_account]
    by_id = {row.id: _Current(*row) for row in db.session.execute(sa.select(*columns))}
    for person_id, role in db.session.execute(sa.select(RoleGrant.person_id, RoleGrant.role)):
        by_id[person_id].roles.add(role)
    for team_id, person_id in db.session.execute(sa.select(team_supervisors.c.team_id, team_supervisors.c.person_id)):
        by_id[person_id].supervises.add(team_id)
    deactivated = set(db.session.scalars(sa.select(RosterDeactivation.person_id).distinct()))
    return teams, areas, {person.service_number.upper(): person for person in by_id.values()}, deactivated


def _plan_teams(roster: Roster, plan: RosterPlan, areas: dict[str, str]) -> None:
    """Name the teams the roster adds (in areas that may be new) and the team types it changes."""
    types = {row.team_key: row.team_type for row in roster.rows if row.team_type}
    for row in roster.rows:
        key = row.team_key
        team = plan.teams.get(key)
        if team is None:
            area = areas.setdefault(key[0], row.area)
            plan.teams[key] = TeamInfo(None, area, row.team, types.get(key) or guess_team_type(row.team))
            plan.new_teams.append(key)
        elif team.id is not None and types.get(key, team.team_type) != team.team_type:
            plan.team_types.append((team.id, team.full_name, team.team_type, types[key]))
            plan.teams[key] = TeamInfo(team.id, team.area, team.name, types[key])


def _plan_person(row: RosterRow, current: _Current | None, plan: RosterPlan, team_names: dict[int, str]) -> None:
    """Work out the roles, teams and audit changes a row makes to its person, as `_write_people` will apply them."""
    old_roles = current.roles if current else set()
    if row.roles is not None:
        # The admin role is the site's, not HR's: an import may grant it but never takes it away.
        roles = set(row.roles) | ({"admin"} & old_roles)
    else:
        roles = set(old_roles) if current else default_roles(row.rank)
    if row.supervises:
        roles.add("supervisor")
    supervises = None
    if row.supervises is not None:
        supervises = list(dict.fromkeys((name_key(row.area), name_key(name)) for name in row.supervises))
    student = row.is_student_officer
    if student is None:
        student = current.is_student_officer if current else False
    active = current.is_active_account if current else True
    after = snapshot(name=person_name(row.given_name, row.family_name), email=row.email, rank=row.rank,
                     is_student_officer=student, team=plan.teams[row.team_key].full_name, roles=roles,
                     supervises=[plan.teams[key].full_name for key in supervises] if supervises is not None else
                     [team_names[team_id] for team_id in current.supervises] if current else [], active=active)
    if current is None:
        plan.added.append(PersonChange(row, None, roles, set(), supervises, {
            key: [None, value] for key, value in after.items() if value not in (None, [], False)}))
        return
    before = snapshot(name=person_name(current.given_name, current.family_name), email=current.email,
                      rank=current.rank, is_student_officer=current.is_student_officer,
                      team=team_names.get(current.team_id), roles=current.roles,
                      supervises=[team_names[team_id] for team_id in current.supervises], active=active)
    if changes := diff(before, after):
        plan.updated.append(PersonChange(row, current.id, roles - current.roles, current.roles - roles,
                                         supervises if "supervises" in changes else None, changes))
    else:
        plan.unchanged += 1


def _keeps_an_admin(roster: Roster, people: dict[str, _Current], reactivated: set[int]) -> bool:
    """Whether someone in the roster will be an active admin after the import."""
    for row in roster.rows:
        person = people.get(row.service_number)
        granted = "admin" in (row.roles or ())
        if person is None and granted:
            return True
        if person and (person.is_active_account or person.id in reactivated) and (granted or "admin" in person.roles):
            return True
    return False


def _check_deactivations(roster: Roster, plan: RosterPlan, people: dict[str, _Current]) -> None:
    if not plan.deactivate:
        return
    admins = {person.id for person in people.values() if "admin" in person.roles}
    reactivated = {someone.id for someone in plan.reactivate}
    if admins & {someone.id for someone in plan.deactivate} and not _keeps_an_admin(roster, people, reactivated):
        plan.problems.append(Problem(None, "deactivating the people not in the file would deactivate every admin, "
                                           "because no active admin is in the file. Add an admin's row or do not "
                                           "deactivate the people missing from the file."))
    limit = current_app.config["ROSTER_MAX_DEACTIVATION_PERCENT"]
    count, active = len(plan.deactivate), plan.active_before
    if count * 100 > limit * active and not plan.options.allow_mass_deactivation:
        plan.problems.append(Problem(None, (
            f"this file would deactivate {count} of the {active} active people ({count * 100 / active:.1f}%), more "
            f"than the {limit}% allowed at once. A file that is short of people (a partial export, the wrong file) "
            f"does this. If they have all really left, import it again allowing mass deactivation "
            f"(--allow-mass-deactivation).")))


def plan_import(roster: Roster, options: ImportOptions = ImportOptions()) -> RosterPlan:
    """Work out everything the import will do, reading only; the plan lists every problem if it cannot be done.

    Run it inside `read_transaction()` so that it takes no write lock, however large the roster.
    """
    teams, areas, people, deactivated_by_import = _read_site()
    clashes = check_against_database(roster, existing_teams=set(teams), owner_of_email={
        person.email: number for number, person in people.items()})
    plan = RosterPlan(options, problems=sorted(roster.problems + clashes, key=lambda problem: problem.line or 0),
                      teams=teams, active_before=sum(person.is_active_account for person in people.values()),
                      last_person_id=max((person.id for person in people.values()), default=0))
    if plan.problems:
        return plan
    _plan_teams(roster, plan, areas)
    team_names = {team.id: team.full_name for team in teams.values()}
    for row in roster.rows:
        current = people.get(row.service_number)
        _plan_person(row, current, plan, team_names)
        if current and not current.is_active_account:
            someone = Someone(current.id, person_name(row.given_name, row.family_name))
            if options.reactivate_listed and current.id in deactivated_by_import:
                plan.reactivate.append(someone)
            else:
                plan.left_inactive.append(row.service_number)
                plan.reactivatable += current.id in deactivated_by_import
    if options.deactivate_missing:
        in_file = {row.service_number for row in roster.rows}
        plan.deactivate = [Someone(person.id, person_name(person.given_name, person.family_name))
                           for number, person in people.items() if person.is_active_account and number not in in_file]
        _check_deactivations(roster, plan, people)
    return plan


def _write_teams(plan: RosterPlan) -> dict[TeamKey, int]:
    """Create the new areas and teams (a few, so the ORM is fine), change team types; return every team's id."""
    areas = {name_key(area.name): area for area in db.session.scalars(sa.select(Area))}
    created = []
    for key in plan.new_teams:
        info = plan.teams[key]
        area = areas.get(key[0]) or areas.setdefault(key[0], Area(name=info.area))
        created.append((key, Team(name=info.name, area=area, team_type=info.team_type)))
    db.session.add_all(team for _, team in created)
    db.session.flush()
    if plan.team_types:
        teams = Team.__table__
        db.session.execute(teams.update().where(teams.c.id == sa.bindparam("team_id")),
                           [{"team_id": team_id, "team_type": new} for team_id, _, _, new in plan.team_types])
    record_many([event_values(None, "team.created", "team", team.id, f"Created {team.full_name} from the roster",
                              {"type": [None, team.team_type]}) for _, team in created]
                + [event_values(None, "team.changed", "team", team_id, f"Changed the type of {name} from the roster",
                                {"type": [old, new]}) for team_id, name, old, new in plan.team_types])
    return {key: team.id for key, team in plan.teams.items() if team.id is not None} | {
        key: team.id for key, team in created}


def _person_values(row: RosterRow, team_ids: dict[TeamKey, int]) -> dict:
    values = {"given_name": row.given_name, "family_name": row.family_name, "email": row.email, "rank": row.rank,
              "team_id": team_ids[row.team_key]}
    if row.is_student_officer is not None:
        values["is_student_officer"] = row.is_student_officer
    return values


def _update_people(rows: list[dict]) -> None:
    """UPDATE people by id, one executemany per set of columns (rows carry "person_id" and the new values)."""
    people = Person.__table__
    by_columns: dict[tuple, list[dict]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    for batch in by_columns.values():
        db.session.execute(people.update().where(people.c.id == sa.bindparam("person_id")), batch)


def _write_people(plan: RosterPlan, team_ids: dict[TeamKey, int]) -> None:
    """Insert and update people, their roles and supervised teams with one executemany each (Core, no ORM)."""
    if plan.added:
        db.session.execute(sa.insert(Person.__table__), [
            {"service_number": change.row.service_number, "is_student_officer": False,
             **_person_values(change.row, team_ids), "session_nonce": secrets.token_hex(16)}
            for change in plan.added])
        # Every id allocated after the plan's read is above the highest it saw; RETURNING in parameter order
        # would make SQLite insert row by row.
        new_ids = dict(db.session.execute(sa.select(Person.service_number, Person.id)
                                          .where(Person.id > plan.last_person_id)).all())
        for change in plan.added:
            change.person_id = new_ids[change.row.service_number]
    _update_people([{"person_id": change.person_id, **_person_values(change.row, team_ids)}
                    for change in plan.updated])
    changes = plan.added + plan.updated
    grants = [{"person_id": change.person_id, "role": role} for change in changes for role in sorted(change.roles_added)]
    revoked = [{"p": change.person_id, "r": role} for change in changes for role in change.roles_removed]
    grants_table = RoleGrant.__table__
    if revoked:
        db.session.execute(grants_table.delete().where(grants_table.c.person_id == sa.bindparam("p"),
                                                       grants_table.c.role == sa.bindparam("r")), revoked)
    if grants:
        db.session.execute(grants_table.insert(), grants)
    supervising = [change for change in changes if change.supervises is not None]
    if supervising:
        db.session.execute(team_supervisors.delete().where(team_supervisors.c.person_id == sa.bindparam("p")),
                           [{"p": change.person_id} for change in supervising])
        links = [{"person_id": change.person_id, "team_id": team_ids[key]}
                 for change in supervising for key in change.supervises]
        if links:
            db.session.execute(team_supervisors.insert(), links)
    record_many([event_values(None, "person.created", "person", change.person_id,
                              f"Added {person_name(change.row.given_name, change.row.family_name)} from the roster",
                              change.changes) for change in plan.added]
                + [event_values(None, "person.changed", "person", change.person_id,
                                f"Changed {person_name(change.row.given_name, change.row.family_name)} from the "
                                f"roster: {', '.join(change.changes)}", change.changes) for change in plan.updated])


def deactivate_many(people: list[Someone], roster_import: RosterImport) -> None:
    """Deactivate people an import left out, sign them out everywhere, and remember the import for its undo."""
    if not people:
        return
    _update_people([{"person_id": someone.id, "is_active_account": False, "session_nonce": secrets.token_hex(16)}
                    for someone in people])
    db.session.execute(sa.insert(RosterDeactivation.__table__),
                       [{"import_id": roster_import.id, "person_id": someone.id} for someone in people])
    record_many([event_values(None, "person.deactivated", "person", someone.id,
                              f"Deactivated {someone.name}: not in roster import {roster_import.id}",
                              {"active": [True, False]}) for someone in people])


def reactivate_many(actor: Person | None, people: list[Someone], why: str) -> None:
    """Reactivate people an import deactivated, auditing each; no import's undo will touch them again."""
    if not people:
        return
    _update_people([{"person_id": someone.id, "is_active_account": True} for someone in people])
    deactivations = RosterDeactivation.__table__
    db.session.execute(deactivations.delete().where(deactivations.c.person_id == sa.bindparam("p")),
                       [{"p": someone.id} for someone in people])
    record_many([event_values(actor, "person.activated", "person", someone.id, f"Reactivated {someone.name}: {why}",
                              {"active": [False, True]}) for someone in people])


def apply_plan(plan: RosterPlan, *, actor: Person | None, file_name: str, content: str) -> RosterImport | None:
    """Write a plan without problems: a handful of bulk statements, flushed, for the caller to commit at once.

    Return the import's record, or None when the plan changes nothing (then nothing at all is written).
    """
    if plan.problems:
        raise ValueError("a roster plan with problems cannot be applied")
    if not plan.changes_anything:
        return None
    roster_import = RosterImport(
        actor_id=actor.id if actor else None, file_name=file_name[:255],
        file_sha256=hashlib.sha256(content.encode()).hexdigest(), added=len(plan.added), updated=len(plan.updated),
        unchanged=plan.unchanged, deactivated=len(plan.deactivate), reactivated=len(plan.reactivate),
        teams_created=len(plan.new_teams))
    db.session.add(roster_import)
    db.session.flush()
    team_ids = _write_teams(plan)
    _write_people(plan, team_ids)
    deactivate_many(plan.deactivate, roster_import)
    reactivate_many(actor, plan.reactivate, f"listed again in roster import {roster_import.id}")
    record(actor, "roster.imported", "roster_import", roster_import.id,
           f"Imported the roster {file_name}: {plan.summary()}")
    db.session.flush()
    log.info("roster import %s from %s: %s", roster_import.id, file_name, plan.summary())
    return roster_import


def still_deactivated(roster_import: RosterImport) -> list[Someone]:
    """The people this import deactivated whom nobody has reactivated since."""
    return [Someone(person_id, person_name(given, family)) for person_id, given, family in db.session.execute(
        sa.select(Person.id, Person.given_name, Person.family_name)
        .join(RosterDeactivation, RosterDeactivation.person_id == Person.id)
        .where(RosterDeactivation.import_id == roster_import.id, Person.is_active_account.is_(False))
        .order_by(Person.family_name, Person.given_name))]


def undo_deactivations(actor: Person, roster_import: RosterImport) -> int:
    """Reactivate everyone a mistaken import deactivated and nobody has reactivated since; return how many."""
    people = still_deactivated(roster_import)
    reactivate_many(actor, people, f"undoing roster import {roster_import.id}")
    record(actor, "roster.undone", "roster_import", roster_import.id,
           f"Reactivated {len(people)} {'person' if len(people) == 1 else 'people'} whom roster import "
           f"{roster_import.id} deactivated", {"reactivated": [0, len(people)]})
    return len(people)
