"""A sergeant books officers of her team onto a session in one go, from the matrix, on a phone and a desktop; and
reminds everyone overdue in one action. An acting sergeant and an area lead do the same job for the teams they hold.
Every page of the journeys passes axe-core and fits a phone."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.notify.models import OutboxMessage
from lms.sessions.models import Booking, TrainingSession
from lms.reports.models import Delegation, area_leads
from lms.timeutil import today_london, utcnow
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.reports_support import complete, course, force, set_due  # noqa: F401


def _team(db, force, course) -> dict:
    """Team A: Cath, Dan and Amy have no place on a session (and are overdue); Carol is complete. One session with
    two seats left."""
    set_due(course, default="2026-01-31", PS="2099-01-01")
    cath = force.officer(given_name="Cath", family_name="Able")
    dan = force.officer(given_name="Dan", family_name="Able")
    complete(force.officer(given_name="Carol", family_name="Complete"), course)
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=9)
    session = TrainingSession(course_id=course.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                              capacity=2, online_url="https://meet.example/room")
    db.session.add(session)
    db.session.commit()
    found = {"sergeant": force.sergeant_a.email, "session": session.id,
             "people": {cath.id: "Cath Able", dan.id: "Dan Able", force.officer_a.id: "Amy Able"}}
    return found


@pytest.fixture
def team(db, force, course, release_database):
    found = _team(db, force, course)
    release_database()
    return found


@pytest.fixture
def stand_ins(db, force, make_person, course, release_database):
    """Team A as above, with its sergeant's teams lent to an acting sergeant from yesterday, and an inspector who
    leads team A's area: people in no team of their own, who hold team A only through the delegation and the area."""
    found = _team(db, force, course)
    acting = make_person(given_name="Ian", family_name="Acting")
    lead = make_person(roles=("officer", "supervisor"), rank="INSP", given_name="Lena", family_name="Lead")
    today = today_london()
    db.session.add(Delegation(from_person_id=force.sergeant_a.id, to_person_id=acting.id,
                              starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=5)))
    db.session.execute(sa.insert(area_leads).values(person_id=lead.id, area_id=force.team_a.area_id))
    db.session.commit()
    found.update({"acting sergeant": acting.email, "area lead": lead.email, "amy": force.officer_a.id})
    release_database()
    return found


def _check(page, viewport) -> None:
    assert_accessible(page)
    if viewport == PHONE:
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_sergeant_books_three_officers_onto_a_session_in_one_go(page_at, db, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/matrix")
    page.get_by_role("link", name="Book officers of these teams onto a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book officers in")
    expect(page.get_by_text("Carol Complete")).to_have_count(0)
    _check(page, viewport)
    page.get_by_role("button", name="Continue").click()  # nothing chosen: told what to fix
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one officer to book")
    _check(page, viewport)
    for name in ("Cath Able", "Dan Able", "Amy Able"):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("radio", name="The next session with seats in my area").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book 3 officers in?")
    expect(page.get_by_text("1 will go on the waiting list")).to_be_visible()
    _check(page, viewport)
    page.get_by_role("button", name="Yes, book them in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booked in")
    expect(page.get_by_role("list").filter(has_text="Amy Able")).to_contain_text("Amy Able")
    expect(page.get_by_text("Got a seat (2)")).to_be_visible()
    expect(page.get_by_text("On the waiting list (1)")).to_be_visible()
    _check(page, viewport)

    db.session.rollback()
    live = db.session.execute(sa.select(Booking.person_id, Booking.status)
                              .where(Booking.session_id == team["session"])).all()
    assert sorted(status for _, status in live) == ["booked", "booked", "waiting"]
    assert {person_id for person_id, _ in live} == set(team["people"])
    kinds = sorted(db.session.scalars(sa.select(OutboxMessage.kind).where(
        OutboxMessage.person_id.in_(team["people"]))))
    assert kinds == ["booking_confirmed", "booking_confirmed", "waiting_list"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_sergeant_reminds_everyone_overdue_in_one_action(page_at, db, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/overdue")
    page.get_by_role("button", name="Remind everyone overdue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remind 3 overdue officers?")
    _check(page, viewport)
    page.get_by_role("button", name="Yes, remind them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue")
    expect(page.get_by_text("3 officers have been sent a reminder.")).to_be_visible()
    _check(page, viewport)
    page.goto("/reports/digest")
    _check(page, viewport)
    db.session.rollback()
    assert sorted(db.session.scalars(sa.select(OutboxMessage.person_id).where(OutboxMessage.kind == "nudge"))) == \
        sorted(team["people"])


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("who", ["acting sergeant", "area lead"])
def test_an_acting_sergeant_and_an_area_lead_do_the_sergeants_job(page_at, db, stand_ins, who, viewport):
    """Team status, booking officers in, a transcript and reminding: every power that follows from holding a team."""
    page = page_at(viewport)
    sign_in(page, stand_ins[who], PASSWORD)
    page.goto("/reports/")
    expect(page.get_by_role("table").first).to_contain_text("Response Team A")
    _check(page, viewport)
    page.goto("/reports/matrix")
    page.get_by_role("link", name="Book officers of these teams onto a session").click()
    page.get_by_role("checkbox", name="Cath Able").check()
    page.get_by_role("radio", name="The next session with seats in my area").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, book them in").click()
    expect(page.get_by_text("Got a seat (1)")).to_be_visible()
    _check(page, viewport)
    page.goto(f"/reports/people/{stand_ins['amy']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amy Able")
    _check(page, viewport)
    page.goto("/reports/overdue")
    page.get_by_role("button", name="Remind everyone overdue").click()
    page.get_by_role("button", name="Yes, remind them").click()
    expect(page.get_by_text("officers have been sent a reminder.")).to_be_visible()
    _check(page, viewport)
    db.session.rollback()
    assert db.session.scalar(sa.select(Booking.status).where(Booking.session_id == stand_ins["session"])) == "booked"
    reminded = set(db.session.scalars(sa.select(OutboxMessage.person_id).where(OutboxMessage.kind == "nudge")))
    assert stand_ins["amy"] in reminded and reminded <= set(stand_ins["people"])
