"""Who may see a quiz attempt and the analytics: the officer, trainers, their team's supervisors and admins."""
import pytest
import sqlalchemy as sa

from lms.courses.models import QuizAttempt
from lms.courses.queries import get_attempt_for
from tests.courses_support import SLUG, answers, course, sign_in_as, start, take_quiz  # noqa: F401


@pytest.fixture
def attempt_of_officer(client, make_person, make_team, login, course):
    team = make_team("Response Team A")
    officer = make_person(team=team)
    login(officer)
    attempt_id = take_quiz(client, wrong={1})
    client.post("/logout")
    return attempt_id, team, officer


def viewer(kind, make_person, make_team, team, officer):
    other_team = make_team("Response Team B")
    return {
        "the officer": lambda: officer,
        "another officer": lambda: make_person(team=team),
        "a trainer": lambda: make_person(roles=("officer", "trainer")),
        "a supervisor of the officer's team": lambda: make_person(roles=("supervisor",), rank="PS", supervises=[team]),
        "a supervisor of another team": lambda: make_person(roles=("supervisor",), rank="PS",
                                                            supervises=[other_team]),
        "someone who supervises the team without the supervisor role": lambda: make_person(supervises=[team]),
        "an admin": lambda: make_person(roles=("admin",)),
    }[kind]()


MATRIX = [
    ("the officer", 200), ("another officer", 404), ("a trainer", 200), ("a supervisor of the officer's team", 200),
    ("a supervisor of another team", 404), ("someone who supervises the team without the supervisor role", 404),
    ("an admin", 200),
]


@pytest.mark.parametrize(("kind", "status"), MATRIX)
def test_who_may_see_an_attempt(client, login, make_person, make_team, attempt_of_officer, kind, status):
    attempt_id, team, officer = attempt_of_officer
    login(viewer(kind, make_person, make_team, team, officer))
    response = client.get(f"/courses/{SLUG}/quiz/attempts/{attempt_id}")
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert ("75%" in body) == (status == 200)
    if status == 200 and kind != "the officer":
        assert f"{officer.name}'s attempt" in body


def test_no_one_else_can_submit_an_officers_attempt(client, login, make_person, course, db):
    owner = make_person()
    login(owner)
    attempt_id = start(client)
    form = answers(attempt_id)
    sign_in_as(client, login, make_person(roles=("officer", "trainer", "admin")))
    page = client.get(f"/courses/{SLUG}/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "has not submitted it yet" in page and "Submit my answers" not in page
    assert client.post(f"/courses/{SLUG}/quiz/attempts/{attempt_id}", data=form).status_code == 404
    sign_in_as(client, login, make_person())
    assert client.get(f"/courses/{SLUG}/quiz/attempts/{attempt_id}").status_code == 404
    assert client.post(f"/courses/{SLUG}/quiz/attempts/{attempt_id}", data=form).status_code == 404
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None


def test_an_attempt_is_404_under_another_courses_address(client, login, attempt_of_officer, db):
    attempt_id, _, officer = attempt_of_officer
    login(officer)
    assert client.get(f"/courses/no-such-course/quiz/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/courses/{SLUG}/quiz/attempts/{attempt_id + 1000}").status_code == 404


def test_get_attempt_for_is_the_one_check(app, make_person, attempt_of_officer, db):
    from werkzeug.exceptions import NotFound

    attempt_id, _, officer = attempt_of_officer
    assert get_attempt_for(officer, attempt_id).id == attempt_id
    with pytest.raises(NotFound):
        get_attempt_for(make_person(), attempt_id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


@pytest.mark.parametrize(("roles", "status"), [
    (("officer",), 403), (("supervisor",), 403), (("officer", "trainer"), 200), (("admin",), 200)])
def test_only_trainers_and_admins_see_the_analytics(client, login, make_person, course, roles, status):
    login(make_person(roles=roles))
    assert client.get(f"/courses/{SLUG}/analytics").status_code == status
    assert client.get(f"/courses/{SLUG}/analytics.csv").status_code == status
