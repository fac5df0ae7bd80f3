"""`flask users import FILE.csv`: the HR roster. Every row is checked first; one bad row imports nothing."""
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.models import Area, Person, Team
from lms.people.roster import guess_team_type, parse_rank, parse_roster

EXAMPLE = Path(__file__).parent.parent / "docs" / "roster-example.csv"
HEADER = "service_number,given_name,family_name,email,rank,team,area,is_student_officer,roles,supervises"
GOOD = [
    "MP1,Sarah,Okafor,sarah.okafor@midshire.police.uk,PS,Response Team A,Northtown,no,,Response Team A",
    "MP2,James,Whitley,james.whitley@midshire.police.uk,PC,Response Team A,Northtown,yes,,",
    "MP3,Megan,Price,megan.price@midshire.police.uk,PCSO,Neighbourhood Team,Northtown,,,",
]


@pytest.fixture
def import_roster(runner, tmp_path):
    """Write the lines to a CSV file and import it: `import_roster(lines, "--dry-run")`."""

    def run(lines, *options, header=HEADER):
        path = tmp_path / "roster.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return runner.invoke(args=["users", "import", str(path), "--create-teams", *options])

    return run


def people_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def person(db, service_number) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.service_number == service_number))


def events(db, action) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_roster_adds_people_teams_and_roles_and_says_so_in_one_line(import_roster, db):
    result = import_roster(GOOD)
    assert result.exit_code == 0, result.output
    assert "3 added, 0 updated, 0 unchanged, 2 teams created" in result.output
    sergeant = person(db, "MP1")
    assert sergeant.team.full_name == "Northtown – Response Team A"
    assert sergeant.roles == {"officer", "supervisor"}
    assert [team.name for team in sergeant.supervised_teams] == ["Response Team A"]
    assert person(db, "MP2").is_student_officer and person(db, "MP2").roles == {"officer"}
    assert person(db, "MP3").roles == set()  # PCSOs are not warranted officers
    assert person(db, "MP3").team.team_type == "NEIGHBOURHOOD"  # guessed from the team's name
    assert person(db, "MP1").password_hash is None
    assert [event.object_id for event in events(db, "person.created")] == [
        str(person(db, number).id) for number in ("MP1", "MP2", "MP3")]
    assert events(db, "person.created")[1].changes["rank"] == [None, "PC"]
    assert len(events(db, "team.created")) == 2


def test_the_documented_example_roster_imports_cleanly(runner, db):
    result = runner.invoke(args=["users", "import", str(EXAMPLE), "--create-teams"])
    assert result.exit_code == 0, result.output
    assert people_count(db) == len(EXAMPLE.read_text().splitlines()) - 1
    inspector = db.session.scalar(sa.select(Person).where(Person.rank == "INSP"))
    assert {team.name for team in inspector.supervised_teams} == {"Response Team A", "Neighbourhood Team"}


def test_importing_the_same_roster_again_changes_nothing(import_roster, db):
    import_roster(GOOD)
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    result = import_roster(GOOD)
    assert result.exit_code == 0, result.output
    assert "0 added, 0 updated, 3 unchanged, 0 teams created" in result.output
    assert people_count(db) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audit_before


def test_a_changed_row_updates_the_person_and_audits_before_and_after(import_roster, db):
    import_roster(GOOD)
    moved = GOOD[1].replace("PC,Response Team A", "DC,CID").replace(",yes,", ",no,")
    result = import_roster([GOOD[0], moved, GOOD[2]])
    assert "0 added, 1 updated, 2 unchanged, 1 team created" in result.output
    detective = person(db, "MP2")
    assert (detective.rank, detective.team.name, detective.team.team_type) == ("DC", "CID", "LOCAL_CID")
    [event] = events(db, "person.changed")
    assert event.object_id == str(detective.id)
    assert event.changes == {"rank": ["PC", "DC"], "student officer": [True, False],
                             "team": ["Northtown – Response Team A", "Northtown – CID"]}


def test_team_and_area_names_match_whatever_their_case_and_spacing(import_roster, db, make_team):
    make_team("Response Team A", area="Northtown")
    result = import_roster([GOOD[1].replace("Response Team A,Northtown", "response  team a,NORTHTOWN")])
    assert "1 added, 0 updated, 0 unchanged, 0 teams created" in result.output
    assert person(db, "MP2").team.full_name == "Northtown – Response Team A"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Area)) == 1


def test_a_blank_roles_cell_keeps_roles_and_the_admin_role_is_never_taken_away(import_roster, db, make_person):
    make_person(roles=("officer", "admin", "trainer"), service_number="MP2", email="james.whitley@midshire.police.uk",
                given_name="James", family_name="Whitley")
    import_roster([GOOD[1]])
    assert person(db, "MP2").roles == {"officer", "admin", "trainer"}
    import_roster([GOOD[1].replace(",yes,,", ",yes,officer,")])
    assert person(db, "MP2").roles == {"officer", "admin"}
    assert events(db, "person.changed")[-1].changes["roles"] == [["admin", "officer", "trainer"], ["admin", "officer"]]


