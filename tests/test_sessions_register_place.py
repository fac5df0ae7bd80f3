"""Issue 11.11 and the register's half of 11.9: marking someone brings the trainer back to that row (no JavaScript
needed) with a running count, and every row names the team's area (every area has a "Response Team A")."""
import re
from datetime import timedelta

from lms.courses.models import Course  # noqa: F401  (loaded first: lms.sessions and lms.courses import each other)
from lms.sessions import booking as booking_service
from tests.sessions_fixtures import course, make_session, trainer  # noqa: F401


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_marking_returns_to_the_row_just_marked_with_a_running_count(client, db, login, make_person, make_session,
                                                                     trainer):
    session = make_session(starts_in=timedelta(minutes=-30))
    officers = [make_person() for _ in range(3)]
    for officer in officers:
        booking_service.book(officer, session, officer, now=session.starts_at - timedelta(days=2))
    db.session.commit()
    login(trainer)
    page = _text(client.get(f"/sessions/{session.id}/register").get_data(as_text=True))
    assert "Marked 0 of 3, 3 to mark." in page
    response = client.post(f"/sessions/{session.id}/register/mark",
                           data={"person_id": officers[1].id, "status": "attended"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sessions/{session.id}/register#person-{officers[1].id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'id="person-{officers[1].id}"' in html
    assert "Marked 1 of 3, 2 to mark." in _text(html)


def test_the_register_names_each_teams_area(client, db, login, make_person, make_team, make_session, trainer):
    north, south = make_team("Response Team A", area="Northtown"), make_team("Response Team A", area="Southport")
    session = make_session(starts_in=timedelta(minutes=-30))
    for team in (north, south):
        officer = make_person(team=team)
        booking_service.book(officer, session, officer, now=session.starts_at - timedelta(days=2))
    db.session.commit()
    login(trainer)
    page = _text(client.get(f"/sessions/{session.id}/register").get_data(as_text=True))
    assert "Northtown – Response Team A" in page and "Southport – Response Team A" in page
    roster = _text(client.get(f"/sessions/{session.id}").get_data(as_text=True))
    assert "Northtown – Response Team A" in roster and "Southport – Response Team A" in roster
