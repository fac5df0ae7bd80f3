"""Issue 11.3: a trainer's "Move" starts with "Choose a session", lists only the course's sessions still to come with
their date, area and seats left, asks before moving, and the person is emailed."""
import re
from datetime import timedelta

from lms.courses.models import Course
from lms.people.models import Area
from lms.sessions import booking as booking_service
from lms.sessions.models import Venue
from tests.sessions_fixtures import bookings, course, make_session, outbox, trainer  # noqa: F401


def _setup(db, make_person, make_session, trainer):
    area = Area(name="Southport")
    db.session.add(area)
    room = Venue(name="Southport hub", address="2 Quay", capacity=10, area=area)
    other_course = Course(slug="other", title="Interviewing victims", summary="", audience="")
    db.session.add_all([room, other_course])
    db.session.commit()
    officer = make_person()
    first = make_session()
    target = make_session(starts_in=timedelta(days=14), venue=room, capacity=3, trainers=[])
    make_session(starts_in=timedelta(days=-3), trainers=[])  # over: not a place to move anyone
    make_session(starts_in=timedelta(days=9), trainers=[], is_cancelled=True)
    make_session(starts_in=timedelta(days=10), trainers=[], for_course=other_course)
    held = booking_service.book(trainer, first, officer)
    db.session.commit()
    return officer, first, target, held


def test_the_move_list_starts_with_choose_and_names_date_area_and_seats(client, db, login, make_person,
                                                                        make_session, trainer):
    officer, first, target, held = _setup(db, make_person, make_session, trainer)
    login(trainer)
    page = client.get(f"/sessions/{first.id}").get_data(as_text=True)
    select = re.search(rf'<select[^>]*id="move-{held.id}".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
    assert options[0] == ("", " selected", "Choose a session")
    assert [value for value, _, _ in options[1:]] == [str(target.id)]  # not the past, cancelled or other course's
    assert "Southport hub (Southport), 3 seats left" in options[1][2]


def test_move_asks_first_and_changes_nothing_until_confirmed(client, db, login, make_person, make_session,
                                                              trainer):
    officer, first, target, held = _setup(db, make_person, make_session, trainer)
    login(trainer)
    response = client.get(f"/sessions/bookings/{held.id}/move?target_id={target.id}")
    page = response.get_data(as_text=True)
    assert f"Move {officer.name}?" in page and "Yes, move them" in page and "3 seats left" in page
    assert [b.status for b in bookings(db, first)] == ["booked"] and bookings(db, target) == []
    unchosen = client.get(f"/sessions/bookings/{held.id}/move?target_id=", follow_redirects=True)
    assert "Choose a session to move them to." in unchosen.get_data(as_text=True)
    assert [b.status for b in bookings(db, first)] == ["booked"]


def test_a_confirmed_move_moves_and_emails_the_person(client, db, login, make_person, make_session, trainer):
    officer, first, target, held = _setup(db, make_person, make_session, trainer)
    login(trainer)
    response = client.post(f"/sessions/bookings/{held.id}/move", data={"target_id": target.id},
                           follow_redirects=True)
    assert "We have emailed them." in response.get_data(as_text=True)
    assert [b.status for b in bookings(db, first)] == ["cancelled"]
    assert [(b.person_id, b.status) for b in bookings(db, target)] == [(officer.id, "booked")]
    moved_from = [m for m in outbox(db, "booking_cancelled", officer)]
    assert len(moved_from) == 1 and "You have been moved from this session" in moved_from[0].body_text
    assert len(outbox(db, "booking_confirmed", officer)) == 2  # the first booking, then the new one


def test_a_past_cancelled_or_other_course_session_is_refused_as_a_target(client, db, login, make_person,
                                                                         make_session, trainer):
    officer, first, target, held = _setup(db, make_person, make_session, trainer)
    login(trainer)
    refused = [s for s in db.session.query(type(first)).all() if s.id not in (first.id, target.id)]
    assert len(refused) == 3
    for session in refused:
        response = client.post(f"/sessions/bookings/{held.id}/move", data={"target_id": session.id},
                               follow_redirects=True)
        assert "Choose a session to move them to." in response.get_data(as_text=True)
    assert [b.status for b in bookings(db, first)] == ["booked"]
