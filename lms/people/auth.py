"""Load the signed-in person from the session cookie."""
import sqlalchemy as sa

from lms.extensions import db
from lms.people.models import Person


def load_person(user_id: str) -> Person | None:
    person_id, _, nonce = user_id.partition(":")
    if not person_id.isdigit():
        return None
    person = db.session.scalar(sa.select(Person).where(Person.id == int(person_id)))
    # A changed nonce (logout everywhere, deactivation) revokes every cookie issued before it.
    if person is None or not person.is_active_account or person.session_nonce != nonce:
        return None
    return person


def init_login_manager(login_manager) -> None:
    login_manager.login_view = "people.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_person)
