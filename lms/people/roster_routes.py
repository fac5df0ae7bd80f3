"""Admin pages for the HR roster: upload a file, see what it would do, confirm; undo an import's deactivations."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from lms.access import roles_required
from lms.audit.wording import say_change
from lms.extensions import db, read_transaction
from lms.people import bp
from lms.people.forms import ConfirmForm, RosterConfirmForm, RosterUploadForm
from lms.people.models import RosterImport
from lms.people.queries import recent_roster_imports
from lms.people.roster import NotARoster, parse_roster
from lms.people.roster_import import CHANGED_MEANWHILE, apply_plan, still_deactivated, undo_deactivations
from lms.people.roster_plan import ImportOptions, RosterPlan, plan_import
from lms.inputs import accepts_upload
from lms.people.roster_uploads import find_upload, forget_upload, keep_upload, read_upload, upload_options


@bp.route("/admin/roster/", methods=["GET", "POST"])
@roles_required("admin")
@accepts_upload
def admin_roster():
    """Upload a roster file with the import's options; list the recent imports."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        try:
            file_name, text = read_upload(form.roster.data)
        except NotARoster as error:
            form.roster.errors.append(str(error))
        else:
            options = ImportOptions(deactivate_missing=form.deactivate_missing.data,
                                    allow_mass_deactivation=form.allow_mass_deactivation.data,
                                    reactivate_listed=form.reactivate_listed.data)
            upload = keep_upload(current_user, file_name, text, options)
            sha256 = upload.sha256
            db.session.commit()
            return redirect(url_for("people.admin_roster_preview", sha256=sha256))
    return render_template("people/admin_roster.html", form=form, imports=recent_roster_imports(),
                           max_mb=current_app.config["ROSTER_UPLOAD_MAX_MB"],
                           limit=current_app.config["ROSTER_MAX_DEACTIVATION_PERCENT"])


def _plan_upload(sha256: str) -> tuple[str, str, RosterPlan]:
    """Find the admin's upload by its hash and plan its import, reading only; 404 if there is no such upload."""
    upload = find_upload(current_user, sha256)
    if upload is None:
        abort(404)
    file_name, content, options = upload.file_name, upload.content, upload_options(upload)
    with read_transaction():
        plan = plan_import(parse_roster(content), options)
    return file_name, content, plan


def _preview_page(sha256: str, file_name: str, plan: RosterPlan, confirm: RosterConfirmForm | None = None) -> str:
    return render_template("people/admin_roster_preview.html", plan=plan, file_name=file_name, sha256=sha256,
                           confirm=confirm or RosterConfirmForm(sha256=sha256), say_change=say_change,
                           limit=current_app.config["ROSTER_MAX_DEACTIVATION_PERCENT"])


@bp.get("/admin/roster/uploads/<sha256>")
@roles_required("admin")
def admin_roster_preview(sha256: str):
    """Show what importing the uploaded roster would do: counts, who is deactivated, every bad row."""
    file_name, _, plan = _plan_upload(sha256)
    return _preview_page(sha256, file_name, plan)


@bp.post("/admin/roster/uploads/<sha256>")
@roles_required("admin")
def admin_roster_apply(sha256: str):
    """Import the previewed roster, all or nothing, if it still has no problems."""
    confirm = RosterConfirmForm()
    if not confirm.validate_on_submit() or confirm.sha256.data != sha256:
        abort(400)
    file_name, content, plan = _plan_upload(sha256)
    if plan.problems:
        return _preview_page(sha256, file_name, plan)  # the site changed since the preview: the page says how
    if plan.new_teams and not confirm.create_teams.data:
        confirm.create_teams.errors = ["Tick the box to create the new teams, or correct the file's spelling"]
        return _preview_page(sha256, file_name, plan, confirm), 400
    try:
        roster_import = apply_plan(plan, actor=current_user, file_name=file_name, content=content)
        import_id = roster_import.id if roster_import else None
        forget_upload(current_user, sha256)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(CHANGED_MEANWHILE, "error")
        return redirect(url_for("people.admin_roster_preview", sha256=sha256))
    flash(f"Roster imported from {file_name}: {plan.summary()}.", "success")
    if import_id is None:
        return redirect(url_for("people.admin_roster"))
    return redirect(url_for("people.admin_roster_import", import_id=import_id))


@bp.get("/admin/roster/imports/<int:import_id>")
@roles_required("admin")
def admin_roster_import(import_id: int):
    """One import: what it did, and whom it deactivated that nobody has reactivated since."""
    roster_import = db.get_or_404(RosterImport, import_id)
    return render_template("people/admin_roster_import.html", roster_import=roster_import,
                           deactivated=still_deactivated(roster_import), confirm=ConfirmForm())


@bp.post("/admin/roster/imports/<int:import_id>/undo")
@roles_required("admin")
def admin_roster_undo(import_id: int):
    """Reactivate everyone this import deactivated (a mistaken file); each reactivation is audited."""
    roster_import = db.get_or_404(RosterImport, import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = undo_deactivations(current_user, roster_import)
    db.session.commit()
    flash(f"Reactivated {count} {'person' if count == 1 else 'people'} whom import {import_id} deactivated."
          if count else "Nobody was left to reactivate.", "success")
    return redirect(url_for("people.admin_roster_import", import_id=import_id))
