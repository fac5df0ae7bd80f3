"""House-style error pages; a user never sees a stack trace, even with the database down."""
import logging

import sqlalchemy as sa
from flask import current_app, g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right", "The form may have expired or been sent twice. Go back, reload the page and try again."),
    403: ("You do not have access to this page", "Your role does not include this page. If you think it should, speak to your system administrator."),
    404: ("Page not found", "Check the address, or start from the home page or the guidance index."),
    405: ("That action is not available here", "Go back and use the buttons on the page."),
    410: ("This page has been withdrawn", "The guidance it held has been retired or replaced."),
    413: ("That was too much to send", "What you sent is larger than this page accepts. Send less, or a smaller file."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Sorry, something went wrong", "The problem has been logged. Try again in a few minutes."),
    503: ("The site is busy, try again", "Many people are saving at the same moment. Wait a few seconds and try again."),
}

OUT_OF_RANGE = "A number or date in what you sent is far larger than this site accepts. Check it and try again."
UNAVAILABLE = ("The site cannot reach its database just now", "The problem has been logged. Try again in a few minutes.")

#: PostgreSQL's lock_timeout (55P03), statement_timeout (57014) and a deadlock victim (40P01): waiting on others
BUSY_SQLSTATES = {"55P03", "57014", "40P01"}
#: SQLite's busy timeout ran out waiting for another writer
BUSY_SQLITE_MESSAGES = ("database is locked", "database is busy")


def is_busy(error: sa.exc.DBAPIError) -> bool:
    """Whether the database gave up waiting on other work (a lock or statement timeout), rather than failing."""
    if getattr(error.orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return str(error.orig).startswith(BUSY_SQLITE_MESSAGES)


def render_error(status: int, description: str | None = None, title: str | None = None):
    default_title, default_text = MESSAGES.get(status, MESSAGES[500])
    if status >= 500 and "_login_user" not in g:
        # A server error may come from loading the person itself (the database is down): render the page as
        # anonymous rather than load them again (Flask-Login's template context would) and fail a second time.
        g._login_user = current_app.login_manager.anonymous_user()
    return render_template("errors/error.html", status=status, title=title or default_title,
                           text=description or default_text, shared_page=status >= 500), status


def _rollback() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        log.exception("rollback after an error failed")


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "The form had expired or was not sent from this site. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Only our own abort(…, description) texts are shown; Werkzeug's defaults are replaced by house text.
        custom = error.description if getattr(error, "lms_message", False) else None
        return render_error(error.code or 500, custom)

    @app.errorhandler(sa.exc.OperationalError)
    def database_unavailable(error):
        """A database that is busy (timeouts) or out of reach (down, frozen, full, read-only): 503, not a crash."""
        _rollback()
        if is_busy(error):
            log.warning("database busy: %s", error.orig)
            body, status = render_error(503)
        else:
            log.exception("database unavailable")
            body, status = render_error(503, UNAVAILABLE[1], UNAVAILABLE[0])
        return body, status, {"Retry-After": "5"}

    @app.errorhandler(sa.exc.DataError)
    @app.errorhandler(OverflowError)
    def value_out_of_range(error):
        """A value the database cannot hold (a number above its INTEGER, a date past 9999) reached a query.

        Routes, query arguments and form fields bound their numbers (lms.inputs); this is the net under them.
        """
        log.warning("value out of range: %s", error)
        _rollback()
        return render_error(400, OUT_OF_RANGE)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error")
        _rollback()
        return render_error(500)
