"""Admins set the programme's targets and the area leads; every change is audited; nobody else may."""
import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.reports.models import ProgrammeTarget, area_leads
from lms.reports.scope import teams_visible_to
from tests.reports_support import course, force  # noqa: F401


def audit(db, action) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("path", ["/reports/targets", "/reports/area-leads"])
def test_supervisors_cannot_set_targets_or_area_leads(client, login, force, path):
    login(force.sergeant_a)
    assert client.get(path).status_code == 403
    assert client.post(path, data={}).status_code == 403


def test_an_admin_adds_and_removes_a_target_and_coverage_follows(client, login, db, force, course):
    login(force.admin)
    response = client.post("/reports/targets", data={"label": "800 constables", "course_id": course.id,
                                                     "ranks": ["PC", "DC"], "goal": "800"})
    assert response.status_code == 302
    target = db.session.scalar(sa.select(ProgrammeTarget))
    assert (target.label, target.ranks, target.goal) == ("800 constables", ["DC", "PC"], 800)
    assert audit(db, "programme_target.added")[0].actor_id == force.admin.id
    assert "800 constables" in client.get("/reports/coverage").get_data(as_text=True)
    client.post(f"/reports/targets/{target.id}/remove")
    assert db.session.scalar(sa.select(ProgrammeTarget)) is None
    assert audit(db, "programme_target.removed")[0].changes["goal"] == [800, None]
    assert "No programme targets have been set yet." in client.get("/reports/coverage").get_data(as_text=True)


def test_a_target_needs_a_label_and_a_rank(client, login, db, force, course):
    login(force.admin)
    response = client.post("/reports/targets", data={"label": "", "course_id": course.id, "goal": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Describe the target" in page and "Choose at least one rank" in page and "at least 1" in page
    assert db.session.scalar(sa.select(ProgrammeTarget)) is None


def test_an_admin_makes_a_supervisor_an_area_lead_and_removes_them(client, login, db, force, make_person):
    inspector = make_person(roles=("officer", "supervisor"), rank="INSP", email="insp@example.police.uk")
    login(force.admin)
    response = client.post("/reports/area-leads", data={"person": "INSP@example.police.uk",
                                                         "area_id": force.team_b.area_id})
    assert response.status_code == 302
    assert teams_visible_to(inspector) == {force.team_b.id}
    assert audit(db, "area_lead.added")[0].changes == {"leads": [None, "Southport"]}
    assert "Southport" in client.get("/reports/area-leads").get_data(as_text=True)
    client.post(f"/reports/area-leads/{force.team_b.area_id}/{inspector.id}/remove")
    assert teams_visible_to(inspector) == set()
    assert audit(db, "area_lead.removed")[0].changes == {"leads": ["Southport", None]}


@pytest.mark.parametrize("who, message", [
    ("nobody@example.police.uk", "No one has that email address or service number."),
    ("officer", "does not hold the supervisor role"),
])
def test_an_area_lead_must_be_someone_who_supervises(client, login, db, force, who, message):
    login(force.admin)
    response = client.post("/reports/area-leads", data={
        "person": force.officer_a.service_number if who == "officer" else who, "area_id": force.team_a.area_id})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(area_leads)) == 0
