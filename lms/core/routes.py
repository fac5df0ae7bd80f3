"""The home page and the health check."""
import logging

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from lms.access import public, signed_in
from lms.content.cache import cached, fragment
from lms.core import bp
from lms.core.home import home_page
from lms.core.models import beat
from lms.extensions import db, write_intent
from lms.guidance.queries import categories_with_pages
from lms.quality.audits import is_overdue, open_actions
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


@bp.get("/")
@signed_in
def home():
    """What is the signed-in person's first: their courses, bookings and offers, sessions and teams; then the topics."""
    topics = cached(("core.topics",), lambda: fragment("core/_topics.html", categories=categories_with_pages()))
    return render_template("core/home.html", home=home_page(current_user, utcnow()), topics=topics,
                           overdue_actions=open_actions(current_user, overdue=True), is_overdue=is_overdue)


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
