"""Issue 11.9: the sessions list opens on the officer's own area with all areas a tap away, the check-in code field
is not "corrected" by a phone, and the calendar address can be subscribed to in one tap or copied."""
import re
from datetime import timedelta

from lms.courses.models import Course  # noqa: F401  (loaded first: lms.sessions and lms.courses import each other)
from lms.people.models import Area
from lms.sessions.models import Venue
from tests.sessions_fixtures import course, make_session, trainer  # noqa: F401


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_list_opens_on_the_officers_own_area_and_all_areas_is_one_link_away(client, db, login, make_person,
                                                                                make_team, make_session):
    team = make_team("Response Team A", area="Northtown")
    south = Area(name="Southport")
    db.session.add(south)
    rooms = [Venue(name="Northtown room", address="1 High St", capacity=10, area=team.area),
             Venue(name="Southport room", address="2 Quay", capacity=10, area=south)]
    db.session.add_all(rooms)
    db.session.commit()
    near, far = (make_session(venue=room, starts_in=timedelta(days=days), trainers=[])
                 for room, days in zip(rooms, (3, 4)))
    online = make_session(starts_in=timedelta(days=5), trainers=[])
    login(make_person(team=team))
    html = client.get("/sessions/").get_data(as_text=True)
    assert f'/sessions/{near.id}"' in html and f'/sessions/{online.id}"' in html
    assert f'/sessions/{far.id}"' not in html
    assert "2 sessions you can book in Northtown" in _text(html)
    link = re.search(r'<a class="govuk-link" href="([^"]+)">Show sessions in all areas</a>', html).group(1)
    everywhere = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert all(f'/sessions/{s.id}"' in everywhere for s in (near, far, online))
    assert "Show sessions in all areas" not in everywhere


def test_the_check_in_code_field_is_not_capitalised_or_corrected(client, login, make_person):
    login(make_person())
    html = client.get("/sessions/check-in").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="code"[^>]*>', html).group(0)
    for attribute in ('autocapitalize="off"', 'autocorrect="off"', 'spellcheck="false"', 'autocomplete="off"'):
        assert attribute in field


def test_the_calendar_address_has_a_one_tap_webcal_link_and_a_copy_button(client, login, make_person):
    login(make_person())
    html = client.post("/sessions/mine/calendar-feed").get_data(as_text=True)  # shown once, in this answer
    address = re.search(r'id="feed-url" aria-describedby="feed-url-hint" readonly value="([^"]+)"', html).group(1)
    assert address.startswith("http")
    webcal = re.search(r'<a class="govuk-link" href="(webcal://[^"]+)">Subscribe in my calendar app</a>', html)
    assert webcal and webcal.group(1) == "webcal://" + address.split("://", 1)[1]
    assert 'data-copy="feed-url"' in html and "/static/js/copy.js" in html
