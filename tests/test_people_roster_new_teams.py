"""A roster that would create a team or an area (a misspelt "Nowhere" would make a new area) is refused unless the
admin says yes: --create-teams for the command, a box on the upload preview in the browser."""
import sqlalchemy as sa

from lms.people.models import Area, Team
from tests.test_people_roster import GOOD, HEADER, people_count
from tests.test_people_roster_upload import admin, csv_bytes, page, upload  # noqa: F401

#: Northtown and its Response Team A exist; "Nowhere" is a slip for Northtown
MISSPELT = "MP9,Nina,Newman,nina.newman@midshire.police.uk,PC,Response Team A,Nowhere,,,"


def _existing(runner, tmp_path):
    path = tmp_path / "first.csv"
    path.write_text("\n".join([HEADER, GOOD[0]]) + "\n", encoding="utf-8")
    assert runner.invoke(args=["users", "import", str(path), "--create-teams"]).exit_code == 0


def _areas(db) -> list[str]:
    return list(db.session.scalars(sa.select(Area.name).order_by(Area.name)))


def test_the_command_refuses_to_create_an_area_without_the_flag(runner, db, tmp_path):
    _existing(runner, tmp_path)
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, GOOD[0], MISSPELT]) + "\n", encoding="utf-8")
    refused = runner.invoke(args=["users", "import", str(path)])
    assert refused.exit_code == 1
    assert "This file would create 1 new team (Nowhere – Response Team A), and 1 new area (Nowhere)" in refused.output
    assert "import roster.csv again with --create-teams" in refused.output
    assert _areas(db) == ["Northtown"] and people_count(db) == 1
    dry = runner.invoke(args=["users", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "1 new area (Nowhere)" in dry.output and _areas(db) == ["Northtown"]
    allowed = runner.invoke(args=["users", "import", str(path), "--create-teams"])
    assert allowed.exit_code == 0, allowed.output
    assert _areas(db) == ["Northtown", "Nowhere"] and people_count(db) == 2


def test_a_roster_naming_only_existing_teams_needs_no_flag(runner, db, tmp_path):
    _existing(runner, tmp_path)
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, GOOD[0], GOOD[1]]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "new team" not in result.output and people_count(db) == 2


def test_the_upload_preview_warns_and_needs_the_box_ticked(client, db, admin):
    db.session.add(Team(name="Response Team A", area=Area(name="Northtown"), team_type="RESPONSE"))
    db.session.commit()
    preview = upload(client, csv_bytes([MISSPELT])).location
    text = page(client.get(preview))
    assert "This file would create 1 new team (Nowhere – Response Team A), and 1 new area (Nowhere)" in text
    assert "Yes, create the new teams and areas listed above" in text
    sha256 = preview.rsplit("/", 1)[1]
    refused = client.post(preview, data={"sha256": sha256})
    assert refused.status_code == 400 and "Tick the box to create the new teams" in page(refused)
    assert _areas(db) == ["Northtown"] and people_count(db) == 1
    done = client.post(preview, data={"sha256": sha256, "create_teams": "y"})
    assert done.status_code == 302 and _areas(db) == ["Northtown", "Nowhere"] and people_count(db) == 2
