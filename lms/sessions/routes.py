"""Find and book sessions: officers for themselves, supervisors for their teams, trainers for anyone."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required, signed_in
from lms.extensions import db
from lms.inputs import link_args
from lms.people.queries import areas, teams_by_area
from lms.reports.scope import sees_whole_force, teams_visible_to
from lms.sessions import bp, booking, queries
from lms.sessions.forms import BookForm, MoveForm, SessionFilterForm
from lms.sessions.feeds import create_feed, revoke_feeds
from lms.sessions.rules import cancel_refusal, is_trainer, needs_go_decision, promotion_cutoff
from lms.sessions.viewhelpers import commit_change, get_booking_for, get_person_for_booking, get_session_or_404
from lms.timeutil import format_datetime, utcnow


@bp.get("/")
@signed_in
def index():
    """List the upcoming sessions this officer may book, with seats left, filtered by area, course and date."""
    args = request.args.copy()
    own_area = current_user.team.area_id if current_user.team else None
    if "area" not in args and own_area:
        args["area"] = str(own_area)  # opens on the officer's own area; "All areas" is a link away
    form = SessionFilterForm(args)
    form.area.choices = [(0, "All areas")] + [(area.id, area.name) for area in areas()]
    courses = queries.courses_with_sessions()
    form.course.choices = [(0, "Any course")] + [(course.id, course.title) for course in courses]
    form.validate()
    filters = queries.SessionFilters(area_id=form.area.data or None, course_id=form.course.data or None,
                                     on_or_after=form.date.data if not form.date.errors else None)
    sessions = queries.bookable_sessions(current_user, filters)
    session_ids = [s.id for s in sessions]
    seats = queries.seats_as_listed(current_user.id, session_ids)
    area_name = dict(form.area.choices).get(filters.area_id) if filters.area_id else None
    return render_template("sessions/index.html", form=form, sessions=sessions, seats=seats,
                           trainers=queries.trainer_names(session_ids),
                           now=utcnow(), sees_teams=bool(teams_visible_to(current_user)), area_name=area_name,
                           everywhere=url_for("sessions.index", **{**link_args(("course", "date-day", "date-month", "date-year")), "area": 0}))


@bp.get("/<int:session_id>")
@signed_in
def detail(session_id: int):
    """One session: its details and the person's booking; supervisors book their team, trainers see the roster."""
    session = get_session_or_404(session_id)
    own = queries.live_bookings_by_session(current_user.id, [session.id]).get(session.id)
    now = utcnow()
    mark = booking.register_mark(own) if own else None
    context = {"session": session, "own": own, "form": BookForm(), "now": now, "own_mark": mark,
               "may_cancel": own is not None and cancel_refusal(current_user, own, now, mark) is None,
               "position": queries.waiting_position(own) if own and own.status == "waiting" else None,
               "cutoff": promotion_cutoff(session), "needs_decision": needs_go_decision(session, utcnow())}
    # trainers and admins find anyone by name below; a list of the whole force would help no one
    team_ids = frozenset() if sees_whole_force(current_user) else teams_visible_to(current_user)
    if team_ids:
        context["team_members"] = [p for p in queries.team_members(team_ids) if p.id != current_user.id]
    if is_trainer(current_user):
        context["booked"], context["waiting"] = queries.roster(session)
        context["move_choices"] = [(s.id, _move_label(s)) for s in queries.other_sessions_of_course(session)]
        query = request.args.get("q", "").strip()[:100]
        context["query"] = query
        context["found"] = queries.find_people(query)
    return render_template("sessions/detail.html", **context)


@bp.post("/<int:session_id>/book")
@signed_in
def book(session_id: int):
    """Book a seat (or a waiting-list place) for yourself, an officer of your team, or anyone (trainers)."""
    session = get_session_or_404(session_id)
    form = BookForm()
    if not form.validate_on_submit():
        abort(400)
    person = get_person_for_booking(current_user, form.person_id.data)
    you = person.id == current_user.id

    def said(made):
        if made.status == "booked":
            return "You are booked. We have emailed you the details." if you else f"{person.name} is booked."
        return ("The session is full, so you are on the waiting list." if you
                else f"The session is full, so {person.name} is on the waiting list.")

    commit_change(lambda: booking.book(current_user, session, person), said,
                  conflict="That booking was already made (perhaps twice at once). Check the page.")
    return redirect(url_for("sessions.detail", session_id=session_id))


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(booking_id: int):
    """Ask, then cancel a booking or waiting-list place; a freed seat goes to the next person waiting, so a slip of
    the thumb would be hard to undo."""
    found = get_booking_for(current_user, booking_id)
    back = "mine" if request.values.get("back") == "mine" else ""
    back_url = url_for("sessions.mine") if back else url_for("sessions.detail", session_id=found.session_id)
    form = BookForm()
    if request.method == "GET":
        if not found.is_live:
            flash("That booking has already been cancelled.", "error")
            return redirect(back_url)
        return render_template("sessions/cancel_booking.html", booking=found, session=found.session, form=form,
                               back=back, back_url=back_url, yours=found.person_id == current_user.id,
                               position=queries.waiting_position(found) if found.status == "waiting" else None)
    if not form.validate_on_submit():
        abort(400)
    yours = found.person_id == current_user.id
    if found.status == "waiting":
        said = "You have left the waiting list." if yours else f"{found.person.name} is off the waiting list."
    else:
        said = "The booking is cancelled."
    commit_change(lambda: booking.cancel(current_user, found), said)
    return redirect(back_url)


