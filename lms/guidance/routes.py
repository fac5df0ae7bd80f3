"""The guidance hub: the index by category, a page, its history, and the review list for admins."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, render_template
from markupsafe import Markup

from lms.access import roles_required, signed_in
from lms.checklists.queries import checklists_for_guidance
from lms.content.cache import cached, fragment
from lms.guidance import bp
from lms.guidance.queries import (categories_with_pages, page_by_slug, page_history, pages_due_for_review,
                                  related_pages)
from lms.timeutil import today_london

REVIEW_WARNING_DAYS = 60


def get_live_page_or_abort(slug: str):
    """Load a page by slug: 404 if it never existed, 410 if it has been retired."""
    page = page_by_slug(slug)
    if page is None:
        abort(404)
    if page.is_retired:
        return None
    return page


@dataclass(frozen=True)
class ShownPage:
    """A live guidance page as everyone sees it on one day, rendered once per content version."""

    title: str
    category_slug: str
    category_title: str
    body: Markup


def shown_page(slug: str, today: date) -> ShownPage | None:
    """The page rendered, kept until the content changes; None if it has been retired (404 if it never existed)."""
    def render() -> ShownPage | None:
        found = get_live_page_or_abort(slug)
        if found is None:
            return None
        body = fragment("guidance/_page.html", page=found, related=related_pages(found), today=today,
                        checklists=checklists_for_guidance(found.slug))
        return ShownPage(found.title, found.category.slug, found.category.title, body)

    return cached(("guidance.page", slug, today), render)


@bp.get("/")
@signed_in
def index():
    """List guidance by category, with summaries."""
    today = today_london()
    categories = cached(("guidance.index", today), lambda: fragment(
        "guidance/_categories.html", categories=categories_with_pages(), today=today))
    return render_template("guidance/index.html", categories=categories)


@bp.get("/<slug>")
@signed_in
def page(slug: str):
    """Show one guidance page: breadcrumbs, contents, related pages and its review state."""
    shown = shown_page(slug, today_london())
    if shown is None:
        return render_template("guidance/retired.html", slug=slug), 410
    return render_template("guidance/page.html", shown=shown)


@bp.get("/<slug>/history")
@signed_in
def history(slug: str):
    """Show each import that changed the page: when, and what changed."""
    found = page_by_slug(slug)
    if found is None:
        abort(404)
    return render_template("guidance/history.html", page=found, revisions=page_history(found))


@bp.get("/reviews")
@roles_required("admin")
def reviews():
    """List the pages overdue for review, or due within the warning period."""
    today = today_london()
    pages = pages_due_for_review(today + timedelta(days=REVIEW_WARNING_DAYS))
    return render_template("guidance/reviews.html", pages=pages, today=today, days=REVIEW_WARNING_DAYS)
