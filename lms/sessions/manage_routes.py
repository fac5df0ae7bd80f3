"""Trainers' pages: the sessions list, scheduling, changing and cancelling sessions, and the venues."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required
from lms.core.once import already_done, commit_once
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Area, Person, Team
from lms.people.forms import ConfirmForm
from lms.people.queries import areas, teams_by_area
from lms.sessions import bp, queries, scheduling
from lms.sessions.forms import CancelSessionForm, SessionForm, VenueForm
from lms.sessions.models import TrainingSession, Venue
from lms.sessions.rules import SessionRuleError, needs_go_decision, promotion_cutoff, register_opens_at
from lms.sessions.viewhelpers import commit_change, get_session_or_404
from lms.timeutil import format_datetime, from_london, to_london, utcnow

TRAINERS = ("trainer", "admin")
#: past sessions on one page of the trainers' list
PAST_PAGE_SIZE = 20


@bp.get("/manage")
@roles_required(*TRAINERS)
def manage():
    """Upcoming and past sessions with seats taken and waiting; those below their minimum are flagged."""
    now = utcnow()
    # A trainer starts on the sessions they run; "all" shows every trainer's (an admin who trains no one sees all).
    everyone = request.args.get("who") == "all" or not current_user.has_role("trainer")
    trainer_id = None if everyone else current_user.id
    past_page = request.args.get("past", 1, type=int)
    past_page = past_page if 1 <= past_page <= 10_000 else 1
    upcoming = queries.trainer_sessions(upcoming=True, now=now, trainer_id=trainer_id)
    # one more than a page, to know whether there is an older page
    past = queries.trainer_sessions(upcoming=False, now=now, limit=PAST_PAGE_SIZE + 1,
                                    offset=(past_page - 1) * PAST_PAGE_SIZE, trainer_id=trainer_id)
    has_older, past = len(past) > PAST_PAGE_SIZE, past[:PAST_PAGE_SIZE]
    waiting = queries.waiting_counts([s.id for s in upcoming + past])
    flagged = [s for s in upcoming if needs_go_decision(s, now)]
    cutoffs = {s.id: promotion_cutoff(s) for s in upcoming}
    on_the_day = {s.id for s in upcoming if not s.is_cancelled and now >= register_opens_at(s)}
    return render_template("sessions/manage.html", upcoming=upcoming, past=past, waiting=waiting, flagged=flagged,
                           flagged_ids={s.id for s in flagged}, cutoffs=cutoffs, on_the_day=on_the_day, now=now,
                           confirm=ConfirmForm(), everyone=everyone, past_page=past_page, has_older=has_older,
                           who="all" if everyone else None)


def _session_form(session: TrainingSession | None) -> SessionForm:
    form = SessionForm(obj=None)
    form.course_id.choices = [(c.id, c.title) for c in queries.courses_with_sessions()]
    if session is not None and session.course.is_retired:
        form.course_id.choices.append((session.course.id, session.course.title))
    venues = queries.venues(active_only=True)
    if session is not None and session.venue is not None and session.venue not in venues:
        venues.append(session.venue)  # a venue since taken off the list still shows on its old sessions
    form.venue_id.choices = [(0, "Online (give the link below)")] + [
        (v.id, f"{v.name} ({v.capacity} seats)") for v in venues]
    form.trainer_ids.choices = [(p.id, p.name) for p in queries.trainers()]
    form.audience_area_ids.choices = [(a.id, a.name) for a in areas()]
    form.audience_team_ids.choices = [(t.id, t.full_name) for t in teams_by_area()]
    if request.method == "GET":
        _fill(form, session)
    return form


def _fill(form: SessionForm, session: TrainingSession | None) -> None:
    if session is None:
        form.capacity.data = current_app.config["SESSION_DEFAULT_CAPACITY"]
        form.trainer_ids.data = [current_user.id] if current_user.has_role("trainer") else []
        form.venue_id.data = 0
        return
    starts, ends = to_london(session.starts_at), to_london(session.ends_at)
    form.course_id.data = session.course_id
    form.day.data, form.start_time.data, form.end_time.data = starts.date(), starts.time(), ends.time()
    form.ends_next_day.data = ends.date() > starts.date()
    form.venue_id.data = session.venue_id or 0
    form.online_url.data = session.online_url
    form.capacity.data, form.min_attendees.data = session.capacity, session.min_attendees
    form.trainer_ids.data = [t.id for t in session.trainers]
    form.audience_area_ids.data = [a.id for a in session.audience_areas]
    form.audience_team_ids.data = [t.id for t in session.audience_teams]
    if session.booking_deadline_at:
        deadline = to_london(session.booking_deadline_at)
        form.deadline_day.data, form.deadline_time.data = deadline.date(), deadline.time()
    form.notes.data = session.notes


#: the form field each of a session's details is entered in, for the message beside it
DETAIL_FIELDS = {"course": "course_id", "starts_at": "day", "ends_at": "end_time", "venue": "venue_id",
                 "online_url": "online_url", "capacity": "capacity", "min_attendees": "min_attendees",
                 "booking_deadline_at": "deadline_day", "trainers": "trainer_ids"}


def _london(detail: str, day, time):
    """The UTC moment of a London wall-clock time; one that does not exist (the clocks go forward) is refused."""
    try:
        return from_london(day, time)
    except ValueError as error:
        raise scheduling.InvalidSession([(detail, str(error))]) from error


def _details(form: SessionForm) -> scheduling.SessionDetails:
    """Turn the form into UTC details."""
    starts_at = _london("starts_at", form.day.data, form.start_time.data)
    end_day = form.day.data + timedelta(days=1) if form.ends_next_day.data else form.day.data
    ends_at = _london("ends_at", end_day, form.end_time.data)
    deadline = (_london("booking_deadline_at", form.deadline_day.data,
                        form.deadline_time.data or datetime.min.time()) if form.deadline_day.data else None)

    def chosen(model, ids):
        return list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []

    venue = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
    return scheduling.SessionDetails(
        course=db.session.get(Course, form.course_id.data), starts_at=starts_at, ends_at=ends_at, venue=venue,
        online_url=(form.online_url.data or "").strip() or None, capacity=form.capacity.data,
        trainers=chosen(Person, form.trainer_ids.data), audience_teams=chosen(Team, form.audience_team_ids.data),
        audience_areas=chosen(Area, form.audience_area_ids.data), booking_deadline_at=deadline,
        min_attendees=form.min_attendees.data or 0, notes=(form.notes.data or "").strip())


def _save(form: SessionForm, session: TrainingSession | None):
    if session is None and (done := already_done(form)) is not None:
        return done
    try:
        details = _details(form)
        if session is None:
            saved = scheduling.create_session(current_user, details)
            message = "The session is scheduled. Officers can book it now."
        else:
            changes = scheduling.update_session(current_user, session, details)
            saved = session
            message = ("Saved. Everyone booked or waiting has been told." if set(changes) &
                       set(scheduling.NOTIFIED_FIELDS) else "Saved." if changes else "Nothing changed.")
    except scheduling.InvalidSession as invalid:
        db.session.rollback()
        for detail, message in invalid.problems:
            form[DETAIL_FIELDS[detail]].errors.append(message)
        return None
    except SessionRuleError as error:  # a session cancelled meanwhile: about the whole form, not one field
        db.session.rollback()
        form.form_errors.append(str(error))
        return None
    shown = url_for("sessions.detail", session_id=saved.id)  # before the commit expires the session
    if session is not None:
        db.session.commit()
    elif (done := commit_once(form, shown)) is not None:
        return done
    flash(message, "success")
    return redirect(shown)


@bp.route("/new", methods=["GET", "POST"], defaults={"session_id": None})
@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def edit(session_id: int | None):
    """Schedule a session, or change and reschedule one (people booked are told of a new time or place)."""
    session = get_session_or_404(session_id) if session_id else None
    if session is not None and session.is_cancelled:
        abort(404)
    form = _session_form(session)
    if form.validate_on_submit():
        done = _save(form, session)
        if done:
            return done
    return render_template("sessions/session_form.html", form=form, session=session)


@bp.route("/<int:session_id>/cancel", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def cancel_session(session_id: int):
    """Cancel a session with a reason; everyone booked or waiting is told."""
    session = get_session_or_404(session_id)
    form = CancelSessionForm()
    submitted = form.validate_on_submit()
    if submitted and request.form.get("confirmed") != "1":
        booked, waiting = queries.roster(session)
        return render_template(
            "confirm.html", heading=f"Cancel {session.course.title}, {format_datetime(session.starts_at)}?",
            yes="Yes, cancel the session",
            consequences=[f"{len(booked)} booked and {len(waiting)} waiting will be emailed this reason: "
                          f"\u201c{form.reason.data.strip()}\u201d"],
            warning="A cancelled session cannot be brought back.",
            action=url_for("sessions.cancel_session", session_id=session.id), fields=[("reason", form.reason.data)],
            back=url_for("sessions.cancel_session", session_id=session.id))
    if submitted:
        try:
            told = scheduling.cancel_session(current_user, session, form.reason.data)
        except SessionRuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(f"The session is cancelled. {told} {'person has' if told == 1 else 'people have'} been told.",
                  "success")
            return redirect(url_for("sessions.manage"))
    return render_template("sessions/cancel.html", form=form, session=session)


@bp.post("/<int:session_id>/go-ahead")
@roles_required(*TRAINERS)
def go_ahead(session_id: int):
    """Confirm a session below its minimum numbers still runs."""
    session = get_session_or_404(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    commit_change(lambda: scheduling.confirm_go_ahead(current_user, session), "Confirmed: the session goes ahead.")
    return redirect(url_for("sessions.manage"))


@bp.get("/venues")
@roles_required(*TRAINERS)
def venues():
    """The venues trainers can book."""
    return render_template("sessions/venues.html", venues=queries.venues())


@bp.route("/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def venue(venue_id: int | None):
    """Add a venue, or change one."""
    found = db.get_or_404(Venue, venue_id) if venue_id else None
    form = VenueForm(obj=found)
    form.area_id.choices = [(0, "No area")] + [(area.id, area.name) for area in areas()]
    if request.method == "GET" and found is not None:
        form.area_id.data = found.area_id or 0
    if form.validate_on_submit():
        if found is None and (done := already_done(form)) is not None:
            return done
        try:
            scheduling.save_venue(current_user, found, name=form.name.data, address=form.address.data,
                                  capacity=form.capacity.data, is_active=form.is_active.data,
                                  area=db.session.get(Area, form.area_id.data) if form.area_id.data else None)
        except SessionRuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            shown = url_for("sessions.venues")
            if found is not None:
                db.session.commit()
            elif (done := commit_once(form, shown)) is not None:
                return done
            flash(f"Saved {form.name.data}.", "success")
            return redirect(shown)
    return render_template("sessions/venue_form.html", form=form, venue=found)
