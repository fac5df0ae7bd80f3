"""An officer signs in through the force's identity provider (a real OpenID Connect provider) in a browser."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, sign_in_with_provider


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_officer_signs_in_with_the_force_account_and_lands_on_the_page_they_wanted(page_at, provider, app, make_person,
                                                                                    synced_content, release_database,
                                                                                    viewport):
    officer = make_person(given_name="Sam", family_name="Patel")
    provider.set_accounts(sam={"sub": "subject-sam", "email": officer.email.upper()})
    release_database()
    page = page_at(viewport)
    page.goto("/guidance/victim-updates")
    assert "/login" in page.url
    assert_accessible(page)

    sign_in_with_provider(page, app.config["OIDC_LABEL"], "sam", "mas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keeping victims updated")
    assert page.url.endswith("/guidance/victim-updates")
    expect(page.get_by_text("Signed in as Sam Patel.")).to_be_visible()


def test_someone_not_on_the_roster_sees_who_to_ask(page_at, provider, app, release_database):
    provider.set_accounts(kim={"sub": "subject-kim", "email": "kim@example.police.uk"})
    release_database()
    page = page_at(PHONE)
    page.goto("/login")
    sign_in_with_provider(page, app.config["OIDC_LABEL"], "kim", "mik")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in here yet")
    assert page.get_by_text(app.config["ACCESS_CONTACT"]).is_visible()
    assert_accessible(page)
