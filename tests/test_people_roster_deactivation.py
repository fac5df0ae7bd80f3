"""A short roster cannot deactivate the force, and what an import deactivated can be brought back."""
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.models import DeviceSession, Person, RosterDeactivation, RosterImport
from lms.sessions.feeds import create_feed
from lms.sessions.models import CalendarFeed
from tests.test_people_roster import HEADER, events, person
from tests.test_sessions_calendar import CalendarClient

FORCE = [f"MP{n},Given{n},Family{n},officer{n}@midshire.police.uk,PC,Response Team A,Northtown,no,,"
         for n in range(100, 120)]
ADMIN = "MP1,Ada,Admin,ada.admin@midshire.police.uk,INSP,Command Team,Northtown,no,officer;admin,"


def write(tmp_path, lines, name="roster.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def run(runner, tmp_path, lines, *options):
    return runner.invoke(args=["users", "import", write(tmp_path, lines), "--create-teams", *options])


def active_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.is_active_account))


def audit_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_a_one_row_roster_does_not_deactivate_everyone_else(runner, tmp_path, db):
    assert run(runner, tmp_path, [ADMIN, *FORCE]).exit_code == 0
    audit_before = audit_count(db)
    result = run(runner, tmp_path, [ADMIN], "--deactivate-missing")
    assert result.exit_code == 1
    assert "this file would deactivate 20 of the 21 active people (95.2%), more than the 10% allowed" in result.output
    assert "--allow-mass-deactivation" in result.output and "Nothing was imported" in result.output
    assert active_count(db) == 21
    assert audit_count(db) == audit_before


def test_a_dry_run_shows_how_many_would_be_deactivated(runner, tmp_path, db):
    run(runner, tmp_path, [ADMIN, *FORCE])
    result = run(runner, tmp_path, [ADMIN, *FORCE[:-2]], "--deactivate-missing", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing saved. The import would give: 0 added, 0 updated, 19 unchanged, 0 teams created, " \
           "2 deactivated." in result.output
    assert run(runner, tmp_path, [ADMIN, *FORCE[:5]], "--deactivate-missing", "--dry-run").exit_code == 1
    assert active_count(db) == 21


def test_the_share_that_may_be_deactivated_is_a_setting(runner, tmp_path, db, app, monkeypatch):
    run(runner, tmp_path, [ADMIN, *FORCE])
    monkeypatch.setitem(app.config, "ROSTER_MAX_DEACTIVATION_PERCENT", 50)
    result = run(runner, tmp_path, [ADMIN, *FORCE[:12]], "--deactivate-missing")
    assert result.exit_code == 0, result.output
    assert "8 deactivated" in result.output
    assert active_count(db) == 13


def test_a_mass_deactivation_allowed_by_mistake_is_undone_by_importing_again_with_reactivate(runner, tmp_path, db,
                                                                                              make_person):
    run(runner, tmp_path, [ADMIN, *FORCE])
    make_person(service_number="MP555", email="left@midshire.police.uk", active=False)
    db.session.add(DeviceSession(person_id=person(db, "MP100").id, token_hash="a" * 64, method="password"))
    db.session.commit()
    result = run(runner, tmp_path, [ADMIN], "--deactivate-missing", "--allow-mass-deactivation")
    assert "20 deactivated" in result.output, result.output
    assert active_count(db) == 1
    roster_import = db.session.scalar(sa.select(RosterImport).order_by(RosterImport.id.desc()))
    assert roster_import.deactivated == 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession)) == 0  # signed out everywhere

    full = [ADMIN, *FORCE, "MP555,Lee,Left,left@midshire.police.uk,PC,Response Team A,Northtown,no,,"]
    result = run(runner, tmp_path, full)
    assert "21 people in the file have deactivated accounts and stay deactivated" in result.output
    assert "20 of them were deactivated by an import: --reactivate-listed brings them back" in result.output
    assert active_count(db) == 1

    result = run(runner, tmp_path, full, "--reactivate-listed")
    assert result.exit_code == 0, result.output
    assert "20 reactivated" in result.output
    assert "1 person in the file has a deactivated account and stays deactivated (MP555)" in result.output
    assert active_count(db) == 21
    assert not person(db, "MP555").is_active_account  # an admin deactivated them: the roster does not overrule
    reactivated = events(db, "person.activated")
    assert len(reactivated) == 20 and reactivated[0].changes == {"active": [False, True]}
    assert "listed again in roster import" in reactivated[0].summary
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterDeactivation)) == 0


def test_a_deactivation_by_import_stops_the_persons_calendar_address_for_good(app, runner, tmp_path, db):
    """A leaver's calendar app stops getting their sessions, and the address stays dead if the roster brings them
    back (revoked, not just hidden while the account is deactivated); someone still listed keeps theirs."""
    run(runner, tmp_path, [ADMIN, *FORCE])
    leaver, stayer = person(db, "MP100"), person(db, "MP101")
    urls = {someone.service_number: f"/sessions/feed/{create_feed(someone)}.ics" for someone in (leaver, stayer)}
    db.session.commit()
    calendar_app = CalendarClient(app)
    assert [calendar_app.get(url).status_code for url in urls.values()] == [200, 200]

    result = run(runner, tmp_path, [ADMIN, *FORCE[1:]], "--deactivate-missing")
    assert "1 deactivated" in result.output, result.output
    assert calendar_app.get(urls["MP100"]).status_code == 404
    assert calendar_app.get(urls["MP101"]).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(CalendarFeed.revoked_at).where(CalendarFeed.person_id == leaver.id))

    result = run(runner, tmp_path, [ADMIN, *FORCE], "--reactivate-listed")
    assert "1 reactivated" in result.output, result.output
    assert calendar_app.get(urls["MP100"]).status_code == 404
