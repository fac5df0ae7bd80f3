"""An officer acknowledges a changed page and their supervisor sees it in the report; the page's versions and the
changes between them read accessibly, on a phone and on a desktop."""
import pytest
from playwright.sync_api import expect

from lms.content.sync import sync_content
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.guidance_support import rewrite

AUDIENCE = "acknowledge: [PC]\n"


@pytest.fixture
def changed_page(content_tree, db, make_team, make_person, release_database):
    rewrite(content_tree, "## Fast-track actions\n\nSecure CCTV within the day.", AUDIENCE)
    assert sync_content(content_tree).ok
    db.session.commit()
    rewrite(content_tree, "## Fast-track actions\n\nSecure CCTV within the first hour.\n\nThen house to house.",
            AUDIENCE + "change: major\nchange_note: CCTV must now be secured within the first hour.\n")
    assert sync_content(content_tree).ok
    db.session.commit()
    team = make_team("Response Team A")
    officer = make_person(team=team, given_name="Pat", family_name="Officer")
    supervisor = make_person(roles=("officer", "supervisor"), rank="PS", supervises=(team,), given_name="Sam",
                             family_name="Sergeant")
    emails = officer.email, supervisor.email
    release_database()
    return emails


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_officer_acknowledges_and_the_supervisor_sees_it(page_at, changed_page, viewport):
    officer_email, supervisor_email = changed_page
    page = page_at(viewport)
    sign_in(page, officer_email, PASSWORD)
    awaiting = page.get_by_role("region", name="Guidance to read and acknowledge")
    expect(awaiting).to_contain_text("CCTV must now be secured within the first hour.")
    assert_accessible(page)
    awaiting.get_by_role("link", name="The golden hour").click()
    expect(page.get_by_text("Changed", exact=False).first).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="I have read and understood version 2").click()
    expect(page.get_by_role("alert")).to_contain_text("you have confirmed you have read and understood version 2")
    assert_accessible(page)

    page.get_by_role("link", name="Page history and earlier versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The golden hour")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Show the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to version 2")
    expect(page.locator("del").first).to_contain_text("Secure CCTV within the day.")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Read version 1").click()
    expect(page.get_by_role("region", name="Version 1")).to_contain_text("This is version 1, in force from")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    supervisor = page_at(viewport)
    sign_in(supervisor, supervisor_email, PASSWORD)
    supervisor.goto("/guidance/acknowledgements")
    assert_accessible(supervisor)
    supervisor.get_by_role("link", name="The golden hour").click()
    team = supervisor.get_by_role("table", name="Response Team A")
    expect(team.get_by_role("row", name="Pat Officer")).to_contain_text("Yes")
    expect(supervisor.get_by_text("0 of 1 people in your teams have not acknowledged it yet.")).to_be_visible()
    assert_accessible(supervisor)
    assert_no_horizontal_scroll(supervisor)


def test_feedback_works_without_javascript(page_at, changed_page):
    officer_email, _ = changed_page
    page = page_at(PHONE, java_script_enabled=False)
    sign_in(page, officer_email, PASSWORD)
    page.goto("/guidance/golden-hour")
    page.get_by_label("If not, what was wrong or missing? (optional)").fill("The CCTV part needs an example.")
    page.get_by_role("button", name="No, it was not").click()
    # (axe runs as script, so the accessibility checks are in the journey above, with script on.)
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
