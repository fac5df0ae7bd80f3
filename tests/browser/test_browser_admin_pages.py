"""An admin reads the audit log and the outbox on a phone (360 px): plain English, no sideways scrolling, axe clean;
a failed message is retried and a deactivation asks first."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.audit.models import AuditEvent
from lms.notify.models import OutboxMessage
from lms.timeutil import utcnow
from tests.browser.conftest import PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD


@pytest.fixture
def admin(db, make_person, release_database):
    admin = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin", rank="INSP")
    emma = make_person(given_name="Emma", family_name="Bennett", rank="SPECIAL")
    db.session.add_all([
        AuditEvent(actor_id=admin.id, action="person.changed", object_type="person", object_id=str(emma.id),
                   summary="Roles of Emma Bennett changed: officer → officer, trainer",
                   changes={"roles": [["officer"], ["officer", "trainer"]], "rank": ["PC", "SPECIAL"]}),
        AuditEvent(actor_id=emma.id, action="person.signed_in", object_type="person", object_id=str(emma.id),
                   summary="Emma Bennett signed in (password)"),
        OutboxMessage(kind="booking_confirmed", to_address="emma.bennett.with.a.long.address@midshire.police.uk",
                      subject="Booked: Investigation Masterclass on 29 Nov 2026", body_text="You are booked.",
                      message_id="<one@lms>", status="sent", sent_at=utcnow(), attempts=1, person_id=emma.id),
        OutboxMessage(kind="reminder", to_address="emma.bennett@midshire.police.uk", person_id=emma.id,
                      subject="Reminder: Investigation Masterclass", body_text="See you tomorrow.",
                      message_id="<two@lms>", status="pending", attempts=2,
                      last_error="ConnectionRefusedError: [Errno 111] Connection refused")])
    email, emma_id = admin.email, emma.id
    release_database()
    return email, emma_id


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_an_admin_reads_the_audit_log_and_the_outbox_on_a_phone(page_at, db, admin):
    email, emma_id = admin
    page = page_at(PHONE)
    sign_in(page, email, PASSWORD)
    page.goto("/admin/audit/")
    expect(page.get_by_text("Roles of Emma Bennett changed: officer → officer, trainer")).to_be_visible()
    expect(page.get_by_text("Rank: Police Constable → Special Constable")).to_be_visible()
    expect(page.get_by_text("Emma Bennett signed in")).to_have_count(0)
    check(page)
    page.get_by_label("Show sign-ins").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Emma Bennett signed in (password)")).to_be_visible()
    check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these events (CSV)").click()
    assert "Emma Bennett signed in" in download.value.path().read_text(encoding="utf-8")

    page.goto("/admin/outbox/")
    expect(page.locator("#mail-status")).to_contain_text("Mail last sent")
    expect(page.locator("#mail-status")).to_contain_text("1 message failed and will be tried again")
    expect(page.get_by_text("notify send")).to_have_count(0)
    check(page)
    page.locator("#mail-status").get_by_role("link", name="Reminder: Investigation Masterclass").click()
    expect(page.get_by_text("ConnectionRefusedError", exact=False)).to_be_visible()
    check(page)
    page.get_by_role("button", name="Try sending it again now").click()
    expect(page.get_by_role("alert").or_(page.locator(".govuk-notification-banner"))).to_contain_text(
        "It will be sent at the next sending run")
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "outbox.retried")) is not None
    db.session.rollback()

    page.goto(f"/admin/people/{emma_id}")
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Emma Bennett?")
    check(page)
    page.get_by_role("link", name="No, go back").click()
    expect(page.get_by_role("button", name="Deactivate account")).to_be_visible()
