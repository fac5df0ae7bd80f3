"""Start and end a signed-in session: the one place every way of signing in (password, single sign-on) goes through."""
from flask import session
from flask_login import login_user, logout_user

from lms.audit.services import record
from lms.people.models import Person
from lms.timeutil import epoch_seconds


def start_session(person: Person, method: str = "password") -> None:
    """Sign the person in on this browser with a fresh session (and id): no fixation. The caller commits."""
    session.clear()
    login_user(person)
    session.permanent = True
    session["started_at"] = epoch_seconds()
    record(person, "person.signed_in", "person", person.id, f"{person.name} signed in ({method})")


def end_session() -> None:
    """Sign out of this browser."""
    logout_user()
    session.clear()
