"""Bad input anywhere is a clear 400, 404 or 413 and changes nothing: bodies, huge numbers, control characters."""
import io
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import request
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from config import TestConfig
from lms import create_app
from lms.access import public
from lms.audit.services import record
from lms.inputs import INT_MAX, accepts_upload
from lms.people.models import Area, Person
from lms.sessions.models import TrainingSession
from lms.timeutil import to_london, utcnow
from tests.forms_support import date_fields
from tests.sessions_fixtures import course, trainer  # noqa: F401

HUGE = str(2**63)  # above every integer column: 500 "out of range" on PostgreSQL, OverflowError on SQLite
HUGER = "9" * 40
NUL = "\x00"


def _page(response) -> str:
    return response.get_data(as_text=True)


# --- bodies -------------------------------------------------------------------------------------------------------

def test_a_200_mb_post_to_login_is_refused_at_once_with_the_sites_page(client, db):
    started = time.monotonic()
    response = client.post("/login", input_stream=io.BytesIO(b"email=x"), content_type="application/x-www-form-urlencoded",
                           environ_overrides={"CONTENT_LENGTH": str(200 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That was too much to send" in _page(response) and "Investigation Masterclass" in _page(response)
    assert time.monotonic() - started < 1


def test_a_form_larger_than_its_limit_is_refused_even_when_actually_sent(client, db):
    response = client.post("/login", data={"email": "x" * (300 * 1024), "password": "y"})
    assert response.status_code == 413


def test_a_view_that_takes_an_upload_may_receive_more_than_a_form():
    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))

    @app.post("/upload-check")
    @public
    @accepts_upload
    def upload_check():
        return str(len(request.files["file"].read()))

    client = app.test_client()
    body = b"x" * (2 * 1024 * 1024)
    boundary, encoded = encode_multipart({"file": FileStorage(io.BytesIO(body), "roster.csv")})
    response = client.post("/upload-check", input_stream=io.BytesIO(encoded),
                           content_type=f"multipart/form-data; boundary={boundary}",
                           environ_overrides={"CONTENT_LENGTH": str(len(encoded))})
    assert response.status_code == 200 and response.get_data(as_text=True) == str(len(body))
    too_big = client.post("/upload-check", input_stream=io.BytesIO(b""), content_type="multipart/form-data; boundary=x",
                          environ_overrides={"CONTENT_LENGTH": str(11 * 1024 * 1024)})
    assert too_big.status_code == 413
    assert client.post("/login", data={"email": body.decode(), "password": "x"}).status_code == 413


# --- numbers ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [str(INT_MAX + 1), HUGE, HUGER])
def test_an_id_too_large_for_the_database_in_a_route_is_a_404(client, db, login, make_person, number):
    login(make_person(roles=("officer", "trainer", "admin")))
    for path in (f"/sessions/{number}", f"/sessions/{number}.ics", f"/people/{number}"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [f"/admin/audit/?actor_id={HUGE}", f"/search?q=plan&page={HUGER}",
                                   f"/reports/matrix?team={HUGE}&area={HUGER}&course={HUGE}&page={HUGE}"])
def test_a_number_too_large_in_a_query_is_ignored(client, db, login, make_person, make_team, query):
    login(make_person(roles=("officer", "supervisor", "admin"), supervises=[make_team()]))
    assert client.get(query).status_code == 200


def test_a_number_too_large_in_a_form_is_a_400_and_saves_nothing(client, db, login, trainer, course):
    login(trainer)
    day = to_london(utcnow() + timedelta(days=10)).date().isoformat()
    data = {"course_id": course.id, **date_fields("day", day), "start_time": "10:00", "end_time": "12:00", "venue_id": 0,
            "online_url": "https://meet.example/a", "capacity": HUGE, "min_attendees": HUGER,
            "trainer_ids": [HUGE]}
    response = client.post("/sessions/new", data=data)
    assert response.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 0


# --- control characters -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/checklist/%00", "/search?q=plan%00", "/login?next=%01", "/guidance/%00x",
                                  "/search?q%00=plan", "/search?q=plan&q=plan%00"])
