"""Admin pages for people: find, filter, edit roles and teams, deactivate; nobody else may open them."""
import re

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.models import Person


@pytest.fixture
def admin(make_person, login):
    person = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin", rank="INSP")
    login(person)
    return person


def listed(response) -> list[str]:
    """The names in the people table, in order."""
    return re.findall(r'href="/admin/people/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_people_list_filters_by_team_rank_role_and_search(client, admin, make_person, make_team):
    north, south = make_team("Response Team A", area="Northtown"), make_team("CID", area="Southport")
    make_person(team=north, given_name="Nia", family_name="North", rank="PC")
    make_person(team=south, given_name="Sol", family_name="South", rank="DS", roles=("officer", "supervisor"),
                service_number="MP4242", email="sol.south@midshire.police.uk")
    assert listed(client.get(f"/admin/people/?team={north.id}")) == ["Nia North"]
    assert listed(client.get(f"/admin/people/?area={south.area_id}")) == ["Sol South"]
    assert listed(client.get("/admin/people/?rank=DS")) == ["Sol South"]
    assert listed(client.get("/admin/people/?role=supervisor")) == ["Sol South"]
    assert listed(client.get("/admin/people/?role=admin")) == ["Ada Admin"]
    for query in ("nia nor", "SOL.SOUTH@", "mp4242"):
        assert listed(client.get(f"/admin/people/?q={query}")) in (["Nia North"], ["Sol South"]), query
    response = client.get("/admin/people/?q=nobody-like-this")
    assert "Nobody matches these filters." in response.get_data(as_text=True)


def test_people_list_shows_active_people_unless_asked_for_deactivated(client, admin, make_person):
    make_person(given_name="Gone", family_name="Away", active=False)
    make_person(given_name="Still", family_name="Here")
    assert listed(client.get("/admin/people/")) == ["Ada Admin", "Still Here"]
    assert listed(client.get("/admin/people/?status=inactive")) == ["Gone Away"]
    assert listed(client.get("/admin/people/?status=all")) == ["Ada Admin", "Gone Away", "Still Here"]


def test_people_list_pages_through_fifty_at_a_time_keeping_the_filters(client, admin, make_person, db):
    for index in range(55):
        make_person(given_name="Pat", family_name=f"Person{index:02d}")
    first = client.get("/admin/people/?q=pat")
    body = first.get_data(as_text=True)
    assert len(listed(first)) == 50
    assert "55 people" in body and "Page 1 of 2" in body
    assert 'href="/admin/people/?page=2&amp;q=pat"' in body
    second = client.get("/admin/people/?q=pat&page=2")
    assert listed(second) == [f"Pat Person{index}" for index in range(50, 55)]


def test_people_list_runs_the_same_number_of_queries_however_many_people(client, admin, make_person, make_team,
                                                                         count_queries):
    def queries_for_page() -> int:
        with count_queries() as counter:
            assert client.get("/admin/people/").status_code == 200
        return counter.count

    team = make_team()
    make_person(team=team, roles=("officer", "supervisor"), supervises=[team])
    few = queries_for_page()
    for index in range(30):
        make_person(team=make_team(f"Team {index}", area=f"Area {index % 5}"), roles=("officer", "trainer"))
    assert queries_for_page() == few


def test_admin_changes_roles_team_and_supervised_teams_with_an_audit_trail(client, admin, make_person, make_team,
                                                                           db):
    old_team, new_team = make_team("Response Team A"), make_team("Response Team B")
    sergeant = make_person(team=old_team, rank="PC", given_name="Sam", family_name="Sergeant")
    response = client.post(f"/admin/people/{sergeant.id}", data={
        "rank": "PS", "team_id": new_team.id, "roles": ["officer", "supervisor"],
        "supervised_team_ids": [new_team.id],
    })
    assert response.status_code == 302
    assert "Saved Sam Sergeant." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(sergeant)
    assert (sergeant.rank, sergeant.team, sergeant.roles) == ("PS", new_team, {"officer", "supervisor"})
    assert sergeant.supervised_teams == [new_team]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.changed"))
    assert (event.actor_id, event.object_id) == (admin.id, str(sergeant.id))
    assert event.changes == {
        "rank": ["PC", "PS"],
        "team": ["Northtown – Response Team A", "Northtown – Response Team B"],
        "roles": [["officer"], ["officer", "supervisor"]],
        "supervises": [[], ["Northtown – Response Team B"]],
    }
    audit_page = client.get(f"/admin/audit/?object_type=person&object_id={sergeant.id}").get_data(as_text=True)
    assert "Rank: Police Constable → Police Sergeant" in audit_page and "[&#39;officer&#39;]" not in audit_page


def test_saving_without_changes_records_nothing(client, admin, make_person, db):
    officer = make_person()
    response = client.post(f"/admin/people/{officer.id}", data={"rank": "PC", "team_id": 0, "roles": ["officer"]},
                           follow_redirects=True)
    assert "Nothing changed." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.changed")) is None


def test_admin_cannot_remove_their_own_admin_role(client, admin, db):
    response = client.post(f"/admin/people/{admin.id}", data={"rank": "INSP", "team_id": 0, "roles": ["officer"]})
    assert response.status_code == 200
    assert "You cannot remove your own admin role" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.roles == {"officer", "admin"}


def test_deactivated_person_cannot_sign_in_and_keeps_their_history(app, client, admin, make_person, db):
    officer = make_person(given_name="Lee", family_name="Leaver")
    other = app.test_client()
    other.post("/login", data={"email": officer.email, "password": "correct horse battery staple"})
    history = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                .where(AuditEvent.actor_id == officer.id))
    assert history == 1  # their sign-in
    response = client.post(f"/admin/people/{officer.id}/active", data={"active": "0", "confirmed": "1"}, follow_redirects=True)
    assert "Lee Leaver can no longer sign in." in response.get_data(as_text=True)
    assert other.get("/guidance/").status_code == 302  # their open session has ended
    refused = other.post("/login", data={"email": officer.email, "password": "correct horse battery staple"})
    assert "The email address or password is not right." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, officer.id).is_active_account is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.actor_id == officer.id)) == history
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.deactivated"))
    assert (event.actor_id, event.object_id) == (admin.id, str(officer.id))
    client.post(f"/admin/people/{officer.id}/active", data={"active": "1"})
    assert other.post("/login", data={"email": officer.email, "password": "correct horse battery staple"}
                      ).status_code == 302


def test_admin_cannot_deactivate_themselves(client, admin, db):
    response = client.post(f"/admin/people/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_active_account


@pytest.mark.parametrize("roles", [("officer",), ("officer", "supervisor"), ("officer", "trainer")])
def test_only_admins_may_open_the_people_pages(client, make_person, login, db, roles):
    target = make_person(given_name="Tess", family_name="Target")
    login(make_person(roles=roles))
    assert client.get("/admin/people/").status_code == 403
    assert client.get(f"/admin/people/{target.id}").status_code == 403
    assert client.post(f"/admin/people/{target.id}", data={"rank": "PS", "roles": ["admin"]}).status_code == 403
    assert client.post(f"/admin/people/{target.id}/active", data={"active": "0"}).status_code == 403
    db.session.refresh(target)
    assert (target.rank, target.roles, target.is_active_account) == ("PC", {"officer"}, True)


def test_an_unknown_person_is_not_found(client, admin):
    assert client.get("/admin/people/999999").status_code == 404
