"""Issue 11's sessions journeys (1, 2, 3, 9, 10, 11) in a real browser, on a 360 px phone and a desktop, each page
checked with axe."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.courses.models import Course  # noqa: F401  (loaded first: lms.sessions and lms.courses import each other)
from lms.people.models import Area
from lms.sessions import booking as booking_service
from lms.sessions import register
from lms.sessions.models import Attendance, Booking, Venue
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.sessions_fixtures import course, make_session, trainer, venue  # noqa: F401

TABLET = {"width": 800, "height": 600}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def checked_over(page) -> None:
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def named(visible: str, hidden: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(visible)}\s?{re.escape(hidden)}$")


@VIEWPORTS
def test_checked_in_officer_sees_attended_everywhere_and_cannot_cancel(viewport, page_at, make_person, make_session,
                                                                       trainer, db, release_database):
    officer = make_person(given_name="Amira", family_name="Khan")
    soon = make_session(starts_in=timedelta(minutes=10))
    past = make_session(starts_in=timedelta(days=-20), trainers=[])
    booking_service.book(trainer, past, officer, now=past.starts_at - timedelta(days=2))
    register.mark(trainer, past, officer, "excused", now=past.ends_at)
    db.session.query(Booking).filter_by(session_id=past.id).update({"superseded_at": past.ends_at})
    made = booking_service.book(trainer, soon, officer, now=soon.starts_at - timedelta(days=2))
    code = register.open_check_in(trainer, soon)
    db.session.commit()
    email, booking_id, trainer_email, soon_id = officer.email, made.id, trainer.email, soon.id
    release_database()

    page = page_at(viewport)
    sign_in(page, email, PASSWORD)
    page.goto("/sessions/check-in")
    field = page.get_by_label("Check-in code")
    for attribute, value in (("autocapitalize", "off"), ("autocorrect", "off"), ("spellcheck", "false")):
        expect(field).to_have_attribute(attribute, value)
    checked_over(page)
    field.fill(code.lower())
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("alert")).to_contain_text("You are checked in")
    expect(page.get_by_role("heading", level=1)).to_have_text("My sessions")
    coming = page.locator(".lms-session-list").first
    expect(coming).to_contain_text("Attended")
    expect(coming.get_by_role("link", name=re.compile("^Cancel booking"))).to_have_count(0)
    past_list = page.locator(".lms-session-list").nth(1)
    expect(past_list).to_contain_text("Excused")
    checked_over(page)
    page.goto("/courses/investigation-masterclass/")
    expect(page.locator("#course-session ~ p").first).to_contain_text("Attended")
    expect(page.get_by_role("link", name="Cancel your booking")).to_have_count(0)
    checked_over(page)
    # Even a hand-made request cannot cancel now.
    page.goto(f"/sessions/bookings/{booking_id}/cancel")
    page.get_by_role("button", name="Yes, cancel my booking").click()
    expect(page.get_by_role("alert")).to_contain_text("You are marked attended on the register")
    status = db.session.scalar(sa.select(Booking.status).where(Booking.id == booking_id))
    release_database()
    assert status == "booked"

    desk = page_at(viewport)
    sign_in(desk, trainer_email, PASSWORD)
    desk.goto(f"/sessions/{soon_id}/register")
    row = desk.locator(".lms-register__row").first
    expect(row).to_contain_text("Attended")
    expect(row).not_to_contain_text("Walk-in")
    checked_over(desk)


@VIEWPORTS
def test_leaving_the_waiting_list_says_so(viewport, page_at, make_person, make_session, db, release_database):
    holder, officer = make_person(), make_person(given_name="Ben", family_name="Lewis")
    full = make_session(capacity=1)
    booking_service.book(holder, full, holder)
    booking_service.book(officer, full, officer)
    db.session.commit()
    email = officer.email
    release_database()
    page = page_at(viewport)
    sign_in(page, email, PASSWORD)
    page.goto("/sessions/mine")
    expect(page.locator(".lms-session-list").first).to_contain_text("Waiting list")
    page.get_by_role("link", name=re.compile("^Leave the waiting list")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave the waiting list?")
    checked_over(page)
    page.get_by_role("button", name="Yes, leave the waiting list").click()
    expect(page.get_by_role("alert")).to_contain_text("You have left the waiting list.")
    expect(page.get_by_role("alert")).not_to_contain_text("cancelled")
    checked_over(page)


@VIEWPORTS
def test_a_trainer_moves_someone_after_choosing_and_confirming(viewport, page_at, make_person, make_session, trainer,
                                                              db, release_database):
    south = Area(name="Southport")
    room = Venue(name="Southport hub", address="2 Quay", capacity=10, area=south)
    db.session.add_all([south, room])
    officer = make_person(given_name="Chloe", family_name="Nwosu")
    first = make_session(starts_in=timedelta(days=3))
    target = make_session(starts_in=timedelta(days=10), venue=room, capacity=4, trainers=[])
    booking_service.book(officer, first, officer)
    db.session.commit()
    first_id, target_id, trainer_email = first.id, target.id, trainer.email
    release_database()

    page = page_at(viewport)
    sign_in(page, trainer_email, PASSWORD)
    page.goto(f"/sessions/{first_id}")
    choose = page.get_by_role("combobox", name="Move Chloe Nwosu to")
    expect(choose).to_have_value("")
    expect(choose.locator("option").first).to_have_text("Choose a session")
    expect(choose.locator("option")).to_have_count(2)
    checked_over(page)
    page.get_by_role("button", name=named("Move", "Chloe Nwosu")).click()  # nothing chosen: nothing moves
    expect(page.get_by_role("alert")).to_contain_text("Choose a session to move them to.")
    choose = page.get_by_role("combobox", name="Move Chloe Nwosu to")
    option = choose.locator("option").nth(1)
    expect(option).to_contain_text("Southport hub (Southport), 4 seats left")
    choose.select_option(str(target_id))
    page.get_by_role("button", name=named("Move", "Chloe Nwosu")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move Chloe Nwosu?")
    checked_over(page)
    held = db.session.scalar(sa.select(Booking.session_id).where(Booking.status == "booked"))
    release_database()
    assert held == first_id  # asking changed nothing
    page.get_by_role("button", name="Yes, move them").click()
    expect(page.get_by_role("alert")).to_contain_text("Chloe Nwosu moved to")
    expect(page.get_by_role("alert")).to_contain_text("We have emailed them.")
    held = db.session.scalar(sa.select(Booking.session_id).where(Booking.status == "booked"))
    release_database()
    assert held == target_id


@VIEWPORTS
def test_the_sessions_list_opens_on_my_area_and_the_calendar_can_be_subscribed(viewport, page_at, make_person,
                                                                               make_team, make_session, db,
                                                                               release_database):
    team = make_team("Response Team A", area="Northtown")
    south = Area(name="Southport")
    rooms = [Venue(name="Northtown room", address="1 High St", capacity=10, area=team.area),
             Venue(name="Southport room", address="2 Quay", capacity=10, area=south)]
    db.session.add_all([south, *rooms])
    db.session.commit()
    for days, room in zip((3, 4), rooms):
        make_session(starts_in=timedelta(days=days), venue=room, trainers=[])
    email = make_person(team=team).email
    release_database()
    page = page_at(viewport)
    sign_in(page, email, PASSWORD)
    page.goto("/sessions/")
    expect(page.locator(".lms-session-list__item")).to_have_count(1)
    expect(page.locator(".lms-session-list__item")).to_contain_text("Northtown room")
    expect(page.get_by_label("Area")).to_have_value(re.compile(r"^\d+$"))
    checked_over(page)
    page.get_by_role("link", name="Show sessions in all areas").click()
    expect(page.locator(".lms-session-list__item")).to_have_count(2)
    checked_over(page)

    page.goto("/sessions/mine")
    page.get_by_role("button", name="Get my calendar address").click()
    subscribe = page.get_by_role("link", name="Subscribe in my calendar app")
    expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://"))
    address = page.get_by_label("Or copy your calendar address into your calendar").input_value()
    assert subscribe.get_attribute("href") == "webcal://" + address.split("://", 1)[1]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the address").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    checked_over(page)


@VIEWPORTS
def test_manage_sessions_from_the_navigation_with_a_banner_that_links(viewport, page_at, make_person, make_session,
                                                                      trainer, db, release_database):
    colleague = make_person(roles=("officer", "trainer"), given_name="Cora", family_name="Colleague")
    low = make_session(starts_in=timedelta(days=4), min_attendees=3)
    make_session(starts_in=timedelta(days=40), min_attendees=3)  # just scheduled: not flagged yet
    make_session(starts_in=timedelta(days=5), trainers=[colleague])
    low_id, trainer_email = low.id, trainer.email
    release_database()
    page = page_at(viewport)
    sign_in(page, trainer_email, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    if viewport is PHONE and not nav.get_by_role("link", name="Manage sessions").is_visible():
        page.get_by_role("button", name=re.compile("Menu")).click()
    nav.get_by_role("link", name="Manage sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage sessions")
    expect(nav.get_by_role("link", name="Manage sessions")).to_have_attribute("aria-current", "page")
    expect(page.locator("tbody tr[id^=session-]")).to_have_count(2)  # mine only
    banner = page.locator(".govuk-inset-text")
    expect(banner).to_contain_text("1 session is below its minimum numbers")
    checked_over(page)
    banner.get_by_role("link").click()
    assert page.url.endswith(f"#session-{low_id}")
    page.get_by_role("link", name="Show every trainer's sessions").click()
    expect(page.locator("tbody tr[id^=session-]")).to_have_count(3)
    checked_over(page)


def _register_of(make_person, make_session, db, count=12):
    session = make_session(starts_in=timedelta(minutes=-20), capacity=count)
    people = [make_person(given_name=f"Officer{n:02d}", family_name=f"Surname{n:02d}") for n in range(count)]
    for person in people:
        booking_service.book(person, session, person, now=session.starts_at - timedelta(days=1))
    db.session.commit()
    return session.id, people


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_the_register_keeps_the_trainers_place_and_counts(viewport, page_at, make_person, make_session, trainer, db,
                                                          release_database):
    session_id, people = _register_of(make_person, make_session, db)
    last = people[-1]
    last_name, last_id, trainer_email = last.name, last.id, trainer.email
    release_database()
    page = page_at(viewport)
    sign_in(page, trainer_email, PASSWORD)
    page.goto(f"/sessions/{session_id}/register")
    count = page.locator("#register-count")
    expect(count).to_contain_text("Marked 0 of 12, 12 to mark.")
    checked_over(page)
    button = page.get_by_role("button", name=named("Absent", f": {last_name}"))
    button.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    before = button.bounding_box()["y"]  # where the row is on the screen, under the trainer's finger
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    button.click()
    expect(count).to_contain_text("Marked 1 of 12, 11 to mark.")
    expect(page.get_by_role("button", name=named("Absent", f": {last_name}"))).to_have_attribute("aria-pressed",
                                                                                                  "true")
    assert page.evaluate("window.__same_page") is True
    assert abs(page.get_by_role("button", name=named("Absent", f": {last_name}")).bounding_box()["y"] - before) < 5
    expect(page.get_by_role("button", name=named("Absent", f": {last_name}"))).to_be_focused()
    checked_over(page)
    marks = db.session.execute(sa.select(Attendance.person_id, Attendance.status)).all()
    release_database()
    assert marks == [(last_id, "absent")]


def test_without_javascript_the_register_returns_to_the_row_marked(page_at, make_person, make_session, trainer, db,
                                                                   release_database):
    session_id, people = _register_of(make_person, make_session, db)
    last_name, last_id, trainer_email = people[-1].name, people[-1].id, trainer.email
    release_database()
    page = page_at(TABLET, java_script_enabled=False)
    sign_in(page, trainer_email, PASSWORD)
    page.goto(f"/sessions/{session_id}/register")
    page.get_by_role("button", name=named("Attended", f": {last_name}")).click()
    expect(page.locator("#register-count")).to_contain_text("Marked 1 of 12, 11 to mark.")
    assert page.url.endswith(f"#person-{last_id}")
    expect(page.locator(f"#person-{last_id}")).to_be_in_viewport()
    # the browser scrolls to the fragment once the page has laid out: wait for it rather than read it at once
    page.wait_for_function("window.scrollY > 0", timeout=5000)
