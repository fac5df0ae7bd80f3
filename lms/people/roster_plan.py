"""Work out what a roster import will do, from reads alone: the plan that `roster_import.apply_plan` writes.

Nothing here writes, so a plan for 20,000 rows can be made, shown as a dry run, or thrown away without ever
holding the database's write lock (run it inside `extensions.read_transaction()`).
"""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from lms.audit.services import diff
from lms.extensions import db
from lms.people.models import (Area, Person, RoleGrant, RosterDeactivation, Team, default_roles, person_name,
                               team_full_name, team_supervisors)
from lms.people.roster import Problem, Roster, RosterRow, check_against_database, guess_team_type, name_key
from lms.people.services import snapshot

TeamKey = tuple[str, str]


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
    #: the names of the areas those teams would create, as the file spells them
    new_areas: list[str] = field(default_factory=list)
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


    def new_teams_warning(self) -> str:
        """What creating teams would do, so a misspelt area ("Nowhere") is caught before it makes a new one; an
        import that creates teams needs an explicit yes (--create-teams, or the box on the upload preview)."""
        if not self.new_teams:
            return ""
        teams, areas = len(self.new_teams), len(self.new_areas)
        shown = ", ".join(self.teams[key].full_name for key in self.new_teams[:10]) + (" and more" if teams > 10 else "")
        where = (f", and {areas} new area{'' if areas == 1 else 's'} ({', '.join(self.new_areas[:10])})"
                 if areas else "")
        return (f"This file would create {teams} new team{'' if teams == 1 else 's'} ({shown}){where}. A misspelt "
                f"team or area name does this: check the spelling against the teams the site has.")


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
            if key[0] not in areas:
                plan.new_areas.append(row.area)
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
                      teams=dict(teams), active_before=sum(person.is_active_account for person in people.values()),
                      last_person_id=max((person.id for person in people.values()), default=0))
    if plan.problems:
        return plan
    team_names = {team.id: team.full_name for team in teams.values()}
    _plan_teams(roster, plan, areas)
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


