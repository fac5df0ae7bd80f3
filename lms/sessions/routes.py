"""Find and book sessions: officers for themselves, supervisors for their teams, trainers for anyone."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required, signed_in
from lms.audit.services import record
from lms.extensions import db
from lms.people.queries import areas
from lms.sessions import bp, booking, queries
from lms.sessions.forms import BookForm, MoveForm, SessionFilterForm
from lms.sessions.models import CalendarFeed
from lms.sessions.rules import cancel_refusal, is_trainer, needs_go_decision, promotion_cutoff, supervised_team_ids
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
    mine = queries.live_bookings_by_session(current_user.id, [s.id for s in sessions])
    waiting = queries.waiting_counts([s.id for s in sessions])
    area_name = dict(form.area.choices).get(filters.area_id) if filters.area_id else None
    return render_template("sessions/index.html", form=form, sessions=sessions, mine=mine, waiting=waiting,
                           now=utcnow(), area_name=area_name,
                           everywhere=url_for("sessions.index", **{**request.args.to_dict(), "area": 0}))


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
    team_ids = supervised_team_ids(current_user)
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
    return redirect(url_for("sessions.detail", session_id=session.id))


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
    commit_change(lambda: booking.take_offered_seat(current_user, found), "The seat is yours: you are booked.")
    return redirect(url_for("sessions.detail", session_id=found.session_id))


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
    upcoming, past = queries.sessions_with_person(current_user)
    feed = queries.live_feed(current_user.id)
    feed_url = url_for("sessions.feed", token=feed.token, _external=True) if feed else None
    # webcal: is the same address; phones and desktop calendars open it as a subscription in one tap
    webcal_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else None
    return render_template("sessions/mine.html", upcoming=upcoming, past=past, feed_url=feed_url,
                           webcal_url=webcal_url, form=BookForm())


@bp.post("/mine/calendar-feed")
@signed_in
def feed_create():
    """Create the personal calendar address, or replace it with a new one (the old one stops working)."""
    if not BookForm().validate_on_submit():
        abort(400)
    _revoke_feeds()
    feed = CalendarFeed(person_id=current_user.id)
    db.session.add(feed)
    db.session.flush()
    record(current_user, "calendar_feed.created", "calendar_feed", feed.id,
           f"{current_user.name} made a calendar address")
    db.session.commit()
    flash("Your calendar address is ready. Add it to your calendar as a subscription.", "success")
    return redirect(url_for("sessions.mine") + "#calendar")


@bp.post("/mine/calendar-feed/revoke")
@signed_in
def feed_revoke():
    """Stop the personal calendar address working."""
    if not BookForm().validate_on_submit():
        abort(400)
    _revoke_feeds()
    db.session.commit()
    flash("Your calendar address no longer works. Remove the subscription from your calendar.", "success")
    return redirect(url_for("sessions.mine") + "#calendar")


def _revoke_feeds() -> None:
    feed = queries.live_feed(current_user.id)
    while feed is not None:
        feed.revoked_at = utcnow()
        record(current_user, "calendar_feed.revoked", "calendar_feed", feed.id,
               f"{current_user.name} revoked a calendar address")
        db.session.flush()
        feed = queries.live_feed(current_user.id)


@bp.get("/team")
@roles_required("supervisor")
def team():
    """For supervisors: who in my teams is booked or waiting, and who missed a session."""
    team_ids = supervised_team_ids(current_user)
    return render_template("sessions/team.html", bookings=queries.team_bookings(team_ids),
                           no_shows=queries.team_no_shows(team_ids), teams=current_user.supervised_teams)
