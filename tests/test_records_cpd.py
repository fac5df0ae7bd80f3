"""The CPD record from My training: completions, sessions attended and guidance acknowledgements as CSV, and the
officer's learning as xAPI statements (JSON); each officer's own only."""
import json

import sqlalchemy as sa

from lms.guidance.models import GuidanceAcknowledgement
from lms.records import cpd
from lms.records.models import Certificate
from lms.timeutil import format_date, format_datetime
from tests.guidance_support import acknowledge_on_page, asking_since_days_ago
from tests.reports_support import ago, attempt, attend, complete, course, csv_rows, force  # noqa: F401
from tests.xapi_support import everything


def test_my_training_offers_the_cpd_record(client, login, force):  # noqa: F811
    login(force.officer_a)
    page = client.get("/my-training").get_data(as_text=True)
    assert "/my-training/cpd.csv" in page and "/my-training/cpd.json" in page


def test_the_csv_lists_completions_with_certificate_codes_and_sessions_attended(client, login, db, force,
                                                                                 course):  # noqa: F811
    officer = force.officer(given_name="Cara", family_name="Cpd", service_number="MP5005")
    everything(officer, course, at=ago(3))
    complete(force.officer_b, course)  # someone else's record stays out of it
    login(officer)
    client.post(f"/my-training/certificates/{course.slug}")
    response = client.get("/my-training/cpd.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "cpd-record-MP5005-" in response.headers["Content-Disposition"]
    rows = csv_rows(response.get_data(as_text=True))
    assert ["Cara Cpd", "MP5005"] in rows
    completions = rows[rows.index(["Completions"]) + 2]
    code = db.session.scalar(sa.select(Certificate.code))
    assert completions == [course.title, format_date(ago(3)), "modules, quiz, session", code]
    sessions = rows[rows.index(["Sessions attended"]) + 2:]
    assert len([row for row in sessions if row and row[0] == course.title]) == 1  # the session missed is left out
    assert rows[rows.index(["Acknowledgements"]) + 1:] == [["Guidance", "Version", "Acknowledged on"]]  # none


def test_a_page_acknowledged_is_in_the_record_with_its_version_and_date(client, login, db, force, content_tree,
                                                                       clock):  # noqa: F811
    asking_since_days_ago(content_tree, clock)
    login(force.officer_a)
    acknowledge_on_page(client)
    acknowledged_at = db.session.scalar(sa.select(GuidanceAcknowledgement.acknowledged_at))
    rows = csv_rows(client.get("/my-training/cpd.csv").get_data(as_text=True))
    assert rows[rows.index(["Acknowledgements"]) + 1:] == [
        ["Guidance", "Version", "Acknowledged on"], ["The golden hour", "2", format_datetime(acknowledged_at)]]
    [statement] = client.get("/my-training/cpd.json").json
    assert statement["verb"]["display"] == {"en-GB": "acknowledged"}
    assert statement["object"]["id"].endswith("/guidance/golden-hour/versions/2")
    client.post("/logout")
    login(force.officer_b)  # someone else's acknowledgement stays out of their record
    rows = csv_rows(client.get("/my-training/cpd.csv").get_data(as_text=True))
    assert rows[rows.index(["Acknowledgements"]) + 1:] == [["Guidance", "Version", "Acknowledged on"]]
    assert client.get("/my-training/cpd.json").json == []


def test_the_json_is_my_xapi_statements(client, login, db, force, course):  # noqa: F811
    everything(force.officer_a, course)
    complete(force.officer_b, course)
    login(force.officer_a)
    response = client.get("/my-training/cpd.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    statements = json.loads(response.get_data(as_text=True))
    assert {s["actor"]["account"]["name"] for s in statements} == {force.officer_a.service_number}
    assert {s["verb"]["display"]["en-GB"] for s in statements} >= {"experienced", "passed", "attended", "completed"}
    assert [s["id"] for s in statements] == [s["id"] for s in cpd.statements(force.officer_a)]


def test_the_record_needs_signing_in(client):
    assert client.get("/my-training/cpd.csv").status_code == 302
    assert client.get("/my-training/cpd.json").status_code == 302


def test_the_record_takes_the_same_queries_however_much_was_done(client, login, db, force, course,
                                                                  count_queries):  # noqa: F811
    login(force.officer_a)
    everything(force.officer_a, course, at=ago(30))
    client.post(f"/my-training/certificates/{course.slug}")
    counts = []
    for more in (0, 3):
        for days in range(more):  # more sessions and attempts
            attend(force.officer_a, course, ago(20 - days), walk_in=True)
            attempt(force.officer_a, course, at=ago(20 - days))
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/my-training/cpd.csv").status_code == 200
            assert client.get("/my-training/cpd.json").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
