"""Sign in and sign out."""
import logging
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import public
from lms.extensions import db
from lms.people import bp
from lms.people.forms import ConfirmForm, LoginForm
from lms.people.services import LoginThrottled, authenticate
from lms.people.second_factor_routes import after_password
from lms.people.signin import end_session

log = logging.getLogger(__name__)


def safe_next(target: str | None) -> str:
    """Only ever redirect to a path on this site (no open redirect)."""
    if not target:
        return url_for("core.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("core.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = authenticate(form.email.data, form.password.data, request.remote_addr or "unknown")
        except LoginThrottled:
            form.form_errors.append("Too many failed sign-in attempts. Wait 15 minutes and try again, "
                                    "or ask your administrator to check your account.")
            status = 429
        else:
            if person is None:
                db.session.commit()  # keep the failure for throttling
                form.form_errors.append("The email address or password is not right.")
                status = 200
            else:
                response = after_password(person, safe_next(request.args.get("next")))
                db.session.commit()
                return response
    elif request.method == "POST":
        status = 200
    return render_template("people/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout():
    """Sign out of this device only (its session ends, so the cookie cannot be replayed). A GET asks to confirm."""
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("people.login"))
        return render_template("people/logout.html", form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    end_session()
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("people.login"))
