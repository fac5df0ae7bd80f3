"""An officer gets their certificate from My training, shares a link that shows their name, and someone checks it;
the certificate, the check and My training pass axe-core and fit a phone."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from lms.xapi.sending import send_due
from tests.reports_support import complete, course, force  # noqa: F401
from tests.xapi_support import everything, xapi_on  # noqa: F401


@pytest.fixture
def holder(db, force, course, release_database):  # noqa: F811
    officer = force.officer(given_name="Carol", family_name="Complete")
    complete(officer, course)
    email = officer.email
    release_database()
    return email


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_officer_gets_a_certificate_and_shares_it(page_at, holder, viewport):
    page = page_at(viewport)
    sign_in(page, holder, PASSWORD)
    page.goto("/my-training")
    assert_accessible(page)
    page.get_by_role("button", name="Get my certificate for Witness basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".lms-certificate")).to_contain_text("Carol Complete")
    assert_accessible(page)
    if viewport == PHONE:
        assert_no_horizontal_scroll(page)
    check = page.locator(".lms-certificate").inner_text().split("Check this certificate at ")[1].strip()
    page.get_by_role("button", name="Make a link that shows my name").click()
    shared = page.get_by_role("link", name="/verify/").get_attribute("href")
    stranger = page_at(viewport)
    for address, shows_name in ((check, False), (shared, True)):
        path = address[address.index("/verify/"):]
        stranger.goto(path)
        expect(stranger.get_by_role("heading", level=2, name="Genuine certificate")).to_be_visible()
        expect(stranger.get_by_text("Witness basics")).to_be_visible()
        expect(stranger.get_by_text("Carol Complete")).to_have_count(1 if shows_name else 0)
        assert_accessible(stranger)
        if viewport == PHONE:
            assert_no_horizontal_scroll(stranger)


def test_a_code_that_is_not_genuine_says_so_accessibly(page_at, db):
    page = page_at(PHONE)
    page.goto("/verify/ABCD-EFGH-JKMN-PQRT-WXYZ")
    expect(page.get_by_role("alert")).to_contain_text("No certificate has this code")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_admins_page_of_learning_records_passes_axe(page_at, db, force, course, xapi_on, release_database,
                                                        viewport):  # noqa: F811
    everything(force.officer_a, course)
    assert send_due().outage  # nothing listens at the test endpoint: failures to show
    email = force.admin.email
    release_database()
    page = page_at(viewport)
    sign_in(page, email, PASSWORD)
    page.goto("/admin/learning-records")
    expect(page.get_by_role("table")).to_contain_text("ConnectionError")
    assert_accessible(page)
    if viewport == PHONE:
        assert_no_horizontal_scroll(page)
