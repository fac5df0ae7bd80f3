"""Who a single sign-on is: the roster's person for the provider's checked claims. Flushes; the caller commits.

The provider says who someone is, never what they may do: roles and teams come from the roster and the admin pages.
A person is found by the provider's subject once linked, and linked at their first sign-on by the match claim
(email, or a claim holding the service number), so a changed email at the provider neither orphans nor hijacks
an account.
"""
import sqlalchemy as sa
from flask import current_app

from lms.audit.services import record
from lms.extensions import db
from lms.people.models import Person

#: claims that hold an email address; any other match claim is taken to hold the service number
EMAIL_CLAIMS = frozenset({"email", "upn", "preferred_username"})


class SignOnRefused(Exception):
    """The provider vouched for someone who may not sign in here; `reason` is said to them, and audited."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _refuse(person: Person | None, claimed: str, reason: str) -> SignOnRefused:
    record(None, "person.sign_on_refused", "person" if person else "sign_on", person.id if person else claimed[:80],
           f"Single sign-on refused for {claimed}: {reason}")
    return SignOnRefused(reason)


def _roster_match(claim: str, value: str) -> Person | None:
    if claim in EMAIL_CLAIMS:
        return db.session.scalar(sa.select(Person).where(Person.email == value.strip().lower()))
    return db.session.scalar(sa.select(Person).where(sa.func.upper(Person.service_number) == value.strip().upper()))


def person_for_sign_on(claims: dict) -> Person:
    """The person the checked claims name, linking the provider's subject at the first sign-on.

    Raises SignOnRefused (audited) for someone the roster does not hold, a deactivated account, an unverified
    email, or an account already linked to another identity at the provider.
    """
    config = current_app.config
    match_claim = config["OIDC_MATCH_CLAIM"]
    subject = claims.get(config["OIDC_SUBJECT_CLAIM"])
    value = claims.get(match_claim)
    claimed = value if isinstance(value, str) and value.strip() else f"subject {subject}"
    if not isinstance(subject, str) or not subject:
        raise _refuse(None, claimed, f"the sign-in service sent no {config['OIDC_SUBJECT_CLAIM']}")
    person = db.session.scalar(sa.select(Person).where(Person.oidc_subject == subject))
    if person is None:
        if not isinstance(value, str) or not value.strip():
            raise _refuse(None, claimed, f"the sign-in service sent no {match_claim}")
        if match_claim in EMAIL_CLAIMS and claims.get("email_verified") is False:
            raise _refuse(None, claimed, "the sign-in service has not verified that email address")
        person = _roster_match(match_claim, value)
        if person is None:
            raise _refuse(None, claimed, "not on the roster")
        if person.oidc_subject is not None:
            raise _refuse(person, claimed, "the account is linked to someone else at the sign-in service")
    if not person.is_active_account:
        raise _refuse(person, claimed, "the account is deactivated")
    if person.oidc_subject is None:
        person.oidc_subject = subject
        record(person, "person.sign_on_linked", "person", person.id,
               f"Linked {person.name} to the sign-in service by {match_claim} {value}")
    return person
