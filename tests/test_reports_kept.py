"""The reports keep the statuses they worked out (lms.completion.cache) until training data changes or time does:
every write that can change a status shows at the next request, and so does a due date passing."""
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from lms.courses.models import QuizAttempt, QuizVersion
from lms.extensions import db
from lms.people.models import Person, Team
from lms.sessions.models import Attendance, Booking
from lms.timeutil import from_london, today_london, utcnow
from tests.reports_support import (attempt, book, course, force, page_tables, read_modules,  # noqa: F401
                                   session_of, set_due)

LATER = "2099-01-01"


def matrix_row(client, name: str) -> list[str]:
    """The officer's row of the matrix: name, service number, rank, team, area, then the course's status."""
    page = client.get("/reports/matrix").get_data(as_text=True)
    return next(row for _, table in page_tables(page) for row in table[1:] if row[0] == name)


@pytest.fixture
def watching(client, login, force, course):
    """The admin looking at the force matrix, with Amy yet to start a course due in 2099; the statuses kept."""
    set_due(course, default=LATER)
    login(force.admin)
    assert matrix_row(client, "Amy Able")[5] == "Not started due 1 January 2099"
    return lambda: matrix_row(client, "Amy Able")


def register(person, course, status):
    session = session_of(course, utcnow() - timedelta(days=2))
    db.session.add(Attendance(session_id=session.id, person_id=person.id, status=status, is_walk_in=True))
    db.session.commit()


def open_attempt(person, course):
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                             QuizVersion.is_current.is_(True)))
    db.session.add(QuizAttempt(person_id=person.id, course_id=course.id, version_id=version.id, started_at=utcnow(),
                               pass_mark=course.pass_mark, points=0))
    db.session.commit()


def core_update(table, where, **values):
    """A Core UPDATE statement, as the roster import and other bulk writes make them (no ORM flush)."""
    db.session.execute(sa.update(table).where(where).values(**values))
    db.session.commit()


WRITES = {
    "a module read": (lambda force, course: read_modules(force.officer_a, course, count=1), "In progress"),
    "a quiz attempt": (lambda force, course: attempt(force.officer_a, course, passed=False), "In progress"),
    "a booking": (lambda force, course: book(force.officer_a, course), "Booked"),
    "the register": (lambda force, course: register(force.officer_a, course, "attended"), "In progress"),
    "a rank with its own due date (Core)": (
        lambda force, course: (set_due(course, default=LATER, DC="2020-01-01"),
                               core_update(Person.__table__, Person.id == force.officer_a.id, rank="DC")),
        "Overdue"),
    "a course's due date": (lambda force, course: set_due(course, default="2020-01-01"), "Overdue"),
}


@pytest.mark.parametrize("kind", WRITES)
def test_a_write_shows_on_the_matrix_at_the_next_request(watching, force, course, kind):
    write, expected = WRITES[kind]
    assert watching()[5].startswith("Not started")  # as kept
    write(force, course)
    assert watching()[5].startswith(expected)


def test_people_and_teams_written_in_bulk_show_at_the_next_request(watching, client, force):
    core_update(Team.__table__, Team.id == force.team_a.id, name="Response Team Alpha")
    assert watching()[3] == "Response Team Alpha"
    assert ">Response Team Alpha</option>" in client.get("/reports/matrix").get_data(as_text=True)  # the filter
    core_update(Person.__table__, Person.id == force.officer_a.id, is_active_account=False)
    with pytest.raises(StopIteration):  # a deactivated officer leaves the reports
        watching()


def test_a_roster_import_shows_at_the_next_request(watching, force, runner, tmp_path):
    amy = force.officer_a
    path = tmp_path / "roster.csv"
    path.write_text("service_number,given_name,family_name,email,rank,team,area\n"
                    f"{amy.service_number},Amy,Able,{amy.email},DC,Response Team A,Northtown\n", encoding="utf-8")
    assert watching()[2] == "Police Constable"
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert watching()[2] == "Detective Constable"


def test_a_write_made_on_another_connection_shows_at_the_next_request(watching, force, course):
    """Another worker process writes on a connection of its own; the version it bumps lives in the database."""
    values = {"session_id": book(force.officer_b, course).id, "person_id": force.officer_a.id,
              "course_id": course.id, "status": "waiting"}
    db.session.rollback()  # so the test's own session holds no lock
    with db.engine.begin() as connection:
        connection.execute(sa.insert(Booking.__table__).values(values))
    assert watching()[5].startswith("In progress")


def test_a_due_date_passing_changes_the_status_with_nothing_written(watching, login, force, course, clock):
    midnight = from_london(today_london() + timedelta(days=1), time(0))
    clock.move_to(midnight - timedelta(minutes=1))
    login(force.admin)
    set_due(course, default=today_london().isoformat())
    assert watching()[5].startswith("Not started due")
    clock.advance(timedelta(minutes=2))
    assert watching()[5].startswith("Overdue")


def pass_time(watching, clock, until):
    """Move the clock on to `until`, looking at the matrix every half hour (so the sign-in stays alive)."""
    while utcnow() < until:
        clock.move_to(min(until, utcnow() + timedelta(minutes=30)))
        watching()


def test_a_booked_session_ending_or_an_attempt_left_open_changes_the_status(app, watching, force, course, clock,
                                                                           monkeypatch):
    ends_at = book(force.officer_a, course, days_ahead=0.01).ends_at
    db.session.rollback()  # the test's session holds no lock while the pages write
    assert watching()[5].startswith("Booked")
    pass_time(watching, clock, ends_at - timedelta(minutes=1))
    assert watching()[5].startswith("Booked")
    clock.advance(timedelta(minutes=2))
    assert watching()[5].startswith("Not started")
    monkeypatch.setitem(app.config, "QUIZ_ABANDON_AFTER_HOURS", 1)
    open_attempt(force.officer_a, course)
    assert watching()[5].startswith("In progress")
    pass_time(watching, clock, utcnow() + timedelta(minutes=59))
    assert watching()[5].startswith("In progress")
    clock.advance(timedelta(minutes=2))  # the attempt is abandoned: it counts for nothing
    assert watching()[5].startswith("Not started")


def test_statuses_are_kept_between_requests(watching, count_queries):
    with count_queries() as kept:
        watching()
    core_update(Person.__table__, sa.false(), rank="PC")  # no row changed, but a write to the people all the same
    with count_queries() as worked_out:
        watching()
    assert worked_out.count - kept.count >= 6  # the officers and the six queries of their training
