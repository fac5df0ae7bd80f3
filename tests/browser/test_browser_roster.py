"""An admin uploads the roster on a phone, sees what it would do, confirms, and undoes a mistaken deactivation."""
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.people.models import Person
from tests.browser.conftest import PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.test_people_roster import GOOD, HEADER


@pytest.fixture
def admin(make_person, release_database):
    person = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin", rank="INSP",
                         service_number="MP1000001")
    for number in range(3):
        make_person(service_number=f"MP9{number}", given_name="Leaver", family_name=f"Number{number}")
    row = f"{person.service_number},Ada,Admin,{person.email},INSP,Command Team,Northtown,no,officer;admin,"
    email = person.email
    release_database()
    return email, row


def csv_file(tmp_path, lines, name="roster.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def check_page(page, javascript: bool):
    """axe and the layout check run scripts in the page, so they run only where the page may run scripts."""
    if javascript:
        assert_accessible(page)
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_admin_uploads_checks_and_confirms_the_roster_on_a_phone(page_at, db, admin, tmp_path, javascript):
    email, admin_row = admin
    page = page_at(PHONE, java_script_enabled=javascript)
    sign_in(page, email, PASSWORD)
    page.goto("/admin/people/")
    page.get_by_role("link", name="Import the HR roster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the roster")
    check_page(page, javascript)

    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the roster file to upload")
    check_page(page, javascript)
    page.get_by_label("Roster file").set_input_files(csv_file(tmp_path, ["x"], name="roster.xlsx"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("roster.xlsx is not a CSV file")

    bad = [admin_row, GOOD[0], GOOD[1].replace(",PC,", ",Sgtt,")]
    page.get_by_label("Roster file").set_input_files(csv_file(tmp_path, bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing can be imported: roster.csv has 1 problem")
    expect(page.get_by_role("row").filter(has_text="Sgtt")).to_contain_text("4")
    check_page(page, javascript)

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Roster file").set_input_files(csv_file(tmp_path, [admin_row, *GOOD]))
    page.get_by_label("Deactivate everyone whose service number is not in the file").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing can be imported")
    expect(page.get_by_role("table")).to_contain_text("this file would deactivate 3 of the 4 active people")

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Roster file").set_input_files(csv_file(tmp_path, [admin_row, *GOOD]))
    page.get_by_label("Deactivate everyone whose service number is not in the file").check()
    page.get_by_label("Allow deactivating more than the usual share").check()
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the roster import")
    expect(page.locator(".govuk-summary-list__row", has_text="Added")).to_contain_text("3")
    expect(page.locator(".govuk-summary-list__row", has_text="Deactivated")).to_contain_text("3")
    check_page(page, javascript)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 4  # nothing saved yet
    db.session.rollback()  # on SQLite the test's open transaction would hold the write lock

    page.get_by_role("button", name="Import the roster").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to create the new teams")
    check_page(page, javascript)
    page.get_by_label("Yes, create the new teams and areas listed above").check()
    page.get_by_role("button", name="Import the roster").click()
    expect(page.get_by_role("alert")).to_contain_text("Roster imported from roster.csv: 3 added")
    expect(page.get_by_text("3 people this import deactivated are still deactivated")).to_be_visible()
    check_page(page, javascript)
    page.get_by_role("button", name="Reactivate 3 people").click()
    expect(page.get_by_role("alert")).to_contain_text("Reactivated 3 people whom import")
    check_page(page, javascript)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.is_active_account)) == 7
