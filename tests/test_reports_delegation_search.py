"""A supervisor chooses their acting supervisor by typing a name: the people search the register uses for walk-ins,
then a choice from its results, then the chosen person said in full before anything is saved. No JavaScript."""
import re
from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from lms.reports import admin_routes
from lms.reports.models import Delegation
from lms.timeutil import today_london
from tests.forms_support import date_fields
from tests.reports_support import force  # noqa: F401


def choices(page: str) -> dict[str, int]:
    """Each person the search offers, and the id their "Choose" link carries."""
    return {name: int(person_id) for person_id, name in re.findall(
        r'href="/reports/delegations\?acting=(\d+)#delegate">Choose<span class="govuk-visually-hidden"> ([^<]+)<',
        unescape(page))}


def test_a_supervisor_finds_the_acting_supervisor_by_name_sees_who_they_chose_and_delegates(client, login, db,
                                                                                            force):
    login(force.sergeant_a)
    page = client.get("/reports/delegations?q=baker").get_data(as_text=True)
    assert choices(page) == {"Bob Baker": force.officer_b.id}
    assert "Delegate my teams to" not in page  # nothing to save until someone is chosen

    page = client.get(f"/reports/delegations?acting={force.officer_b.id}").get_data(as_text=True)
    assert (f"Acting supervisor: <strong>Bob Baker</strong>, Police Constable, {force.officer_b.service_number}, "
            "Response Team B (Southport).") in page
    assert f'<input id="acting_id" name="acting_id" type="hidden" value="{force.officer_b.id}">' in page
    assert ">Delegate my teams to Bob Baker</button>" in page

    today = today_london()
    response = client.post("/reports/delegations", data={
        "acting_id": force.officer_b.id, **date_fields("starts_on", today),
        **date_fields("ends_on", today + timedelta(days=6))})
    assert response.status_code == 302
    made = db.session.scalar(sa.select(Delegation))
    assert (made.from_person_id, made.to_person_id) == (force.sergeant_a.id, force.officer_b.id)


def test_the_search_finds_by_part_of_a_name_an_email_or_a_service_number(client, login, force):
    login(force.sergeant_a)
    for typed in ("bob b", force.officer_b.email.upper(), force.officer_b.service_number.lower()):
        assert choices(client.get("/reports/delegations", query_string={"q": typed}).get_data(as_text=True)) == {
            "Bob Baker": force.officer_b.id}, typed


def test_the_search_offers_only_active_people_and_never_yourself(client, login, db, force, make_person,
                                                                 monkeypatch):
    left = make_person(given_name="Sam", family_name="Turner", active=False)
    staying = make_person(given_name="Sam", family_name="Turner")
    login(force.sergeant_a)
    assert choices(client.get("/reports/delegations?q=turner").get_data(as_text=True)) == {"Sam Turner": staying.id}
    assert left.id != staying.id
    assert choices(client.get("/reports/delegations?q=sergeant").get_data(as_text=True)) == {
        "Ben Sergeant": force.sergeant_b.id}  # Sarah is searching
    assert "Nobody with an active account matches." in client.get("/reports/delegations?q=zzz").get_data(
        as_text=True)
    monkeypatch.setattr(admin_routes, "ACTING_CHOICES", 1)
    page = client.get("/reports/delegations?q=a").get_data(as_text=True)
    assert len(choices(page)) == 1 and "Only the first 1 are shown: type more of the name." in page


def test_an_account_deactivated_after_it_was_chosen_is_refused_with_a_reason(client, login, db, force):
    login(force.sergeant_a)
    force.officer_b.is_active_account = False
    db.session.commit()
    today = today_london()
    response = client.post("/reports/delegations", data={
        "acting_id": force.officer_b.id, **date_fields("starts_on", today),
        **date_fields("ends_on", today)})
    assert response.status_code == 400
    assert "Bob Baker&#39;s account is deactivated." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegation)) == 0


def test_the_search_takes_the_same_number_of_queries_however_many_it_finds(client, login, force, make_person,
                                                                           make_team, count_queries):
    login(force.sergeant_a)

    def search():
        with count_queries() as counted:
            assert client.get("/reports/delegations?q=turner").status_code == 200
        return counted.count

    make_person(given_name="Tom", family_name="Turner", team=force.team_b)
    few = search()
    for number in range(6):
        make_person(given_name=f"Tia{number}", family_name="Turner", team=make_team(f"Team {number}"))
    assert len(choices(client.get("/reports/delegations?q=turner").get_data(as_text=True))) == 7
    assert search() == few
