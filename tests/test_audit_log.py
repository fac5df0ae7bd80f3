"""The audit log in plain English: sentences rather than action codes and Python lists, sign-ins hidden unless asked
for, and the filtered view downloadable as a CSV no spreadsheet will run as formulas."""
import csv
import io

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from tests.conftest import PASSWORD


@pytest.fixture
def admin(make_person, login):
    person = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin", rank="INSP")
    login(person)
    return person


@pytest.fixture
def emma(client, admin, make_person):
    """Emma Bennett (a special constable) signs in elsewhere, then the admin makes her a trainer."""
    emma = make_person(given_name="Emma", family_name="Bennett", rank="SPECIAL")
    client.application.test_client().post("/login", data={"email": emma.email, "password": PASSWORD})
    client.post(f"/admin/people/{emma.id}", data={"rank": "SPECIAL", "roles": ["officer", "trainer"]})
    return emma


def test_the_audit_log_says_what_happened_in_english(client, emma):
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "Roles of Emma Bennett changed: officer → officer, trainer" in page
    assert "person.changed" not in page and "[&#39;officer&#39;" not in page and "roster_import" not in page


def test_sign_ins_are_hidden_unless_the_filter_asks_for_them(client, emma):
    hidden = client.get("/admin/audit/").get_data(as_text=True)
    assert "Emma Bennett signed in" not in hidden and "Ada Admin signed in" not in hidden
    assert "1 event, not counting sign-ins" in hidden
    shown = client.get("/admin/audit/?sign_ins=1").get_data(as_text=True)
    assert "Emma Bennett signed in" in shown and "Ada Admin signed in" in shown and "3 events" in shown


def test_the_filtered_view_downloads_as_csv_with_no_formula(client, db, admin, emma):
    db.session.add(AuditEvent(actor_id=None, action="person.changed", object_type="person", object_id=str(emma.id),
                              summary="=HYPERLINK(\"http://evil.example\")", changes={"name": ["a", "@b"]}))
    db.session.commit()
    response = client.get(f"/admin/audit/audit.csv?object_type=person&object_id={emma.id}&sign_ins=1")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["When (London)", "Who", "Summary", "Changes"]
    summaries = [row[2] for row in rows[1:]]
    assert summaries == ["'=HYPERLINK(\"http://evil.example\")",
                         "Roles of Emma Bennett changed: officer → officer, trainer", "Emma Bennett signed in (password)"]
    assert rows[1][3] == "Name: a → @b" and rows[2][1] == "Ada Admin"
    without_sign_ins = client.get(f"/admin/audit/audit.csv?object_type=person&object_id={emma.id}")
    assert len(list(csv.reader(io.StringIO(without_sign_ins.get_data(as_text=True))))) == 3


def test_only_admins_download_the_audit_log(client, login, make_person, db):
    login(make_person(roles=("officer", "supervisor", "trainer")))
    assert client.get("/admin/audit/audit.csv").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) >= 1  # the sign-in, unexposed
