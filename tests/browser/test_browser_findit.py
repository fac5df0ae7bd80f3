"""Search that forgives, the glossary and the home page that is yours, on a phone and a desktop, accessibly."""
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.content.sync import sync_content
from lms.courses.models import Course
from lms.extensions import db as _db
from lms.sessions.models import Booking, TrainingSession, session_trainers
from lms.timeutil import utcnow
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD

CONTENT = Path(__file__).resolve().parent.parent.parent / "content"


@pytest.fixture
def everyone(db, make_person, make_team, release_database):
    """The force's own content; a sergeant who also trains, with a team, a booking and a session to run."""
    report = sync_content(CONTENT)
    db.session.commit()
    assert report.ok
    team = make_team("Response Team A")
    sergeant = make_person(roles=("officer", "supervisor", "trainer"), rank="PS", team=team, supervises=[team],
                           given_name="Sarah", family_name="Sergeant")
    make_person(team=team, given_name="Amy", family_name="Able")
    course = db.session.scalars(sa.select(Course).where(Course.is_retired.is_(False))).first()
    now = utcnow().replace(microsecond=0)
    booked = TrainingSession(course_id=course.id, starts_at=now + timedelta(days=5),
                             ends_at=now + timedelta(days=5, hours=2), online_url="https://meet.example/a",
                             capacity=8, seats_taken=1)
    running = TrainingSession(course_id=course.id, starts_at=now + timedelta(days=2),
                              ends_at=now + timedelta(days=2, hours=2), online_url="https://meet.example/b", capacity=8)
    db.session.add_all([booked, running])
    db.session.flush()
    db.session.add(Booking(session_id=booked.id, person_id=sergeant.id, course_id=course.id, status="booked"))
    db.session.execute(sa.insert(session_trainers).values(session_id=running.id, person_id=sergeant.id))
    db.session.commit()
    email = sergeant.email
    release_database()
    return email


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_search_and_glossary(page_at, everyone, viewport):
    page = page_at(viewport)
    sign_in(page, everyone, PASSWORD)
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()
    expect(page.locator(".lms-next-booking")).to_contain_text("Booked:")
    expect(page.get_by_role("heading", name="Sessions you run")).to_be_visible()
    expect(page.get_by_role("heading", name="Your teams at a glance")).to_be_visible()
    expect(page.get_by_role("heading", name="Recent guidance changes")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    search_box = page.get_by_role("searchbox", name="Search guidance", exact=True)
    search_box.fill("dislcosure")
    search_box.press("Enter")
    expect(page.locator(".lms-suggestion")).to_contain_text("Did you mean disclosure?")
    assert page.locator("mark").first.is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    search_box = page.get_by_role("searchbox", name="Search guidance", exact=True)
    search_box.fill("h2h")
    search_box.press("Enter")
    expect(page.locator('a[href="/guidance/house-to-house"]')).to_be_visible()
    assert_accessible(page)
    page.goto("/guidance/golden-hour")
    glossary_link = page.locator("a.lms-glossary-link").first
    expect(glossary_link).to_be_visible()
    assert_accessible(page)
    glossary_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary of police terms")
    assert page.url.split("#")[1]
    expect(page.locator(".lms-glossary__entry:target")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
