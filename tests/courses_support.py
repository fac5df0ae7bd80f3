"""Helpers for the course tests: the fixture course, starting and answering attempts."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g

from lms.courses.models import Course, QuizAttempt
from lms.extensions import db
from tests.conftest import PASSWORD

SLUG = "witness-basics"
#: the force's own content tree
CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def course(synced_content) -> Course:
    return db.session.scalar(sa.select(Course).where(Course.slug == SLUG))


@pytest.fixture
def library(db):
    """The force's own content (the real masterclass and supervisors' course) imported into the database."""
    from tests.content_snapshot import synced

    report = synced(CONTENT)
    assert report.ok, [str(error) for error in report.errors]
    return report


def start(client, slug: str = SLUG) -> int:
    """Start (or resume) an attempt through the page, going on past the unread-modules warning; return its id."""
    response = client.post(f"/courses/{slug}/quiz/start", data={"unread": "confirmed"})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/quiz/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def answers(attempt_id: int, wrong: set[int] = frozenset(), partly: set[int] = frozenset()) -> dict:
    """The form the quiz page would send: right answers, except the first wrong option as authored at the positions
    in `wrong`, and only the first right option (of a choose-all question) at the positions in `partly`."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    form = {"question": [str(item.id) for item in attempt.questions]}
    for item in attempt.questions:
        options = item.question.options
        right = [option for option in options if option.is_correct]
        if item.position in wrong:
            chosen = [next(option for option in options if not option.is_correct)]
        elif item.position in partly:
            chosen = right[:1]
        else:
            chosen = right
        form[f"choice-{item.id}"] = [str(place_of(item, option)) for option in chosen]
    db.session.expire_all()
    return form


def place_of(item, option) -> int:
    """The value the attempt page gives `option`: its place in the attempt's shuffled order, from 1."""
    return item.option_order.index(option.id) + 1


def submit(client, attempt_id: int, form: dict, slug: str = SLUG):
    return client.post(f"/courses/{slug}/quiz/attempts/{attempt_id}", data=form)


def take_quiz(client, wrong: set[int] = frozenset(), slug: str = SLUG) -> int:
    attempt_id = start(client, slug)
    response = submit(client, attempt_id, answers(attempt_id, wrong), slug)
    assert response.status_code == 302, response.get_data(as_text=True)
    return attempt_id


def sign_in_as(client, login, person):
    """Sign out whoever is signed in on this client, then sign `person` in."""
    client.post("/logout")
    response = login(person)
    assert response.status_code == 302


def token_on(client, path: str) -> str:
    """The CSRF token in the form on `path`."""
    # The test's own app context (the db fixture) is shared by every request, and with it `g`, where Flask-WTF
    # caches the token it made for an earlier session; drop it so this page makes one for the current session.
    g.pop("csrf_token", None)
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def csrf_client_signed_in(app, monkeypatch, person):
    """A client with CSRF protection on, as in production, signed in as `person`."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    response = client.post("/login", data={"email": person.email, "password": PASSWORD,
                                           "csrf_token": token_on(client, "/login")})
    assert response.status_code == 302
    return client
