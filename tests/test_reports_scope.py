"""Who sees which teams: supervisors their own, area leads their areas, admins everything, acting supervisors
while a delegation applies; anyone else's data is a 403 or a 404 on every report and every download."""
import io
import zipfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.models import RoleGrant
from lms.reports.models import Delegation, ProgrammeTarget, area_leads
from lms.reports.scope import teams_visible_to
from lms.timeutil import today_london
from tests.forms_support import date_fields, with_dates
from tests.reports_support import course, force, set_due  # noqa: F401

REPORTS = ["/reports/", "/reports/teams.csv", "/reports/matrix", "/reports/matrix.csv", "/reports/matrix.xlsx",
           "/reports/overdue", "/reports/overdue.csv", "/reports/coverage", "/reports/coverage.csv",
           "/reports/snapshot", "/reports/snapshot.csv"]


def text_of(response) -> str:
    """The body as text; a workbook's shared strings for .xlsx."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as book:
            return book.read("xl/sharedStrings.xml").decode()
    return response.get_data(as_text=True)


@pytest.fixture
def targets(db, course):
    """A target, and a due date long gone, so every report (coverage, the overdue list) has everyone in it."""
    db.session.add(ProgrammeTarget(label="Every constable", course_id=course.id, ranks=["PC"], goal=None))
    set_due(course, default="2020-01-01")


@pytest.mark.parametrize("path", REPORTS)
def test_an_officer_cannot_open_any_report_or_download(client, login, force, course, path):
    login(force.officer_a)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", REPORTS)
def test_a_supervisor_sees_only_their_team_in_every_report_and_download(client, login, force, course, targets, path):
    login(force.sergeant_a)
    response = client.get(path)
    assert response.status_code == 200
    body = text_of(response)
    assert "Southport" not in body and "Bob" not in body and "Response Team B" not in body
    if "snapshot" not in path:
        assert "Northtown" in body


@pytest.mark.parametrize("path", REPORTS)
def test_asking_for_another_teams_data_by_team_or_area_is_a_404(client, login, force, course, path):
    login(force.sergeant_a)
    assert client.get(path, query_string={"team": force.team_b.id}).status_code == 404
    assert client.get(path, query_string={"area": force.team_b.area_id}).status_code == 404
    assert client.get(path, query_string={"team": force.team_a.id}).status_code == 200


@pytest.mark.parametrize("path", REPORTS)
def test_an_admin_sees_every_team(client, login, force, course, targets, path):
    login(force.admin)
    body = text_of(client.get(path))
    assert "Southport" in body and "Northtown" in body


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_another_teams_transcript_is_a_404_and_your_own_is_yours(client, login, force, course, suffix):
    login(force.sergeant_a)
    assert client.get(f"/reports/people/{force.officer_b.id}{suffix}").status_code == 404
    assert client.get(f"/reports/people/{force.officer_a.id}{suffix}").status_code == 200
    assert client.get(f"/reports/people/999999{suffix}").status_code == 404
    client.post("/logout")
    login(force.officer_a)
    assert client.get(f"/reports/people/{force.officer_a.id}{suffix}").status_code == 200
    assert client.get(f"/reports/people/{force.sergeant_a.id}{suffix}").status_code == 404


def test_nudging_someone_from_another_team_is_a_404_and_sends_nothing(client, login, db, force, course):
    from lms.notify.models import OutboxMessage

    set_due(course, default="2020-01-01")
    login(force.sergeant_a)
    assert client.post(f"/reports/overdue/{force.officer_b.id}/nudge").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_an_area_lead_sees_every_team_of_their_area_even_one_added_later(db, force, make_team, make_person):
    inspector = make_person(roles=("officer", "supervisor"), rank="INSP", team=force.team_a)
    db.session.execute(sa.insert(area_leads).values(person_id=inspector.id, area_id=force.team_a.area_id))
    db.session.commit()
    assert teams_visible_to(inspector) == {force.team_a.id}
    later = make_team("Neighbourhood Team", area="Northtown")
    assert teams_visible_to(inspector) == {force.team_a.id, later.id}
    db.session.execute(sa.delete(RoleGrant).where(RoleGrant.person_id == inspector.id, RoleGrant.role == "supervisor"))
    db.session.commit()
    db.session.expire_all()
    assert teams_visible_to(inspector) == set()  # leading an area needs the supervisor role


def test_an_admin_sees_all_teams_and_an_officer_none(force):
    assert teams_visible_to(force.admin) == {force.team_a.id, force.team_b.id}
    assert teams_visible_to(force.officer_a) == set()
    assert teams_visible_to(force.sergeant_a) == {force.team_a.id}


def delegation(db, giver, taker, starts: date, ends: date) -> Delegation:
    item = Delegation(from_person_id=giver.id, to_person_id=taker.id, starts_on=starts, ends_on=ends)
    db.session.add(item)
    db.session.commit()
    return item


def test_a_delegation_starts_and_ends_by_itself(db, force):
    acting = force.officer_b  # a constable acting up: no supervisor role of their own
    start = date(2026, 12, 1)
    delegation(db, force.sergeant_a, acting, start, start + timedelta(days=13))
    assert teams_visible_to(acting, on=start - timedelta(days=1)) == set()
    assert teams_visible_to(acting, on=start) == {force.team_a.id}
    assert teams_visible_to(acting, on=start + timedelta(days=13)) == {force.team_a.id}
    assert teams_visible_to(acting, on=start + timedelta(days=14)) == set()
    assert teams_visible_to(force.sergeant_a, on=start) == {force.team_a.id}  # the supervisor keeps their team


def test_a_cancelled_delegation_gives_nothing_and_delegations_do_not_chain(db, force, make_person):
    today = today_london()
    chained = delegation(db, force.sergeant_b, force.sergeant_a, today, today)
    delegation(db, force.sergeant_a, force.officer_a, today, today)
    assert teams_visible_to(force.sergeant_a) == {force.team_a.id, force.team_b.id}
    assert teams_visible_to(force.officer_a) == {force.team_a.id}  # not team B, lent to sergeant A
    chained.cancelled_at = chained.created_at
    db.session.commit()
    assert teams_visible_to(force.sergeant_a) == {force.team_a.id}


def test_a_delegation_from_someone_who_no_longer_supervises_gives_nothing(db, force):
    today = today_london()
    delegation(db, force.sergeant_a, force.officer_b, today, today)
    db.session.execute(sa.delete(RoleGrant).where(RoleGrant.person_id == force.sergeant_a.id,
                                                  RoleGrant.role == "supervisor"))
    db.session.commit()
    assert teams_visible_to(force.officer_b) == set()


def test_an_acting_supervisor_uses_the_reports_while_it_applies_and_loses_them_when_cancelled(
        client, login, db, force, course):
    today = today_london()
    login(force.sergeant_a)
    response = client.post("/reports/delegations", data={
        "acting_id": force.officer_b.id, **date_fields("starts_on", today),
        **date_fields("ends_on", today + timedelta(days=6)), "reason": "Annual leave"})
    assert response.status_code == 302
    made = db.session.scalar(sa.select(Delegation))
    assert (made.from_person_id, made.to_person_id, made.reason) == (force.sergeant_a.id, force.officer_b.id,
                                                                    "Annual leave")
    created = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "delegation.created"))
    assert created.actor_id == force.sergeant_a.id and created.changes["ends_on"][1] == made.ends_on.isoformat()
    client.post("/logout")
    login(force.officer_b)
    assert "acting supervisor for Sarah Sergeant's teams" in client.get("/my-training").get_data(as_text=True)
    matrix = client.get("/reports/matrix").get_data(as_text=True)
    # Team A only: the acting supervisor's own team is not theirs to see.
    assert "Amy Able</a>" in matrix and "Bob Baker</a>" not in matrix
    assert client.get(f"/reports/people/{force.officer_a.id}").status_code == 200
    client.post("/logout")
    login(force.sergeant_a)  # back early: the sergeant ends it
    assert client.post(f"/reports/delegations/{made.id}/cancel").status_code == 302
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "delegation.cancelled")) is not None
    client.post("/logout")
    login(force.officer_b)
    assert client.get("/reports/matrix").status_code == 403
    assert client.get(f"/reports/people/{force.officer_a.id}").status_code == 404


def test_the_teams_lent_come_with_the_signed_in_person_and_apply_at_their_next_page(client, login, db, force, course,
                                                                                   count_queries):
    login(force.officer_b)
    assert client.get("/reports/matrix").status_code == 403
    delegation(db, force.sergeant_a, force.officer_b, today_london(), today_london())
    with count_queries() as counter:
        matrix = client.get("/reports/matrix").get_data(as_text=True)
    assert "Amy Able</a>" in matrix and "Bob Baker</a>" not in matrix
    # loaded in the same query as the person, not asked for again
    assert [s for s in counter.statements if "supervision_delegations" in s] == [counter.statements[0]]
    assert "device_sessions" in counter.statements[0]


@pytest.mark.parametrize("change, message", [
    ({"acting_id": "999999"}, "Choose the acting supervisor: find them by name, then choose them from the list."),
    ({"acting_id": "SELF"}, "You cannot delegate your teams to yourself."),
    ({"starts_on": "2020-01-01"}, "The first day cannot be in the past."),
    ({"ends_on": "START-1"}, "The last day must be the same as or after the first day."),
    ({"ends_on": "START+400"}, "A delegation can last at most 366 days."),
])
def test_a_delegation_that_breaks_a_rule_is_refused_with_a_reason(client, login, db, force, change, message):
    today = today_london()
    form = {"acting_id": force.officer_b.id, "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat()}
    form.update(change)
    form["acting_id"] = force.sergeant_a.id if form["acting_id"] == "SELF" else form["acting_id"]
    if form["ends_on"].startswith("START"):
        form["ends_on"] = (today + timedelta(days=int(form["ends_on"][5:]))).isoformat()
    login(force.sergeant_a)
    response = client.post("/reports/delegations", data=with_dates(form, "starts_on", "ends_on"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegation)) == 0


def test_only_the_people_in_a_delegation_or_an_admin_can_end_it(client, login, db, force):
    today = today_london()
    made = delegation(db, force.sergeant_a, force.officer_a, today, today + timedelta(days=2))
    login(force.sergeant_b)
    assert client.post(f"/reports/delegations/{made.id}/cancel").status_code == 404
    assert "Sarah Sergeant" not in client.get("/reports/delegations").get_data(as_text=True)
    client.post("/logout")
    login(force.admin)
    assert "Sarah Sergeant" in client.get("/reports/delegations").get_data(as_text=True)
    assert client.post(f"/reports/delegations/{made.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Delegation, made.id).cancelled_at is not None
