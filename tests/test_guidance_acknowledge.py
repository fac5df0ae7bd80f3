"""Read and acknowledge: a major change asks the page's audience to confirm they have read it; their supervisors
see who has not, in the page and as CSV, and can remind them."""
import csv
import io
from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.guidance.acknowledgements import acknowledge
from lms.guidance.models import GuidanceAcknowledgement, GuidancePage
from lms.notify.models import OutboxMessage
from lms.people.models import Person
from tests.concurrency_support import at_once
from tests.guidance_support import AUDIENCE, ask_to_acknowledge, import_at, rewrite
from tests.xapi_support import queued, verbs_of, xapi_on  # noqa: F401


@pytest.fixture
def people(make_team, make_person):
    response, cid = make_team("Response Team A"), make_team("CID North", team_type="LOCAL_CID")
    return {
        "pc": make_person(team=response, given_name="Pat"),
        "sergeant": make_person(roles=("officer",), team=response, rank="PS", given_name="Sam"),
        "detective": make_person(team=cid, rank="DS", given_name="Dee"),
        "supervisor": make_person(roles=("officer", "supervisor"), rank="INSP", supervises=(response,)),
    }


@pytest.fixture
def major_change(content_tree, clock, db):
    """The page is published to its audience, then changes in a major way on 6 May 2026."""
    return ask_to_acknowledge(content_tree, clock, datetime(2026, 3, 2, 10, 0), datetime(2026, 5, 6, 9, 0))


def home(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_a_new_page_asks_nobody_until_a_major_change(client, login, people, content_tree, clock, db):
    rewrite(content_tree, "Bail periods: 28 days.", AUDIENCE)
    import_at(content_tree, clock, datetime(2026, 3, 2, 10, 0))
    rewrite(content_tree, "Bail periods: 28 days (typo).", AUDIENCE)
    import_at(content_tree, clock, datetime(2026, 3, 3, 10, 0))
    login(people["pc"])
    assert "Guidance to read and acknowledge" not in home(client)
    assert "I have read and understood" not in client.get("/guidance/golden-hour").get_data(as_text=True)


def test_the_audience_is_asked_after_a_major_change_and_acknowledges_that_version(client, login, people,
                                                                                  major_change, db):
    login(people["pc"])
    assert "Guidance to read and acknowledge" in home(client)
    assert "The bail periods now match the 2022 Act." in home(client)
    page = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "I have read and understood version 2" in page
    response = client.post("/guidance/golden-hour/acknowledge", follow_redirects=True)
    assert "you have confirmed you have read and understood version 2" in response.get_data(as_text=True)
    assert "Guidance to read and acknowledge" not in home(client)
    assert db.session.execute(sa.select(GuidanceAcknowledgement.person_id, GuidanceAcknowledgement.version)).all() \
        == [(people["pc"].id, 2)]
    # A second press (another tab) records nothing more.
    client.post("/guidance/golden-hour/acknowledge")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceAcknowledgement)) == 1


def test_pressing_the_button_in_four_tabs_at_once_records_and_queues_it_once(app, people, major_change, db,
                                                                            xapi_on):
    """Each tab's request in its own thread and database session, as a server runs them: no tab fails, and the
    acknowledgement and its xAPI statement are written once (on PostgreSQL the losers hit the unique index)."""
    page_id = db.session.scalar(sa.select(GuidancePage.id).where(GuidancePage.slug == "golden-hour"))
    person_id = people["pc"].id

    def press() -> None:
        acknowledge(db.session.get(GuidancePage, page_id), db.session.get(Person, person_id))

    assert at_once(app, db, press) == ["done"] * 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceAcknowledgement)) == 1
    assert verbs_of(queued()) == ["acknowledged"]


def test_someone_outside_the_audience_is_not_asked_and_cannot_acknowledge(client, login, people, major_change, db):
    login(people["sergeant"])  # a PS on a response team: neither the rank nor the team type is named
    assert "Guidance to read and acknowledge" not in home(client)
    client.post("/guidance/golden-hour/acknowledge")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceAcknowledgement)) == 0
    client.post("/logout")
    login(people["detective"])  # named by the team type
    assert "Guidance to read and acknowledge" in home(client)


