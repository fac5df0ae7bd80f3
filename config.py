"""Read every setting from the environment, with defaults that are safe for a laptop."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-insecure-key"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class Config:
    ENV_NAME = os.environ.get("LMS_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # None means "SQLite under instance/", decided in create_app where the instance path is known.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A stalled database must cost a request seconds, not a worker (gunicorn kills it at 30 s): the connect, lock
    # and statement timeouts below become the driver's connect arguments in lms.extensions.engine_options.
    #: give up opening a database connection after this long (PostgreSQL: libpq's minimum is 2 s)
    DB_CONNECT_TIMEOUT_SECONDS = _float("DB_CONNECT_TIMEOUT_SECONDS", 5)
    #: PostgreSQL: cancel any statement running longer than this
    DB_STATEMENT_TIMEOUT_SECONDS = _float("DB_STATEMENT_TIMEOUT_SECONDS", 15)
    #: wait this long for a row or table lock (PostgreSQL lock_timeout; SQLite's busy timeout for the write lock),
    #: then show "The site is busy, try again"
    DB_LOCK_TIMEOUT_SECONDS = _float("DB_LOCK_TIMEOUT_SECONDS", 5)
    CONTENT_DIR = os.environ.get("CONTENT_DIR", str(BASE_DIR / "content"))
    #: the largest request body a form may send (the longest form here is a few KB); more is refused with a 413 page
    MAX_FORM_KB = _int("MAX_FORM_KB", 256)
    MAX_CONTENT_LENGTH = MAX_FORM_KB * 1024
    MAX_FORM_MEMORY_SIZE = MAX_FORM_KB * 1024
    #: the largest body of a view marked @accepts_upload (a roster CSV of 20,000 people is about 2 MB)
    MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 10)
    FORCE_NAME = os.environ.get("FORCE_NAME", "Midshire Police")

    # Sessions: renewed at login, idle and absolute timeouts (ASVS 3.3.2).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    #: a device session unused this long ends (checked on the server; the cookie also expires then)
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 60)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)
    #: the cookie is signed again (its expiry moved on) when "last seen" is written (lms.people.devices), not on
    #: every request: signing and compressing it cost every signed-in page more than loading the person
    SESSION_REFRESH_EACH_REQUEST = False
    #: a device session ends this long after sign-in however busy it is
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    #: "last seen" is written at most this often per device, so a signed-in page costs no write
    SESSION_TOUCH_SECONDS = _int("SESSION_TOUCH_SECONDS", 60)

    # Login throttling, counted over a window of LOGIN_THROTTLE_MINUTES from the first failure. An address with
    # this many failures is refused for the rest of the window. An account with this many is refused only to
    # addresses that have failed in the window: its owner, from an address that has not, can still sign in.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    LOGIN_THROTTLE_MINUTES = _int("LOGIN_THROTTLE_MINUTES", 15)
    #: password sign-in: "on" for everyone, "admins-only", or "off" (single sign-on only)
    LOCAL_LOGIN = os.environ.get("LOCAL_LOGIN", "on").strip().lower()
    #: how many reverse proxies stand in front of the app; their X-Forwarded-For/-Proto/-Host are believed, no more
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # Single sign-on with OpenID Connect (docs/SIGN-IN.md); off while OIDC_ISSUER is unset.
    #: the provider's issuer URL or its discovery document (…/.well-known/openid-configuration)
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    OIDC_LABEL = os.environ.get("OIDC_LABEL", "Sign in with your force account")
    #: the claim matched against the roster at a first sign-on: email, or one holding the service number
    OIDC_MATCH_CLAIM = os.environ.get("OIDC_MATCH_CLAIM", "email")
    #: the claim that names the person for good at the provider ("sub"; "oid" for Microsoft Entra ID)
    OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM", "sub")
    #: every call to the provider gives up after this long
    OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", 10))
    #: clocks may differ by this much between the provider and this site
    OIDC_CLOCK_SKEW_SECONDS = _int("OIDC_CLOCK_SKEW_SECONDS", 120)
    #: who people refused at sign-on should ask, as a sentence fragment
    ACCESS_CONTACT = os.environ.get("ACCESS_CONTACT", "the masterclass administrators in Learning and Development")

    # Local accounts (when LOCAL_LOGIN allows them): emailed single-use links, the password rule, admins' second factor.
    INVITATION_HOURS = _int("INVITATION_HOURS", 72)
    PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 1)
    #: "Forgotten your password?" sends at most this many links an hour to one email address / from one address
    PASSWORD_RESETS_PER_EMAIL = _int("PASSWORD_RESETS_PER_EMAIL", 3)
    PASSWORD_RESETS_PER_ADDRESS = _int("PASSWORD_RESETS_PER_ADDRESS", 20)
    PASSWORD_MIN_LENGTH = max(12, _int("PASSWORD_MIN_LENGTH", 12))
    #: admins who sign in with a password must also give a code from an authenticator app (TOTP); on by default in
    #: production, off for `make run` so the demo's four password logins work as printed
    ADMIN_SECOND_FACTOR = _bool("ADMIN_SECOND_FACTOR", ENV_NAME == "production")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; the session has its own timeouts
    HSTS = _bool("HSTS", False)
    SEARCH_PAGE_SIZE = 20
    #: below this many answers, quiz analytics show "too few attempts" instead of a percentage
    ANALYTICS_MIN_ATTEMPTS = _int("ANALYTICS_MIN_ATTEMPTS", 5)
    #: a quiz attempt left unsubmitted this long is closed as abandoned (not failed, not counted as an attempt)
    QUIZ_ABANDON_AFTER_HOURS = max(1, _int("QUIZ_ABANDON_AFTER_HOURS", 24))

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_FROM = os.environ.get("MAIL_FROM", "masterclass@midshire.police.uk")
    #: give up on an SMTP server that does not answer (connect, greeting or any reply) after this long
    MAIL_TIMEOUT_SECONDS = _float("MAIL_TIMEOUT_SECONDS", 10)
    #: an admin's "Try sending it again now" sends inside the request, holding a worker: it waits at most this long
    #: (or MAIL_TIMEOUT_SECONDS, if shorter), and a message it cannot send waits for the next sending run
    MAIL_RETRY_NOW_TIMEOUT_SECONDS = _float("MAIL_RETRY_NOW_TIMEOUT_SECONDS", 3)
    #: a failed send is tried again after this long
    MAIL_RETRY_MINUTES = _int("MAIL_RETRY_MINUTES", 15)
    #: a message claimed by a sender that never finished (it crashed) may be claimed again after this long; a sender
    #: claims one message at a time and spends seconds on it, so a claim this old belongs to a dead sender
    MAIL_CLAIM_TIMEOUT_MINUTES = _int("MAIL_CLAIM_TIMEOUT_MINUTES", 5)
    #: where links in emails and calendar entries point (no request to take it from when the CLI sends)
    SITE_URL = os.environ.get("SITE_URL", "http://localhost:5000").rstrip("/")

    # Records that leave the site: certificates, and xAPI statements for the force's learning record store
    # (docs/XAPI.md). Nothing is queued while XAPI_ENDPOINT is unset.
    #: a TrueType font for certificate PDFs (its "-Bold" sibling beside it), so every name prints as spelt; without
    #: it the PDF's built-in Helvetica prints Latin-1 only
    CERTIFICATE_FONT = os.environ.get("CERTIFICATE_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    #: the store's xAPI base URL; statements are sent to <XAPI_ENDPOINT>/statements
    XAPI_ENDPOINT = os.environ.get("XAPI_ENDPOINT", "").strip().rstrip("/")
    #: Basic auth for the store
    XAPI_USERNAME = os.environ.get("XAPI_USERNAME", "")
    XAPI_PASSWORD = os.environ.get("XAPI_PASSWORD", "")
    #: officers are named in statements as an account (their service number) on this home page, not by email
    XAPI_ACCOUNT_HOMEPAGE = os.environ.get("XAPI_ACCOUNT_HOMEPAGE", "").strip() or SITE_URL
    #: every call to the store gives up after this long
    XAPI_TIMEOUT_SECONDS = _float("XAPI_TIMEOUT_SECONDS", 10)
    #: statements per POST
    XAPI_BATCH_SIZE = max(1, _int("XAPI_BATCH_SIZE", 50))
    #: after a failure a statement waits this long, doubling with each further failure up to XAPI_RETRY_MAX_HOURS
    XAPI_RETRY_MINUTES = _int("XAPI_RETRY_MINUTES", 5)
    XAPI_RETRY_MAX_HOURS = _int("XAPI_RETRY_MAX_HOURS", 24)
    #: a batch claimed by a sender that never finished (it crashed) may be claimed again after this long
    XAPI_CLAIM_TIMEOUT_MINUTES = _int("XAPI_CLAIM_TIMEOUT_MINUTES", 5)

    # Small-group sessions.
    SESSION_DEFAULT_CAPACITY = _int("SESSION_DEFAULT_CAPACITY", 8)
    SESSION_MAX_CAPACITY = _int("SESSION_MAX_CAPACITY", 16)
    #: the furthest ahead a session may start (a typed year of 2062 or 9999 is a mistake, and breaks calendars)
    SESSION_MAX_DAYS_AHEAD = _int("SESSION_MAX_DAYS_AHEAD", 730)
    #: until this many hours before the start a freed seat goes to the first person waiting; after it, the seat is
    #: offered to everyone waiting and the first to accept it gets it
    SESSION_PROMOTION_CUTOFF_HOURS = _int("SESSION_PROMOTION_CUTOFF_HOURS", 24)
    #: a session below its minimum numbers is flagged to its trainers from this many days before its booking
    #: deadline, not the moment it is scheduled (when nobody has had the chance to book)
    SESSION_MINIMUM_CHECK_DAYS = _int("SESSION_MINIMUM_CHECK_DAYS", 7)
    #: the register can be changed by trainers for this many days after the session; after that only by an admin
    REGISTER_LOCK_DAYS = _int("REGISTER_LOCK_DAYS", 7)
    #: self check-in is open from this many minutes before the start until this many after it
    CHECKIN_OPENS_MINUTES = _int("CHECKIN_OPENS_MINUTES", 30)
    CHECKIN_CLOSES_MINUTES = _int("CHECKIN_CLOSES_MINUTES", 60)
    #: the reminder email goes this many hours before a session
    REMINDER_HOURS = _int("REMINDER_HOURS", 24)

    # Completion and supervision.
    #: a team is green at or above this percent complete on a course, amber at or above TEAM_AMBER_PERCENT
    TEAM_TARGET_PERCENT = _int("TEAM_TARGET_PERCENT", 90)
    TEAM_AMBER_PERCENT = _int("TEAM_AMBER_PERCENT", 70)
    #: an overdue officer is nudged by email at most once in this many days
    NUDGE_INTERVAL_DAYS = _int("NUDGE_INTERVAL_DAYS", 7)
    #: officers per page of the team matrix (its downloads hold everyone)
    MATRIX_PAGE_SIZE = _int("MATRIX_PAGE_SIZE", 100)
    #: the longest an acting supervisor may be given someone's teams for
    DELEGATION_MAX_DAYS = _int("DELEGATION_MAX_DAYS", 366)

    # The HR roster import.
    #: a roster that would deactivate more than this percent of the active people is refused unless mass
    #: deactivation is allowed explicitly (a short or wrong file must not deactivate the force)
    ROSTER_MAX_DEACTIVATION_PERCENT = _int("ROSTER_MAX_DEACTIVATION_PERCENT", 10)
    #: the largest roster file an admin may upload in the browser, in megabytes (20,000 people are about 2.5 MB)
    ROSTER_UPLOAD_MAX_MB = _int("ROSTER_UPLOAD_MAX_MB", 5)
    #: an uploaded roster not confirmed within this many hours is forgotten
    ROSTER_UPLOAD_KEEP_HOURS = _int("ROSTER_UPLOAD_KEEP_HOURS", 24)

    # The quality view.
    #: a positive outcome rate from fewer finalised crimes than this is not shown (a rate of 2 out of 9 says
    #: nothing about a team, and small counts can point to individual cases)
    QUALITY_MIN_FINALISED = max(1, _int("QUALITY_MIN_FINALISED", 20))


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret-key"
    SERVER_NAME = None
    PASSWORD_HASH_FAST = True  # argon2 at full cost makes a large suite slow; production never sets this
    # Most tests sign admins in with a password alone; tests/test_people_second_factor.py switches this on.
    ADMIN_SECOND_FACTOR = False
    # A developer's own store must not receive the tests' statements; the xAPI tests point at theirs.
    XAPI_ENDPOINT = ""


def config_for_environment() -> type[Config]:
    return ProductionConfig if os.environ.get("LMS_ENV") == "production" else Config