@bp.post("/bookings/<int:booking_id>/take-seat")
@signed_in
def take_seat(booking_id: int):
    """Someone waiting takes a seat that came free."""
    found = get_booking_for(current_user, booking_id)
    if found.person_id != current_user.id:
        abort(404)
    if not BookForm().validate_on_submit():
        abort(400)
    back = url_for("sessions.detail", session_id=found.session_id)  # before the commit expires the booking
    commit_change(lambda: booking.take_offered_seat(current_user, found), "The seat is yours: you are booked.")
    return redirect(back)


def _move_label(session) -> str:
    """How a session is named in a "Move to" list: when, where, which area and how many seats are left."""
    area = session.venue.area.name if session.venue and session.venue.area else "no area"
    seats = (f"{session.seats_left} seat{'' if session.seats_left == 1 else 's'} left" if session.seats_left
             else "full: waiting list")
    place = session.venue.name if session.venue else "online"
    return f"{format_datetime(session.starts_at)}, {place} ({area}), {seats}"


@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@roles_required("trainer", "admin")
def move(booking_id: int):
    """Ask, then move someone to a session of the same course still to come; they are emailed about both."""
    found = get_booking_for(current_user, booking_id)
    back_url = url_for("sessions.detail", session_id=found.session_id) + "#roster"
    form = MoveForm(request.values, meta={"csrf": False} if request.method == "GET" else {})
    targets = {s.id: s for s in queries.other_sessions_of_course(found.session)}
    form.target_id.choices = [(session_id, "") for session_id in targets]
    if not found.is_live:
        flash("That booking has already been cancelled.", "error")
        return redirect(back_url)
    if not form.validate():
        flash("Choose a session to move them to.", "error")
        return redirect(back_url)
    target = targets[form.target_id.data]
    if request.method == "GET":
        return render_template("sessions/move_booking.html", booking=found, session=target, form=MoveForm(),
                               target_label=_move_label(target), back_url=back_url)
    commit_change(lambda: booking.move(current_user, found, target),
                  lambda moved: f"{moved.person.name} moved to {format_datetime(target.starts_at)} "
                                f"({'booked' if moved.status == 'booked' else 'waiting list'}). We have emailed them.")
    return redirect(back_url)


@bp.get("/mine")
@signed_in
def mine():
    """My sessions: what I am booked on or waiting for, what I attended, and my calendar feed."""
    return _mine_page()


def _mine_page(new_feed_url: str | None = None):
    upcoming, past = queries.sessions_with_person(current_user)
    # webcal: is the same address; phones and desktop calendars open it as a subscription in one tap
    webcal_url = "webcal://" + new_feed_url.split("://", 1)[1] if new_feed_url else None
    return render_template("sessions/mine.html", upcoming=upcoming, past=past, feed=queries.live_feed(current_user.id),
                           new_feed_url=new_feed_url, webcal_url=webcal_url, form=BookForm())


@bp.post("/mine/calendar-feed")
@signed_in
def feed_create():
    """Make the personal calendar address, or replace it (the old one stops working), and show it this once.

    The page is the answer to the POST rather than a redirect: the address is kept only as a hash, so there is
    nothing to show it from afterwards.
    """
    if not BookForm().validate_on_submit():
        abort(400)
    token = create_feed(current_user)
    flash("Your calendar address is ready. Add it to your calendar as a subscription.", "success")
    # Drawn before the commit, which expires everything the page reads (a query each to load it again); a failed
    # commit shows no address.
    page = _mine_page(new_feed_url=url_for("sessions.feed", token=token, _external=True))
    db.session.commit()
    return page


@bp.post("/mine/calendar-feed/revoke")
@signed_in
def feed_revoke():
    """Stop the personal calendar address working."""
    if not BookForm().validate_on_submit():
        abort(400)
    revoke_feeds(current_user, current_user)
    db.session.commit()
    flash("Your calendar address no longer works. Remove the subscription from your calendar.", "success")
    return redirect(url_for("sessions.mine") + "#calendar")


@bp.get("/team")
@signed_in
def team():
    """For supervisors, acting supervisors and area leads: who in the teams they may see is booked or waiting, and
    who missed a session."""
    team_ids = teams_visible_to(current_user)
    if not team_ids and not current_user.has_role("supervisor"):
        abort(403)  # a supervisor of no team yet is told so on the page
    return render_template("sessions/team.html", bookings=queries.team_bookings(team_ids),
                           no_shows=queries.team_no_shows(team_ids), teams=[t for t in teams_by_area() if t.id in team_ids])
