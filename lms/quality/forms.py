"""Forms for writing a plan, scoring work on a rubric, outcome uploads and quality audit visits."""
import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.core.once import OnceField
from lms.formfields import DateInputField
from lms.inputs import db_int
from lms.quality.models import EARLIEST_YEAR
from lms.timeutil import today_london

#: What a crime reference looks like in most forces' systems (letters, digits, / and -, such as 21/12345/24 or
#: CR-0012345-24): checked loosely, because forces write them differently, but it must hold digits.
CRIME_REFERENCE_RE = re.compile(r"^[A-Z0-9][A-Z0-9/\-. ]{3,28}[A-Z0-9]$")
PLAN_MAX = 20_000
COMMENT_MAX = 2_000


def at_most(noun: str, limit: int) -> Length:
    """A length limit whose message names the box (WTForms' own says "Field cannot be longer than …")."""
    return Length(max=limit, message=f"{noun} must be {limit:,} characters or fewer")


class PlanForm(FlaskForm):
    scenario = StringField("Scenario", validators=[DataRequired("Enter the scenario the plan is for"),
                                                   Length(max=200, message="Keep the scenario under 200 characters")])
    body = TextAreaField("Your investigation plan", validators=[
        Length(max=PLAN_MAX, message=f"A plan must be shorter than {PLAN_MAX:,} characters")])


def crime_reference(field) -> str:
    value = " ".join((field.data or "").split()).upper()
    if not CRIME_REFERENCE_RE.match(value) or not any(ch.isdigit() for ch in value):
        raise ValidationError("Enter the crime reference number as your force writes it, such as 21/12345/24")
    return value


class NewPlanForm(PlanForm):
    once = OnceField()


def review_form(criteria: list[dict], *, live: bool = False, case: bool = False) -> type[FlaskForm]:
    """A form class for scoring on `criteria`: one choice of level and one comment per criterion, in order; a live
    plan's review adds its crime reference and the officer's service number, an audited case its crime reference."""

    class ReviewForm(FlaskForm):
        version = HiddenField()
        comment = TextAreaField("Overall feedback", validators=[
            Optional(), Length(max=COMMENT_MAX, message=f"Keep the feedback under {COMMENT_MAX:,} characters")])

    if live or case:
        ReviewForm.crime_reference = StringField("Crime reference number", validators=[
            DataRequired("Enter the crime reference number"), at_most("The crime reference number", 30)])
        ReviewForm.validate_crime_reference = lambda form, field: setattr(field, "data", crime_reference(field))
    if live:
        ReviewForm.once = OnceField()  # a live plan's review makes a plan
        ReviewForm.service_number = StringField("Service number of the officer in the case", validators=[
            DataRequired("Enter the service number of the officer whose plan it is"),
            at_most("The service number", 20)])
    for number, criterion in enumerate(criteria):
        setattr(ReviewForm, f"score_{number}", RadioField(
            criterion["title"], choices={str(level["score"]): f"{level['score']} – {level['label']}"
                                         for level in criterion["levels"]},
            validators=[InputRequired(f"Choose a level for {criterion['title']}")]))
        setattr(ReviewForm, f"comment_{number}", TextAreaField(f"Comment on {criterion['title'].lower()}", validators=[
            Optional(), Length(max=COMMENT_MAX, message=f"Keep each comment under {COMMENT_MAX:,} characters")]))
    return ReviewForm


def scores_from(form: FlaskForm, criteria: list[dict]) -> list[dict]:
    return [{"key": criterion["key"], "score": int(form[f"score_{number}"].data),
             "comment": (form[f"comment_{number}"].data or "").strip()}
            for number, criterion in enumerate(criteria)]


class OutcomeUploadForm(FlaskForm):
    outcomes = FileField("Outcome file (CSV)", validators=[FileRequired("Choose the outcome file to upload")])


class VisitForm(FlaskForm):
    once = OnceField()
    team = SelectField("Team visited", coerce=db_int, validators=[InputRequired("Choose the team visited")])
    visited_on = DateInputField("Date of the visit", validators=[InputRequired("Enter the date of the visit")],
                                noun="The date of the visit")
    auditors = StringField("Auditors", validators=[DataRequired("Enter who audited"), at_most("The auditors", 300)])
    findings = TextAreaField("Findings", validators=[
        Optional(), Length(max=COMMENT_MAX * 5, message=f"Keep the findings under {COMMENT_MAX * 5:,} characters")])

    def validate_visited_on(self, field):
        if field.data is not None and field.data > today_london():
            raise ValidationError("The date of the visit must be today or in the past")
        if field.data is not None and field.data.year < EARLIEST_YEAR:
            raise ValidationError(f"The date of the visit must be in {EARLIEST_YEAR} or later")


class ActionForm(FlaskForm):
    once = OnceField()
    description = StringField("Action", validators=[DataRequired("Describe the action"), at_most("The action", 500)])
    owner = StringField("Owner's service number", validators=[DataRequired("Enter the owner's service number"),
                                                              at_most("The owner's service number", 20)])
    due_on = DateInputField("Due by", validators=[InputRequired("Enter the date it is due by")], noun="The due date")


class CloseActionForm(FlaskForm):
    closing_note = TextAreaField("Closing note", validators=[
        DataRequired("Say what was done to close the action"), at_most("The closing note", COMMENT_MAX)])
