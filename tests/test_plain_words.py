"""Raw codes never reach a page or an email: ranks by name, a session's date said once."""
from datetime import time, timedelta

import pytest

import lms.models  # noqa: F401  (first: lms.sessions and lms.courses import each other, this in a working order)
from lms.reports.models import ProgrammeTarget
from lms.sessions import booking as booking_service
from lms.sessions.models import TrainingSession
from lms.timeutil import from_london, today_london
from tests.reports_support import attempt, course, force  # noqa: F401
from tests.sessions_fixtures import outbox


def test_ranks_are_named_on_the_people_list_the_matrix_its_downloads_and_the_targets(client, login, db, force,
                                                                                    course):
    force.officer(given_name="Sam", family_name="Special", rank="SPECIAL")
    db.session.add(ProgrammeTarget(label="Specials", course_id=course.id, ranks=["SPECIAL", "PC"], goal=None))
    db.session.commit()
    login(force.admin)
    for path in ("/admin/people/", "/reports/matrix", "/reports/matrix.csv", "/reports/overdue.csv"):
        body = client.get(path).get_data(as_text=True)
        assert ">SPECIAL<" not in body and ",SPECIAL," not in body and ">PC<" not in body and ",PC," not in body, path
    assert "Special Constable" in client.get("/admin/people/").get_data(as_text=True)
    assert "Special Constable" in client.get("/reports/matrix.csv").get_data(as_text=True)
    targets = client.get("/reports/targets").get_data(as_text=True)
    assert "Police Constable, Special Constable" in targets or "Special Constable, Police Constable" in targets


@pytest.mark.parametrize("ends, said", [(time(23, 55), "23:00 to 23:55"), (None, "23:00 to {next_day}, 00:30")])
def test_an_email_says_the_sessions_date_once(db, force, course, ends, said):
    day = today_london() + timedelta(days=10)
    starts = from_london(day, time(23, 0))
    finish = from_london(day, ends) if ends else starts + timedelta(minutes=90)
    session = TrainingSession(course_id=course.id, starts_at=starts, ends_at=finish, capacity=8,
                              online_url="https://meet.example/room")
    db.session.add(session)
    db.session.commit()
    booking_service.book(force.officer_a, session, force.officer_a)
    db.session.commit()
    [message] = outbox(db, "booking_confirmed", force.officer_a)
    on = f"{day.day} {day:%b %Y}"
    next_day = day + timedelta(days=1)
    expected = f"When:    {on}, " + said.format(next_day=f"{next_day.day} {next_day:%b %Y}") + " (UK time)"
    assert expected in message.body_text, message.body_text
    assert message.body_text.count(on) <= 2  # the When line, and at most the cancel-by deadline
