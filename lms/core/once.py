"""A form that makes something (a plan, an audit visit, a session) makes it once, however often it is sent.

A double click, a tap repeated on a slow phone signal, or the browser sending a form again after "back" would
otherwise make two plans or two sessions. Each such form carries a random token (the `once` field, rendered by
`csrf_field` beside the CSRF token); the first request that makes something records the token with the address of
what it made, in the same transaction; a later request with the same token is sent to that address instead. Two
requests at once cannot both record it: the token is the table's key, so the second commit fails and that request
too is sent to what the first made.
"""
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import flash, redirect
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import HiddenField

from lms.extensions import db
from lms.timeutil import utcnow

ALREADY_DONE = "That form had already been sent, so nothing new was made: this is what it made."
#: how long a token is kept: a form sent again after this makes something new (nobody resends a form a day later)
KEPT_FOR = timedelta(days=1)


class FormSubmission(db.Model):
    """A form that made something: its token, who sent it and where what it made is shown."""

    __tablename__ = "form_submissions"
    token: so.Mapped[str] = so.mapped_column(sa.String(43), primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    done_url: so.Mapped[str] = so.mapped_column(sa.String(500))
    made_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class OnceField(HiddenField):
    """The form's token: a new one each time the form is drawn, the one sent when it is posted. A post without one
    (not from the page: a script, a test) is taken as it comes, once each time it is sent."""

    def __init__(self, **kwargs):
        super().__init__(default=new_token, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data and len(self.data) > 43:
            raise ValueError("The form was damaged: reload the page and try again.")


def already_done(form) -> Response | None:
    """Where to send a request whose form already made something (with a message); None when it has not."""
    if not form.once.data:
        return None
    done_url = db.session.scalar(sa.select(FormSubmission.done_url).where(
        FormSubmission.token == form.once.data, FormSubmission.person_id == current_user.id,
        FormSubmission.made_at >= utcnow() - KEPT_FOR))
    if done_url is None:
        return None
    flash(ALREADY_DONE, "success")
    return redirect(done_url)


def commit_once(form, done_url: str) -> Response | None:
    """Record that `form` made what `done_url` shows and commit it all. When another request with the same form
    committed first, nothing of this one is kept and the response sends it there; None when this one was first."""
    if not form.once.data:
        db.session.commit()
        return None
    db.session.execute(sa.delete(FormSubmission).where(FormSubmission.made_at < utcnow() - KEPT_FOR))
    db.session.add(FormSubmission(token=form.once.data, person_id=current_user.id, done_url=done_url))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        response = already_done(form)
        if response is None:  # not the token: some other rule refused the write
            raise
        return response
    return None
