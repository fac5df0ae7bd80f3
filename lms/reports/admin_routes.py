"""Delegations (supervisors), programme targets and area leads (admins)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required
from lms.courses.queries import live_courses
from lms.extensions import db
from lms.inputs import db_int
from lms.people.forms import ConfirmForm
from lms.people.models import Area, Person
from lms.people.queries import areas
from lms.reports import bp, queries, services
from lms.reports.forms import AreaLeadForm, DelegationForm, TargetForm
from lms.reports.models import Delegation, ProgrammeTarget
from lms.sessions.queries import find_people
from lms.timeutil import today_london


def _apply(change, success: str) -> str | None:
    """Run a service call: commit and flash `success`, or roll back and return why it was refused."""
    try:
        change()
    except services.ReportRuleError as error:
        db.session.rollback()
        return str(error)
    db.session.commit()
    flash(success, "success")
    return None


#: people found by a delegation search, at most (a longer list means the name needs more letters)
ACTING_CHOICES = 20


@bp.route("/reports/delegations", methods=["GET", "POST"])
@roles_required("supervisor", "admin")
def delegations():
    """Lend my teams to an acting supervisor for a date range: find them by name (the people search the register
    uses for walk-ins), choose one, then see who was chosen while giving the dates. No JavaScript needed."""
    form = DelegationForm()
    today = today_london()
    if request.method == "GET":
        form.acting_id.data = request.args.get("acting", "")
    acting = _chosen(form.acting_id.data)
    if form.validate_on_submit():
        problem = _apply(lambda: services.delegate(current_user, acting, form.starts_on.data, form.ends_on.data,
                                                   form.reason.data or "", today),
                         f"{acting.name if acting else ''} will see your teams from "
                         f"{form.starts_on.data:%-d %B %Y} to {form.ends_on.data:%-d %B %Y}.")
        if problem is None:
            return redirect(url_for("reports.delegations"))
        form.form_errors.append(problem)
    query = request.args.get("q", "").strip()[:100]
    found = [person for person in find_people(query, limit=ACTING_CHOICES + 1) if person.id != current_user.id]
    shown = (queries.all_current_delegations(today) if current_user.has_role("admin")
             else queries.delegations_involving(current_user, today))
    return render_template("reports/delegations.html", form=form, delegations=shown, today=today,
                           action=ConfirmForm(), query=query, found=found[:ACTING_CHOICES],
                           more=len(found) > ACTING_CHOICES, acting=acting), \
        400 if form.errors or form.form_errors else 200


def _chosen(person_id: str | None) -> Person | None:
    """The person chosen from the search (the rules on who may act are lms.reports.services.delegate's)."""
    try:
        return db.session.get(Person, db_int(person_id or ""))
    except ValueError:
        return None


@bp.post("/reports/delegations/<int:delegation_id>/cancel")
@roles_required("supervisor", "admin")
def cancel_delegation(delegation_id: int):
    """End a delegation now: the delegating supervisor, the acting supervisor or an admin may."""
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or not (current_user.has_role("admin")
                                  or current_user.id in (delegation.from_person_id, delegation.to_person_id)):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    problem = _apply(lambda: services.cancel_delegation(current_user, delegation), "The delegation has ended.")
    if problem:
        flash(problem, "error")
    return redirect(url_for("reports.delegations"))


@bp.route("/reports/targets", methods=["GET", "POST"])
@roles_required("admin")
def targets():
    """The programme's targets: add one ("800 constables complete the masterclass") or remove one."""
    form = TargetForm()
    courses = live_courses()
    form.course_id.choices = [(course.id, course.title) for course in courses]
    if form.validate_on_submit():
        course = next(course for course in courses if course.id == form.course_id.data)
        _apply(lambda: services.add_target(current_user, form.label.data, course, form.ranks.data, form.goal.data),
               f"Added the target '{form.label.data.strip()}'.")
        return redirect(url_for("reports.targets"))
    return render_template("reports/targets.html", form=form, targets=queries.programme_targets(),
                           action=ConfirmForm()), 400 if form.errors else 200


@bp.post("/reports/targets/<int:target_id>/remove")
@roles_required("admin")
def remove_target(target_id: int):
    target = db.get_or_404(ProgrammeTarget, target_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    label = target.label
    _apply(lambda: services.remove_target(current_user, target), f"Removed the target '{label}'.")
    return redirect(url_for("reports.targets"))


@bp.route("/reports/area-leads", methods=["GET", "POST"])
@roles_required("admin")
def area_leads():
    """Area leads: supervisors (inspectors and above) who see every team of an area."""
    form = AreaLeadForm()
    form.area_id.choices = [(area.id, area.name) for area in areas()]
    if form.validate_on_submit():
        person = queries.person_by_identifier(form.person.data)
        area = db.get_or_404(Area, form.area_id.data)
        problem = _apply(lambda: services.add_area_lead(current_user, person, area),
                         f"{person.name if person else ''} now leads {area.name}.")
        if problem is None:
            return redirect(url_for("reports.area_leads"))
        form.form_errors.append(problem)
    return render_template("reports/area_leads.html", form=form, leads=queries.area_lead_rows(),
                           action=ConfirmForm()), 400 if form.errors or form.form_errors else 200


@bp.post("/reports/area-leads/<int:area_id>/<int:person_id>/remove")
@roles_required("admin")
def remove_area_lead(area_id: int, person_id: int):
    area = db.get_or_404(Area, area_id)
    person = db.get_or_404(Person, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    problem = _apply(lambda: services.remove_area_lead(current_user, person, area),
                     f"{person.name} no longer leads {area.name}.")
    if problem:
        flash(problem, "error")
    return redirect(url_for("reports.area_leads"))
