"""Read and acknowledge: the officer's confirmation, and the supervisors' report of who has not confirmed."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from lms.access import signed_in
from lms.audit.services import record
from lms.courses.forms import ActionForm
from lms.csvutil import to_csv
from lms.extensions import db
from lms.guidance import bp
from lms.guidance.acknowledgements import acknowledge, audience_lines, asking_pages, remind
from lms.guidance.queries import page_by_slug
from lms.reports.scope import require_scope
from lms.timeutil import format_datetime


@bp.post("/<slug>/acknowledge")
@signed_in
def acknowledge_page(slug: str):
    """Record that the reader has read and understood the page's current version."""
    found = page_by_slug(slug)
    if found is None or found.is_retired:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if acknowledge(found, current_user):
        version = found.version  # before the commit expires the page
        record(current_user, "guidance.acknowledged", "guidance", found.slug,
               f"{current_user.name} acknowledged version {version} of '{found.title}'")
        db.session.commit()
        flash(f"Thank you: you have confirmed you have read and understood version {version} of this page.",
              "success")
    return redirect(url_for("guidance.page", slug=slug))


def asking_page_or_404(slug: str):
    found = page_by_slug(slug)
    if found is None or found.is_retired or found.last_major_version is None:
        abort(404)
    return found


@bp.get("/acknowledgements")
@signed_in
def acknowledgements():
    """List the pages whose latest major change officers are asked to acknowledge."""
    require_scope(current_user)
    return render_template("guidance/acknowledgements.html", pages=asking_pages())


@bp.get("/acknowledgements/<slug>")
@signed_in
def acknowledgement_report(slug: str):
    """Show, team by team, who in the page's audience has acknowledged its latest major change and who has not."""
    teams = require_scope(current_user)
    found = asking_page_or_404(slug)
    lines = audience_lines(found, teams)
    return render_template("guidance/acknowledgement_report.html", page=found, lines=lines,
                           outstanding=sum(1 for line in lines if line.acknowledged_at is None), form=ActionForm())


@bp.get("/acknowledgements/<slug>/export.csv")
@signed_in
def acknowledgement_csv(slug: str):
    """The same report as a spreadsheet."""
    teams = require_scope(current_user)
    found = asking_page_or_404(slug)
    rows = [("Team", "Service number", "Name", "Rank", "Acknowledged", "Version", "When")]
    rows += [(line.team.name, line.person.service_number, line.person.name, line.person.rank,
              "yes" if line.acknowledged_at else "no", line.version or "", format_datetime(line.acknowledged_at))
             for line in audience_lines(found, teams)]
    return Response(to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="acknowledgements-{found.slug}.csv"'})


@bp.post("/acknowledgements/<slug>/remind")
@signed_in
def remind_to_acknowledge(slug: str):
    """Email everyone in the supervisor's teams who has not acknowledged the page yet (once a day at most)."""
    teams = require_scope(current_user)
    found = asking_page_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    queued = remind(found, audience_lines(found, teams))
    record(current_user, "guidance.ack_reminded", "guidance", found.slug,
           f"{current_user.name} reminded {queued} people to acknowledge '{found.title}'")
    db.session.commit()
    flash(f"Reminded {queued} {'person' if queued == 1 else 'people'} by email." if queued else
          "Nobody to remind: everyone has acknowledged the page or was reminded today.", "success")
    return redirect(url_for("guidance.acknowledgement_report", slug=slug))
