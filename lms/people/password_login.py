"""Sign in with a password: throttled exactly, in the same time whoever the email belongs to, and without holding
the database's write lock while the password hash is checked (SQLite has one writer at a time)."""
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.people import throttle
from lms.people.models import Person
from lms.people.password_links import local_login_allowed
from lms.people.passwords import check_password
from lms.people.services import normalise_email
from lms.people.throttle import ACCOUNT, ADDRESS

log = logging.getLogger(__name__)


class LoginThrottled(Exception):
    """Too many recent failures for this account or this address."""


def password_sign_in_allowed(person: Person) -> bool:
    """Whether the person may sign in with a password here: LOCAL_LOGIN is on, or admins-only and they are one."""
    return person.is_active_account and local_login_allowed(person)


@dataclass(frozen=True)
class PasswordAttempt:
    email: str
    address: str
    person_id: int | None
    #: None when no account by that email may sign in with a password: a stand-in hash is checked instead
    password_hash: str | None
    #: the account was locked, and this came from an address that had never failed, which paid for the attempt
    from_clean_address: bool


def begin_password_sign_in(email: str, address: str) -> PasswordAttempt:
    """Count the attempt against the account before the password is checked, and look the person up.

    Raises LoginThrottled when the address has failed too often, or the account has and this address has failed
    before. The caller commits before finish_password_sign_in, so no write lock is held while the hash is checked.
    """
    email = normalise_email(email)
    config = current_app.config
    if throttle.failures(ADDRESS, address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        log.warning("login throttled for %s: address %s failed too often", email, address)
        raise LoginThrottled()
    from_clean_address = False
    if throttle.count_failure(ACCOUNT, email, below=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]) is None:
        # A locked account still lets in an address that has never failed, once: whoever guesses locks the account
        # for the addresses they guess from, not for its owner.
        if throttle.count_failure(ADDRESS, address, below=1) is None:
            log.warning("login throttled for %s from %s: account failed too often", email, address)
            raise LoginThrottled()
        from_clean_address = True
    person = db.session.scalar(sa.select(Person).where(Person.email == email))
    usable = person is not None and password_sign_in_allowed(person)
    return PasswordAttempt(email=email, address=address, person_id=person.id if person else None,
                           password_hash=person.password_hash if usable else None,
                           from_clean_address=from_clean_address)


def finish_password_sign_in(attempt: PasswordAttempt, password: str) -> Person | None:
    """Check the password, then settle the counters: the person when it is right, None (a failure) otherwise."""
    # Hashing comes first, before this transaction's first statement takes the write lock.
    verified = check_password(attempt.password_hash, password)
    person = db.session.get(Person, attempt.person_id) if verified else None
    if person is not None and password_sign_in_allowed(person):
        throttle.forgive(ACCOUNT, attempt.email, everything=True)
        if attempt.from_clean_address:
            throttle.forgive(ADDRESS, attempt.address)
        return person
    if not attempt.from_clean_address:
        throttle.count_failure(ADDRESS, attempt.address)
    log.warning("failed login for %s from %s", attempt.email, attempt.address)
    return None
