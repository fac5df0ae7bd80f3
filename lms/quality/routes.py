"""Investigation plans: officers write and resubmit them, investigative-quality sergeants score them on the rubric,
supervisors read their teams'. Every plan is loaded through scope.get_plan_for."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required, signed_in
from lms.core.once import already_done, commit_once
from lms.extensions import db
from lms.inputs import db_int
from lms.people.models import Person
from lms.quality import bp, queries, services
from lms.quality.forms import NewPlanForm, PlanForm, review_form, scores_from
from lms.quality.models import Rubric, RubricVersion
from lms.quality.scope import get_plan_for, may_review, plan_team_ids, reviewed_team_ids

PER_PAGE = 50


@bp.get("/plans/")
@signed_in
def plans():
    """Your own plans, and links to the queue (reviewers) and your teams' plans (supervisors)."""
    return render_template("quality/plans.html", rows=queries.own_plans(current_user),
                           is_reviewer=bool(reviewed_team_ids(current_user)),
                           sees_teams=bool(plan_team_ids(current_user)))


@bp.get("/plans/teams")
@signed_in
def team_plans():
    """The plans of the teams you supervise or review, newest first."""
    team_ids = plan_team_ids(current_user)
    if not team_ids:
        abort(403)
    rows, total, page = queries.team_plans(team_ids, request.args.get("page", 1, type=db_int), PER_PAGE)
    return render_template("quality/team_plans.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)))


@bp.get("/plans/queue")
@roles_required("iq_sergeant")
def queue():
    """Plans waiting for a review in your areas, oldest first within each area."""
    return render_template("quality/queue.html", rows=queries.queue(reviewed_team_ids(current_user)))


def _save(plan, form: PlanForm, once: NewPlanForm | None = None):
    """Save (or submit) the draft from `form`; None to show the form again with its errors. With `once`, the new
    plan's form: made once however often it is sent (lms.core.once)."""
    submit = request.form.get("action") == "submit"
    if submit and not form.body.data.strip():
        form.body.errors.append("Write the plan before you submit it")
        return None
    try:
        services.save_draft(plan, form.scenario.data.strip(), form.body.data, submit=submit)
    except services.PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("quality.plan", plan_id=plan.id))
    shown = url_for("quality.plan", plan_id=plan.id)  # before the commit expires the plan
    if once is None:
        db.session.commit()
    elif (done := commit_once(once, shown)) is not None:
        return done
    flash("Your plan has been submitted for review." if submit else "Your draft has been saved.", "success")
    return redirect(shown)


@bp.route("/plans/new", methods=["GET", "POST"])
@signed_in
def new_plan():
    """Start a practice plan for a masterclass scenario."""
    form = NewPlanForm()
    if form.validate_on_submit():
        if (done := already_done(form)) is not None:
            return done
        try:
            plan = services.start_plan(current_user, form.scenario.data.strip())
        except services.PlanError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("quality.plans"))
        response = _save(plan, form, once=form)
        if response is not None:
            return response
        db.session.rollback()
    return render_template("quality/edit_plan.html", form=form, plan=None, rubric=services.current_rubric())


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_plan(plan_id: int):
    """Change the draft attempt of your own plan, then save it or submit it."""
    plan = get_plan_for(current_user, plan_id)
    if plan.person_id != current_user.id or plan.kind != "practice":
        abort(404)
    if plan.status != "draft":
        flash("This attempt has been submitted and can no longer be changed.", "error")
        return redirect(url_for("quality.plan", plan_id=plan.id))
    form = PlanForm(data={"scenario": plan.scenario, "body": services.latest(plan).body})
    if form.validate_on_submit():
        response = _save(plan, form)
        if response is not None:
            return response
    return render_template("quality/edit_plan.html", form=form, plan=plan, rubric=services.current_rubric())


@bp.post("/plans/<int:plan_id>/resubmit")
@signed_in
def resubmit(plan_id: int):
    """Start another attempt at your reviewed plan, from the last attempt's text."""
    plan = get_plan_for(current_user, plan_id)
    if plan.person_id != current_user.id:
        abort(404)
    try:
        services.resubmit(plan)
    except services.PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("quality.plan", plan_id=plan_id))
    db.session.commit()
    return redirect(url_for("quality.edit_plan", plan_id=plan_id))