BAD_ROWS = [
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,Sgtt,Response Team A,Northtown,no,,", 'line 5: unknown rank "Sgtt". '
     "Did you mean PS?"),
    ("MP9,Ann,Lee,ann.lee@midshire,PC,Response Team A,Northtown,no,,", 'line 5: "ann.lee@midshire" is not an email'),
    ("MP1,Ann,Lee,ann.lee@midshire.police.uk,PC,Response Team A,Northtown,no,,",
     "line 5: service number MP1 is also on line 2"),
    ("MP9,Ann,Lee,SARAH.OKAFOR@midshire.police.uk,PC,Response Team A,Northtown,no,,",
     "line 5: email sarah.okafor@midshire.police.uk is also on line 2"),
    ("MP9,Ann,,ann.lee@midshire.police.uk,PC,Response Team A,Northtown,no,,", "line 5: missing family name"),
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,PC,,Northtown,no,,", "line 5: missing team"),
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,PC,Response Team A,Northtown,maybe,,",
     'line 5: is_student_officer must be yes or no, not "maybe"'),
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,PS,Response Team A,Northtown,yes,,",
     "line 5: only constables can be student officers"),
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,PC,Response Team A,Northtown,no,officer;boss,",
     "line 5: unknown role boss"),
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,PS,Response Team A,Northtown,no,,Response Team Z",
     'line 5: supervises "Response Team Z", which is not a team in Northtown'),
    ("MP9,Ann,Lee,Jnr,ann.lee@midshire.police.uk,PC,Response Team A,Northtown,no,,",
     "line 5: has 11 values but the header has 10 columns"),
    ("MP9,Ann,Lee,ann.lee@midshire.police.uk,PC,Response Team A,Northtown,no,,".replace("MP9", "M" * 21),
     "line 5: service number is longer than 20 characters"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(import_roster, db, row, message):
    result = import_roster([*GOOD, row])
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing was imported" in result.output
    assert people_count(db) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_every_bad_row_is_reported_not_just_the_first(import_roster, db):
    result = import_roster([GOOD[0], BAD_ROWS[0][0], GOOD[1], BAD_ROWS[1][0].replace("MP9", "MP8")])
    assert result.exit_code == 1
    assert 'line 3: unknown rank "Sgtt"' in result.output
    assert 'line 5: "ann.lee@midshire" is not an email' in result.output
    assert "2 problems (2 lines)" in result.output


def test_an_email_held_by_someone_else_in_the_database_is_refused(import_roster, db, make_person):
    make_person(email="sarah.okafor@midshire.police.uk", service_number="MP77")
    result = import_roster(GOOD)
    assert result.exit_code == 1
    assert ("line 2: email sarah.okafor@midshire.police.uk belongs to someone else already on the system "
            "(service number MP77)") in result.output
    assert people_count(db) == 1


@pytest.mark.parametrize(("header", "message"), [
    (HEADER + ",colour", "line 1: unknown column colour. The columns are: service_number,"),
    (HEADER.replace("email,", ""), "line 1: missing required column email"),
    (HEADER.replace("rank", "email"), "line 1: column email appears more than once"),
])
def test_a_bad_header_is_reported_and_nothing_is_imported(import_roster, db, header, message):
    result = import_roster(GOOD, header=header)
    assert result.exit_code == 1
    assert message in result.output
    assert people_count(db) == 0


def test_header_names_may_be_written_as_words(db):
    roster = parse_roster("Service Number,Given name,Family-Name,EMAIL,Rank,Team,Area\n"
                          "mp5,Ann,Lee,Ann.Lee@Midshire.Police.uk,Sgt,Response Team A,Northtown\n")
    assert roster.ok, roster.problems
    [row] = roster.rows
    assert (row.service_number, row.email, row.rank, row.roles) == ("MP5", "ann.lee@midshire.police.uk", "PS", None)


@pytest.mark.parametrize(("text", "code"), [
    ("PS", "PS"), ("Sgt", "PS"), ("Police Sergeant", "PS"), ("sergeant", "PS"), ("Det. Sgt", "DS"),
    ("D/Sgt", "DS"), ("Insp", "INSP"), ("DCI", "DCI"), ("Ch Supt", "CH_SUPT"), ("C/Supt", "CH_SUPT"),
    ("Chief Superintendent", "CH_SUPT"), ("Police Constable", "PC"), ("PCSO", "PCSO"),
    ("Special Constable", "SPECIAL"), ("PSI", "STAFF_INVESTIGATOR"), ("police staff", "STAFF"),
    ("A/Sgt", None), ("Sergant Major", None), ("", None),
])
def test_ranks_are_read_from_codes_full_names_and_common_short_forms(text, code):
    assert parse_rank(text) == code


def test_a_new_teams_type_is_guessed_from_its_name():
    assert [guess_team_type(name) for name in ("Response Team C", "Hanbury NPT", "Local CID", "Dog Section")] == [
        "RESPONSE", "NEIGHBOURHOOD", "LOCAL_CID", "SPECIALIST"]


def test_a_team_given_two_different_types_is_refused(import_roster, db):
    header = HEADER + ",team_type"
    result = import_roster([GOOD[0] + ",RESPONSE", GOOD[1] + ",Neighbourhood"], header=header)
    assert result.exit_code == 1
    assert 'line 3: team "Response Team A" in Northtown is NEIGHBOURHOOD here but RESPONSE on line 2' in result.output


def test_people_missing_from_the_roster_stay_active_unless_asked(import_roster, db, make_person):
    leaver = make_person(service_number="MP50")
    import_roster(GOOD)
    assert person(db, "MP50").is_active_account
    result = import_roster(GOOD, "--deactivate-missing", "--allow-mass-deactivation")  # 1 of 4 is over 10%
    assert result.exit_code == 0, result.output
    assert "3 unchanged, 0 teams created, 1 deactivated" in result.output
    db.session.refresh(leaver)
    assert not leaver.is_active_account
    [event] = events(db, "person.deactivated")
    assert (event.object_id, event.actor_id, event.changes) == (str(leaver.id), None, {"active": [True, False]})


def test_deactivate_missing_refuses_to_deactivate_every_admin(import_roster, db, make_person):
    make_person(roles=("officer", "admin"), service_number="MP60")
    result = import_roster(GOOD, "--deactivate-missing")
    assert result.exit_code == 1
    assert "would deactivate every admin" in result.output
    assert person(db, "MP60").is_active_account
    assert people_count(db) == 1


def test_a_dry_run_reports_the_changes_and_saves_nothing(import_roster, db):
    result = import_roster(GOOD, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing saved. The import would give: 3 added" in result.output
    assert people_count(db) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_a_file_saved_by_excel_with_a_byte_order_mark_imports(runner, tmp_path, db):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\n".join([HEADER, *GOOD]) + "\r\n").encode("utf-8-sig"))
    result = runner.invoke(args=["users", "import", str(path), "--create-teams"])
    assert result.exit_code == 0, result.output
    assert people_count(db) == 3


def test_a_file_that_is_not_utf8_gets_a_clear_message(runner, tmp_path, db):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\nMP1,Zoë,Lee,z@midshire.police.uk,PC,T,A,,,\n").encode("latin-1"))
    result = runner.invoke(args=["users", "import", str(path), "--create-teams"])
    assert result.exit_code == 1
    assert 'is not UTF-8 text. In Excel, save it as "CSV UTF-8"' in result.output
    assert people_count(db) == 0


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    (HEADER + "\n\n", "the file has a header row but no people"),
])
def test_an_empty_roster_is_refused(text, message):
    roster = parse_roster(text)
    assert not roster.ok
    assert message in str(roster.problems[0])


