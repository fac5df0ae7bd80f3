"""A supervisor finds an overdue officer and reminds them; the report pages pass axe-core on a phone and a desktop."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.notify.models import OutboxMessage
from lms.reports.models import Delegation, ProgrammeTarget
from lms.timeutil import today_london
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.forms_support import fill_date
from tests.reports_support import attempt, book, complete, course, force, read_modules, set_due  # noqa: F401


@pytest.fixture
def team(db, force, course, release_database):
    """Team A with someone complete, someone booked, someone part way and Amy, who has not started: overdue."""
    set_due(course, default="2026-01-31", DC="2099-01-01")
    complete(force.officer(given_name="Carol", family_name="Complete"), course)
    booked = force.officer(given_name="Barry", family_name="Booked", rank="DC")
    read_modules(booked, course)
    attempt(booked, course)
    book(booked, course)
    read_modules(force.officer(given_name="Harry", family_name="Halfway"), course, count=1)
    db.session.add(ProgrammeTarget(label="Every constable", course_id=course.id, ranks=["PC"], goal=None))
    db.session.commit()
    ids = {"amy": force.officer_a.id, "sergeant": force.sergeant_a.email, "admin": force.admin.email}
    release_database()
    return ids


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_supervisor_finds_an_overdue_officer_and_reminds_them(page_at, db, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["sergeant"], PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team status")
    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Overdue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Amy Able"))
    expect(row).to_contain_text("Witness basics (overdue)")
    row.get_by_role("button", name="Remind Amy Able").click()
    expect(page.get_by_role("alert")).to_contain_text("Amy Able has been sent a reminder.")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="Amy Able"))).to_contain_text(
        "Reminded; again from")
    assert_accessible(page)
    db.session.rollback()
    [message] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all()
    assert message.person_id == team["amy"] and "Witness basics" in message.body_text


REPORT_PAGES = ["/reports/", "/reports/matrix", "/reports/overdue", "/reports/coverage", "/reports/snapshot",
                "/reports/delegations", "/my-training"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_report_pages_pass_axe_and_fit_a_phone(page_at, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["sergeant"], PASSWORD)
    for path in REPORT_PAGES + [f"/reports/people/{team['amy']}"]:
        page.goto(path)
        assert_accessible(page)
        if viewport == PHONE:
            assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_admin_report_pages_pass_axe(page_at, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["admin"], PASSWORD)
    for path in ("/reports/targets", "/reports/area-leads", "/reports/coverage", "/reports/snapshot"):
        page.goto(path)
        assert_accessible(page)
        if viewport == PHONE:
            assert_no_horizontal_scroll(page)


def test_the_reports_work_without_javascript(page_at, team):
    page = page_at(PHONE, java_script_enabled=False)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/matrix")
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Amy Able")).to_be_visible()
    expect(page.get_by_role("link", name="Carol Complete")).to_have_count(0)


def test_on_a_phone_the_matrix_sorts_with_a_form_that_keeps_the_filters(page_at, team):
    """At 360 px the column headings are gone (each row is a card), so the sort is a form; no JavaScript needed."""
    page = page_at(PHONE, java_script_enabled=False)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/matrix")
    expect(page.get_by_role("columnheader")).to_have_count(0)
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_label("Sort by").select_option(label="Officer name")
    page.get_by_label("Order").select_option(label="Descending")
    page.get_by_role("button", name="Sort", exact=True).click()
    # the overdue only, Z to A (expect waits for the sorted page; reading the rows at once could read the last one)
    expect(page.get_by_role("rowheader")).to_have_text(["Sarah Sergeant", "Harry Halfway", "Amy Able"])
    expect(page.get_by_label("Order")).to_have_value("desc")


#: where keyboard focus is, and whether a person can see it there: rendered, not transparent, and what is painted
#: at the middle of its first box is the element itself (a clipped or covered element fails that)
FOCUS_SEEN = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const box = element.getClientRects()[0];
    const hit = box && document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {what: element.outerHTML.slice(0, 120),
            seen: element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && !!box
                  && box.width >= 2 && box.height >= 2 && !!hit && element.contains(hit)};
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_tabbing_through_the_matrix_never_lands_on_something_unseen(page_at, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/matrix")
    assert_accessible(page)
    stops = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SEEN)
        if focus is None or (stops and focus["what"] == stops[0]["what"]):
            break  # back to the start: every stop visited
        stops.append(focus)
    assert [stop["what"] for stop in stops if not stop["seen"]] == []
    visited = " ".join(stop["what"] for stop in stops)
    assert "Amy Able" in visited  # the walk crossed the matrix
    # a phone sorts with the form, a desktop with the column headings: each has one way, and it can be reached
    assert ('id="sort"' in visited, "lms-sort" in visited) == ((True, False) if viewport == PHONE else (False, True))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_supervisor_chooses_an_acting_supervisor_by_name_without_javascript(page_at, db, team, viewport):
    page = page_at(viewport, java_script_enabled=False)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/delegations")
    page.get_by_label("Name, email or service number").fill("baker")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Choose Bob Baker").click()
    expect(page.locator("#acting")).to_contain_text("Acting supervisor: Bob Baker, Police Constable")
    today = today_london()
    for name in ("First day", "Last day"):
        fill_date(page, name, today)
    page.get_by_role("button", name="Delegate my teams to Bob Baker").click()
    expect(page.get_by_role("alert")).to_contain_text("Bob Baker will see your teams")
    db.session.rollback()
    assert db.session.scalar(sa.select(Delegation)).to_person.name == "Bob Baker"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_delegation_search_and_choice_pass_axe(page_at, team, viewport):
    page = page_at(viewport)
    sign_in(page, team["sergeant"], PASSWORD)
    page.goto("/reports/delegations?q=e#delegate")
    expect(page.get_by_role("link", name="Choose Bob Baker")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Choose Bob Baker").click()
    expect(page.get_by_role("button", name="Delegate my teams to Bob Baker")).to_be_visible()
    assert_accessible(page)
    if viewport == PHONE:
        assert_no_horizontal_scroll(page)
