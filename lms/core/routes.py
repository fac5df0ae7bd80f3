"""The home page and the health check."""
import logging

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from lms.access import public, signed_in
from lms.core import bp
from lms.extensions import db
from lms.guidance.queries import categories_with_pages
from lms.reports.scope import teams_visible_to

log = logging.getLogger(__name__)


@bp.get("/")
@signed_in
def home():
    """Show the signed-in person where to go next."""
    return render_template("core/home.html", categories=categories_with_pages(),
                           sees_teams=bool(teams_visible_to(current_user)))


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
