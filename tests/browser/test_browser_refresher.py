"""The refresher journey on a phone: an officer whose refresher is due starts it from My training, is warned before
starting the quiz with modules unread, goes back, reads them and passes again; an admin resets another officer's
course from the transcript, giving a reason. Every page is checked with axe-core at 360 px."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.browser.test_browser_courses import RIGHT, answer
from tests.conftest import PASSWORD
from tests.reports_support import ago, complete, course  # noqa: F401


@pytest.fixture
def people(make_person, make_team, course, release_database):
    team = make_team()
    officer = make_person(given_name="Sam", family_name="Patel", team=team)
    other = make_person(given_name="Kim", family_name="Lowe", team=team)
    admin = make_person(given_name="Ada", family_name="Admin", roles=("admin",), rank="STAFF")
    complete(officer, course, at=ago(days=800))
    complete(other, course, at=ago(days=40))
    found = officer.email, other.id, admin.email
    release_database()
    return found


def checked_over(page) -> None:
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_an_officer_takes_a_refresher_and_an_admin_resets_a_course_on_a_phone(page_at, people):
    officer_email, other_id, admin_email = people
    page = page_at(PHONE)
    sign_in(page, officer_email, PASSWORD)

    page.goto("/my-training")
    expect(page.locator("main")).to_contain_text("Refresher due")
    checked_over(page)
    page.get_by_role("link", name="Start your refresher").click()
    expect(page.get_by_role("heading", name="Your refresher is due")).to_be_visible()
    checked_over(page)
    page.get_by_role("button", name="Start your refresher").click()
    expect(page.get_by_role("alert")).to_contain_text("Your refresher has started.")
    expect(page.locator("#modules-progress")).to_have_text("0 of 3 modules read")
    expect(page.locator("main")).to_contain_text("previously completed")
    checked_over(page)

    page.get_by_role("link", name="Go to the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start the quiz")
    expect(page.locator("main")).to_contain_text("You have 3 attempts; you have not read modules 1, 2 and 3.")
    checked_over(page)
    page.get_by_role("link", name="Go back and read module 1").click()
    for number in range(1, 4):
        expect(page.get_by_text(f"Module {number} of 3")).to_be_visible()
        page.get_by_role("button", name="I have read this").click()
    expect(page.locator("#modules-progress")).to_have_text("3 of 3 modules read")

    page.get_by_role("link", name="Go to the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 4")).to_be_visible()
    answer(page, RIGHT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed")
    checked_over(page)
    page.goto("/my-training")
    expect(page.locator("main")).to_contain_text("Book a small-group session")
    expect(page.locator("main")).to_contain_text("previously completed")

    admin = page_at(PHONE)
    sign_in(admin, admin_email, PASSWORD)
    admin.goto(f"/reports/people/{other_id}")
    expect(admin.locator("main")).to_contain_text("Complete")
    admin.get_by_label("Course", exact=True).select_option(label="Witness basics")
    admin.get_by_role("button", name="Reset the course").click()
    expect(admin).to_have_title(re.compile(r"^Error: Training record: Kim Lowe"))
    expect(admin.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the reset")
    checked_over(admin)
    admin.get_by_label("Reason for the reset").fill("Asked to redo the course after a complaint")
    admin.get_by_role("button", name="Reset the course").click()
    expect(admin.get_by_role("alert")).to_contain_text("course has been reset")
    expect(admin.locator("main")).to_contain_text("previously completed")
    checked_over(admin)
