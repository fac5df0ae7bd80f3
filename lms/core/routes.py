"""The home page and the health check."""
import logging

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from lms.access import public, signed_in
from lms.content.cache import cached, fragment
from lms.core import bp
from lms.core.models import beat
from lms.extensions import db, write_intent
from lms.guidance.queries import categories_with_pages
from lms.reports.scope import teams_visible_to

log = logging.getLogger(__name__)


@bp.get("/")
@signed_in
def home():
    """Show the signed-in person where to go next."""
    topics = cached(("core.topics",), lambda: fragment("core/_topics.html", categories=categories_with_pages()))
    return render_template("core/home.html", topics=topics, sees_teams=bool(teams_visible_to(current_user)))


@bp.get("/healthz")
@public
def healthz():
    """Answer 200 only after a committed write, 503 when the database cannot be reached or written."""
    try:
        db.session.commit()  # end anything this request read, so the write below takes the write lock up front
        write_intent.set(True)
        beat()
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        log.exception("health check failed")
        db.session.rollback()
        return {"status": "unavailable", "database": "cannot write"}, 503
    return {"status": "ok", "database": "ok"}
