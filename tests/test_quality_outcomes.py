"""Outcome counts per team and month: the CLI and the admin upload import all or nothing, with the line of every
problem; a month imported again replaces the team's earlier figures; every import is audited."""
import html
import io

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.quality.models import OutcomeImport, OutcomeMonth
from tests.quality_support import qforce  # noqa: F401

HEADER = "area,team,month,finalised,charge/summons,outcome 16,outcome 14/15,other\n"


def good_file(finalised=120, charged=12):
    return (HEADER + f"Northtown,Response Team A,2026-01,{finalised},{charged},20,30,{finalised - charged - 50}\n"
            "Southport,response team b,2026-01,80,8,10,12,50\n")


def months(db) -> dict:
    return {(row.team_id, row.month.isoformat()): (row.finalised, row.charge_summons)
            for row in db.session.scalars(sa.select(OutcomeMonth))}


def run(runner, tmp_path, text, *args):
    path = tmp_path / "outcomes.csv"
    path.write_text(text)
    return runner.invoke(args=["outcomes", "import", str(path), *args])


def test_the_command_imports_a_file_and_a_second_file_replaces_the_same_team_month(runner, tmp_path, qforce, db):
    result = run(runner, tmp_path, good_file())
    assert result.exit_code == 0 and "2 team months imported" in result.output, result.output
    assert months(db) == {(qforce.team_a.id, "2026-01-01"): (120, 12), (qforce.team_b.id, "2026-01-01"): (80, 8)}
    again = run(runner, tmp_path, HEADER + "Northtown,Response Team A,2026-01,100,15,20,30,35\n")
    assert "1 team month imported, 1 replacing earlier figures" in again.output
    assert months(db) == {(qforce.team_a.id, "2026-01-01"): (100, 15), (qforce.team_b.id, "2026-01-01"): (80, 8)}
    events = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "outcomes.imported")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == 2 and "replacing 1" in events[1]


def test_a_dry_run_saves_nothing(runner, tmp_path, qforce, db):
    result = run(runner, tmp_path, good_file(), "--dry-run")
    assert result.exit_code == 0 and "holds 2 team months" in result.output
    assert months(db) == {}


@pytest.mark.parametrize("row, message", [
    ("Northtown,Response Team Z,2026-01,10,1,1,1,7", 'no team "Response Team Z" in area "Northtown"'),
    ("Northtown,Response Team A,January 2026,10,1,1,1,7", "month must be written YYYY-MM"),
    ("Northtown,Response Team A,2099-01,10,1,1,1,7", "month 2099-01 has not ended yet"),
    ("Northtown,Response Team A,1926-01,10,1,1,1,7", "month 1926-01 is before 2000: check the year"),
    ("Northtown,Response Team A,2026-01,ten,1,1,1,7", 'finalised must be a whole number'),
    ("Northtown,Response Team A,2026-01,10,-1,1,1,9", 'charge summons must be a whole number'),
    ("Northtown,Response Team A,2026-01,10,1,1,1,1", "add up to 4, not the 10 finalised"),
    ("Northtown,Response Team A,2026-02,10,1,1,1", "has 7 values but the header has 8 columns"),
    ("Northtown,,2026-01,10,1,1,1,7", "missing team"),
    ("Southport,Response Team B,2026-01,10,1,1,1,7", "is also on line 3"),
])
def test_a_file_with_any_bad_row_imports_nothing_and_names_the_line(runner, tmp_path, qforce, db, row, message):
    result = run(runner, tmp_path, good_file() + row + "\n")
    assert result.exit_code == 1
    assert "line 4: " in result.output and message in result.output, result.output
    assert "Nothing was imported" in result.output and months(db) == {}


def test_a_file_without_the_columns_is_refused(runner, tmp_path, qforce, db):
    result = run(runner, tmp_path, "team,month,finalised\nA,2026-01,3\n")
    assert result.exit_code == 1 and "line 1: the header must be the columns area, team, month" in result.output


def test_an_admin_uploads_the_file_and_sees_the_import_listed(client, login, qforce, db):
    login(qforce.admin)
    response = client.post("/admin/outcomes", data={"outcomes": (io.BytesIO(good_file().encode()), "jan.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Outcomes imported from jan.csv: 2 team months imported" in page and "jan.csv" in page
    assert db.session.scalar(sa.select(OutcomeImport)).imported_by_id == qforce.admin.id
    bad = client.post("/admin/outcomes", data={"outcomes": (io.BytesIO((HEADER + "X,Y,2026-01,1,1,0,0,0\n").encode()),
                                                            "bad.csv")}, content_type="multipart/form-data")
    shown = html.unescape(bad.get_data(as_text=True))
    assert "Nothing was imported" in shown and 'line 2: no team "Y" in area "X"' in shown
    assert len(months(db)) == 2


@pytest.mark.parametrize("who", ["officer_a", "sergeant_a", "reviewer"])
def test_only_admins_upload_outcomes(client, login, qforce, who):
    login(getattr(qforce, who))
    assert client.get("/admin/outcomes").status_code == 403