def test_a_control_character_in_a_path_or_query_is_a_400_with_a_message(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "control character" in _page(response) and "U+00" in _page(response)


def test_a_nul_in_the_sign_in_form_is_a_400_with_a_message(client, db, make_person):
    response = client.post("/login", data={"email": "x\x00@example.police.uk", "password": "y"})
    assert response.status_code == 400 and "invisible control character (U+0000: a NUL byte" in _page(response)


def test_a_control_character_in_a_form_field_is_refused_and_nothing_stored(client, db, login, make_person):
    admin = make_person(roles=("admin",))
    officer = make_person(given_name="Sam")
    login(admin)
    response = client.post(f"/admin/people/{officer.id}", data={"rank": "PS", "roles": ["officer", "trainer\x07"]})
    assert response.status_code == 400 and "U+0007" in _page(response)
    db.session.expire_all()
    assert db.session.get(Person, officer.id).rank == "PC"


@pytest.mark.parametrize("override", ["\u202e", "\u2067"])
def test_a_text_direction_override_is_refused_so_text_cannot_show_other_than_it_reads(client, db, login, make_person,
                                                                                      override):
    """"Trojan Source": an override makes what follows show reversed, so a name or a crime reference reads as another."""
    login(make_person())
    response = client.get(f"/search?q=golden{override}ruoh")
    assert response.status_code == 400
    assert f"U+{ord(override):04X}: a NUL byte, a text-direction override" in _page(response)


def test_words_in_any_script_and_plain_direction_marks_are_accepted(client, db, login, make_person):
    login(make_person())
    assert client.get("/search?q=Zoë محمد\u200f").status_code == 200


def test_a_roster_name_with_a_text_direction_override_is_refused_by_line(runner, db, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("service_number,given_name,family_name,email,rank,team,area\n"
                    "MP1,Sarah,Oka\u202eraf,sarah.okafor@midshire.police.uk,PS,Response Team A,Northtown\n",
                    encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "family name contains a control character (U+202E)" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0


def test_tabs_and_new_lines_in_a_text_area_are_still_accepted(client, db):
    response = client.post("/login", data={"email": "someone@example.police.uk\r\n\t", "password": "x"})
    assert response.status_code == 200


def test_a_roster_with_a_control_character_is_refused_by_line_and_imports_nothing(runner, db, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("service_number,given_name,family_name,email,rank,team,area\n"
                    "MP1,Sarah,Okafor,sarah.okafor@midshire.police.uk,PS,Response Team A,North\x07town\n")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "area contains a control character (U+0007)" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Area)) == 0


# --- links built from the query -----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["sort=course-%C2%B2", "_method=x&endpoint=y&_external=1&_anchor=z",
                                   "person_id=3&sort=course-99999999999999999999", "dir=desc&sort=rank&status=%E2%98%83"])
def test_odd_query_arguments_on_reports_never_break_the_links(client, db, login, make_person, make_team, course,
                                                              query):
    supervisor = make_person(roles=("officer", "supervisor", "admin"), supervises=[make_team()])
    login(supervisor)
    for page in ("/reports/matrix", "/reports/overdue", "/reports/", "/reports/coverage", "/reports/snapshot"):
        response = client.get(f"{page}?{query}")
        assert response.status_code == 200, page
        assert "_method" not in _page(response) and "endpoint=" not in _page(response)


def test_odd_query_keys_never_break_the_page_links_of_long_lists(client, db, login, make_person):
    admin = make_person(roles=("admin",))
    for number in range(51):  # two pages of the audit log and of people, so the pages link to each other
        make_person()
        record(admin, "test.event", "person", number, "an event")
    db.session.commit()
    login(admin)
    for path in ("/admin/audit/", "/admin/people/"):
        response = client.get(f"{path}?_method=x&endpoint=y&_external=1&status=all&page=1")
        assert response.status_code == 200, path
        assert 'rel="next"' in _page(response) and "endpoint=" not in _page(response)


# --- dates --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["9999-12-31", to_london(utcnow() + timedelta(days=800)).date().isoformat()])
def test_a_session_dated_years_ahead_is_refused_with_a_message(client, db, login, trainer, course, day):
    login(trainer)
    data = {"course_id": course.id, **date_fields("day", day), "start_time": "10:00", "end_time": "12:00", "venue_id": 0,
            "online_url": "https://meet.example/a", "capacity": 8, "min_attendees": 0, "trainer_ids": [trainer.id]}
    response = client.post("/sessions/new", data=data)
    assert response.status_code == 200
    assert "Sessions can be scheduled up to 730 days ahead: check the year." in _page(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 0


# --- every route --------------------------------------------------------------------------------------------------

def _paths(app, value: str):
    """Every route with each of its arguments set to `value`, and the methods it takes."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
            path = path.replace(f"<path:{argument}>", value)
        yield rule.endpoint, path, sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("actor", ["anonymous", "admin"])
def test_no_route_answers_500_to_huge_numbers_or_control_characters(app, client, db, login, make_person, actor):
    if actor == "admin":
        login(make_person(roles=("officer", "trainer", "supervisor", "admin")))
    failures = []
    for value, query, form in ((HUGE, f"page={HUGER}&team={HUGE}", {"id": HUGE, "person_id": HUGER}),
                               ("%00", "q=%00", {"name": NUL, "email": NUL}),
                               (HUGER, "sort=course-%C2%B2&_method=x&endpoint=y", {"capacity": HUGER})):
        for endpoint, path, methods in _paths(app, value):
            if actor == "admin" and endpoint == "people.logout":
                continue  # keep the admin signed in for the other routes
            for method in methods:
                response = client.open(f"{path}?{query}", method=method, data=form if method != "GET" else None)
                if response.status_code >= 500:
                    failures.append((method, path, query, response.status_code))
    assert failures == []
