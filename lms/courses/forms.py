"""Forms for the course pages. The quiz's answer fields vary per attempt, so they are read by `read_answers`."""
import re

from datetime import date

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from lms.courses.services import TamperedSubmission
from lms.formfields import DateInputField


class ActionForm(FlaskForm):
    """A button that changes something ("I have read this", "Start the quiz"): CSRF-protected, no fields."""


class AnswersForm(FlaskForm):
    """The quiz form: CSRF here; the answers themselves are checked against the attempt by the service."""


#: the years a submitted attempt can fall in: a date outside them is a slip, not a filter
EARLIEST, LATEST = date(2020, 1, 1), date(2100, 12, 31)


def _in_range(form, field):
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"{field.label.text} must be between {EARLIEST.year} and {LATEST.year}")


class AnalyticsFilterForm(FlaskForm):
    """The analytics filters: which quiz version, and the days the attempts were submitted (London, inclusive)."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    version = SelectField("Quiz version", coerce=int, validators=[Optional()])
    submitted_from = DateInputField("Submitted from", validators=[Optional(), _in_range])
    submitted_to = DateInputField("Submitted to", validators=[Optional(), _in_range])

    def validate_submitted_to(self, field):
        if field.data and self.submitted_from.data and field.data < self.submitted_from.data:
            raise ValidationError("Submitted to must be the same as or after submitted from")


#: form fields the quiz page sends besides the answers (a long quiz's screens also send which screen, and where to)
KNOWN_FIELDS = {"csrf_token", "question", "screen", "move"}
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
