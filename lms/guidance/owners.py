"""Page owners: who may act for an owner named in front matter, their feedback queue, and reviews in the browser."""
from datetime import date, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.guidance.models import GuidanceFeedback, GuidanceOwnerMember, GuidancePage, GuidanceReview
from lms.people.models import Person
from lms.timeutil import from_london, today_london, utcnow

#: how much feedback one person may leave in a day, over all pages (one per page)
FEEDBACK_PER_DAY = 20


class FeedbackRefused(Exception):
    """Feedback not taken: the person has already said enough today."""


def owners_acted_for(person: Person) -> set[str] | None:
    """The owners `person` may act for; None for an admin, who may act for every owner."""
    if person.has_role("admin"):
        return None
    return set(db.session.scalars(sa.select(GuidanceOwnerMember.owner)
                                  .where(GuidanceOwnerMember.person_id == person.id)))


def may_act_for(person: Person, owner: str) -> bool:
    owners = owners_acted_for(person)
    return owners is None or owner in owners


def owned(owners: set[str] | None):
    """A condition on GuidancePage: the pages of these owners (every page for None)."""
    return sa.true() if owners is None else GuidancePage.owner.in_(owners)


def leave_feedback(page: GuidancePage, person: Person, is_useful: bool, reason: str) -> GuidanceFeedback:
    """Store one "was this page useful?" answer as plain text; one per page per day, FEEDBACK_PER_DAY in all."""
    since = from_london(today_london(), time(0, 0))
    total, this_page = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(GuidanceFeedback.page_id == page.id))
        .where(GuidanceFeedback.person_id == person.id, GuidanceFeedback.created_at >= since)).one()
    if this_page:
        raise FeedbackRefused("You have already told us about this page today. Thank you: the page's owner will "
                              "read it.")
    if total >= FEEDBACK_PER_DAY:
        raise FeedbackRefused(f"You have sent feedback on {FEEDBACK_PER_DAY} pages today, as many as one person "
                              f"may in a day. Please try again tomorrow.")
    item = GuidanceFeedback(page_id=page.id, person_id=person.id, version=page.version, is_useful=is_useful,
                            reason=reason.strip())
    db.session.add(item)
    db.session.flush()
    return item


def feedback_queue(owners: set[str] | None, status: str, limit: int = 200) -> list:
    """The latest feedback on these owners' pages with this status: (feedback, page, author) rows, newest first."""
    return list(db.session.execute(
        sa.select(GuidanceFeedback, GuidancePage, Person)
        .join(GuidancePage, GuidancePage.id == GuidanceFeedback.page_id)
        .join(Person, Person.id == GuidanceFeedback.person_id)
        .where(owned(owners), GuidanceFeedback.status == status)
        .options(so.load_only(GuidancePage.slug, GuidancePage.title, GuidancePage.owner),
                 so.load_only(Person.given_name, Person.family_name, Person.rank))
        .order_by(GuidanceFeedback.created_at.desc(), GuidanceFeedback.id.desc()).limit(limit)))


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def counts_per_page(owners: set[str] | None, since: date) -> list:
    """Per page with any feedback: open, done, and "no" answers since `since` (London); most "no" first."""
    since_at = from_london(since, time(0, 0))
    feedback = GuidanceFeedback
    return list(db.session.execute(
        sa.select(GuidancePage.slug, GuidancePage.title,
                  sa.func.count().filter(feedback.status == "open").label("open"),
                  sa.func.count().filter(feedback.status == "done").label("done"),
                  sa.func.count().filter(feedback.is_useful.is_(False), feedback.created_at >= since_at)
                  .label("no_since"))
        .join(feedback, feedback.page_id == GuidancePage.id).where(owned(owners))
        .group_by(GuidancePage.id, GuidancePage.slug, GuidancePage.title)
        .order_by(sa.text("no_since DESC"), GuidancePage.title)))


def close_feedback(item: GuidanceFeedback, person: Person, reply: str) -> None:
    item.status, item.reply_note, item.handled_by_id, item.handled_at = "done", reply.strip(), person.id, utcnow()


def mark_reviewed(page: GuidancePage, person: Person, note: str) -> GuidanceReview:
    """Record the page as reviewed and still correct today: its next review falls due after the same interval as
    before. The file is still the source: its next change sets the dates it gives."""
    today = today_london()
    interval = max(page.review_due - page.last_reviewed, timedelta(days=1))
    page.last_reviewed, page.review_due = today, today + interval
    review = GuidanceReview(page_id=page.id, person_id=person.id, reviewed_on=today, next_due=page.review_due,
                            note=note.strip())
    db.session.add(review)
    db.session.flush()
    return review


def recent_reviews(owners: set[str] | None, limit: int = 20) -> list:
    """The latest browser reviews of these owners' pages: (review, page title and slug, reviewer) rows (one query)."""
    return list(db.session.execute(
        sa.select(GuidanceReview, GuidancePage.slug, GuidancePage.title, Person)
        .join(GuidancePage, GuidancePage.id == GuidanceReview.page_id)
        .outerjoin(Person, Person.id == GuidanceReview.person_id)
        .where(owned(owners)).order_by(GuidanceReview.id.desc()).limit(limit)))


def latest_reviews(page_ids: list[int]) -> dict[int, tuple[GuidanceReview, str]]:
    """The latest browser review of each page, with the reviewer's name (one query)."""
    if not page_ids:
        return {}
    latest = (sa.select(sa.func.max(GuidanceReview.id)).where(GuidanceReview.page_id.in_(page_ids))
              .group_by(GuidanceReview.page_id))
    rows = db.session.execute(sa.select(GuidanceReview, Person).outerjoin(Person, Person.id == GuidanceReview.person_id)
                              .where(GuidanceReview.id.in_(latest)))
    return {review.page_id: (review, person.name if person else "someone since removed") for review, person in rows}
