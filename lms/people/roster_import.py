"""Write a roster import's plan in one short transaction; reactivate what a mistaken import deactivated.

A 20,000-row roster used to hold the database's write lock for the whole import (11 s and more), so a user's
write in the meantime waited and failed. Now `roster_plan.plan_import` reads the site and works out every
change as plain data; the caller ends that read transaction (`extensions.read_transaction`) and `apply_plan`
writes it all with one executemany per table, no query per row.
"""
import hashlib
import logging

import sqlalchemy as sa

from lms.audit.services import event_values, record, record_many
from lms.extensions import db
from lms.people.devices import sign_out_many_everywhere
from lms.people.models import (Area, Person, RoleGrant, RosterDeactivation, RosterImport, Team, person_name,
                               team_supervisors)
from lms.people.roster import RosterRow, name_key
from lms.people.roster_plan import RosterPlan, Someone, TeamKey

log = logging.getLogger(__name__)

#: An import is planned from one read and written in a later transaction; a clash in between refuses it whole.
CHANGED_MEANWHILE = ("Someone changed people on the site while the import was being prepared, so nothing was "
                     "imported. Import the file again.")


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
             **_person_values(change.row, team_ids)}
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
    grants = [{"person_id": change.person_id, "role": role}
              for change in changes for role in sorted(change.roles_added)]
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
    _update_people([{"person_id": someone.id, "is_active_account": False} for someone in people])
    sign_out_many_everywhere([someone.id for someone in people])
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
