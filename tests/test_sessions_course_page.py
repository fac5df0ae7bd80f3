"""The course page's session panel: the officer's booking or waiting-list place, the session they attended, or the
next sessions of the course they can book."""
import re
from datetime import timedelta

from lms.people.models import Area
from lms.sessions import booking as booking_service
from lms.sessions import register
from lms.sessions.models import Venue
from tests.sessions_fixtures import bookings, course, make_session, trainer, venue  # noqa: F401

PAGE = "/courses/investigation-masterclass/"


def _panel(client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = re.search(r'<h2 class="govuk-heading-m" id="course-session">.*?(?=<h2 |</div>\s*<aside)', page, re.S)
    assert match, "no session panel"
    return match.group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_officer_without_a_booking_sees_the_next_three_sessions_open_to_them(client, db, login, make_person,
                                                                               make_team, make_session, venue,
                                                                               course):
    mine, theirs = make_team("Response A", area="Northtown"), make_team("Response B", area="Southport")
    officer = make_person(team=mine)
    full = make_session(starts_in=timedelta(days=2), capacity=1, venue=venue)
    other = make_person()
    booking_service.book(other, full, other)
    make_session(starts_in=timedelta(days=3), audience_teams=[theirs], trainers=[])
    later = [make_session(starts_in=timedelta(days=day), trainers=[]) for day in (4, 5, 6)]
    db.session.commit()
    login(officer)
    panel = _panel(client)
    linked = re.findall(r'href="/sessions/(\d+)"', panel)
    assert linked == [str(full.id), str(later[0].id), str(later[1].id)]  # soonest first, others' team left out
    text = _text(panel)
    assert "Full You can join the waiting list." in text and "Northtown training room" in text
    assert text.count("8 seats left") == 2
    assert f'href="/sessions/?course={course.id}"' in panel


def test_a_booked_officer_sees_their_session_and_how_to_cancel_it(client, db, login, make_person, make_session,
                                                                  venue):
    officer = make_person()
    session = make_session(starts_in=timedelta(days=5), venue=venue)
    make_session(starts_in=timedelta(days=6), trainers=[])
    booking_service.book(officer, session, officer)
    db.session.commit()
    login(officer)
    panel = _panel(client)
    text = _text(panel)
    assert "Booked" in text and "Northtown training room, 1 High Street, Northtown" in text
    [booking] = bookings(db, session)
    assert re.findall(r'href="(/sessions/[^"]+)"', panel) == [f"/sessions/{session.id}",
                                                               f"/sessions/bookings/{booking.id}/cancel"]
    assert "Cancel your booking" in text


def test_after_the_deadline_the_panel_no_longer_offers_to_cancel(client, db, login, make_person, make_session):
    officer = make_person()
    session = make_session(starts_in=timedelta(days=2))
    booking_service.book(officer, session, officer)
    session.booking_deadline_at = session.starts_at - timedelta(days=3)
    db.session.commit()
    login(officer)
    text = _text(_panel(client))
    assert "You are booked on the session" in text and "online" in text
    assert "Cancel" not in text


def test_an_officer_on_the_waiting_list_sees_their_place(client, db, login, make_person, make_session):
    session = make_session(capacity=1)
    first, second, officer = make_person(), make_person(), make_person()
    for person in (first, second, officer):
        booking_service.book(person, session, person)
    db.session.commit()
    login(officer)
    text = _text(_panel(client))
    assert "Waiting list" in text and "You are number 2 on the waiting list" in text
    assert "Leave the waiting list" in text


def test_an_officer_who_attended_sees_it_and_is_not_offered_more(client, db, login, make_person, make_session,
                                                                  trainer):
    officer = make_person()
    held = make_session(starts_in=timedelta(hours=-3))
    booking_service.book(trainer, held, officer, now=held.starts_at - timedelta(days=1))
    register.mark(trainer, held, officer, "attended", now=held.ends_at)
    make_session(starts_in=timedelta(days=4), trainers=[])
    db.session.commit()
    login(officer)
    panel = _panel(client)
    assert "Attended" in panel and "You attended the session on" in panel
    assert "seats left" not in panel


def test_a_course_without_a_session_in_its_rule_has_no_panel(client, db, login, make_person, make_session, course):
    course.completion = ["modules"]
    db.session.commit()
    make_session()
    login(make_person())
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="course-session"' not in page and "/sessions/" not in page.split('id="main-content"')[1]


def test_the_course_page_takes_the_same_queries_however_many_sessions_and_people_waiting(
        client, db, login, make_person, make_session, count_queries):
    officer = make_person()
    login(officer)
    counts = {}
    make_session(starts_in=timedelta(days=1))
    _panel(client)  # the course's modules, which are content, are kept from then on
    with count_queries() as counter:
        _panel(client)
    counts["one session"] = counter.count
    for day in range(2, 12):  # each in its own room and area: the panel names both
        make_session(starts_in=timedelta(days=day), trainers=[], venue=Venue(
            name=f"Room {day}", address="High Street", capacity=8, area=Area(name=f"Area {day}")))
    with count_queries() as counter:
        _panel(client)
    counts["eleven sessions"] = counter.count
    assert counts["one session"] == counts["eleven sessions"], counts

    session = make_session(starts_in=timedelta(days=20), capacity=1, trainers=[])
    ahead = [make_person() for _ in range(6)]
    for person in ahead[:1] + [officer]:
        booking_service.book(person, session, person)
    db.session.commit()
    with count_queries() as few:
        assert "number 1 on the waiting list" in _panel(client)
    waiting = booking_service.live_booking_for_course(officer.id, session.course_id)
    booking_service.cancel(officer, waiting)
    for person in ahead[1:] + [officer]:
        booking_service.book(person, session, person)
    db.session.commit()
    with count_queries() as many:
        assert "number 6 on the waiting list" in _panel(client)
    assert few.count == many.count <= counts["one session"] + 2, (few.count, many.count, counts)
