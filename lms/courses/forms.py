"""Forms for the course pages. The quiz's answer fields vary per attempt, so they are read by `read_answers`."""
import re

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from lms.courses.services import TamperedSubmission


class ActionForm(FlaskForm):
    """A button that changes something ("I have read this", "Start the quiz"): CSRF-protected, no fields."""


class AnswersForm(FlaskForm):
    """The quiz form: CSRF here; the answers themselves are checked against the attempt by the service."""


#: form fields the quiz page sends besides the answers
KNOWN_FIELDS = {"csrf_token", "question"}
#: an answer field is "choice-<attempt question id>"; its values are places in the attempt's option order.
#: (Pages from before option places were sent used "answer-": they are refused, not misread.)
ANSWER_PREFIX = "choice-"
#: a whole number the quiz page could have sent: no sign, spaces or leading zero, and far below 2**63
NUMBER = re.compile(r"[1-9][0-9]{0,17}")


def _number(text: str) -> int:
    if not NUMBER.fullmatch(text):
        raise TamperedSubmission("The form held something other than the quiz's own answers.")
    return int(text)


def read_answers(form: MultiDict) -> tuple[list[int], dict[int, list[int]]]:
    """Return (attempt question ids shown, {attempt question id: chosen option places}) from the posted form.

    Anything the quiz page could not have sent (unknown fields, values that are not whole numbers) is tampering.
    """
    shown = [_number(value) for value in form.getlist("question")]
    answers = {}
    for key in form:
        if key in KNOWN_FIELDS:
            continue
        if not key.startswith(ANSWER_PREFIX):
            raise TamperedSubmission("The form held a field the quiz does not send.")
        answers[_number(key.removeprefix(ANSWER_PREFIX))] = [_number(value) for value in form.getlist(key)]
    return shown, answers