def test_a_lone_semicolon_clears_the_teams_someone_supervises(import_roster, db):
    import_roster(GOOD)
    result = import_roster([GOOD[0].rsplit(",", 1)[0] + ",;", *GOOD[1:]])
    assert "1 updated" in result.output, result.output
    sergeant = person(db, "MP1")
    assert sergeant.supervised_teams == []
    assert events(db, "person.changed")[-1].changes == {"supervises": [["Northtown – Response Team A"], []]}


def test_the_roster_never_reactivates_a_deactivated_account(import_roster, db, make_person):
    make_person(service_number="MP2", email="james.whitley@midshire.police.uk", active=False)
    result = import_roster(GOOD)
    assert result.exit_code == 0, result.output
    assert "1 person in the file has a deactivated account and stays deactivated (MP2)" in result.output
    assert person(db, "MP2").is_active_account is False


def test_set_password_lets_an_imported_person_sign_in(runner, make_person, client, db):
    person = make_person()
    person.password_hash = None
    db.session.commit()
    result = runner.invoke(args=["users", "set-password", person.email.upper()],
                           input="a long new password\na long new password\n")
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"email": person.email, "password": "a long new password"})
    assert response.status_code == 302


def test_set_password_refuses_a_short_password_and_changes_nothing(runner, make_person, db):
    person = make_person()
    before = person.password_hash
    result = runner.invoke(args=["users", "set-password", person.email], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    db.session.refresh(person)
    assert person.password_hash == before


def test_someone_without_a_team_is_put_in_the_new_team_the_roster_names(import_roster, db, make_person):
    first_admin = make_person(roles=("officer", "admin"), service_number="MP1", given_name="Sarah",
                              family_name="Okafor", email="sarah.okafor@midshire.police.uk", rank="PS")
    result = import_roster(GOOD[:1])
    assert "0 added, 1 updated, 0 unchanged, 1 team created" in result.output, result.output
    db.session.refresh(first_admin)
    assert first_admin.team.full_name == "Northtown – Response Team A"
    assert events(db, "person.changed")[-1].changes["team"] == [None, "Northtown – Response Team A"]