def test_a_minor_change_asks_nobody_again_and_a_new_major_change_does(client, login, people, major_change, clock,
                                                                       db):
    login(people["pc"])
    client.post("/guidance/golden-hour/acknowledge")
    rewrite(major_change, "Bail periods: three months (typo fixed).", AUDIENCE + "change: minor\n")
    import_at(major_change, clock, datetime(2026, 6, 1, 9, 0))
    login(people["pc"])
    assert "Hello Pat" in home(client)
    assert "Guidance to read and acknowledge" not in home(client)
    rewrite(major_change, "Bail periods: three months, extendable.", AUDIENCE + "change: major\n"
            "change_note: Bail can now be extended by an inspector.\n")
    import_at(major_change, clock, datetime(2026, 7, 1, 9, 0))
    login(people["pc"])
    assert "Bail can now be extended by an inspector." in home(client)
    client.post("/guidance/golden-hour/acknowledge")
    assert sorted(db.session.scalars(sa.select(GuidanceAcknowledgement.version))) == [2, 4]


def report_rows(html: str) -> list[tuple[str, str]]:
    import re
    rows = re.findall(r'<td class="govuk-table__cell">([^<]+)</td>\s*<td class="govuk-table__cell">[^<]*</td>\s*'
                      r'<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--\w+">([^<]+)</strong>', html)
    return sorted((name, "yes" if state == "Yes" else "no") for name, state in rows)


def test_the_supervisors_report_and_csv_show_their_teams_only_and_agree(client, login, people, major_change, app):
    officer = app.test_client()
    login_client(officer, people["pc"])
    officer.post("/guidance/golden-hour/acknowledge")
    login(people["supervisor"])
    html = client.get("/guidance/acknowledgements/golden-hour").get_data(as_text=True)
    assert "0 of 1 people in your teams have not acknowledged" in html and "Response Team A" in html
    assert "CID North" not in html and people["detective"].name not in html  # not one of their teams
    assert report_rows(html) == [(people["pc"].name, "yes")]
    exported = list(csv.reader(io.StringIO(client.get("/guidance/acknowledgements/golden-hour/export.csv")
                                           .get_data(as_text=True))))
    assert exported[0][:5] == ["Team", "Service number", "Name", "Rank", "Acknowledged"]
    assert sorted((row[2], row[4]) for row in exported[1:]) == report_rows(html)


def test_an_officer_may_not_open_the_report(client, login, people, major_change):
    login(people["pc"])
    assert client.get("/guidance/acknowledgements/golden-hour").status_code == 403
    assert client.get("/guidance/acknowledgements/golden-hour/export.csv").status_code == 403


def test_a_reminder_goes_to_those_who_have_not_acknowledged_once_a_day(client, login, people, major_change, db,
                                                                        make_person, make_team):
    login(people["supervisor"])
    response = client.post("/guidance/acknowledgements/golden-hour/remind", follow_redirects=True)
    assert "Reminded 1 person by email." in response.get_data(as_text=True)
    client.post("/guidance/acknowledgements/golden-hour/remind")
    messages = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [(message.person_id, message.subject) for message in messages] == [
        (people["pc"].id, "Please read and acknowledge: The golden hour")]
    assert "The bail periods now match the 2022 Act." in messages[0].body_text


def login_client(client, person):
    from tests.conftest import PASSWORD
    client.post("/login", data={"email": person.email, "password": PASSWORD})


def test_the_home_page_asks_as_many_queries_before_and_after_acknowledging(client, login, people, major_change, db,
                                                                           count_queries):
    login(people["pc"])

    def measure() -> int:
        client.get("/")  # what is the same for everyone is kept after the first request
        db.session.remove()
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        return counter.count

    before = measure()
    client.post("/guidance/golden-hour/acknowledge")
    assert measure() == before
