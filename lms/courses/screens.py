"""A long quiz a screen at a time: which questions each screen shows, and the answers kept between screens.

A phone showed a 30-question quiz as one page 7,500 px tall. An attempt with more questions than fit on a screen is
shown a few at a time; each screen's answers are kept on the attempt (as option places, like the form sends them)
when the officer moves on or back, so nothing needs JavaScript and nothing is lost between screens.
"""
from lms.courses.models import AttemptQuestion, QuizAttempt
from lms.courses.services import checked_places, submit_attempt

#: questions on one screen: about a phone's screenful or two each, so a screen is a short scroll
QUESTIONS_PER_SCREEN = 5


def screens_of(attempt: QuizAttempt) -> list[list[AttemptQuestion]]:
    """The attempt's questions in screens, in order; one screen when they all fit."""
    items = attempt.questions
    return [items[start:start + QUESTIONS_PER_SCREEN] for start in range(0, len(items), QUESTIONS_PER_SCREEN)]


def screen_of(position: int) -> int:
    """The screen (from 1) that shows the question at `position`."""
    return (position - 1) // QUESTIONS_PER_SCREEN + 1


def save_screen(attempt: QuizAttempt, screen: list[AttemptQuestion], shown: list[int],
                answers: dict[int, list[int]]) -> None:
    """Keep one screen's answers on the attempt; a question sent with nothing ticked is unanswered again."""
    places = checked_places(attempt, screen, shown, answers)
    for item in screen:
        item.saved_places = sorted(places[item.id]) if places.get(item.id) else None


def saved_answers(attempt: QuizAttempt) -> dict[int, list[int]]:
    """Every answer kept so far, {attempt question id: option places}, as the whole quiz's form would send them."""
    return {item.id: item.saved_places for item in attempt.questions if item.saved_places}


def submit_saved(person, attempt: QuizAttempt) -> QuizAttempt:
    """Mark the attempt on the answers kept from every screen."""
    return submit_attempt(person, attempt, [item.id for item in attempt.questions], saved_answers(attempt))
