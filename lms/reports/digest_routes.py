"""A supervisor's own setting for the weekly digest email (lms.reports.digest)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import signed_in
from lms.extensions import db
from lms.reports import bp
from lms.reports.digest import DUE_HOUR, WEEK
from lms.reports.forms import DigestForm
from lms.reports.scope import require_scope


@bp.route("/reports/digest", methods=["GET", "POST"])
@signed_in
def digest_setting():
    """Turn my weekly digest email on or off; only the person themselves can."""
    require_scope(current_user)
    form = DigestForm() if request.method == "POST" else DigestForm(data={"is_on": current_user.is_weekly_digest_on})
    if form.validate_on_submit():
        current_user.is_weekly_digest_on = form.is_on.data
        db.session.commit()
        flash("You will get the weekly digest." if form.is_on.data else "You will not get the weekly digest.",
              "success")
        return redirect(url_for("reports.digest_setting"))
    return render_template("reports/digest.html", form=form, days=WEEK, hour=DUE_HOUR)
