"""Guessing from the attempt page scores at chance: neither the options' values nor their order gives an answer away.

An officer who always picks the lowest value, or always the first option shown, takes many attempts at the real
masterclass and supervisors' quizzes through the pages, and the server's own marking is compared with what pure
chance would earn on the questions drawn. The bounds are Hoeffding's: whatever the draw, a correct shuffle falls
outside them with probability below one in a million per check, so the test does not flake; an order that leaks
(the right option written first, values that follow it) scores far outside them.
"""
import math
import re
from collections import Counter

import pytest
import sqlalchemy as sa

from lms.courses.models import Course, QuizAttempt
from tests.courses_support import library, start, submit  # noqa: F401

#: the chance of a check failing although the shuffle is fair
FALSE_ALARM = 1e-6
#: attempts per strategy and course: 20 attempts of 15 questions is 300 answers a strategy on the masterclass, enough
#: to hold chance within ±16 points while the leak this guards against scored 93–100%
ATTEMPTS = 20

INPUT = re.compile(r'<input class="govuk-(?:radios|checkboxes)__input" id="[^"]+" name="([^"]+)" type="\w+" '
                   r'value="([^"]+)"')


def lowest_value(values: list[str]) -> str:
    """The smallest value, as numbers compare (and as text where they are not numbers)."""
    return min(values, key=lambda value: (len(value), value))


def first_shown(values: list[str]) -> str:
    return values[0]


STRATEGIES = {"always the lowest value": lowest_value, "always the first option shown": first_shown}


def guess(page: str, strategy) -> dict:
    """The form an officer who knows nothing sends: one option per question, picked by `strategy` alone."""
    options: dict[str, list[str]] = {}
    for name, value in INPUT.findall(page):
        options.setdefault(name, []).append(value)
    form = {name: [strategy(values)] for name, values in options.items()}
    form["question"] = re.findall(r'<input type="hidden" name="question" value="([^"]+)">', page)
    return form


def guess_every_screen(client, slug: str, attempt_id: int, strategy):
    """Go through the attempt's screens as the guesser would, guessing on each; return the submitting response."""
    url = f"/courses/{slug}/quiz/attempts/{attempt_id}"
    while True:
        shown = client.get(url)
        assert shown.status_code == 200, (url, shown.status_code)
        page = shown.get_data(as_text=True)
        form = guess(page, strategy)
        screen = re.search(r'<input type="hidden" name="screen" value="(\d+)">', page)
        if screen is None:  # the whole quiz on one page
            return submit(client, attempt_id, form, slug)
        last = 'name="move" value="submit"' in page
        response = submit(client, attempt_id, {**form, "screen": screen.group(1), "move": "submit" if last else "next"},
                          slug)
        assert response.status_code == 302, (url, response.status_code)
        if last:
            return response
        url = response.headers["Location"]


def bound(answers: int) -> float:
    """Hoeffding: P(|hits - expected| >= t) <= 2 exp(-2 t^2 / n) for n independent 0/1 answers."""
    return math.sqrt(answers * math.log(2 / FALSE_ALARM) / 2)


@pytest.mark.parametrize("slug", ["investigation-masterclass", "supervisor-reviews"])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_guessing_by_value_or_by_order_scores_at_chance(client, login, make_person, db, library, slug, strategy):
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    # Lift the attempt policy for the one guesser, so many attempts can be drawn without hashing many passwords.
    course.max_attempts, course.retake_after_hours = None, 0
    db.session.commit()
    login(make_person())
    for _ in range(ATTEMPTS):
        attempt_id = start(client, slug)
        response = guess_every_screen(client, slug, attempt_id, STRATEGIES[strategy])
        assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    attempts = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.course_id == course.id)).all()
    items = [item for attempt in attempts for item in attempt.questions]
    assert len(attempts) == ATTEMPTS and all(attempt.is_submitted for attempt in attempts)
    # One option ticked earns a mark only on a one-answer question, with a chance of 1 in its number of options.
    expected = sum(0 if item.question.is_multiple else 1 / len(item.option_order) for item in items)
    hits = sum(item.is_correct for item in items)
    assert abs(hits - expected) < bound(len(items)), (hits, expected, len(items))
    assert not any(attempt.is_passed for attempt in attempts)
    # Whatever place an officer's rule picks (first, second, last...), the right option is no likelier there than
    # anywhere else: over the attempts it lands in each place about as often as chance says.
    single = [item for item in items if not item.question.is_multiple]
    right_at = Counter(next(place for place, option in enumerate(item.ordered_options(), start=1)
                            if option.is_correct) for item in single)
    assert len(single) >= 100
    for place in range(1, max(len(item.option_order) for item in single) + 1):
        expected = sum(1 / len(item.option_order) for item in single if len(item.option_order) >= place)
        assert abs(right_at[place] - expected) < bound(len(single)), (place, right_at, expected)
