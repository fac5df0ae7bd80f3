"""The sessions list loads what it shows and no more, in a fixed number of queries."""
from datetime import timedelta

from lms.people.models import Area
from lms.sessions.models import Venue
from tests.sessions_fixtures import course, make_session, trainer  # noqa: F401


def test_the_sessions_list_loads_no_trainer_roles_audiences_or_course_text(client, db, login, make_person, make_team,
                                                                          make_session, trainer, count_queries):
    team = make_team()
    officer = make_person(team=team)
    second = make_person(roles=("officer", "trainer", "admin"), family_name="Second")
    for day in range(1, 6):  # each with two trainers, in its own room and area, and for the officer's team
        make_session(starts_in=timedelta(days=day), trainers=[trainer, second], audience_teams=[team],
                     venue=Venue(name=f"Room {day}", address="High Street", capacity=8, area=Area(name=f"Area {day}")))
    login(officer)
    db.session.remove()
    with count_queries() as counter:
        page = client.get("/sessions/?area=0").get_data(as_text=True)  # every area: the sessions are in five
    assert page.count("Alex Second, Terry Trainer") == 5 and "Room 5, Area 5" in page
    assert not [s for s in counter.statements if "FROM role_grants" in s and "IN (?)" not in s
                and "IN (%(" not in s and "supervision_delegations" not in s
                and "device_sessions.token_hash" not in s]  # only the person's own roles, read as they sign in
    assert not [s for s in counter.statements if "intro_html" in s or "session_audience_teams_1" in s]
    # the device session with the person, their roles and their team (one query: the list opens on their area),
    # areas and courses for the filters, the sessions, their trainers, the person's bookings, the waiting counts
    # and the teams they may see (for the link to their team's bookings)
    assert counter.count == 8, counter.statements
