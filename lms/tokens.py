"""Random secrets handed out once (device sessions, calendar addresses, emailed links) and kept only as a hash."""
import hashlib
import secrets


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """A random token of 256 bits needs no slow hash: SHA-256 keeps a copied table from opening anything."""
    return hashlib.sha256(token.encode()).hexdigest()
