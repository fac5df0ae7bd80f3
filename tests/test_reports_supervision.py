"""Every permission that follows from supervising a team comes from one scope (lms.reports.scope.teams_visible_to):
booking the team's officers onto sessions, opening their quiz attempts and transcripts, reminding them, and seeing
their no-shows. A supervisor, an acting supervisor while the delegation applies and an area lead hold them all; an
acting supervisor before the delegation starts holds none."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.reports.models import Delegation, Nudge, area_leads
from lms.sessions.models import Booking
from lms.timeutil import today_london, utcnow
from tests.reports_support import attempt, attend, course, force, session_of, set_due  # noqa: F401


@pytest.fixture
def world(db, force, course, make_person):
    """Amy Able (team A) is overdue, has a quiz attempt and missed a session; a session to come has seats."""
    set_due(course, default="2020-01-01")
    force.attempt = attempt(force.officer_a, course, passed=False)
    attend(force.officer_a, course, status="absent")
    force.upcoming = session_of(course, utcnow().replace(microsecond=0) + timedelta(days=7))
    force.acting = make_person(given_name="Ian", family_name="Acting")
    force.later = make_person(given_name="Lou", family_name="Later")
    today = today_london()
    db.session.add_all([
        Delegation(from_person_id=force.sergeant_a.id, to_person_id=force.acting.id, starts_on=today - timedelta(1),
                   ends_on=today + timedelta(5)),
        Delegation(from_person_id=force.sergeant_a.id, to_person_id=force.later.id, starts_on=today + timedelta(3),
                   ends_on=today + timedelta(9))])
    force.lead = make_person(roles=("officer", "supervisor"), rank="INSP", given_name="Lena", family_name="Lead")
    db.session.execute(sa.insert(area_leads).values(person_id=force.lead.id, area_id=force.team_a.area_id))
    db.session.commit()
    return force


def permissions(client, db, world) -> dict[str, bool]:
    """Try each permission on Amy Able and say which were granted (and, for the writes, took effect)."""
    officer = world.officer_a
    granted = {
        "transcript": client.get(f"/reports/people/{officer.id}").status_code == 200,
        "attempt": client.get(f"/courses/witness-basics/quiz/attempts/{world.attempt.id}").status_code == 200,
    }
    team = client.get("/sessions/team")
    granted["no-shows"] = team.status_code == 200 and "Amy Able" in team.get_data(as_text=True)
    client.post(f"/sessions/{world.upcoming.id}/book", data={"person_id": officer.id})
    granted["booking"] = db.session.scalar(sa.select(Booking).where(Booking.person_id == officer.id,
                                                                    Booking.session_id == world.upcoming.id)) is not None
    client.post(f"/reports/overdue/{officer.id}/nudge")
    granted["reminder"] = db.session.scalar(sa.select(Nudge).where(Nudge.person_id == officer.id)) is not None
    return granted


@pytest.mark.parametrize("who, granted", [("sergeant_a", True), ("acting", True), ("lead", True),
                                          ("later", False), ("sergeant_b", False)])
def test_each_supervisor_permission_follows_the_scope(client, db, login, world, who, granted):
    login(getattr(world, who))
    assert permissions(client, db, world) == dict.fromkeys(
        ["transcript", "attempt", "no-shows", "booking", "reminder"], granted)


def test_an_acting_supervisor_loses_every_permission_when_the_delegation_is_cancelled(client, db, login, world):
    db.session.scalar(sa.select(Delegation).where(Delegation.to_person_id == world.acting.id)).cancelled_at = utcnow()
    db.session.commit()
    login(world.acting)
    assert not any(permissions(client, db, world).values())


def test_the_home_page_links_an_acting_supervisor_to_their_teams_sessions(client, login, world):
    login(world.acting)
    assert "bookings and no-shows" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(world.later)
    assert "bookings and no-shows" not in client.get("/").get_data(as_text=True)
