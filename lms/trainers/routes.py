"""The trainers' area: the facilitator pack, page by page and whole for printing."""
import sqlalchemy as sa
from flask import abort, render_template

from lms.access import roles_required
from lms.extensions import db
from lms.trainers import bp
from lms.trainers.models import FacilitatorPage

TRAINERS = ("trainer", "admin")


def live_pages() -> list[FacilitatorPage]:
    return list(db.session.scalars(sa.select(FacilitatorPage).where(FacilitatorPage.is_retired.is_(False))
                                   .order_by(FacilitatorPage.position, FacilitatorPage.title)))


@bp.get("/")
@roles_required(*TRAINERS)
def index():
    """List the pages of the facilitator pack."""
    return render_template("trainers/index.html", pages=live_pages())


@bp.get("/pack")
@roles_required(*TRAINERS)
def pack():
    """Show the whole pack on one page, in order, to print before a session."""
    return render_template("trainers/pack.html", pages=live_pages())


@bp.get("/<slug>")
@roles_required(*TRAINERS)
def page(slug: str):
    """Show one page of the pack."""
    found = db.session.scalar(sa.select(FacilitatorPage).where(FacilitatorPage.slug == slug,
                                                               FacilitatorPage.is_retired.is_(False)))
    if found is None:
        abort(404)
    return render_template("trainers/page.html", page=found)
