"""Request hooks for the controls that apply to every page: write intent, headers. (Session timeouts are enforced
where the session is loaded: lms.people.devices.)"""
from flask import current_app, g, request

from lms.extensions import write_intent

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])


def mark_write_intent():
    """Let SQLite take the write lock up front only for requests that may write (see extensions.write_intent)."""
    write_intent.set(request.method not in SAFE_METHODS)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # The person as loaded for this request, without loading them now: an error page of a database that is down
    # must not reach for it again, and the shared checklists, which show no one, need not load anybody. Only whether
    # someone was loaded: is_authenticated reads the account's columns, which a commit has expired (a query more).
    user = g.get("_login_user")
    if "Cache-Control" not in headers and user is not None and not user.is_anonymous:
        headers["Cache-Control"] = "private, no-store"  # personal pages must not linger in shared caches
    return response
