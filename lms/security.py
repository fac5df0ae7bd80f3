"""Request hooks for the controls that apply to every page: write intent, headers. (Session timeouts are enforced
where the session is loaded: lms.people.devices.)"""
from flask import current_app, g, request, session

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


#: where the session keeps its CSRF token as signed, beside Flask-WTF's raw one ("csrf_token")
SIGNED_CSRF_KEY = "csrf_signed"
#: where Flask-WTF keeps the raw token (WTF_CSRF_FIELD_NAME, not changed here), and g the signed one for a request
RAW_CSRF_KEY = "csrf_token"


def reuse_signed_csrf_token():
    """Give the page the CSRF token this session was given before, rather than sign it again on every page.

    Flask-WTF checks a token by its signature, its age and the raw token it signs (the one in the session), and
    signs afresh in each request only to stamp the time. With WTF_CSRF_TIME_LIMIT None the time is never checked,
    so a token signed earlier in the session is exactly as valid: the check is unchanged, and a new session (sign-in
    and sign-out clear it) still gets a new token. With a time limit each request signs as Flask-WTF does.

    Only for the signed in, whose pages read the session anyway: reading it adds "Vary: Cookie", which a shared page
    (a checklist kept on a device) must not have.
    """
    user = g.get("_login_user")
    if user is None or user.is_anonymous:
        return
    if (current_app.config.get("WTF_CSRF_TIME_LIMIT") is None and SIGNED_CSRF_KEY in session
            and RAW_CSRF_KEY in session):
        setattr(g, RAW_CSRF_KEY, session[SIGNED_CSRF_KEY])


def keep_signed_csrf_token(response):
    """Keep the token a page was given with the session, the first time only: the cookie is written anyway then,
    for the raw token Flask-WTF has just added to it.

    Only beside the raw token it signs: a request that cleared the session (signing in or out; each then redirects)
    leaves neither, and the next page signs a new one."""
    token = g.get(RAW_CSRF_KEY)
    if (token is not None and current_app.config.get("WTF_CSRF_TIME_LIMIT") is None and RAW_CSRF_KEY in session
            and session.get(SIGNED_CSRF_KEY) != token):
        session[SIGNED_CSRF_KEY] = token
    return response


#: the headers every response carries unless its view set its own
SECURITY_HEADERS = (("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
                    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
HSTS_HEADER = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def add_security_headers(response):
    headers = response.headers
    # The names present, read once: Headers.setdefault and `in` look a name up by raising and catching an exception
    # when it is missing, and every response misses most of these.
    present = {name.lower() for name, _ in headers.items()}
    wanted = SECURITY_HEADERS + ((HSTS_HEADER,) if current_app.config.get("HSTS") else ())
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    # The person as loaded for this request, without loading them now: an error page of a database that is down
    # must not reach for it again, and the shared checklists, which show no one, need not load anybody. Only whether
    # someone was loaded: is_authenticated reads the account's columns, which a commit has expired (a query more).
    user = g.get("_login_user")
    if "cache-control" not in present and user is not None and not user.is_anonymous:
        headers["Cache-Control"] = "private, no-store"  # personal pages must not linger in shared caches
    return response
