"""Forms for scheduling, venues, booking, the register and check-in."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField,
                     TimeField, URLField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, URL, ValidationError

from lms.core.once import OnceField
from lms.formfields import DateInputField
from lms.people.forms import MultiCheckboxField


class SessionForm(FlaskForm):
    once = OnceField()  # scheduling a session makes it once, however often the form is sent
    course_id = SelectField("Course", coerce=int, validators=[InputRequired("Choose a course")])
    day = DateInputField("Date", validators=[InputRequired("Enter the date")])
    start_time = TimeField("Starts at", validators=[InputRequired("Enter the start time")])
    end_time = TimeField("Ends at", validators=[InputRequired("Enter the end time")])
    #: a late session runs past midnight: its end time is on the day after the date above
    ends_next_day = BooleanField("Ends the next day (after midnight)")
    venue_id = SelectField("Venue", coerce=int)
    online_url = URLField("Online link", validators=[Optional(), URL(message="Enter a full link, starting https://"),
                                                     Length(max=500)])
    capacity = IntegerField("Capacity", validators=[InputRequired("Enter the capacity"), NumberRange(min=1)])
    min_attendees = IntegerField("Minimum numbers", default=0, validators=[Optional(), NumberRange(min=0)])
    trainer_ids = MultiCheckboxField("Trainers", coerce=int, validators=[DataRequired("Choose at least one trainer")])
    audience_area_ids = MultiCheckboxField("Areas", coerce=int)
    audience_team_ids = MultiCheckboxField("Teams", coerce=int)
    deadline_day = DateInputField("Deadline date", validators=[Optional()], noun="The deadline date")
    deadline_time = TimeField("Deadline time", validators=[Optional()])
    notes = TextAreaField("Notes for the people booked", validators=[Optional(), Length(max=2000)])

    def validate_end_time(self, field):
        """The tick box says which day the end time is on; say so when the times disagree with it."""
        start, end = self.start_time.data, field.data
        if start is None or end is None:
            return
        if end <= start and not self.ends_next_day.data:
            raise ValidationError("The session must end after it starts. If it runs past midnight, tick "
                                  "“Ends the next day”.")
        if end >= start and self.ends_next_day.data:
            raise ValidationError("“Ends the next day” is ticked, but that would make the session last "
                                  "a day or more: untick it, or correct the times.")


class CancelSessionForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give a reason"), Length(max=500)])


class VenueForm(FlaskForm):
    once = OnceField()
    name = StringField("Name", validators=[DataRequired("Enter the venue's name"), Length(max=120)])
    address = StringField("Address", validators=[DataRequired("Enter the address"), Length(max=300)])
    capacity = IntegerField("Seats", validators=[InputRequired("Enter how many it seats"), NumberRange(min=1, max=500)])
    area_id = SelectField("Area", coerce=int, validators=[Optional()])
    is_active = BooleanField("Trainers can book it", default=True)


class SessionFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    area = SelectField("Area", coerce=int, validators=[Optional()])
    course = SelectField("Course", coerce=int, validators=[Optional()])
    date = DateInputField("On or after", validators=[Optional()], noun="The date")


class BookForm(FlaskForm):
    person_id = HiddenField()


class MoveForm(FlaskForm):
    target_id = SelectField("Move to", coerce=int)


class MarkForm(FlaskForm):
    person_id = HiddenField(validators=[DataRequired()])
    status = HiddenField()
    reason = StringField("Reason for the correction", validators=[Optional(), Length(max=200)])


class CheckInForm(FlaskForm):
    # A code, not a word: a phone must not capitalise the first letter or "correct" it into a word.
    code = StringField("Check-in code", validators=[DataRequired("Enter the code on the trainer's screen"),
                                                    Length(max=20)],
                       render_kw={"autocapitalize": "off", "autocorrect": "off", "spellcheck": "false"})
