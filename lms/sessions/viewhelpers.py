"""What every sessions view shares: loading an object the caller may see (404 otherwise), and committing a change."""
from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, flash

from lms.extensions import db
from lms.people.models import Person
from lms.sessions.models import Booking, TrainingSession
from lms.sessions.rules import SessionRuleError, is_trainer, may_book_for

CONFLICT = "Someone else changed this booking at the same moment. Check the page and try again."


def get_session_or_404(session_id: int) -> TrainingSession:
    return db.get_or_404(TrainingSession, session_id)


def get_booking_for(user: Person, booking_id: int) -> Booking:
    """A booking the user may act on: their own, their team's (supervisors), anyone's (trainers); else 404."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not may_book_for(user, booking.person):
        abort(404)
    return booking


def get_person_for_booking(user: Person, person_id: str | int | None) -> Person:
    """The person to book: the user, or someone they may book for; anyone else is a 404."""
    if person_id in (None, "", str(user.id), user.id):
        return user
    try:
        person = db.session.get(Person, int(person_id))
    except (TypeError, ValueError):
        abort(404)
    if person is None or not may_book_for(user, person):
        abort(404)
    return person


def get_person_on_register(user: Person, person_id: str | int | None) -> Person:
    if not is_trainer(user):
        abort(403)
    try:
        person = db.session.get(Person, int(person_id))
    except (TypeError, ValueError):
        abort(404)
    if person is None:
        abort(404)
    return person


def commit_change(change: Callable, success: str | Callable, conflict: str = CONFLICT):
    """Run a service call: commit and flash `success`, or roll back and flash why not. Returns the result or None."""
    try:
        result = change()
    except SessionRuleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    except sa.exc.IntegrityError:
        db.session.rollback()
        flash(conflict, "error")
        return None
    # said before the commit, which expires everything the message reads (a query each to load it again)
    said = success(result) if callable(success) else success
    db.session.commit()
    flash(said, "success")
    return result if result is not None else True
