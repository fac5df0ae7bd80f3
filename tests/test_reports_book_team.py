"""A supervisor books several officers of their teams onto a session in one step: they confirm first, each officer
is emailed, the waiting list applies as usual, and the result says who got a seat, who is waiting and who was not
booked and why. No one outside their teams can be booked, whatever the form says."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.people.models import Area
from lms.reports.models import Delegation
from lms.extensions import db
from lms.sessions.models import Booking, TrainingSession, Venue
from lms.timeutil import today_london, utcnow
from tests.conftest import PASSWORD
from tests.courses_support import csrf_client_signed_in
from tests.reports_support import book, complete, course, flash_text, force  # noqa: F401
from tests.sessions_fixtures import outbox


def _venue(name: str, area_name: str) -> Venue:
    venue = Venue(name=name, address=f"1 High Street, {area_name}", capacity=12,
                  area=db.session.scalar(sa.select(Area).where(Area.name == area_name)))
    db.session.add(venue)
    db.session.commit()
    return venue


def _session(course, days: float, capacity: int = 8, venue: Venue | None = None, **fields):
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=days)
    session = TrainingSession(course_id=course.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                              capacity=capacity, venue=venue,
                              online_url=None if venue else "https://meet.example/room", **fields)
    db.session.add(session)
    db.session.commit()
    return session


def _live(session=None) -> list[tuple[str, str]]:
    db.session.expire_all()
    stmt = sa.select(Booking).where(Booking.status.in_(("booked", "waiting"))).order_by(Booking.id)
    if session is not None:
        stmt = stmt.where(Booking.session_id == session.id)
    return [(booking.person.name, booking.status) for booking in db.session.scalars(stmt)]


@pytest.fixture
def team(db, force, course):
    """Three officers of team A with no booking, one already booked, one complete."""
    people = [force.officer(given_name=name, family_name="Able") for name in ("Cath", "Dan", "Eve")]
    book(force.officer(given_name="Fred", family_name="Booked"), course, days_ahead=20)
    complete(force.officer(given_name="Gill", family_name="Done"), course)
    return people


def test_a_supervisor_books_several_officers_in_one_step_and_the_waiting_list_applies(client, login, db, force,
                                                                                        course, team):
    session = _session(course, 10, capacity=2)
    login(force.sergeant_a)
    assert "Book officers of these teams onto a session" in client.get("/reports/matrix").get_data(as_text=True)
    page = client.get("/reports/book").get_data(as_text=True)
    for name in ("Cath Able", "Dan Able", "Eve Able", "Amy Able"):
        assert name in page
    assert "Fred Booked" not in page and "Gill Done" not in page  # booked already, and complete
    chosen = {"person_ids": [person.id for person in team], "session": str(session.id)}

    confirm = client.post("/reports/book", data=chosen).get_data(as_text=True)
    assert "Book 3 officers in?" in confirm and "Cath Able, Dan Able, Eve Able" in confirm
    assert "1 will go on the waiting list" in flash_text(confirm)
    assert _live(session) == [] and outbox(db) == []  # nothing happens before the confirm

    done = client.post("/reports/book", data={**chosen, "confirmed": "1"}, follow_redirects=True)
    text = flash_text(done.get_data(as_text=True))
    assert done.status_code == 200
    assert "Got a seat (2) Cath Able Dan Able" in text and "On the waiting list (1) Eve Able" in text
    assert "Not booked (0)" in text
    assert _live(session) == [("Cath Able", "booked"), ("Dan Able", "booked"), ("Eve Able", "waiting")]
    assert sorted((m.kind, m.person_id) for m in outbox(db)) == sorted(
        [("booking_confirmed", team[0].id), ("booking_confirmed", team[1].id), ("waiting_list", team[2].id)])


def test_refreshing_the_result_shows_it_again_and_books_no_one_twice(app, client, login, db, force, course, team):
    """The confirm POST redirects to the result, so the browser's refresh asks for the result page, not the POST."""
    session = _session(course, 10)
    login(force.sergeant_a)
    chosen = {"person_ids": [team[0].id], "session": str(session.id), "confirmed": "1"}
    posted = client.post("/reports/book?rank=PC", data=chosen)
    assert posted.status_code == 302
    assert posted.headers["Location"] == "/reports/book/done?rank=PC"
    for _ in range(2):  # the page, then the refresh
        text = flash_text(client.get(posted.headers["Location"]).get_data(as_text=True))
        assert "Got a seat (1) Cath Able" in text and "Not booked (0)" in text
    assert _live(session) == [("Cath Able", "booked")] and len(outbox(db)) == 1
    # another browser has no result to show, so it is sent to the booking page
    other = app.test_client()
    other.post("/login", data={"email": force.sergeant_a.email, "password": PASSWORD})
    assert other.get("/reports/book/done").headers["Location"] == "/reports/book"


def test_who_a_rule_refuses_is_named_with_the_reason_and_the_rest_are_booked(client, login, db, force, course,
                                                                            team):
    elsewhere = _session(course, 5)
    session = _session(course, 10)
    login(force.sergeant_a)
    page = "/reports/book"
    # Cath is booked on another session of the course after the supervisor opened the page
    client.post(page, data={"person_ids": [team[0].id], "session": str(elsewhere.id), "confirmed": "1"})
    done = client.post(page, data={"person_ids": [p.id for p in team], "session": str(session.id),
                                   "confirmed": "1"}, follow_redirects=True)
    text = flash_text(done.get_data(as_text=True))
    assert "Got a seat (2) Dan Able Eve Able" in text
    assert "Not booked (1) Cath Able: Cath Able already has a place on the session on" in text
    assert _live(session) == [("Dan Able", "booked"), ("Eve Able", "booked")]


