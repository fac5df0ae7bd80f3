"""`flask demo load`: the Midshire Police demo force, realistic, deterministic, never mixed with real people."""
from collections import Counter

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.demo import load as demo_load
from lms.demo.force import LOGINS, plan_force
from lms.demo.names import LOCAL_POLICING_AREAS
from lms.people.models import WARRANTED_RANKS, Area, Person, RoleGrant, Team


def people_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def by_email(db, email) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def test_the_full_force_has_a_realistic_shape():
    plan = plan_force()
    ranks = plan.rank_counts()
    regulars = sum(count for rank, count in ranks.items() if rank in WARRANTED_RANKS and rank != "SPECIAL")
    constables = [person for person in plan.people if person.rank in ("PC", "DC")]
    assert 1900 <= regulars <= 2100
    assert 280 <= ranks["PS"] + ranks["DS"] <= 320
    assert 85 <= ranks["INSP"] + ranks["DI"] <= 105
    assert 0.26 <= sum(person.is_student_officer for person in constables) / len(constables) <= 0.30
    assert (ranks["CC"], ranks["DCC"], ranks["ACC"]) == (1, 1, 2)
    local = [team for team in plan.teams if team.area in LOCAL_POLICING_AREAS]
    assert len({team.area for team in local}) == 10
    for area in LOCAL_POLICING_AREAS:
        types = Counter(team.team_type for team in local if team.area == area)
        assert 4 <= types["RESPONSE"] <= 5 and types["NEIGHBOURHOOD"] == 1 and types["LOCAL_CID"] == 1, area
    assert {"Public Protection", "Crime", "Contact and Resolution"} <= {team.area for team in plan.teams}
    assert len({person.email for person in plan.people}) == len(plan.people)
    assert len({person.service_number for person in plan.people}) == len(plan.people)


def test_every_response_team_is_a_sergeant_and_seven_to_ten_constables_overseen_by_their_inspectors():
    plan = plan_force()
    for team in plan.teams:
        if team.team_type != "RESPONSE":
            continue
        ranks = Counter(person.rank for person in team.members if not person.login or person.rank == "PS")
        assert ranks["PS"] == 1 and 7 <= ranks["PC"] <= 10 and len(team.members) == sum(ranks.values()) + (
            team.name == "Response Team A" and team.area == LOCAL_POLICING_AREAS[0]), team.name
        [command] = [other for other in plan.teams if other.area == team.area and other.name == "Command Team"]
        assert {person.rank for person in team.supervisors} == {"PS", "INSP", "CI"}
        assert set(map(id, team.supervisors)) == {id(person) for person in team.members + command.members
                                                  if person.rank in ("PS", "INSP", "CI")}


def test_the_same_seed_gives_the_same_force_and_another_seed_a_different_one():
    def fingerprint(plan):
        return [(person.service_number, person.email, person.rank, person.is_student_officer) for person in plan.people]

    assert fingerprint(plan_force(2, seed=7)) == fingerprint(plan_force(2, seed=7))
    assert fingerprint(plan_force(2, seed=7)) != fingerprint(plan_force(2, seed=8))


def test_demo_load_fills_an_empty_database_and_prints_the_logins(runner, db):
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert result.exit_code == 0, result.output
    assert "Loaded the Midshire Police demo force" in result.output
    for login in LOGINS:
        assert login.email in result.output
    assert "password: masterclass" in result.output
    assert people_count(db) == len(plan_force(1).people)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.is_demo.is_(False))) == 0
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Person.password_hash)))) == 1
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "demo.loaded")) is not None


def test_the_demo_logins_hold_the_promised_roles_and_teams(runner, db):
    runner.invoke(args=["demo", "load", "--areas", "1"])
    assert by_email(db, "admin@demo.police.uk").roles == {"admin", "officer"}
    assert by_email(db, "trainer@demo.police.uk").roles == {"trainer", "officer"}
    assert by_email(db, "officer@demo.police.uk").roles == {"officer"}
    sergeant = by_email(db, "supervisor@demo.police.uk")
    assert (sergeant.rank, sergeant.roles) == ("PS", {"officer", "supervisor"})
    [team] = sergeant.supervised_teams
    assert team == sergeant.team and team.team_type == "RESPONSE"
    members = db.session.scalars(sa.select(Person).where(Person.team_id == team.id, Person.rank == "PC")).all()
    assert by_email(db, "officer@demo.police.uk") in members and len(members) >= 8


def test_sergeants_supervise_their_team_and_inspectors_their_whole_area(runner, db):
    runner.invoke(args=["demo", "load", "--areas", "1"])
    area_teams = set(db.session.scalars(sa.select(Team).join(Team.area).where(Area.name == LOCAL_POLICING_AREAS[0])))
    inspector = db.session.scalar(sa.select(Person).where(Person.rank == "INSP", Person.team_id.in_(
        [team.id for team in area_teams])))
    assert set(inspector.supervised_teams) == area_teams
    neighbourhood_sergeant = db.session.scalar(
        sa.select(Person).join(Person.team).where(Person.rank == "PS", Team.team_type == "NEIGHBOURHOOD"))
    assert neighbourhood_sergeant.supervised_teams == [neighbourhood_sergeant.team]
    pcso = db.session.scalar(sa.select(Person).where(Person.rank == "PCSO"))
    assert pcso.roles == set()
    trainers = db.session.scalars(sa.select(Person).join(Person.role_grants).where(RoleGrant.role == "trainer")).all()
    assert {person.team.name for person in trainers} == {"Learning and Development"}


@pytest.mark.parametrize("login", LOGINS, ids=lambda login: login.email)
def test_the_demo_logins_can_sign_in_with_the_demo_password(runner, client, db, login):
    runner.invoke(args=["demo", "load", "--areas", "1"])
    response = client.post("/login", data={"email": login.email, "password": "masterclass"})
    assert response.status_code == 302
    assert client.get("/guidance/").status_code == 200


def test_loading_twice_says_it_is_already_loaded_and_adds_nobody(runner, db):
    runner.invoke(args=["demo", "load", "--areas", "1"])
    before = people_count(db)
    again = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert again.exit_code == 0
    assert "The demo force is already loaded." in again.output
    assert "supervisor@demo.police.uk" in again.output
    assert people_count(db) == before


def test_demo_load_refuses_a_database_with_real_people(runner, db, make_person):
    make_person()
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert result.exit_code == 1
    assert "This database holds real people." in result.output
    assert people_count(db) == 1


def test_if_empty_makes_demo_load_a_quiet_no_op_when_people_exist(runner, db, make_person):
    make_person()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert result.output == "The database already holds people, so the demo force was not loaded.\n"
    assert people_count(db) == 1


def test_a_later_capability_plugs_in_a_step_that_sees_the_demo_people(runner, db, monkeypatch):
    seen = {}

    def load_sessions(demo):
        seen["officer"] = demo.people["officer@demo.police.uk"]
        return "3 sessions"

    monkeypatch.setattr(demo_load, "STEPS", [*demo_load.STEPS, load_sessions])
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert "  3 sessions\n" in result.output
    assert seen["officer"] == by_email(db, "officer@demo.police.uk").id


def test_the_full_demo_force_loads(db):
    """How long it takes is measured by bench/demo_load.py, not here: a time limit in a test fails whenever the
    machine is busy."""
    demo_load.load_demo()
    db.session.commit()
    assert people_count(db) == len(plan_force().people)
