"""Request hooks for the controls that apply to every page: write intent, session lifetime, headers."""
import time

from flask import current_app, request, session
from flask_login import current_user, logout_user

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


def enforce_session_lifetime():
    """End a session past its absolute lifetime; the idle timeout is the permanent-session cookie's expiry.

    It reads only the cookie: the person is loaded when a page needs them, so the shared checklist pages, which
    show no one, are served without loading anybody."""
    if "_user_id" not in session:  # Flask-Login's key: someone signed in on this browser
        return
    session.permanent = True
    started = session.get("started_at")
    limit = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    if started is None or time.time() - started > limit:
        logout_user()
        session.clear()


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Cache-Control first: a page that set its own (the shared checklists) need not load the person.
    if "Cache-Control" not in headers and current_user and current_user.is_authenticated:
        headers["Cache-Control"] = "private, no-store"  # personal pages must not linger in shared caches
    return response
