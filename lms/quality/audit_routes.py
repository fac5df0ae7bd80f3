"""Quality audits: the audit team records a visit, scores sampled cases on the audit rubric and sets actions; the
owners close them; supervisors read their teams' visits. Every visit is loaded through audits.get_visit_for."""
from typing import NamedTuple

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms import csvutil
from lms.access import roles_required, signed_in
from lms.core.once import already_done, commit_once
from lms.extensions import db
from lms.people.models import Person
from lms.quality import audits, bp
from lms.quality.forms import ActionForm, CloseActionForm, VisitForm, review_form, scores_from
from lms.quality.models import AuditAction
from lms.quality.scope import plan_team_ids
from lms.quality.services import current_rubric
from lms.reports.queries import teams_with_areas
from lms.reports.viewhelpers import download


@bp.get("/audits/")
@signed_in
def audits_index():
    """The visits to your teams, and the actions you own."""
    visits, actions = audits.visits_for(current_user), audits.open_actions(current_user)
    is_auditor = audits.is_auditor(current_user)
    if not (visits or actions or is_auditor or plan_team_ids(current_user)):
        abort(403)
    return render_template("quality/audits.html", visits=visits, actions=actions, is_auditor=is_auditor,
                           is_overdue=audits.is_overdue)


@bp.route("/audits/new", methods=["GET", "POST"])
@roles_required("admin", "iq_sergeant")
def new_visit():
    """Record a visit to a team: when, who audited and what was found."""
    version = current_rubric("quality-audit")
    if version is None:
        abort(404)
    form = VisitForm()
    form.team.choices = {team.id: team.full_name for team in teams_with_areas(
        audits.recordable_team_ids(current_user))}
    if form.validate_on_submit():
        if (done := already_done(form)) is not None:
            return done
        visit = audits.record_visit(current_user, form.team.data, form.visited_on.data, form.auditors.data.strip(),
                                    (form.findings.data or "").strip(), version)
        shown = url_for("quality.visit", visit_id=visit.id)  # before the commit expires the visit
        if (done := commit_once(form, shown)) is not None:
            return done
        flash("The visit has been recorded: now score the cases sampled.", "success")
        return redirect(shown)
    return render_template("quality/new_visit.html", form=form)


@bp.get("/audits/<int:visit_id>")
@signed_in
def visit(visit_id: int):
    """A visit's report: cases and their scores, findings and actions; prints on A4."""
    found = audits.get_visit_for(current_user, visit_id)
    return render_template("quality/visit.html", visit=found, may_change=audits.may_change(current_user, found),
                           action_form=ActionForm(), is_overdue=audits.is_overdue)


@bp.route("/audits/<int:visit_id>/cases/new", methods=["GET", "POST"])
@roles_required("admin", "iq_sergeant")
def new_case(visit_id: int):
    """Score one sampled case, named by crime reference, on the visit's version of the audit rubric."""
    found = audits.get_visit_for(current_user, visit_id)
    if not audits.may_change(current_user, found):
        abort(404)
    version = found.rubric_version
    form = review_form(version.criteria, case=True)()
    form.version.data = str(version.id)
    if form.validate_on_submit():
        try:
            audits.add_case(current_user, found, form.crime_reference.data, scores_from(form, version.criteria),
                            (form.comment.data or "").strip())
        except audits.AuditError as error:
            db.session.rollback()
            form.crime_reference.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Case {form.crime_reference.data} has been scored.", "success")
            return redirect(url_for("quality.visit", visit_id=visit_id))
    return render_template("quality/case.html", form=form, visit=found, version=version)


@bp.post("/audits/<int:visit_id>/actions")
@roles_required("admin", "iq_sergeant")
def add_action(visit_id: int):
    """Set an action for the team, with its owner and due date."""
    found = audits.get_visit_for(current_user, visit_id)
    if not audits.may_change(current_user, found):
        abort(404)
    form = ActionForm()
    owner = None
    if form.validate_on_submit():
        owner = db.session.scalar(sa.select(Person).where(
            Person.service_number == form.owner.data.strip().upper(), Person.is_active_account.is_(True)))
        if owner is None:
            form.owner.errors.append("Nobody on the site has that service number")
        if problem := audits.due_date_problem(found, form.due_on.data):
            form.due_on.errors.append(problem)
    if owner is None or form.errors:
        return render_template("quality/visit.html", visit=found, may_change=True, action_form=form,
                               is_overdue=audits.is_overdue), 400
    if (done := already_done(form)) is not None:
        return done
    audits.add_action(current_user, found, form.description.data.strip(), owner, form.due_on.data)
    message = f"The action has been set for {owner.name}."  # before the commit expires the owner
    shown = url_for("quality.visit", visit_id=visit_id)
    if (done := commit_once(form, shown)) is not None:
        return done
    flash(message, "success")
    return redirect(shown)


class ClosingNote(NamedTuple):
    """A closing note refused, to show again beside its action's form."""

    action_id: int
    error: str
    note: str


@bp.post("/audits/actions/<int:action_id>/close")
@signed_in
def close_action(action_id: int):
    """Close an action you own (or, for the audit team, any action of a visit you may change) with a note."""
    action = db.session.get(AuditAction, action_id)
    if action is None:
        abort(404)
    found = audits.get_visit_for(current_user, action.visit_id)
    if action.owner_id != current_user.id and not audits.may_change(current_user, found):
        abort(404)
    form = CloseActionForm()
    back = url_for("quality.visit", visit_id=found.id)  # before a commit expires the visit
    if not form.validate_on_submit():
        if not form.closing_note.errors:
            flash("The form has expired: try again.", "error")
            return redirect(back)
        # The visit's page again, the note as typed beside its error: a redirect would lose what was written.
        closing = ClosingNote(action.id, form.closing_note.errors[0], form.closing_note.data or "")
        return render_template("quality/visit.html", visit=found, may_change=audits.may_change(current_user, found),
                               action_form=ActionForm(), closing=closing, is_overdue=audits.is_overdue), 400
    try:
        audits.close_action(current_user, action, form.closing_note.data.strip())
    except audits.AuditError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("The action has been closed.", "success")
    return redirect(url_for("core.home") if request.form.get("next") == "home" else back)


@bp.get("/audits/<int:visit_id>.csv")
@signed_in
def visit_csv(visit_id: int):
    """A visit's cases and actions, as CSV."""
    found = audits.get_visit_for(current_user, visit_id)
    criteria = found.rubric_version.criteria
    rows = [["Team", found.team.full_name], ["Visited on", found.visited_on.isoformat()],
            ["Auditors", found.auditors], ["Findings", found.findings], [],
            ["Crime reference", *[criterion["title"] for criterion in criteria], "Total", "Out of", "Percent",
             "Comment"]]
    for case in found.cases:
        by_key = {item["key"]: item["score"] for item in case.scores}
        rows.append([case.crime_reference, *[by_key.get(criterion["key"], "") for criterion in criteria],
                     case.total, case.max_score, f"{case.percent}%", case.comment])
    rows += [[], ["Action", "Owner", "Due by", "Status", "Closing note"]]
    rows += [[action.description, action.owner.name, action.due_on.isoformat(),
              "Overdue" if audits.is_overdue(action) else action.status.capitalize(), action.closing_note]
             for action in found.actions]
    return download(csvutil.to_csv(rows), f"audit-visit-{found.id}.csv")
