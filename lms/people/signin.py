"""Start and end a signed-in session: the one place every way of signing in (password, single sign-on) goes through."""
from flask import g, request, session
from flask_login import current_user, login_user, logout_user

from lms.audit.services import record
from lms.people import devices
from lms.people.models import Person


def start_session(person: Person, method: str = "password") -> None:
    """Sign the person in on this browser with a new device session (and cookie): no fixation. The caller commits."""
    session.clear()
    person.session_token, g.device_session_id = devices.open_session(
        person, method, browser=devices.describe_browser(request.user_agent.string), address=request.remote_addr or "")
    login_user(person)
    session.permanent = True
    record(person, "person.signed_in", "person", person.id, f"{person.name} signed in ({method})")


def end_session() -> None:
    """Sign out of this browser only: its device session ends, so a copy of the cookie is worthless. The caller
    commits."""
    if current_user.is_authenticated:
        devices.end_session(current_user, g.device_session_id)
    logout_user()
    session.clear()
