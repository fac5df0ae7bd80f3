"""Forms for signing in and for managing people."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.people.models import RANKS, ROLE_LABELS

ROLE_CHOICES = ROLE_LABELS


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=200)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(FlaskForm):
    rank = SelectField("Rank", choices=RANKS)
    team_id = SelectField("Team", coerce=int, validators=[Optional()])
    roles = MultiCheckboxField("Roles", choices=ROLE_CHOICES)
    supervised_team_ids = MultiCheckboxField("Supervises these teams", coerce=int)


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    #: the filter's field names, carried by "invite everyone" so it acts on exactly the people listed
    FIELDS = ("q", "area", "team", "rank", "role", "status")

    q = StringField("Name, email or service number", validators=[Optional(), Length(max=100)])
    area = SelectField("Area", coerce=int, validators=[Optional()])
    team = SelectField("Team", coerce=int, validators=[Optional()])
    rank = SelectField("Rank", choices={"": "Any rank", **RANKS}, validators=[Optional()])
    role = SelectField("Role", choices={"": "Any role", **ROLE_CHOICES}, validators=[Optional()])
    status = SelectField("Status", choices={"active": "Active", "inactive": "Deactivated", "all": "All"},
                         default="active")


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF-protected, no fields."""

    confirm = BooleanField(default=True)


class ForgottenPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Enter a new password"), Length(max=400)])
    confirm = PasswordField("Type the new password again", validators=[
        DataRequired("Type the new password again"), EqualTo("password", "The two passwords are not the same")])


class SecondFactorForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Enter the code"), Length(max=40)])


class RosterUploadForm(FlaskForm):
    roster = FileField("Roster file", validators=[FileRequired("Choose the roster file to upload")])
    deactivate_missing = BooleanField("Deactivate everyone whose service number is not in the file (leavers)")
    allow_mass_deactivation = BooleanField("Allow deactivating more than the usual share of people at once")
    reactivate_listed = BooleanField("Reactivate people in the file whom an earlier import deactivated")


class RosterConfirmForm(FlaskForm):
    """Confirms the import of the upload whose SHA-256 the preview showed."""

    sha256 = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    create_teams = BooleanField("Yes, create the new teams and areas listed above")
