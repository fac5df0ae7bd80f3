"""House-style error pages; a user never sees a stack trace."""
import logging

from flask import render_template
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
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Sorry, something went wrong", "The problem has been logged. Try again in a few minutes."),
}


def render_error(status: int, description: str | None = None):
    title, default_text = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title, text=description or default_text), status


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "The form had expired or was not sent from this site. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        # Only our own abort(…, description) texts are shown; Werkzeug's defaults are replaced by house text.
        custom = error.description if getattr(error, "lms_message", False) else None
        return render_error(error.code or 500, custom)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
