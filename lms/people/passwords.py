"""Hash and check passwords with Argon2id (memory-hard, ASVS 2.4.1)."""
import os
import secrets
import threading
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_strong = PasswordHasher()
# Tests hash thousands of passwords; the cheap parameters keep the suite fast and are never used in production.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


# Each hash takes 64 MiB and about half a second of every core it can get. More at once than there are cores only
# slows each of them, and starves the requests holding the database's write lock, so that many sign-ins at once in
# one (threaded) process end in "database is locked": a process runs at most one hash per core at a time.
_hashing = threading.BoundedSemaphore(os.cpu_count() or 2)


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _strong


@cache
def _stand_in_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password at the hasher's cost, checked when there is no real one to check."""
    return hasher.hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    with _hashing:
        return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash; None (no account, deactivated, no password) never matches.

    Every call verifies one hash of the same cost, so the time taken does not tell who has an account.
    """
    hasher = _hasher()
    stand_in = _stand_in_hash(hasher)
    try:
        with _hashing:
            return hasher.verify(password_hash or stand_in, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
