"""The register on the day (one tap per person, no JavaScript needed) and self check-in with a code."""
import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from lms.access import roles_required, signed_in
from lms.extensions import db
from lms.people.forms import ConfirmForm
from lms.sessions import bp, queries, register
from lms.sessions.forms import CheckInForm, MarkForm
from lms.sessions.models import ATTENDANCE_STATUSES
from lms.sessions.rules import SessionRuleError, checkin_window, register_locks_at, register_opens_at
from lms.sessions.viewhelpers import commit_change, get_person_on_register, get_session_or_404
from lms.timeutil import utcnow

TRAINERS = ("trainer", "admin")


@bp.get("/<int:session_id>/register")
@roles_required(*TRAINERS)
def register_page(session_id: int):
    """The register: everyone booked, walk-ins, and a search to add a walk-in."""
    session = get_session_or_404(session_id)
    now = utcnow()
    query = request.args.get("q", "").strip()[:100]
    rows = queries.register_rows(session)
    on_register = {row.person.id for row in rows}
    found = [person for person in queries.find_people(query) if person.id not in on_register]
    counts = {status: sum(1 for row in rows if row.attendance and row.attendance.status == status)
              for status in ATTENDANCE_STATUSES}
    return render_template(
        "sessions/register.html", session=session, rows=rows, found=found, query=query, counts=counts,
        statuses=ATTENDANCE_STATUSES, form=MarkForm(), confirm=ConfirmForm(), now=now,
        is_open=now >= register_opens_at(session), is_locked=register.is_locked(session, now),
        locks_at=register_locks_at(session))


def _back(session_id: int, person_id: int | None = None):
    """Back to the register at the row just marked, so a trainer on a tablet keeps their place without JavaScript."""
    anchor = f"#person-{person_id}" if person_id else "#register"
    return redirect(url_for("sessions.register_page", session_id=session_id) + anchor)


@bp.post("/<int:session_id>/register/mark")
@roles_required(*TRAINERS)
def register_mark(session_id: int):
    """Mark one person attended, absent or excused (an admin correcting a locked register gives a reason)."""
    session = get_session_or_404(session_id)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    person = get_person_on_register(current_user, form.person_id.data)
    status = form.status.data
    back = _back(session_id, person.id)  # before the commit expires the person
    commit_change(lambda: register.mark(current_user, session, person, status, reason=form.reason.data or ""),
                  f"{person.name}: {ATTENDANCE_STATUSES.get(status, status).lower()}.")
    return back


@bp.post("/<int:session_id>/register/all")
@roles_required(*TRAINERS)
def register_all(session_id: int):
    """Mark everyone booked and not yet marked as attended."""
    session = get_session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    commit_change(lambda: register.mark_all_attended(current_user, session),
                  lambda count: f"Marked {count} {'person' if count == 1 else 'people'} attended.")
    return _back(session_id)


@bp.post("/<int:session_id>/register/walk-in")
@roles_required(*TRAINERS)
def register_walk_in(session_id: int):
    """Add someone who came without a booking."""
    session = get_session_or_404(session_id)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    person = get_person_on_register(current_user, form.person_id.data)
    back = _back(session_id, person.id)  # before the commit expires the person
    commit_change(lambda: register.add_walk_in(current_user, session, person, reason=form.reason.data or ""),
                  f"Added {person.name} as a walk-in, attended.")
    return back


@bp.route("/<int:session_id>/check-in-code", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def checkin_code(session_id: int):
    """Show the room the self check-in code and its QR code; POST makes a new code."""
    session = get_session_or_404(session_id)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        commit_change(lambda: register.open_check_in(current_user, session), "Self check-in is open.")
        return redirect(url_for("sessions.checkin_code", session_id=session_id))
    opens, closes = checkin_window(session)
    qr = None
    if session.checkin_code:
        link = url_for("sessions.check_in", code=session.checkin_code, _external=True)
        # segno writes the SVG from the code alone (no user text), so it is safe to place in the page as markup.
        svg = segno.make(link, error="m").svg_inline(scale=6, title="QR code for self check-in", svgclass="lms-qr",
                                                     lineclass=None, omitsize=True)
        qr = Markup(svg)  # nosec B704
    return render_template("sessions/checkin_code.html", session=session, qr=qr, opens=opens, closes=closes,
                           now=utcnow(), confirm=ConfirmForm())


@bp.route("/check-in", methods=["GET", "POST"])
@signed_in
def check_in():
    """Officers enter the code shown in the room to mark themselves attended."""
    form = CheckInForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = register.normalise_code(request.args["code"])
    if form.validate_on_submit():
        try:
            attendance = register.check_in(current_user, form.code.data)
        except SessionRuleError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            message = f"You are checked in to {attendance.session.course.title}. Enjoy the session."
            db.session.commit()  # after the message: the commit expires the attendance, its session and course
            flash(message, "success")
            return redirect(url_for("sessions.mine"))
    return render_template("sessions/check_in.html", form=form)
