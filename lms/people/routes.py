"""Sign in and sign out."""
import logging
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from lms.access import public
from lms.extensions import db, write_intent
from lms.people import bp, oidc
from lms.people.forms import ConfirmForm, LoginForm
from lms.people.password_login import LoginThrottled, begin_password_sign_in, finish_password_sign_in
from lms.people.second_factor_routes import after_password
from lms.people.signin import end_session, start_session
from lms.people.sso import SignOnRefused, person_for_sign_on

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
    response = after_password(person, safe_next(request.args.get("next")))
    db.session.commit()
    return response


@bp.route("/login/sso")
@public
def sso_start():
    """Start single sign-on: off to the provider, back at sso_callback, then on to where the person was going."""
    if not oidc.sso_enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    session["sso_next"] = safe_next(request.args.get("next"))
    try:
        return oidc.authorization_redirect(url_for("people.sso_callback", _external=True))
    except oidc.SignOnFailed as failure:
        log.warning("single sign-on not started: %s", failure)
        return render_template("people/sign_on_problem.html", message=failure.message), 502


@bp.route("/login/sso/callback")
@public
def sso_callback():
    """Finish single sign-on: check the provider's answer, find the person on the roster, sign them in."""
    if not oidc.sso_enabled():
        abort(404)
    try:
        claims = oidc.verified_claims()
    except oidc.SignOnFailed as failure:
        log.warning("single sign-on failed: %s", failure)
        return render_template("people/sign_on_problem.html", message=failure.message), 400
    target = session.get("sso_next") or url_for("core.home")
    # This GET writes (the link, the audit, the session): on SQLite take the write lock at the next BEGIN, and only
    # now that every call to the provider is over.
    db.session.commit()
    write_intent.set(True)
    try:
        person = person_for_sign_on(claims)
    except SignOnRefused as refusal:
        db.session.commit()  # keep the audit of the refusal
        return render_template("people/sign_on_problem.html", message=None, refusal=refusal.reason), 403
    start_session(person, "oidc")
    session["signed_in_with"] = "sso"
    db.session.commit()
    return redirect(safe_next(target))


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
    provider_sign_out = session.get("signed_in_with") == "sso" and oidc.sso_enabled()
    end_session()
    db.session.commit()
    flash("You have signed out.", "info")
    if provider_sign_out:
        # Sign out at the provider too, or the next "Sign in" there would go straight through.
        url = oidc.logout_url(url_for("people.login", _external=True))
        if url:
            return redirect(url)
    return redirect(url_for("people.login"))
