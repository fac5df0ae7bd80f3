"""Read-side selects for the guidance pages."""
from collections import defaultdict

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.guidance.models import GuidanceCategory, GuidancePage, GuidanceRevision

LIVE = GuidancePage.is_retired.is_(False)


def categories_with_pages() -> list[tuple[GuidanceCategory, list[GuidancePage]]]:
    """Every category that has live pages, in order, with its pages by title (two queries)."""
    pages = db.session.scalars(
        sa.select(GuidancePage).where(LIVE).options(so.load_only(
            GuidancePage.slug, GuidancePage.title, GuidancePage.summary, GuidancePage.review_due,
            GuidancePage.category_id)).order_by(GuidancePage.title)
    ).all()
    by_category = defaultdict(list)
    for page in pages:
        by_category[page.category_id].append(page)
    categories = db.session.scalars(sa.select(GuidanceCategory).order_by(GuidanceCategory.position,
                                                                         GuidanceCategory.title))
    return [(category, by_category[category.id]) for category in categories if by_category[category.id]]


def page_by_slug(slug: str) -> GuidancePage | None:
    return db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == slug)
                             .options(so.joinedload(GuidancePage.category)))


def titles_by_path(slugs: list[str]) -> dict[str, str]:
    """Titles of the live pages among `slugs`, keyed by their path, for links from other content (one query)."""
    rows = db.session.execute(sa.select(GuidancePage.slug, GuidancePage.title)
                              .where(GuidancePage.slug.in_(slugs), LIVE)) if slugs else []
    return {f"/guidance/{slug}": title for slug, title in rows}


def related_pages(page: GuidancePage, limit: int = 5) -> list[GuidancePage]:
    """Pages named in `related`, then those sharing most tags with this one."""
    candidates = db.session.scalars(
        sa.select(GuidancePage).where(LIVE, GuidancePage.id != page.id)
        .options(so.load_only(GuidancePage.slug, GuidancePage.title, GuidancePage.summary, GuidancePage.tags))
    ).all()
    tags = set(page.tags or [])
    named = set(page.related_slugs or [])

    def score(other: GuidancePage) -> tuple:
        return (other.slug in named, len(tags.intersection(other.tags or [])), other.title)

    ranked = sorted(candidates, key=score, reverse=True)
    return [other for other in ranked if other.slug in named or tags.intersection(other.tags or [])][:limit]


def page_history(page: GuidancePage) -> list[GuidanceRevision]:
    return list(db.session.scalars(page.revisions.select().order_by(GuidanceRevision.id.desc())))


def pages_due_for_review(until, *conditions) -> list[GuidancePage]:
    """Live pages (meeting `conditions`) whose review falls due on or before `until`, soonest (or most overdue)
    first."""
    return list(db.session.scalars(
        sa.select(GuidancePage).where(LIVE, GuidancePage.review_due <= until, *conditions)
        .options(so.joinedload(GuidancePage.category)).order_by(GuidancePage.review_due, GuidancePage.title)
    ))
