"""Read-side selects for the checklist pages: each page runs a fixed number of queries, however many checklists."""
import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.checklists.models import Checklist
from lms.extensions import db

LIVE = Checklist.is_retired.is_(False)
ORDER = (Checklist.position, Checklist.title)


def live_checklists() -> list[Checklist]:
    """Every live checklist in order, without the steps (the list page and the offline cache need only these)."""
    return list(db.session.scalars(
        sa.select(Checklist).where(LIVE).order_by(*ORDER).options(so.load_only(
            Checklist.slug, Checklist.title, Checklist.summary, Checklist.step_count, Checklist.content_hash))
    ))


def checklist_by_slug(slug: str) -> Checklist | None:
    return db.session.scalar(sa.select(Checklist).where(Checklist.slug == slug))


def checklists_for_guidance(slug: str) -> list[Checklist]:
    """Live checklists with a step that points to the guidance page `slug` (one query; there are only a few)."""
    candidates = db.session.scalars(
        sa.select(Checklist).where(LIVE).order_by(*ORDER)
        .options(so.load_only(Checklist.slug, Checklist.title, Checklist.guidance_slugs))
    )
    return [checklist for checklist in candidates if slug in (checklist.guidance_slugs or [])]
