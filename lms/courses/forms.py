"""Forms for the course pages. The quiz's answer fields vary per attempt, so they are read by `read_answers`."""
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from lms.courses.services import TamperedSubmission


class ActionForm(FlaskForm):
    """A button that changes something ("I have read this", "Start the quiz"): CSRF-protected, no fields."""


class AnswersForm(FlaskForm):
    """The quiz form: CSRF here; the answers themselves are checked against the attempt by the service."""


#: form fields the quiz page sends besides the answers
KNOWN_FIELDS = {"csrf_token", "question"}


def read_answers(form: MultiDict) -> tuple[list[int], dict[int, list[int]]]:
    """Return (attempt question ids shown, {attempt question id: chosen option ids}) from the posted form.

    Anything the quiz page could not have sent (unknown fields, ids that are not numbers) is tampering.
    """
    try:
        shown = [int(value) for value in form.getlist("question")]
        answers = {}
        for key in form:
            if key in KNOWN_FIELDS:
                continue
            if not key.startswith("answer-"):
                raise TamperedSubmission("The form held a field the quiz does not send.")
            answers[int(key.removeprefix("answer-"))] = [int(value) for value in form.getlist(key)]
    except ValueError:
        raise TamperedSubmission("The form held something other than the quiz's own answers.") from None
    return shown, answers
