"""A session's life in a real browser: a trainer schedules it, one officer books the last seat on a phone, another
waits, the first cancels, the second moves up and is emailed, and the trainer takes the register on a phone."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.sessions.models import Attendance, Booking, TrainingSession
from lms.timeutil import format_date, format_datetime, format_weekday, today_london, utcnow
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.forms_support import fill_date
from tests.sessions_fixtures import course, make_session, outbox, trainer, venue  # noqa: F401


@pytest.fixture
def people(make_person, course, trainer, venue, release_database):
    amira = make_person(given_name="Amira", family_name="Khan")
    ben = make_person(given_name="Ben", family_name="Lewis")
    found = {"trainer": trainer.email, "amira": amira.email, "ben": ben.email, "ben_id": ben.id,
             "amira_id": amira.id}
    release_database()
    return found


def checked_over(page) -> None:
    """What every page an officer or a trainer uses on a phone must be: no axe-core violations, no sideways scroll."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def flash(page):
    return page.get_by_role("alert")


def start_now(session_id: int, release_database, db) -> str:
    """Move the session to have started ten minutes ago, so its register and check-in are open; its new start."""
    starts = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=10)
    db.session.execute(sa.update(TrainingSession).where(TrainingSession.id == session_id)
                       .values(starts_at=starts, ends_at=starts + timedelta(hours=2)))
    release_database()
    return format_datetime(starts)


def named(visible: str, hidden: str) -> re.Pattern:
    """The accessible name of a control whose visible text is followed by visually hidden words (Chromium sets them
    off with a space)."""
    return re.compile(rf"^{re.escape(visible)}\s?{re.escape(hidden)}$")


def session_link(page, when: str):
    return page.get_by_role("link", name=named("Investigation Masterclass", f", {when}"))


