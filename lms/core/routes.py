"""The home page and the health check."""
import logging

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from lms.access import public, signed_in
from lms.core import bp
from lms.core.home import home_page
from lms.extensions import db
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


@bp.get("/")
@signed_in
def home():
    """What is the signed-in person's first: their courses, bookings and offers, sessions and teams."""
    return render_template("core/home.html", home=home_page(current_user, utcnow()))


@bp.get("/healthz")
@public
def healthz():
    """Answer 200 after a real database round trip, 503 when the database cannot be reached."""
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except sa.exc.SQLAlchemyError:
        log.exception("health check failed")
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
