"""Admins upload the roster in the browser: a dry run first, then confirm; the same rules as the command."""
import hashlib
import html
import io
import re

import pytest
import sqlalchemy as sa

from lms.people.models import Person, RosterImport, RosterUpload
from tests.conftest import PASSWORD
from tests.test_people_roster import GOOD, HEADER, events, people_count, person


@pytest.fixture
def admin(make_person, login):
    person = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin", rank="INSP",
                         service_number="MP1000001")
    login(person)
    return person


def csv_bytes(lines, header=HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def upload(client, data: bytes, name="roster.csv", **options):
    response = client.post("/admin/roster/", data={"roster": (io.BytesIO(data), name), **{
        option: "y" for option, wanted in options.items() if wanted}}, content_type="multipart/form-data")
    # Werkzeug's test client spools a body over 500 KB to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def page(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def confirm(client, preview_url: str, sha256: str | None = None):
    return client.post(preview_url, data={"sha256": sha256 or preview_url.rsplit("/", 1)[1], "create_teams": "y"})


def uploads(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RosterUpload))


def admin_row(admin) -> str:
    return f"{admin.service_number},Ada,Admin,{admin.email},INSP,Command Team,Northtown,no,officer;admin,"


def test_an_upload_shows_what_it_would_do_and_saves_nothing_until_confirmed(client, admin, db):
    data = csv_bytes(GOOD)
    response = upload(client, data)
    sha256 = hashlib.sha256(data.decode().encode()).hexdigest()
    assert response.status_code == 302 and response.location == f"/admin/roster/uploads/{sha256}"
    preview = client.get(response.location)
    text = page(preview)
    assert "Check the roster import" in text and "Added 3 Changed 0" in text
    assert "Sarah Okafor (MP1)" in text and sha256 in text
    assert people_count(db) == 1 and events(db, "person.created") == []

    response = confirm(client, f"/admin/roster/uploads/{sha256}")
    assert response.status_code == 302
    [roster_import] = db.session.scalars(sa.select(RosterImport))
    assert response.location == f"/admin/roster/imports/{roster_import.id}"
    assert "Roster imported from roster.csv: 3 added" in page(client.get(response.location))
    assert people_count(db) == 4 and person(db, "MP1").team.name == "Response Team A"
    assert (roster_import.actor_id, roster_import.added, roster_import.file_sha256) == (admin.id, 3, sha256)
    [imported] = events(db, "roster.imported")
    assert imported.actor_id == admin.id and imported.object_id == str(roster_import.id)
    assert uploads(db) == 0
    assert confirm(client, f"/admin/roster/uploads/{sha256}").status_code == 404  # used once


def test_every_bad_row_is_listed_with_its_line_and_there_is_nothing_to_confirm(client, admin, db):
    bad = [GOOD[0], GOOD[1].replace(",PC,", ",Sgtt,"), GOOD[2].replace("megan.price@midshire.police.uk", "nope")]
    response = client.get(upload(client, csv_bytes(bad)).location)
    text = page(response)
    assert "Nothing can be imported: roster.csv has 2 problems" in text
    assert '3 unknown rank "Sgtt"' in text and '4 "nope" is not an email address' in text
    assert "Import the roster" not in text
    assert people_count(db) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("roster.xlsx", b"PK\x03\x04", "roster.xlsx is not a CSV file"),
    ("roster.csv", HEADER.encode() + "\nMP1,Zoë,Lee,z@midshire.police.uk,PC,T,A,,,\n".encode("latin-1"),
     'roster.csv is not UTF-8 text. In Excel, save it as "CSV UTF-8"'),
    ("roster.csv", b"PK\x03\x04\x00\x00", "roster.csv is not a CSV file"),
    ("roster.csv", b"x" * (1024 * 1024 + 1), "roster.csv is larger than 1 MB"),
])
def test_a_file_that_is_too_big_or_not_a_csv_roster_is_refused_with_a_message(client, admin, db, app, monkeypatch,
                                                                                 name, data, message):
    monkeypatch.setitem(app.config, "ROSTER_UPLOAD_MAX_MB", 1)
    response = upload(client, data, name=name)
    assert response.status_code == 200
    assert message in page(response)
    assert 'class="govuk-error-summary"' in response.get_data(as_text=True)
    assert uploads(db) == 0 and people_count(db) == 1


