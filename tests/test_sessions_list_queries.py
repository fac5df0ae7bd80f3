"""The sessions list loads what it shows and no more, in a fixed number of queries."""
import re
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
    client.get("/sessions/?area=0")  # the areas and courses to filter by are kept from here on
    db.session.remove()
    with count_queries() as counter:
        page = client.get("/sessions/?area=0").get_data(as_text=True)  # every area: the sessions are in five
    assert page.count("Alex Second, Terry Trainer") == 5 and "Room 5, Area 5" in page
    assert not [s for s in counter.statements if "FROM role_grants" in s and "IN (?)" not in s
                and "IN (%(" not in s and "supervision_delegations" not in s
                and "device_sessions.token_hash" not in s]  # only the person's own roles, read as they sign in
    assert not [s for s in counter.statements if "intro_html" in s or "session_audience_teams_1" in s]
    # the device session with the person, their roles, their team (the list opens on their area) and the
    # supervisors lending them teams (for the link to their team's bookings), in one query; the sessions; their
    # seats (the person's own and the waiting counts); their trainers
    assert counter.count == 4, counter.statements


def test_an_area_added_is_in_the_filter_at_the_next_view(client, db, login, make_person, make_session, count_queries):
    login(make_person())
    make_session()
    client.get("/sessions/")
    with count_queries() as kept:
        assert "Zedshire" not in client.get("/sessions/").get_data(as_text=True)
    assert not [statement for statement in kept.statements if "FROM areas" in statement]
    make_session(starts_in=timedelta(days=6), venue=Venue(name="Room 9", address="High Street", capacity=8,
                                                          area=Area(name="Zedshire")))
    page = client.get("/sessions/").get_data(as_text=True)
    assert re.search(r'<option value="\d+">Zedshire</option>', page)
