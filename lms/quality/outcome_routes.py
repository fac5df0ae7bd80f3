"""The admin's upload of teams' monthly outcome counts: all or nothing, with the line of every problem."""
from pathlib import PurePath

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from lms.access import roles_required
from lms.extensions import db
from lms.inputs import accepts_upload
from lms.people.roster import NotARoster, decode_roster
from lms.quality import bp
from lms.quality.forms import OutcomeUploadForm
from lms.quality.models import OutcomeImport
from lms.quality.outcomes import COLUMNS, import_outcomes, read_file, summary

RECENT = 10


def _read(form: OutcomeUploadForm) -> tuple[str, str]:
    file = form.outcomes.data
    name = PurePath((file.filename or "").replace("\\", "/")).name[:255] or "outcomes.csv"
    if not name.lower().endswith(".csv"):
        raise NotARoster(f'{name} is not a CSV file. In Excel, save it as "CSV UTF-8" (a .csv file).')
    limit = current_app.config["ROSTER_UPLOAD_MAX_MB"] * 1024 * 1024
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise NotARoster(f"{name} is larger than {limit // (1024 * 1024)} MB: import it with `flask outcomes import`.")
    return name, decode_roster(data, name)


@bp.route("/admin/outcomes", methods=["GET", "POST"])
@roles_required("admin")
@accepts_upload
def admin_outcomes():
    """Upload a file of monthly outcome counts per team; list the recent imports."""
    form = OutcomeUploadForm()
    problems = []
    if form.validate_on_submit():
        try:
            name, text = _read(form)
        except NotARoster as error:
            form.outcomes.errors.append(str(error))
        else:
            outcomes = read_file(text)
            problems = outcomes.problems
            if not problems:
                batch = import_outcomes(outcomes, actor=current_user, file_name=name, content=text)
                message = summary(batch)
                db.session.commit()
                flash(f"Outcomes imported from {name}: {message}.", "success")
                return redirect(url_for("quality.admin_outcomes"))
    recent = db.session.scalars(sa.select(OutcomeImport).order_by(OutcomeImport.imported_at.desc(),
                                                                  OutcomeImport.id.desc()).limit(RECENT)).all()
    return render_template("quality/admin_outcomes.html", form=form, problems=problems, recent=recent,
                           columns=COLUMNS)
