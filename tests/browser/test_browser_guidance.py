"""An officer signs in, browses, searches and reads guidance on a phone and on a desktop, accessibly."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD


@pytest.fixture
def officer(make_person, synced_content, release_database):
    email = make_person(given_name="Sam", family_name="Patel").email
    release_database()
    return email


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_officer_signs_in_browses_searches_and_reads(page_at, officer, viewport):
    page = page_at(viewport)
    page.goto("/guidance/")
    assert "/login" in page.url
    assert_accessible(page)

    sign_in(page, officer, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Get it right first time")
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Guidance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guidance")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="The golden hour", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The golden hour")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    page.get_by_role("link", name="Fast-track actions").click()
    expect(page).to_have_url(re.compile("#fast-track-actions$"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    search_box = page.get_by_role("searchbox", name="Search guidance")
    search_box.fill("investigation")
    search_box.press("Enter")
    assert page.locator("mark", has_text="investigating").first.is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_overdue_page_warns_and_passes_axe(page_at, officer):
    page = page_at(PHONE)
    sign_in(page, officer, PASSWORD)
    page.goto("/guidance/victim-updates")
    assert page.get_by_text("It may be out of date").is_visible()
    assert_accessible(page)


def test_a_wrong_password_shows_an_accessible_error_summary(page_at, officer):
    page = page_at(PHONE)
    sign_in(page, officer, "not the password")
    assert page.get_by_role("alert").get_by_text("The email address or password is not right.").is_visible()
    assert_accessible(page)


def test_pages_work_without_javascript(page_at, officer):
    page = page_at(PHONE, java_script_enabled=False)
    sign_in(page, officer, PASSWORD)
    page.goto("/search?q=cordon")
    assert page.get_by_role("link", name="Scene preservation: cordons and contamination").is_visible()
