"""Load the signed-in person from the device session their cookie names."""
from flask import g

from lms.people.devices import load_signed_in
from lms.people.models import Person


def load_person(user_id: str) -> Person | None:
    """Flask-Login's user loader: `user_id` is the random id of a device session, not a person's id."""
    found = load_signed_in(user_id)
    if found is None:
        return None
    person, g.device_session_id = found
    person.session_token = user_id
    return person


def init_login_manager(login_manager) -> None:
    login_manager.login_view = "people.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_person)
