"""Issue 11.8: a long quiz a screen at a time, answers kept between screens without JavaScript, and a result that
starts with a summary linking to each answer to look at again."""
import re

import pytest
import sqlalchemy as sa

from lms.courses.models import AttemptQuestion, QuizAttempt
from lms.courses.screens import QUESTIONS_PER_SCREEN
from tests.courses_support import answers, library, start, submit  # noqa: F401


SLUG = "investigation-masterclass"
URL = f"/courses/{SLUG}/quiz/attempts/{{}}"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def attempt_id(client, login, make_person, library):
    login(make_person())
    return start(client, SLUG)


def _screen_form(full: dict, screen: int, move: str) -> dict:
    """What screen `screen` (from 1) sends: its questions, their answers from `full`, and where to go."""
    ids = full["question"][(screen - 1) * QUESTIONS_PER_SCREEN:screen * QUESTIONS_PER_SCREEN]
    return {"question": ids, **{f"choice-{i}": full[f"choice-{i}"] for i in ids if f"choice-{i}" in full},
            "screen": str(screen), "move": move}


def _saved(db, attempt_id) -> dict[int, list | None]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(AttemptQuestion.position, AttemptQuestion.saved_places)
                                   .where(AttemptQuestion.attempt_id == attempt_id)).all())


def test_a_long_quiz_shows_a_screen_at_a_time_and_keeps_the_answers_between_screens(client, db, attempt_id):
    total = len(answers(attempt_id)["question"])
    screens = -(-total // QUESTIONS_PER_SCREEN)
    assert screens >= 3
    first = client.get(URL.format(attempt_id)).get_data(as_text=True)
    assert first.count('class="govuk-form-group lms-question') == QUESTIONS_PER_SCREEN
    assert f"Screen 1 of {screens}" in _text(first) and "Submit my answers" not in first
    full = answers(attempt_id)

    response = submit(client, attempt_id, _screen_form(full, 1, "next"), SLUG)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{attempt_id}?screen=2")
    saved = _saved(db, attempt_id)
    assert all(saved[position] for position in range(1, QUESTIONS_PER_SCREEN + 1))
    assert not any(saved[position] for position in range(QUESTIONS_PER_SCREEN + 1, total + 1))

    # back from screen 2, with its answers: both screens show what was ticked
    response = submit(client, attempt_id, _screen_form(full, 2, "previous"), SLUG)
    assert response.headers["Location"].endswith(f"{attempt_id}?screen=1")
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    item = full["question"][0]
    for place in full[f"choice-{item}"]:
        assert re.search(rf'name="choice-{item}" type="\w+" value="{place}" checked', again)
    assert f"{QUESTIONS_PER_SCREEN} of {QUESTIONS_PER_SCREEN} answered" in _text(again)

    # jumping to a screen keeps the one being left, too
    response = submit(client, attempt_id, _screen_form(full, 1, f"screen-{screens}"), SLUG)
    assert response.headers["Location"].endswith(f"?screen={screens}")
    for screen in range(3, screens):
        submit(client, attempt_id, _screen_form(full, screen, "next"), SLUG)
    last = client.get(URL.format(attempt_id) + f"?screen={screens}").get_data(as_text=True)
    assert "Submit my answers" in last
    response = submit(client, attempt_id, _screen_form(full, screens, "submit"), SLUG)
    assert response.status_code == 302 and response.headers["Location"].endswith(str(attempt_id))
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    assert (attempt.score_percent, attempt.is_passed) == (100, True)


def test_submitting_with_a_screen_unanswered_links_to_it_and_keeps_the_rest(client, db, attempt_id):
    full = answers(attempt_id)
    screens = -(-len(full["question"]) // QUESTIONS_PER_SCREEN)
    submit(client, attempt_id, _screen_form(full, 1, f"screen-{screens}"), SLUG)
    response = submit(client, attempt_id, _screen_form(full, screens, "submit"), SLUG)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    first_missing = QUESTIONS_PER_SCREEN + 1
    assert f'href="/courses/{SLUG}/quiz/attempts/{attempt_id}?screen=2#question-{first_missing}">' \
           f"Answer question {first_missing}</a>" in page
    attempt = db.session.get(QuizAttempt, attempt_id)
    db.session.refresh(attempt)
    assert attempt.submitted_at is None
    saved = _saved(db, attempt_id)
    assert saved[1] and saved[len(full["question"])] and not saved[first_missing]


@pytest.mark.parametrize("change", [
    {"screen": "2"},  # screen 1's questions sent as screen 2's
    {"screen": "99"},
    {"move": "screen-99"},
    {"move": "elsewhere"},
], ids=["wrong questions for the screen", "no such screen", "no such screen to go to", "no such move"])
def test_a_screen_the_quiz_does_not_have_is_refused_and_keeps_nothing(client, db, attempt_id, change):
    form = {**_screen_form(answers(attempt_id), 1, "next"), **change}
    response = submit(client, attempt_id, form, SLUG)
    assert response.status_code == 400 and "Your answers could not be marked" in response.get_data(as_text=True)
    assert not any(_saved(db, attempt_id).values())


def test_the_whole_quiz_sent_at_once_is_still_marked(client, db, attempt_id):
    response = submit(client, attempt_id, answers(attempt_id, wrong={2}), SLUG)
    assert response.status_code == 302
    assert db.session.get(QuizAttempt, attempt_id).is_submitted


def test_the_result_starts_with_a_summary_linking_to_each_answer_not_right(client, db, attempt_id):
    submit(client, attempt_id, answers(attempt_id, wrong={2, 7}), SLUG)
    page = client.get(URL.format(attempt_id)).get_data(as_text=True)
    summary = page.split('id="summary"', 1)[1].split("<h2", 1)[0]
    assert re.findall(r'href="#answer-(\d+)"', summary) == ["2", "7"]
    assert "2 questions were not fully right" in _text(summary)
    assert page.index('id="summary"') < page.index('id="answer-1"')
    assert page.count('href="#summary">Back to the summary') == 2


def test_each_screen_and_each_move_take_the_same_queries(client, db, attempt_id, count_queries):
    full = answers(attempt_id)
    counts = []
    for screen in (1, 2, 3):
        with count_queries() as shown:
            assert client.get(URL.format(attempt_id) + f"?screen={screen}").status_code == 200
        with count_queries() as saved:
            assert submit(client, attempt_id, _screen_form(full, screen, "previous" if screen == 3 else "next"),
                          SLUG).status_code == 302
        counts.append((shown.count, saved.count))
    assert len(set(counts)) == 1, counts
