"""An admin invites an officer, who sets a password from the emailed link and signs in; an admin sets up the
authenticator app; the pages pass axe-core and fit a phone."""
import re

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.notify.models import OutboxMessage
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD

NEW_PASSWORD = "lantern quarry velvet ninety"


@pytest.fixture
def people(db, make_person, release_database):
    admin = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin")
    newcomer = make_person(given_name="Nina", family_name="Newcomer", email="nina.newcomer@example.police.uk")
    newcomer.password_hash = None
    db.session.commit()
    ids = {"admin": admin.email, "newcomer": newcomer.id}
    release_database()
    return ids


def invitation_link(db) -> str:
    db.session.rollback()
    body = db.session.scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.kind == "invitation"))
    db.session.rollback()  # end the read: on SQLite the test's open transaction would hold up the server's writes
    return re.search(r"http://localhost:5000(/login/set-password/\S+)", body).group(1)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_invite_set_a_password_and_sign_in(page_at, db, people, viewport):
    page = page_at(viewport)
    sign_in(page, people["admin"], PASSWORD)
    page.goto(f"/admin/people/{people['newcomer']}")
    expect(page.get_by_text("Cannot sign in", exact=True)).to_be_visible()
    page.get_by_role("button", name="Invite to set a password").click()
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to nina.newcomer@example.police.uk")
    expect(page.get_by_text("Invited", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    page.goto(invitation_link(db))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Type the new password again").fill("password1234")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("list of common passwords")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("Your password is set. Sign in with it now.")).to_be_visible()

    sign_in(page, "nina.newcomer@example.police.uk", NEW_PASSWORD)
    page.get_by_role("link", name="Your devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your devices")
    expect(page.get_by_text("This device")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_forgotten_password_page_passes_axe(page_at, people):
    page = page_at(PHONE)
    page.goto("/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("nobody@example.police.uk")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If nobody@example.police.uk can sign in with a password")).to_be_visible()


def test_an_admin_sets_up_the_authenticator_app(app, page_at, people, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_SECOND_FACTOR", True)
    page = page_at(PHONE)
    sign_in(page, people["admin"], PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_text("Cannot scan it?").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="People")).to_be_visible()