@bp.get("/plans/<int:plan_id>")
@signed_in
def plan(plan_id: int):
    """A plan with every attempt and its review, newest first."""
    found = get_plan_for(current_user, plan_id)
    versions = {review.rubric_version_id for review in (a.review for a in found.attempts) if review}
    criteria = {version.id: version for version in db.session.scalars(
        sa.select(RubricVersion).where(RubricVersion.id.in_(versions)))} if versions else {}
    return render_template("quality/plan.html", plan=found, attempts=found.attempts[::-1], versions=criteria,
                           is_owner=found.person_id == current_user.id,
                           may_review=found.status == "waiting" and may_review(current_user, found))


def _review_form(version: RubricVersion, live: bool):
    form = review_form(version.criteria, live=live)()
    if request.method == "GET":
        form.version.data = str(version.id)
    elif form.version.data != str(version.id):
        form.form_errors.append("The rubric was changed while you were scoring: check each score against the "
                                "levels below and save again.")
        form.version.data = str(version.id)
    return form


@bp.route("/plans/<int:plan_id>/review", methods=["GET", "POST"])
@roles_required("iq_sergeant")
def review_plan(plan_id: int):
    """Score the waiting attempt of a plan in your area on the current rubric, with a comment per criterion."""
    found = get_plan_for(current_user, plan_id)
    if not may_review(current_user, found):
        abort(404)
    version = services.current_rubric()
    if version is None:
        abort(404)
    if found.status != "waiting":
        flash("This plan is not waiting for a review: it may have been reviewed already.", "error")
        return redirect(url_for("quality.plan", plan_id=found.id))
    form = _review_form(version, live=False)
    if form.validate_on_submit() and not form.form_errors:
        try:
            services.record_review(current_user, found, version, scores_from(form, version.criteria),
                                   (form.comment.data or "").strip())
        except services.PlanError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("quality.plan", plan_id=found.id))
        db.session.commit()
        flash("Your review has been saved; the officer can read it now.", "success")
        return redirect(url_for("quality.queue"))
    return render_template("quality/review.html", form=form, plan=found, attempt=services.latest(found),
                           version=version, rubric=version.rubric)


@bp.route("/plans/live", methods=["GET", "POST"])
@roles_required("iq_sergeant")
def review_live_plan():
    """Record your review of a live investigation plan, named by its crime reference only."""
    version = services.current_rubric()
    if version is None:
        abort(404)
    form = _review_form(version, live=True)
    if form.validate_on_submit() and not form.form_errors:
        officer = db.session.scalar(sa.select(Person).where(
            Person.service_number == form.service_number.data.strip().upper(), Person.is_active_account.is_(True)))
        if officer is None or officer.team_id not in reviewed_team_ids(current_user) or officer.id == current_user.id:
            form.service_number.errors.append("No officer with that service number is in a team of your area")
        elif (done := already_done(form)) is not None:
            return done
        else:
            plan = services.record_live_review(current_user, officer, form.crime_reference.data, version,
                                               scores_from(form, version.criteria), (form.comment.data or "").strip())
            # said before the commit, which expires the plan
            message, shown = (f"Your review of the plan for {plan.crime_reference} has been saved.",
                              url_for("quality.plan", plan_id=plan.id))
            if (done := commit_once(form, shown)) is not None:
                return done
            flash(message, "success")
            return redirect(shown)
    return render_template("quality/review.html", form=form, plan=None, attempt=None, version=version,
                           rubric=version.rubric)


@bp.get("/rubrics/<slug>")
@signed_in
def rubric(slug: str):
    """A rubric's current criteria and levels: what reviewers score against."""
    found = db.session.scalar(sa.select(Rubric).where(Rubric.slug == slug, Rubric.is_retired.is_(False)))
    if found is None:
        abort(404)
    version = db.session.scalar(sa.select(RubricVersion).where(RubricVersion.rubric_id == found.id,
                                                                RubricVersion.number == found.version))
    return render_template("quality/rubric.html", rubric=found, version=version)