def test_the_next_session_with_seats_in_my_area_is_settled_before_confirming(client, login, db, force, course,
                                                                            team):
    north, south = _venue("Northtown station", "Northtown"), _venue("Southport station", "Southport")
    _session(course, 3, venue=south)  # sooner, but not in the sergeant's area
    full = _session(course, 4, capacity=1, venue=north, seats_taken=1)
    chosen = _session(course, 6, venue=north)
    _session(course, 8, venue=north)
    db.session.commit()
    assert full.seats_left == 0
    login(force.sergeant_a)
    assert "The next session with seats in my area" in client.get("/reports/book").get_data(as_text=True)
    confirm = client.post("/reports/book", data={"person_ids": [team[1].id], "session": "next"})
    assert f'name="session" value="{chosen.id}"' in confirm.get_data(as_text=True)
    assert "Northtown station (Northtown)" in confirm.get_data(as_text=True)
    client.post("/reports/book", data={"person_ids": [team[1].id], "session": str(chosen.id), "confirmed": "1"})
    assert _live(chosen) == [("Dan Able", "booked")]


def test_no_one_outside_the_supervisors_teams_can_be_booked_by_editing_the_form(client, login, db, force, course,
                                                                               team):
    session = _session(course, 10)
    login(force.sergeant_a)
    response = client.post("/reports/book", data={"person_ids": [team[0].id, force.officer_b.id],
                                                  "session": str(session.id), "confirmed": "1"})
    assert response.status_code == 400
    assert _live(session) == [] and outbox(db) == []
    # nor by asking for the other team in the filters
    assert client.get(f"/reports/book?team={force.team_b.id}").status_code == 404


def test_an_officer_cannot_book_a_team_in(client, login, force, course, team):
    login(force.officer_a)
    assert client.get("/reports/book").status_code == 403


def test_booking_a_team_in_needs_the_forms_csrf_token(app, monkeypatch, db, force, course, team):
    session = _session(course, 10)
    client = csrf_client_signed_in(app, monkeypatch, force.sergeant_a)
    response = client.post("/reports/book", data={"person_ids": [team[0].id], "session": str(session.id),
                                                  "confirmed": "1"})
    assert response.status_code == 400
    assert _live(session) == []


def test_the_booking_page_takes_the_same_queries_however_many_officers(client, login, db, force, course,
                                                                        count_queries):
    for days in (5, 10, 15):
        _session(course, days)
    login(force.sergeant_a)
    client.get("/reports/book")  # what is kept of the content (the courses' modules) is kept from then on
    counts = []
    for extra in (2, 30):
        for n in range(extra):
            force.officer(given_name=f"Many{extra}x{n}", family_name="Officer")
        with count_queries() as counter:
            assert client.get("/reports/book").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_an_acting_supervisor_books_in_the_team_lent_to_them(client, login, db, force, course, team):
    acting = force.officer(team=force.team_b, given_name="Alex", family_name="Acting")
    today = today_london()
    db.session.add(Delegation(from_person_id=force.sergeant_a.id, to_person_id=acting.id, starts_on=today,
                              ends_on=today + timedelta(days=7)))
    db.session.commit()
    session = _session(course, 10)
    login(acting)
    assert "Cath Able" in client.get("/reports/book").get_data(as_text=True)
    done = client.post("/reports/book", data={"person_ids": [team[0].id], "session": str(session.id),
                                              "confirmed": "1"}, follow_redirects=True)
    assert "Got a seat (1) Cath Able" in flash_text(done.get_data(as_text=True))
    assert _live(session) == [("Cath Able", "booked")]


def test_the_matrixs_filters_carry_over_to_the_officers_offered(client, login, db, force, course, team):
    _session(course, 10)
    force.officer(given_name="Dora", family_name="Detective", rank="DC")
    login(force.sergeant_a)
    matrix = client.get("/reports/matrix?rank=DC").get_data(as_text=True)
    assert "/reports/book?rank=DC" in matrix
    page = client.get("/reports/book?rank=DC").get_data(as_text=True)
    assert "Dora Detective" in page and "Cath Able" not in page


def test_more_officers_than_a_go_allows_are_refused_with_a_message_and_no_one_is_booked(client, login, db, force,
                                                                                       course):
    from lms.reports.forms import TEAM_BOOKING_MAX

    people = [force.officer(given_name=f"Many{number}") for number in range(TEAM_BOOKING_MAX + 1)]
    session = _session(course, 10)
    login(force.sergeant_a)
    chosen = {"person_ids": [person.id for person in people], "session": str(session.id), "confirmed": "1"}
    refused = client.post("/reports/book", data=chosen)
    assert refused.status_code == 400
    assert (f"Choose at most {TEAM_BOOKING_MAX} officers at a time (you chose {TEAM_BOOKING_MAX + 1})"
            in refused.get_data(as_text=True))
    assert _live(session) == [] and outbox(db) == []
    chosen["person_ids"] = chosen["person_ids"][:TEAM_BOOKING_MAX]
    done = client.post("/reports/book", data=chosen)
    assert done.status_code == 302 and len(_live(session)) == TEAM_BOOKING_MAX  # 8 seats, the rest waiting
    # all of them again, onto another session: each refused with a reason naming them, and the result the browser
    # is sent to (kept in the session cookie) still fits in a cookie
    again = client.post("/reports/book", data={**chosen, "session": str(_session(course, 12).id)})
    assert again.status_code == 302 and len(again.headers["Set-Cookie"]) < 4000
    result = flash_text(client.get(again.headers["Location"]).get_data(as_text=True))
    assert f"Not booked ({TEAM_BOOKING_MAX})" in result and "Many59 Tester" in result
