"""Sign in and sign out."""
import logging
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import public
from lms.extensions import db
from lms.people import bp
from lms.people.forms import ConfirmForm, LoginForm
from lms.people.password_login import LoginThrottled, begin_password_sign_in, finish_password_sign_in
from lms.people.services import sign_out_everywhere
from lms.people.signin import end_session, start_session

log = logging.getLogger(__name__)


def safe_next(target: str | None) -> str:
    """Only ever redirect to a path on this site (no open redirect)."""
    if not target:
        return url_for("core.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("core.home")
    return target


def render_login(form: LoginForm | None, status: int = 200, refusal: str | None = None):
    return render_template("people/login.html", form=form, refusal=refusal), status


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with email and password, where LOCAL_LOGIN allows it; the single sign-on button is on the page too."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    if current_app.config["LOCAL_LOGIN"] == "off":
        if request.method == "POST":
            return render_login(None, 403, "Signing in with a password is switched off here. "
                                            "Use the single sign-on button instead.")
        return render_login(None)
    form = LoginForm()
    if not form.validate_on_submit():
        return render_login(form)
    try:
        attempt = begin_password_sign_in(form.email.data, request.remote_addr or "unknown")
    except LoginThrottled:
        form.form_errors.append("Too many failed sign-in attempts. Wait 15 minutes and try again, "
                                "or ask your administrator to check your account.")
        return render_login(form, 429)
    db.session.commit()  # the attempt is counted; no write lock is held while the password hash is checked
    person = finish_password_sign_in(attempt, form.password.data)
    if person is None:
        db.session.commit()  # keep the failure for throttling
        form.form_errors.append("The email address or password is not right.")
        return render_login(form)
    start_session(person, "password")
    db.session.commit()
    return redirect(safe_next(request.args.get("next")))


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout():
    """Sign out, here and on every other device (the session cannot be replayed). A GET only asks to confirm."""
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("people.login"))
        return render_template("people/logout.html", form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        sign_out_everywhere(current_user)
        db.session.commit()
    end_session()
    flash("You have signed out.", "info")
    return redirect(url_for("people.login"))
