"""A form that makes something makes it once: a double click, a repeated tap or a form sent again after "back" is
taken to what the first one made (lms.core.once), one after another and at the same instant."""
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from lms.core.once import ALREADY_DONE, FormSubmission
from lms.quality.models import AuditAction, AuditVisit, Plan
from lms.sessions.models import TrainingSession, Venue
from lms.timeutil import today_london
from tests.conftest import PASSWORD
from tests.forms_support import date_fields, with_dates
from tests.quality_support import audit_rubric, qforce  # noqa: F401
from tests.sessions_fixtures import course, trainer  # noqa: F401

ONCE = re.compile(r'<input name="once" type="hidden" value="([^"]+)">')


def token_of(page: str) -> str:
    found = ONCE.findall(page)
    assert len(found) == 1, "the form carries one token"
    return found[0]


def count(db, model) -> int:
    db.session.commit()  # a fresh snapshot: the requests committed on their own
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def sent_twice(client, url: str, data: dict):
    """The form at `url` as the page draws it, sent twice with its token; both responses."""
    data = data | {"once": token_of(client.get(url).get_data(as_text=True))}
    return client.post(url, data=data), client.post(url, data=data, follow_redirects=True)


def test_a_plan_form_sent_twice_makes_one_plan_and_the_second_is_shown_it(client, login, qforce, db):
    login(qforce.officer_a)
    first, second = sent_twice(client, "/plans/new", {"scenario": "Scenario 1", "body": "## Hypotheses", "action": "submit"})
    [plan] = db.session.scalars(sa.select(Plan)).all()
    assert first.status_code == 302 and first.headers["Location"] == f"/plans/{plan.id}"
    assert second.status_code == 200 and second.request.path == f"/plans/{plan.id}"
    assert ALREADY_DONE in second.get_data(as_text=True)


def test_a_token_is_kept_a_day(client, login, qforce, db, clock):
    """A form sent again the next day (a page left open overnight) makes a new plan, and old tokens are let go."""
    login(qforce.officer_a)
    data = {"scenario": "Scenario 1", "body": "A plan", "action": "save",
            "once": token_of(client.get("/plans/new").get_data(as_text=True))}
    client.post("/plans/new", data=data)
    clock.advance(timedelta(days=1, minutes=1))
    login(qforce.officer_a)  # a sign-in lasts less than a day
    client.post("/plans/new", data=data)
    assert count(db, Plan) == 2
    assert count(db, FormSubmission) == 1


def test_a_new_form_drawn_again_makes_a_second_plan(client, login, qforce, db):
    """Two plans on purpose: each drawing of the form is a new token."""
    login(qforce.officer_a)
    for _ in range(2):
        sent_twice(client, "/plans/new", {"scenario": "Scenario 1", "body": "A plan", "action": "save"})
    assert count(db, Plan) == 2


def test_an_audit_visit_and_an_action_sent_twice_are_recorded_once(client, login, qforce, audit_rubric, db):
    login(qforce.reviewer)
    visit = {"team": str(qforce.team_a.id), "auditors": "DS Lee", "findings": "Plans thin on hypotheses",
             **date_fields("visited_on", today_london() - timedelta(days=1))}
    first, _ = sent_twice(client, "/audits/new", visit)
    [visit_id] = db.session.scalars(sa.select(AuditVisit.id)).all()
    assert first.headers["Location"] == f"/audits/{visit_id}"
    action = {"description": "Dip-sample plans weekly", "owner": qforce.sergeant_a.service_number,
              **date_fields("due_on", today_london() + timedelta(days=30))}
    data = action | {"once": token_of(client.get(f"/audits/{visit_id}").get_data(as_text=True))}
    responses = [client.post(f"/audits/{visit_id}/actions", data=data) for _ in range(2)]
    assert [response.status_code for response in responses] == [302, 302]
    assert count(db, AuditVisit) == 1 and count(db, AuditAction) == 1


def test_a_session_and_a_venue_sent_twice_are_scheduled_and_added_once(client, login, course, trainer, db):
    login(trainer)
    day = (today_london() + timedelta(days=30)).isoformat()
    session = with_dates({"course_id": course.id, "day": day, "start_time": "10:00", "end_time": "12:00",
                          "venue_id": 0, "online_url": "https://meet.example/masterclass", "capacity": 8,
                          "min_attendees": 0, "trainer_ids": [trainer.id], "notes": ""}, "day", "deadline_day")
    first, second = sent_twice(client, "/sessions/new", session)
    [session_id] = db.session.scalars(sa.select(TrainingSession.id)).all()
    assert first.headers["Location"] == second.request.path == f"/sessions/{session_id}"
    sent_twice(client, "/sessions/venues/new", {"name": "Northtown training room", "address": "1 High Street",
                                                "capacity": 12, "area_id": 0, "is_active": "y"})
    assert count(db, Venue) == 1


def test_the_same_plan_form_sent_four_times_at_once_makes_one_plan(app, client, login, qforce, db):
    """Four taps in flight together: each passes the "already made?" check before any commits; the token's key lets
    one commit, and the others are taken to what it made rather than shown an error."""
    login(qforce.officer_a)
    token = token_of(client.get("/plans/new").get_data(as_text=True))
    db.session.commit()
    email = qforce.officer_a.email
    db.session.commit()
    barrier, locations, errors = threading.Barrier(4), [], []

    def send() -> None:
        each = FlaskClient(app)  # a tab of its own, signed in from its own thread as a server would take it
        each.post("/login", data={"email": email, "password": PASSWORD})
        barrier.wait(timeout=30)
        try:
            response = each.post("/plans/new", data={"scenario": "Scenario 1", "body": "A plan", "action": "submit",
                                                     "once": token})
            locations.append((response.status_code, response.headers.get("Location")))
        except Exception as error:  # noqa: BLE001  every failure is a finding: report it rather than lose it
            errors.append(repr(error)[:300])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    [plan_id] = db.session.scalars(sa.select(Plan.id)).all()
    assert locations == [(302, f"/plans/{plan_id}")] * 4


@pytest.mark.parametrize("url", ["/plans/new", "/audits/new", "/sessions/new", "/sessions/venues/new"])
def test_every_form_that_makes_something_carries_a_token(client, login, qforce, audit_rubric, course, trainer, db,
                                                        url):
    person = qforce.officer_a if url == "/plans/new" else qforce.reviewer if url == "/audits/new" else trainer
    login(person)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token_of(client.get(url).get_data(as_text=True)))

