"""What page owners do in the browser: read the feedback on their pages and answer it, and mark pages reviewed."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import signed_in
from lms.audit.services import record
from lms.extensions import db
from lms.guidance import bp
from lms.guidance.forms import FeedbackForm, ReplyForm, ReviewForm
from lms.guidance.models import GuidanceFeedback, GuidancePage
from lms.guidance.owners import (FeedbackRefused, close_feedback, counts_per_page, feedback_queue, leave_feedback,
                                 mark_reviewed, may_act_for, owners_acted_for, quarter_start)
from lms.guidance.queries import page_by_slug
from lms.timeutil import today_london


def owners_or_403() -> set[str] | None:
    owners = owners_acted_for(current_user)
    if owners is not None and not owners:
        abort(403)
    return owners


def live_page_or_404(slug: str) -> GuidancePage:
    found = page_by_slug(slug)
    if found is None or found.is_retired:
        abort(404)
    return found


@bp.post("/<slug>/feedback")
@signed_in
def feedback(slug: str):
    """Take "was this page useful?" from the foot of a page (a plain form: no script needed)."""
    found = live_page_or_404(slug)
    form = FeedbackForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return redirect(url_for("guidance.page", slug=slug, _anchor="feedback"))
    try:
        leave_feedback(found, current_user, form.useful.data == "yes", form.reason.data or "")
    except FeedbackRefused as refused:
        flash(str(refused), "info")
        return redirect(url_for("guidance.page", slug=slug, _anchor="feedback"))
    db.session.commit()
    flash("Thank you for your feedback. Only the page's owner sees it.", "success")
    return redirect(url_for("guidance.page", slug=slug, _anchor="feedback"))


@bp.get("/feedback")
@signed_in
def feedback_queue_page():
    """The feedback on the pages the reader owns: open or done, counts per page, most "no" this quarter first."""
    owners = owners_or_403()
    status = "done" if request.args.get("status") == "done" else "open"
    since = quarter_start(today_london())
    return render_template("guidance/feedback.html", status=status, items=feedback_queue(owners, status),
                           counts=counts_per_page(owners, since), since=since, form=ReplyForm())


@bp.post("/feedback/<int:feedback_id>/done")
@signed_in
def feedback_done(feedback_id: int):
    """Close one piece of feedback with a note of what was done about it."""
    item = db.get_or_404(GuidanceFeedback, feedback_id)
    page = db.session.get(GuidancePage, item.page_id)
    if not may_act_for(current_user, page.owner):
        abort(404)  # not theirs: as if it did not exist
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(form.reply.errors[0] if form.reply.errors else "Say what you did about it", "error")
        return redirect(url_for("guidance.feedback_queue_page"))
    close_feedback(item, current_user, form.reply.data)
    record(current_user, "guidance.feedback_done", "guidance", page.slug,
           f"{current_user.name} closed feedback {item.id} on '{page.title}'")
    db.session.commit()
    flash("Marked done.", "success")
    return redirect(url_for("guidance.feedback_queue_page"))


@bp.route("/<slug>/review", methods=["GET", "POST"])
@signed_in
def review(slug: str):
    """Mark a page "reviewed, still correct": sets its review dates until its file next changes."""
    found = live_page_or_404(slug)
    if not may_act_for(current_user, found.owner):
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        next_due = mark_reviewed(found, current_user, form.note.data or "").next_due  # read before the commit
        record(current_user, "guidance.reviewed", "guidance", found.slug,
               f"{current_user.name} marked '{found.title}' reviewed; next review {next_due.isoformat()}")
        db.session.commit()
        flash(f"Marked reviewed. The next review is due by {next_due:%-d %B %Y}.", "success")
        return redirect(url_for("guidance.reviews"))
    return render_template("guidance/review.html", page=found, form=form)
