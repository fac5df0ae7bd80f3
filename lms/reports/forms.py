"""Forms for the report filters, delegations, programme targets and area leads."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField,
                     ValidationError)
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
    completed_from = DateInputField("Completed on or after", validators=[Optional()], noun="The first day")
    completed_to = DateInputField("Completed on or before", validators=[Optional()], noun="The last day")
    overdue_from = DateInputField("Overdue since on or after", validators=[Optional()], noun="The first day")
    overdue_to = DateInputField("Overdue since on or before", validators=[Optional()], noun="The last day")

    def date_range(self, first: DateInputField, last: DateInputField) -> tuple:
        """The days of a range that passed (None for one left empty or refused); a range that ends before it starts
        is refused whole, with a message on its last day."""
        start, end = (None if field.errors else field.data for field in (first, last))
        if start and end and end < start:
            last.errors.append(f"'{last.label.text}' must be the same as or after '{first.label.text}'")
            return None, None
        return start, end


class SortForm(FlaskForm):
    """The matrix's sort, as a form for a phone or a tablet, where the table's column headings are not shown."""

    class Meta:
        csrf = False  # a GET sort changes nothing

    sort = SelectField("Sort by", validators=[Optional()])
    dir = SelectField("Order", choices={"asc": "Ascending", "desc": "Descending"}, validators=[Optional()])


class DelegationForm(FlaskForm):
    #: the person chosen from the people search (lms.reports.admin_routes.delegations), not typed
    acting_id = HiddenField()
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


#: The most officers booked in one go. Sessions are small groups, so more than this mostly fills a waiting list (and
#: sends each an email); the result page's list of who was and was not booked also has to fit in the session cookie.
TEAM_BOOKING_MAX = 60


class BookTeamForm(FlaskForm):
    """A supervisor books several of their officers onto one session (or the next with seats in their area)."""

    person_ids = MultiCheckboxField("Officers to book", coerce=int,
                                    validators=[DataRequired("Choose at least one officer to book")])
    #: a session's id, or "next": the next session with seats in the supervisor's area, settled before confirming
    session = RadioField("Session", validators=[DataRequired("Choose a session")])

    def validate_person_ids(self, field) -> None:
        if len(set(field.data)) > TEAM_BOOKING_MAX:
            raise ValidationError(f"Choose at most {TEAM_BOOKING_MAX} officers at a time (you chose "
                                  f"{len(set(field.data))}): a session seats far fewer. Book the rest in another go.")


class DigestForm(FlaskForm):
    is_on = BooleanField("Email me the weekly digest of my teams")
