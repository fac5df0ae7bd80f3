"""The guidance hub: the index by category, a page, its history, and the review list for admins."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lms.access import signed_in
from lms.checklists.queries import checklists_for_guidance
from lms.content.cache import cached, fragment
from lms.guidance import bp
from lms.guidance.acknowledgements import is_awaited
from lms.guidance.forms import FeedbackForm
from lms.guidance.owners import latest_reviews, owned, owners_acted_for, recent_reviews
from lms.guidance.queries import (categories_with_pages, page_by_slug, page_history, pages_due_for_review,
                                  related_pages)
from lms.guidance.versions import (end_of_london_day, next_start, page_versions, paragraph_diff, two_versions,
                                   version_of, version_on)
from lms.inputs import db_int
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
    #: the feedback form's fields, the same for everyone: the page adds the form and the reader's CSRF token
    feedback_fields: Markup
    page_id: int
    version: int


def shown_page(slug: str, today: date) -> ShownPage | None:
    """The page rendered, kept until the content changes; None if it has been retired (404 if it never existed)."""
    def render() -> ShownPage | None:
        found = get_live_page_or_abort(slug)
        if found is None:
            return None
        body = fragment("guidance/_page.html", page=found, related=related_pages(found), today=today,
                        checklists=checklists_for_guidance(found.slug))
        # A GET never shows the feedback form with errors (a refused answer is told on the next page), so its
        # fields are kept rendered too, from a form without the CSRF field the page adds with the reader's token.
        feedback_fields = fragment("guidance/_feedback_fields.html",
                                   form=FeedbackForm(formdata=None, meta={"csrf": False}))
        return ShownPage(found.title, found.category.slug, found.category.title, body, feedback_fields, found.id,
                         found.version)

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
    """Show one guidance page: breadcrumbs, contents, related pages and its review state; with `as_at`, the version
    in force on that day."""
    if "as_at" in request.args:
        return version_as_at(slug, request.args["as_at"])
    shown = shown_page(slug, today_london())
    if shown is None:
        return render_template("guidance/retired.html", slug=slug), 410
    # The page's two forms take the reader's CSRF token as it is (csrf_token()); building them as WTForms on each
    # view cost more than the rest of the page's own work
    return render_template("guidance/page.html", shown=shown, slug=slug,
                           awaited=is_awaited(shown.page_id, current_user))


def version_as_at(slug: str, value: str):
    try:
        day = date.fromisoformat(value)
    except ValueError:
        abort(400, description="as_at must be a date written YYYY-MM-DD, such as 2026-04-01.")
    found = page_by_slug(slug)
    if found is None:
        abort(404)
    if found.is_retired and found.retired_at < end_of_london_day(day):
        return render_template("guidance/retired.html", slug=slug), 410
    version = version_on(found, day)
    if version is None:
        return render_template("guidance/no_version.html", page=found, day=day), 404
    return show_version(found, version, as_at=day)


def show_version(found, version, as_at: date | None = None):
    return render_template("guidance/version.html", page=found, version=version, ends_at=next_start(version),
                           as_at=as_at)


@bp.get("/<slug>/versions/<int:number>")
@signed_in
def version(slug: str, number: int):
    """Show one version of a page exactly as officers read it, with the dates it was in force: a permanent link."""
    found = page_by_slug(slug)
    shown = version_of(found, number) if found else None
    if shown is None:
        abort(404)
    return show_version(found, shown)


@bp.get("/<slug>/history")
@signed_in
def history(slug: str):
    """Show every version of the page, a form to compare two, and each import that changed it."""
    found = page_by_slug(slug)
    if found is None:
        abort(404)
    return render_template("guidance/history.html", page=found, revisions=page_history(found),
                           versions=page_versions(found))


@bp.get("/<slug>/compare")
@signed_in
def compare(slug: str):
    """Show what changed between two versions, paragraph by paragraph."""
    found = page_by_slug(slug)
    if found is None:
        abort(404)
    first = request.args.get("from", type=db_int)
    second = request.args.get("to", type=db_int)
    pair = two_versions(found, first, second) if first and second else None
    if pair is None:
        abort(404)
    old, new = pair
    if old.number > new.number:
        # Always older on the left, so "removed" and "added" mean what they say.
        return redirect(url_for("guidance.compare", slug=slug, **{"from": new.number, "to": old.number}))
    return render_template("guidance/compare.html", page=found, old=old, new=new, blocks=paragraph_diff(old, new))


@bp.get("/reviews")
@signed_in
def reviews():
    """List the pages (of the owners the reader acts for) overdue for review or due within the warning period,
    and who last marked each reviewed."""
    owners = owners_acted_for(current_user)
    if owners is not None and not owners:
        abort(403)
    today = today_london()
    pages = pages_due_for_review(today + timedelta(days=REVIEW_WARNING_DAYS), owned(owners))
    return render_template("guidance/reviews.html", pages=pages, today=today, days=REVIEW_WARNING_DAYS,
                           reviewed=latest_reviews([page.id for page in pages]), recent=recent_reviews(owners))
