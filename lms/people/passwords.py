"""Hash and check passwords with Argon2id (memory-hard, ASVS 2.4.1)."""
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_strong = PasswordHasher()
# Tests hash thousands of passwords; the cheap parameters keep the suite fast and are never used in production.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _strong


@cache
def _stand_in_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password at the hasher's cost, checked when there is no real one to check."""
    return hasher.hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash; None (no account, deactivated, no password) never matches.

    Every call verifies one hash of the same cost, so the time taken does not tell who has an account.
    """
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _stand_in_hash(hasher), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
