"""Load the demo force into an empty database, one step after another; later capabilities add their own steps."""
import logging
import random

import sqlalchemy as sa

from lms.audit.services import record
from lms.demo.context import DemoContext, Step
from lms.demo.force import LOGINS, plan_force
from lms.demo.names import LOCAL_POLICING_AREAS
from lms.demo.quality import load_quality
from lms.demo.training import load_training
from lms.extensions import db
from lms.people.models import Area, Person, RoleGrant, Team, team_supervisors
from lms.people.passwords import hash_password

log = logging.getLogger(__name__)

DEMO_PASSWORD = "masterclass"
DEFAULT_SEED = 2022


class DemoRefused(Exception):
    """The database holds people who are not demo people: loading the demo would mix the two."""


def load_people(demo: DemoContext) -> str:
    """Insert the force's areas, teams and people in bulk; return one line saying what was loaded."""
    plan = plan_force(demo.areas, demo.seed)
    areas = {name: Area(name=name) for name in dict.fromkeys(team.area for team in plan.teams)}
    teams = [Team(name=team.name, area=areas[team.area], team_type=team.team_type) for team in plan.teams]
    db.session.add_all(teams)
    db.session.flush()

    rows = [dict(service_number=person.service_number, given_name=person.given_name,
                 family_name=person.family_name, email=person.email, rank=person.rank,
                 is_student_officer=person.is_student_officer, team_id=team.id, is_demo=True,
                 password_hash=demo.password_hash)
            for team_plan, team in zip(plan.teams, teams) for person in team_plan.members]
    ids = db.session.scalars(sa.insert(Person).returning(Person.id, sort_by_parameter_order=True), rows).all()
    demo.people = {row["email"]: person_id for row, person_id in zip(rows, ids)}

    grants = [{"person_id": demo.people[person.email], "role": role}
              for person in plan.people for role in sorted(person.roles)]
    if grants:
        db.session.execute(sa.insert(RoleGrant), grants)
    links = [{"team_id": team.id, "person_id": demo.people[person.email]}
             for team_plan, team in zip(plan.teams, teams) for person in team_plan.supervisors]
    if links:
        db.session.execute(sa.insert(team_supervisors), links)
    counts = plan.rank_counts()
    return (f"{len(rows)} people in {len(teams)} teams ({demo.areas} local policing areas and "
            f"{len(areas) - demo.areas} force-wide commands): {counts['PS'] + counts['DS']} sergeants, "
            f"{counts['PC'] + counts['DC']} constables "
            f"({sum(person.is_student_officer for person in plan.people)} student officers), {counts['PCSO']} PCSOs")


#: The steps `flask demo load` runs in order. A capability that adds demo data (courses and attempts, sessions
#: and bookings) appends a function here that takes the DemoContext and returns one line for the terminal.
STEPS: list[Step] = [load_people, load_training, load_quality]


def demo_state() -> str:
    """Say what the database holds: "empty", "demo" (only demo people) or "real" (any other person)."""
    total, real = db.session.execute(
        sa.select(sa.func.count(Person.id), sa.func.count(Person.id).filter(Person.is_demo.is_(False)))
    ).one()
    return "real" if real else "demo" if total else "empty"


def load_demo(areas: int = len(LOCAL_POLICING_AREAS), seed: int = DEFAULT_SEED,
              steps: list[Step] | None = None) -> list[str]:
    """Run every step into an empty database (the caller commits); return each step's line.

    Raises DemoRefused if the database already holds people.
    """
    state = demo_state()
    if state != "empty":
        raise DemoRefused(state)
    demo = DemoContext(areas=areas, seed=seed, rng=random.Random(seed), password_hash=hash_password(DEMO_PASSWORD))
    lines = [step(demo) for step in (STEPS if steps is None else steps)]
    record(None, "demo.loaded", "demo", seed, f"Loaded the demo force ({areas} local policing areas, seed {seed})")
    log.info("demo force loaded: %s", "; ".join(lines))
    return lines


def login_lines() -> list[str]:
    return [f"  {login.email:<28} {', '.join(sorted(login.roles))}" for login in LOGINS]
