"""Forms for the report filters, delegations, programme targets and area leads."""
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.completion.rule import LABELS
from lms.courses.cycles import REASON_MAX
from lms.formfields import DateInputField
from lms.people.forms import MultiCheckboxField
from lms.people.models import RANKS


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    area = SelectField("Area", coerce=int, validators=[Optional()])
    team = SelectField("Team", coerce=int, validators=[Optional()])
    rank = SelectField("Rank", choices={"": "Any rank", **RANKS}, validators=[Optional()])
    course = SelectField("Course", coerce=int, validators=[Optional()])
    status = SelectField("Status", choices={"": "Any status", **LABELS}, validators=[Optional()])


class DelegationForm(FlaskForm):
    acting = StringField("Acting supervisor's email address or service number",
                         validators=[DataRequired("Enter the acting supervisor's email address or service number"),
                                     Length(max=254)])
    starts_on = DateInputField("First day", validators=[InputRequired("Enter the first day")], noun="The first day")
    ends_on = DateInputField("Last day", validators=[InputRequired("Enter the last day")], noun="The last day")
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=200)])


class TargetForm(FlaskForm):
    label = StringField("Target", validators=[DataRequired("Describe the target, for example 'Every sergeant'"),
                                              Length(max=120)])
    course_id = SelectField("Course", coerce=int, validators=[InputRequired("Choose a course")])
    ranks = MultiCheckboxField("Ranks it counts", choices=RANKS, validators=[DataRequired("Choose at least one rank")])
    goal = IntegerField("How many must complete it", validators=[Optional(), NumberRange(min=1, message=(
        "Enter a number of officers of at least 1, or leave it empty for every one of them"))])


class AreaLeadForm(FlaskForm):
    person = StringField("Email address or service number",
                         validators=[DataRequired("Enter their email address or service number"), Length(max=254)])
    area_id = SelectField("Area", coerce=int, validators=[InputRequired("Choose an area")])


class ResetCourseForm(FlaskForm):
    """A trainer or admin starts a person's course again (a new cycle), saying why."""

    course = SelectField("Course", coerce=int, validators=[DataRequired("Choose the course to reset")])
    reason = TextAreaField("Reason for the reset", validators=[
        DataRequired("Enter the reason for the reset"),
        Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX} characters or fewer")])
