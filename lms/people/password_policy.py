"""What makes a new password acceptable: long enough, not a common or breached one, not easy to guess."""
import re
from functools import cache

from flask import current_app
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from lms.people.models import Person

#: the longest password accepted (Argon2 takes any length; this only bounds the work a request can ask for)
MAX_LENGTH = 200
#: zxcvbn's score runs 0-4; 3 is "safely unguessable" (about 10^8 guesses and more)
MIN_SCORE = 3


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords from breach corpora, as zxcvbn ships them (lower case)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, person: Person) -> str | None:
    """Say what is wrong with `password` as a new password for `person`, or None if it will do."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters. A few unrelated words make a long password easy to remember."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in common_passwords():
        return "That password is on a list of common passwords that attackers try first. Choose another."
    own = " ".join([person.given_name, person.family_name, person.email, person.service_number,
                    current_app.config["FORCE_NAME"], "police masterclass investigation"])
    result = zxcvbn(password, user_inputs=[word for word in re.split(r"[\s@._+-]+", own.lower()) if word])
    if result["score"] < MIN_SCORE:
        warning = result["feedback"]["warning"] or "That password would be easy to guess."
        return f"{warning.rstrip('.')}. Choose a longer password, for example three or four unrelated words."
    return None