def test_choosing_no_file_is_an_error(client, admin, db):
    response = client.post("/admin/roster/", data={}, content_type="multipart/form-data")
    assert "Choose the roster file to upload" in page(response)


def test_mass_deactivation_is_refused_in_the_browser_too_and_can_then_be_undone(client, admin, db, make_person):
    for number in range(5):
        make_person(service_number=f"MP9{number}")
    text = page(client.get(upload(client, csv_bytes([admin_row(admin)]), deactivate_missing=True).location))
    assert "this file would deactivate 5 of the 6 active people (83.3%), more than the 10% allowed" in text
    assert "Import the roster" not in text

    preview = upload(client, csv_bytes([admin_row(admin)]), deactivate_missing=True,
                     allow_mass_deactivation=True).location
    assert "Deactivated 5" in page(client.get(preview))
    response = confirm(client, preview)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.is_active_account)) == 1
    import_page = page(client.get(response.location))
    assert "5 people this import deactivated are still deactivated" in import_page

    import_id = int(response.location.rsplit("/", 1)[1])
    assert f'href="/admin/roster/imports/{import_id}"' in client.get(
        "/admin/audit/?object_type=roster_import").get_data(as_text=True)
    response = client.post(f"/admin/roster/imports/{import_id}/undo")
    assert "Reactivated 5 people whom import" in page(client.get(response.location))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.is_active_account)) == 6
    reactivated = events(db, "person.activated")
    assert len(reactivated) == 5 and {event.actor_id for event in reactivated} == {admin.id}
    [undone] = events(db, "roster.undone")
    assert (undone.actor_id, undone.object_id, undone.changes) == (admin.id, str(import_id), {"reactivated": [0, 5]})
    assert "Nobody this import deactivated is still deactivated" in page(client.get(response.location))


def test_undo_leaves_alone_someone_reactivated_and_deactivated_again_by_an_admin(client, admin, db, make_person):
    leaver = make_person(service_number="MP95")
    preview = upload(client, csv_bytes([admin_row(admin)]), deactivate_missing=True,
                     allow_mass_deactivation=True).location
    import_id = int(confirm(client, preview).location.rsplit("/", 1)[1])
    client.post(f"/admin/people/{leaver.id}/active", data={"active": "1"})
    client.post(f"/admin/people/{leaver.id}/active", data={"active": "0", "confirmed": "1"})
    client.post(f"/admin/roster/imports/{import_id}/undo")
    assert not person(db, "MP95").is_active_account


def test_the_confirmation_imports_only_the_file_that_was_previewed(client, admin, db, make_person, app):
    preview = upload(client, csv_bytes(GOOD)).location
    sha256 = preview.rsplit("/", 1)[1]
    assert confirm(client, preview, sha256="0" * 64).status_code == 400  # the form's hash is not the page's
    swapped = db.session.scalar(sa.select(RosterUpload))
    swapped.content = swapped.content.replace("Sarah", "Mallory")
    db.session.commit()
    assert confirm(client, preview).status_code == 404  # its content no longer has the hash shown
    assert people_count(db) == 1

    preview = upload(client, csv_bytes(GOOD)).location
    other, other_client = make_person(roles=("officer", "admin"), service_number="MP77"), app.test_client()
    other_client.post("/login", data={"email": other.email, "password": PASSWORD})
    assert other_client.get("/admin/roster/").status_code == 200
    assert other_client.get(preview).status_code == 404  # another admin's upload is not theirs to confirm
    assert confirm(other_client, preview).status_code == 404
    assert people_count(db) == 2


def test_a_clash_that_appears_after_the_preview_is_shown_and_nothing_imported(client, admin, db, make_person):
    preview = upload(client, csv_bytes(GOOD)).location
    make_person(email="sarah.okafor@midshire.police.uk", service_number="MP77")
    response = confirm(client, preview)
    assert response.status_code == 200
    assert "belongs to someone else already on the system (service number MP77)" in page(response)
    assert people_count(db) == 2


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/admin/roster/"), ("post", "/admin/roster/"), ("get", "/admin/roster/uploads/" + "a" * 64),
    ("post", "/admin/roster/uploads/" + "a" * 64), ("get", "/admin/roster/imports/1"),
    ("post", "/admin/roster/imports/1/undo"),
])
def test_only_admins_may_open_the_roster_pages(client, make_person, login, method, url):
    login(make_person(roles=("officer", "supervisor", "trainer")))
    assert getattr(client, method)(url).status_code == 403