def test_schedule_book_wait_cancel_promote_and_take_the_register(page_at, people, db, release_database):
    # The trainer, at a desk, schedules a one-seat session two days from now (a mistake first).
    desk = page_at(DESKTOP)
    sign_in(desk, people["trainer"], PASSWORD)
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Manage sessions").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Manage sessions")
    assert_accessible(desk)
    desk.get_by_role("link", name="Schedule a session").click()
    desk.get_by_label("Venue").select_option(label="Northtown training room (12 seats)")
    desk.get_by_label("Capacity").fill("1")
    desk.get_by_role("button", name="Schedule the session").click()
    summary = desk.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    # every mistake at once, each linked to its field, and the title says so
    expect(summary.get_by_role("link", name="Choose a course")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the date")).to_be_visible()
    expect(desk).to_have_title(re.compile(r"^Error: Schedule a session"))
    expect(desk.get_by_label("Capacity")).to_have_value("1")
    assert_accessible(desk)

    day = today_london() + timedelta(days=2)
    desk.get_by_label("Course").select_option(label="Investigation Masterclass")
    fill_date(desk, "Date", day, exact=True)
    desk.get_by_label("Starts at").fill("10:00")
    desk.get_by_label("Ends at").fill("12:00")
    desk.get_by_role("button", name="Schedule the session").click()
    expect(flash(desk)).to_contain_text("The session is scheduled.")
    session_id = int(re.search(r"/sessions/(\d+)$", desk.url).group(1))
    session = db.session.get(TrainingSession, session_id)
    when, weekday = format_datetime(session.starts_at), format_weekday(session.starts_at)
    assert (session.capacity, session.venue.name, [t.email for t in session.trainers]) == (
        1, "Northtown training room", [people["trainer"]])
    release_database()
    assert when.endswith("10:00")

    # Amira, on her phone, finds it and books the only seat.
    amira = page_at(PHONE)
    sign_in(amira, people["amira"], PASSWORD)
    amira.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    expect(amira.get_by_role("heading", level=1)).to_have_text("Small-group sessions")
    expect(amira.locator(".lms-session-list__item")).to_have_count(1)
    expect(amira.locator(".lms-session-list__item")).to_contain_text("1 seat left")
    checked_over(amira)
    session_link(amira, when).click()
    expect(amira.get_by_role("heading", level=1)).to_contain_text("Investigation Masterclass")
    expect(amira.locator("main")).to_contain_text("1 of 1 left")
    checked_over(amira)
    amira.get_by_role("button", name="Book a seat").click()
    expect(flash(amira)).to_contain_text("You are booked. We have emailed you the details.")
    expect(amira.locator("main")).to_contain_text("You are booked on this session.")
    checked_over(amira)
    confirmed = [(m.to_address, "BEGIN:VEVENT" in m.ics) for m in outbox(db, "booking_confirmed")]
    release_database()
    assert confirmed == [(people["amira"], True)]

    # Ben finds it full and joins the waiting list.
    ben = page_at(PHONE)
    sign_in(ben, people["ben"], PASSWORD)
    ben.goto("/sessions/")
    expect(ben.locator(".lms-session-list__item")).to_contain_text("Full")
    session_link(ben, when).click()
    expect(ben.locator("main")).to_contain_text("This session is full.")
    ben.get_by_role("button", name="Join the waiting list").click()
    expect(flash(ben)).to_contain_text("The session is full, so you are on the waiting list.")
    expect(ben.locator("main")).to_contain_text("You are number 1 on the waiting list.")
    checked_over(ben)

    # Amira cannot come after all: she cancels from "My sessions"; Ben moves up at once and is emailed.
    amira.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    amira.get_by_role("link", name="My sessions").click()
    expect(amira.get_by_role("heading", level=1)).to_have_text("My sessions")
    expect(amira.locator(".lms-session-list__item").first).to_contain_text("Booked")
    checked_over(amira)
    amira.get_by_role("link", name=named("Cancel booking", f": Investigation Masterclass, {when}")).click()
    expect(amira.get_by_role("heading", level=1)).to_have_text("Cancel your booking?")
    expect(amira.locator("main")).to_contain_text("The seat goes straight to the first person on the waiting list")
    checked_over(amira)
    amira.get_by_role("button", name="Yes, cancel my booking").click()
    expect(flash(amira)).to_contain_text("The booking is cancelled.")
    expect(amira.get_by_role("heading", level=1)).to_have_text("My sessions")
    expect(amira.locator("main")).to_contain_text("You have no sessions booked.")
    checked_over(amira)

    statuses = dict(db.session.execute(sa.select(Booking.person_id, Booking.status)
                                       .where(Booking.session_id == session_id)).all())
    promoted = [(m.to_address, m.subject) for m in outbox(db, "promoted")]
    release_database()
    assert statuses == {people["amira_id"]: "cancelled", people["ben_id"]: "booked"}
    assert promoted == [(people["ben"], f"You have a seat: Investigation Masterclass on {format_date(day)}")]
    ben.reload()
    expect(ben.locator("main")).to_contain_text("You are booked on this session.")
    # The course page tells him too.
    ben.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    ben.get_by_role("link", name="Investigation Masterclass", exact=True).click()
    expect(ben.locator("#course-session ~ p").first).to_contain_text("Booked")
    expect(ben.locator("main")).to_contain_text(f"You are booked on the session on {weekday} {when}")
    checked_over(ben)

    # The day comes: the trainer takes the register on a phone and marks Ben attended.
    when = start_now(session_id, release_database, db)
    phone = page_at(PHONE)
    sign_in(phone, people["trainer"], PASSWORD)
    phone.goto("/sessions/manage")
    checked_over(phone)
    phone.get_by_role("link", name=named("Take the register", f" for Investigation Masterclass on {when}")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Investigation Masterclass")
    expect(phone.locator(".lms-register__row")).to_have_count(1)
    expect(phone.locator(".lms-register__row")).to_contain_text("Ben Lewis")
    checked_over(phone)
    phone.get_by_role("button", name=named("Attended", ": Ben Lewis")).click()
    expect(flash(phone)).to_contain_text("Ben Lewis: attended.")
    expect(phone.get_by_role("button", name=named("Attended", ": Ben Lewis"))).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_role("status")).to_contain_text("1 attended")
    checked_over(phone)
    marks = db.session.execute(sa.select(Attendance.person_id, Attendance.status)
                               .where(Attendance.session_id == session_id)).all()
    release_database()
    assert marks == [(people["ben_id"], "attended")]

    phone.get_by_role("link", name="Self check-in code").click()
    phone.get_by_role("button", name="Open self check-in").click()
    expect(flash(phone)).to_contain_text("Self check-in is open.")
    expect(phone.locator(".lms-checkin-code")).to_have_text(re.compile(r"^Check-in code: [A-Z2-9]{6}$"))
    expect(phone.locator("svg.lms-qr")).to_be_visible()
    checked_over(phone)


def test_booking_and_the_register_work_without_javascript(page_at, people, make_session, db, release_database):
    session = make_session(capacity=1, starts_in=timedelta(days=3))
    session_id, when = session.id, format_datetime(session.starts_at)
    release_database()

    officer = page_at(PHONE, java_script_enabled=False)
    sign_in(officer, people["ben"], PASSWORD)
    officer.goto("/sessions/")
    session_link(officer, when).click()
    officer.get_by_role("button", name="Book a seat").click()
    expect(flash(officer)).to_contain_text("You are booked.")
    status = db.session.scalar(sa.select(Booking.status).where(Booking.session_id == session_id))
    release_database()
    assert status == "booked"

    start_now(session_id, release_database, db)
    trainer = page_at(PHONE, java_script_enabled=False)
    sign_in(trainer, people["trainer"], PASSWORD)
    trainer.goto(f"/sessions/{session_id}/register")
    trainer.get_by_role("button", name=named("Absent", ": Ben Lewis")).click()
    expect(flash(trainer)).to_contain_text("Ben Lewis: absent.")
    trainer.get_by_role("button", name=named("Attended", ": Ben Lewis")).click()
    expect(flash(trainer)).to_contain_text("Ben Lewis: attended.")
    marks = db.session.execute(sa.select(Attendance.person_id, Attendance.status)).all()
    release_database()
    assert marks == [(people["ben_id"], "attended")]


def test_the_trainers_roster_fits_a_phone(page_at, people, make_person, make_session, db, release_database):
    """Each person's "Move to" list names the course's other sessions, however long their venue's name."""
    from lms.sessions import booking as booking_service
    from lms.sessions.models import Venue

    long_room = Venue(name="Northtown Police Station, Professional Development Centre, training room 2",
                      address="14 Castle Street, Northtown NT1 4AB", capacity=12)
    session = make_session(capacity=1, starts_in=timedelta(days=3), venue=long_room)
    make_session(starts_in=timedelta(days=4), venue=long_room, trainers=[])
    holder, waiting = make_person(given_name="Chloe", family_name="Nwosu"), make_person(given_name="Dev")
    for person in (holder, waiting):
        booking_service.book(person, session, person)
    db.session.commit()
    session_id = session.id
    release_database()

    phone = page_at(PHONE)
    sign_in(phone, people["trainer"], PASSWORD)
    phone.goto(f"/sessions/{session_id}")
    expect(phone.get_by_role("heading", name=re.compile("^Roster"))).to_have_text("Roster: 1 booked, 1 waiting")
    expect(phone.get_by_role("combobox", name="Move Chloe Nwosu to")).to_be_visible()
    checked_over(phone)
    phone.get_by_role("link", name=named("Cancel booking", ": Chloe Nwosu")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cancel Chloe Nwosu's booking?")
    checked_over(phone)
