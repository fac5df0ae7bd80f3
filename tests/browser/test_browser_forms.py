"""Forms on a phone in the GOV.UK pattern: a date typed as day, month and year, a mistake summarised at the top with
a link that takes the officer to the box at fault, and the page still accessible with the mistake on it."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from lms.timeutil import today_london
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.sessions_fixtures import course, make_session, trainer  # noqa: F401


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_officer_filters_sessions_by_a_typed_date_and_corrects_a_wrong_one(
        page_at, make_person, make_session, release_database, viewport):
    email = make_person(given_name="Dee", family_name="Day").email
    make_session(starts_in=timedelta(days=3))
    make_session(starts_in=timedelta(days=30))
    release_database()
    page = page_at(viewport)
    sign_in(page, email, PASSWORD)
    page.goto("/sessions/")
    date = page.get_by_role("group", name="On or after")
    date.get_by_label("Day").fill("30")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill(str(today_london().year + 1))
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_title(re.compile(r"^Error: Sessions"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name="The date must be a real date").click()
    expect(date.get_by_label("Day")).to_be_focused()
    expect(date.get_by_label("Day")).to_have_attribute("aria-invalid", "true")
    expect(date.get_by_label("Day")).to_have_value("30")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    after = today_london() + timedelta(days=10)
    date.get_by_label("Day").fill(str(after.day))
    date.get_by_label("Month").fill(str(after.month))
    date.get_by_label("Year").fill(str(after.year))
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text("1 session you can book")
    expect(page).to_have_title(re.compile(r"^Sessions"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
