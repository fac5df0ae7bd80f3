"""Forms for guidance: feedback on a page, the owner's reply, and marking a page reviewed."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

#: what one piece of feedback may hold: enough to say what is wrong, not an essay
REASON_MAX = 1000


class FeedbackForm(FlaskForm):
    #: set by the button pressed: "yes" or "no"
    useful = StringField(validators=[AnyOf(["yes", "no"], message="Choose yes or no")])
    reason = TextAreaField("If not, what was wrong or missing? (optional)",
                           validators=[Length(max=REASON_MAX, message=f"Keep it under {REASON_MAX} characters")])


class ReplyForm(FlaskForm):
    reply = TextAreaField("Reply note: what you did about it", validators=[
        InputRequired("Say what you did about it"), Length(max=REASON_MAX)])


class ReviewForm(FlaskForm):
    note = StringField("Note (optional)", validators=[Length(max=500, message="Keep the note under 500 characters")])
