"""Local accounts: "Forgotten your password?" and setting a password from an emailed link."""
from flask import current_app, flash, redirect, render_template, request, url_for

from lms.access import public
from lms.extensions import db
from lms.people import bp
from lms.people.forms import ForgottenPasswordForm, SetPasswordForm
from lms.people.password_links import ResetThrottled, find_link, request_reset, use_link
from lms.people.password_policy import password_problem
from lms.people.passwords import hash_password
from lms.people.services import normalise_email


def _hours(setting: str) -> str:
    hours = current_app.config[setting]
    return f"{hours} hour{'' if hours == 1 else 's'}"


@bp.route("/login/forgotten-password", methods=["GET", "POST"])
@public
def forgotten_password():
    """Ask for a reset link. The answer is the same whether or not the email address has an account."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        try:
            request_reset(email, request.remote_addr or "unknown")
        except ResetThrottled:
            db.session.rollback()
            form.form_errors.append("Too many reset links have been asked for. Wait an hour and try again, or ask "
                                    "your administrator.")
            return render_template("people/forgotten_password.html", form=form), 429
        db.session.commit()
        flash(f"If {email} can sign in with a password, we are emailing it a link to set a new one. It should "
              f"arrive within a few minutes and works once, for {_hours('PASSWORD_RESET_HOURS')}.", "info")
        return redirect(url_for("people.login"))
    return render_template("people/forgotten_password.html", form=form)


@bp.route("/login/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose a password from an invitation or reset link; the link then stops working."""
    link = find_link(token)
    if link is None:
        return render_template("people/link_expired.html"), 404
    person = link.person
    form = SetPasswordForm()
    if form.validate_on_submit():
        if problem := password_problem(form.password.data, person):
            form.password.errors.append(problem)
        else:
            # Hash with no transaction open: on SQLite an open write transaction would hold the lock meanwhile.
            db.session.rollback()
            if use_link(token, hash_password(form.password.data)) is None:
                return render_template("people/link_expired.html"), 404
            db.session.commit()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("people.login"))
    return render_template("people/set_password.html", form=form, person=person, link=link)
