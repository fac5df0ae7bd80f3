"""The home page that is yours: an officer's courses, next session and offered seat first; a trainer's sessions
and registers; a supervisor's teams at a glance; recent guidance changes; and a constant number of queries."""
import re
from datetime import timedelta

import sqlalchemy as sa

import lms.models  # noqa: F401  (the domains in the order they import each other)
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Person, Team
from lms.sessions.models import TrainingSession, session_trainers
from lms.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.reports_support import attempt, book, complete, course, force, read_modules, set_due  # noqa: F401


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_officer_sees_each_required_course_with_its_status_due_date_and_next_step(client, login, force, course):
    set_due(course, default="2026-01-31")
    login(force.officer_a)
    page = text(home(client))
    assert "Your courses" in page and "Witness basics" in page
    assert "Overdue due 31 January 2026" in page or "Overdue due 31 Jan 2026" in page
    assert "Next: Read module 1" in page


def login_as(client, person):
    client.post("/login", data={"email": person.email, "password": PASSWORD})


def test_an_officer_sees_their_next_booked_session_and_waiting_place(client, login, force, course, app):
    later = book(force.officer_a, course, days_ahead=9)
    login(force.officer_a)
    page = text(home(client))
    assert "Booked: Witness basics" in page and f'href="/sessions/{later.id}"' in home(client)
    other = force.officer(given_name="Wes")
    book(other, course, days_ahead=3, status="waiting")
    client = app.test_client()
    login_as(client, other)
    assert "On the waiting list: Witness basics" in text(home(client))
    assert "A seat is free for you" not in text(home(client))


def test_an_offered_seat_is_the_first_thing_an_officer_sees(client, login, force, course, app):
    session = book(force.officer_a, course, days_ahead=0.2, status="waiting")
    session.capacity, session.seats_taken = 8, 3  # a seat is free and the promotion cut-off has passed
    db.session.commit()
    login(force.officer_a)
    html = home(client)
    assert "A seat is free for you" in html
    assert html.index("A seat is free for you") < html.index("Your courses")
    assert f'href="/sessions/{session.id}#your-booking"' in html


def test_a_trainer_sees_their_next_sessions_and_the_registers_to_take(client, login, force, course, make_person,
                                                                     app):
    trainer = make_person(roles=("officer", "trainer"), given_name="Tia")
    now = utcnow().replace(microsecond=0)
    today = TrainingSession(course_id=course.id, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=1),
                            online_url="https://meet.example/a", capacity=8)
    soon = TrainingSession(course_id=course.id, starts_at=now + timedelta(days=4), ends_at=now + timedelta(days=4, hours=2),
                           online_url="https://meet.example/b", capacity=8)
    not_mine = TrainingSession(course_id=course.id, starts_at=now + timedelta(days=2),
                               ends_at=now + timedelta(days=2, hours=2), online_url="https://meet.example/c", capacity=8)
    db.session.add_all([today, soon, not_mine])
    db.session.flush()
    db.session.execute(sa.insert(session_trainers), [{"session_id": today.id, "person_id": trainer.id},
                                                     {"session_id": soon.id, "person_id": trainer.id}])
    db.session.commit()
    login(trainer)
    html = home(client)
    assert f'href="/sessions/{today.id}/register"' in html
    assert f'href="/sessions/{soon.id}/register"' not in html
    assert f'href="/sessions/{soon.id}"' in html and f'href="/sessions/{not_mine.id}"' not in html
    client = app.test_client()
    login_as(client, force.officer_a)
    assert "Sessions you run" not in home(client)


def test_a_supervisor_sees_their_teams_at_a_glance_with_links_into_the_reports(client, login, force, course, app):
    set_due(course, default="2027-06-30", PS="2026-01-31")
    complete(force.officer(given_name="Cat"), course)
    book(force.officer(given_name="Dan"), course)
    login(force.sergeant_a)
    html = home(client)
    row = re.search(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*>.*?</tr>", html, re.S).group(0)
    cells = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert "Response Team A" in row and f'href="/reports/?team={force.team_a.id}"' in row
    # Sarah herself (a sergeant, overdue), Amy (not started), Cat (complete), Dan (booked)
    assert [text(cell).strip() for cell in cells] == ["4", "1 of 4", "1 overdue in Response Team A", "1"]
    assert f'href="/reports/?status=overdue&amp;team={force.team_a.id}"' in row
    assert "Response Team B" not in html
    client = app.test_client()
    login_as(client, force.officer_a)
    assert "Your teams at a glance" not in home(client)


def test_recent_guidance_changes_are_listed(client, login, force, synced_content):
    login(force.officer_a)
    html = home(client)
    assert "Recent guidance changes" in html
    changes = re.findall(r'<li><a class="govuk-link" href="/guidance/([\w-]+)">', html)
    assert sorted(changes) == ["golden-hour", "scene-preservation", "victim-updates"]


def test_the_home_page_runs_the_same_number_of_queries_however_much_data(client, force, course, count_queries,
                                                                          make_person):
    email, team_id, course_id = force.sergeant_a.email, force.team_a.id, course.id

    def measure() -> int:
        client.post("/login", data={"email": email, "password": PASSWORD})
        client.get("/")  # the guidance topics are rendered once and kept until the content changes
        db.session.remove()
        with count_queries() as counter:
            assert client.get("/").status_code == 200
        return counter.count

    small = measure()
    team, witness_basics = db.session.get(Team, team_id), db.session.get(Course, course_id)
    for number in range(6):
        officer = make_person(team=team, given_name=f"Extra{number}")
        read_modules(officer, witness_basics, count=1)
        attempt(officer, witness_basics, passed=number % 2 == 0)
    sergeant = db.session.scalar(sa.select(Person).where(Person.email == email))
    book(sergeant, witness_basics, days_ahead=3, status="waiting")
    book(make_person(team=team, given_name="Booked"), witness_basics, days_ahead=4)
    large = measure()
    assert large == small, f"{small} queries with little data, {large} with more"
    print("home page queries:", small)
    assert small <= 25, small


def test_a_page_changed_twice_is_listed_once_among_the_recent_changes(client, login, force, content_tree, clock):
    """Each revision was a line: a page changed twice showed twice ("updated 30 November" both times)."""
    from tests.guidance_support import import_at, rewrite

    start = utcnow()
    import_at(content_tree, clock, start)
    for day, body in ((1, "The first change."), (2, "The second change.")):
        rewrite(content_tree, body)
        import_at(content_tree, clock, start + timedelta(days=day))
    login(force.officer_a)
    changes = re.findall(r'<li><a class="govuk-link" href="/guidance/([\w-]+)">[^<]*</a> <span class="lms-muted">(\w+)',
                         home(client))
    assert changes[0] == ("golden-hour", "updated")
    assert sorted(slug for slug, _ in changes) == ["golden-hour", "scene-preservation", "victim-updates"]
