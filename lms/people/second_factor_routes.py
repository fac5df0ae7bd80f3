"""The admins' second step of signing in with a password: a code from an authenticator app, set up on first use."""
import logging
import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from lms.access import public
from lms.extensions import db
from lms.people import bp, second_factor, throttle
from lms.people.forms import SecondFactorForm
from lms.people.models import Person
from lms.people.signin import start_session

log = logging.getLogger(__name__)

#: the key in the (signed) session cookie holding a password sign-in that waits for its second factor
PENDING = "second_factor_pending"
#: how long a correct password waits for its second factor
PENDING_SECONDS = 300


def after_password(person: Person, next_url: str) -> Response:
    """Finish a sign-in whose password was right: at once, or after the second factor when the person needs one.
    The caller commits."""
    if not second_factor.needs_second_factor(person):
        start_session(person, "password")
        return redirect(next_url)
    session.clear()
    session[PENDING] = {"person_id": person.id, "at": time.time(), "next": next_url}
    return redirect(_step_for(person))


def _step_for(person: Person) -> str:
    return url_for("people.second_factor_step" if person.totp_secret else "people.second_factor_setup")


def _pending_person(set_up: bool) -> Person | Response:
    """The person whose correct password waits for this page's step; otherwise where the browser goes instead:
    back to sign in when nothing waits (or it waited too long), or to the other step."""
    pending = session.get(PENDING)
    person = None
    if pending and time.time() - pending["at"] <= PENDING_SECONDS:
        person = db.session.get(Person, pending["person_id"])
    if person is None or not person.is_active_account:
        session.pop(PENDING, None)
        flash("Sign in again: the time to give the code ran out.", "info")
        return redirect(url_for("people.login"))
    if bool(person.totp_secret) != set_up:
        return redirect(_step_for(person))
    return person


def _finish(person: Person, method: str) -> str:
    """Start the signed-in session; return where the person was going."""
    next_url = session[PENDING]["next"]
    start_session(person, method)
    return next_url


@bp.route("/login/second-factor", methods=["GET", "POST"])
@public
def second_factor_step():
    """Ask for the code from the authenticator app (or a recovery code)."""
    person = _pending_person(set_up=True)
    if not isinstance(person, Person):
        return person
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        # Each code is counted before it is checked, in one conditional statement, so parallel guesses cannot get
        # past the limit; a right password does not reset this count, a right code does.
        key, limit = str(person.id), current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        if throttle.count_failure(throttle.CODE, key, below=limit) is None:
            form.form_errors.append("Too many wrong codes. Wait 15 minutes and sign in again.")
            status = 429
        elif second_factor.check_code(person, form.code.data):
            throttle.forgive(throttle.CODE, key, everything=True)
            next_url = _finish(person, "password+app")
            db.session.commit()
            return redirect(next_url)
        elif second_factor.use_recovery_code(person, form.code.data):
            throttle.forgive(throttle.CODE, key, everything=True)
            next_url = _finish(person, "password+recovery")
            left = second_factor.recovery_codes_left(person)
            db.session.commit()
            flash(f"You used a recovery code: {left} left. Each works once.", "info")
            return redirect(next_url)
        else:
            log.warning("wrong second factor for %s from %s", person.id, request.remote_addr)
            db.session.commit()
            form.code.errors.append("That code is not right. Enter the 6 digits your app shows now, or a recovery "
                                    "code.")
    return render_template("people/second_factor.html", form=form), status


@bp.route("/login/second-factor/setup", methods=["GET", "POST"])
@public
def second_factor_setup():
    """Set up an authenticator app: scan the QR code, prove it with a code, keep the recovery codes."""
    person = _pending_person(set_up=False)
    if not isinstance(person, Person):
        return person
    secret = session[PENDING].setdefault("secret", second_factor.new_secret())
    session.modified = True
    form = SecondFactorForm()
    if form.validate_on_submit():
        codes = second_factor.enrol(person, secret, form.code.data)
        if codes is not None:
            next_url = _finish(person, "password+app")
            # Shown once, in this response: only their hashes are kept. Drawn before the commit, which expires the
            # person the page names (reading them after would load them again); a failed commit shows no codes.
            page = render_template("people/recovery_codes.html", codes=codes, next_url=next_url)
            db.session.commit()
            return page
        form.code.errors.append("That code is not right. Scan the QR code again and enter the 6 digits the app "
                                "shows now.")
    _, qr = second_factor.enrolment_qr(person, secret)
    return render_template("people/second_factor_setup.html", form=form, qr=qr, secret=secret)
