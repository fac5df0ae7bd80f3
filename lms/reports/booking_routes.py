"""Booking a team in: a supervisor picks officers of their teams not yet booked and one session, confirms, and
each is booked (or put on the waiting list) and emailed by lms.sessions.booking, as if booked one at a time."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user

from lms.access import signed_in
from lms.completion.load import seats_to_come
from lms.courses.models import Course
from lms.courses.queries import live_courses
from lms.extensions import db
from lms.people.models import Person
from lms.reports import bp, queries
from lms.reports.dataset import Dataset, Row, filtered, load_dataset
from lms.reports.forms import BookTeamForm, ReportFilterForm
from lms.reports.scope import require_scope
from lms.reports.viewhelpers import filter_args, read_filters
from lms.sessions.booking import ManyBooked, book_many
from lms.sessions.queries import next_with_seats, open_sessions_of_course
from lms.sessions.models import TrainingSession
from lms.timeutil import format_datetime, utcnow

NEXT = "next"
#: where the last team booking's result waits for the page the POST redirects to
RESULT = "book_team_result"
#: statuses that need no session booked
SETTLED = ("complete", "not_required")


@dataclass
class Choices:
    course: Course
    dataset: Dataset
    #: the officers in the teams chosen who hold no seat or waiting-list place on a session of the course to come
    unbooked: list[Row]
    sessions: list[TrainingSession]
    #: the next session with seats in the supervisor's area, if there is one
    next_session: TrainingSession | None


def session_label(session: TrainingSession) -> str:
    """When and where a session is, and its seats: what a supervisor picks it by."""
    where = f"{session.venue.name} ({session.venue.area.name})" if session.venue else "Online"
    seats = (f"{session.seats_left} seat{'' if session.seats_left == 1 else 's'} left" if session.seats_left
             else "full: waiting list only")
    return f"{format_datetime(session.starts_at)}, {where}, {seats}"


def _my_areas(teams: list[queries.TeamLine]) -> set[int]:
    """The supervisor's own area, or (for someone in no team) the areas of the teams they may see."""
    return {current_user.team.area_id} if current_user.team else {team.area_id for team in teams}


def _choices() -> tuple[BookTeamForm, ReportFilterForm, Choices]:
    """The form with its choices, for the teams the caller may see (403 if none) as the filters narrow them: a
    dozen queries, however many officers."""
    teams = queries.teams_with_areas(require_scope(current_user))
    courses = live_courses()
    if not courses:
        abort(404)
    filters_form, filters, chosen = read_filters(teams, courses)
    course = next((item for item in courses if item.id == filters.course_id), courses[0])
    now = utcnow()
    dataset = load_dataset(chosen, now, [course])
    seats = seats_to_come([row.member.id for row in dataset.rows], [course.id], now, queries.population(chosen))
    # the matrix's filters (rank, status) and sort carry over, so "overdue constables" there are the ones offered here
    unbooked = [row for row in filtered(dataset, filters)
                if (row.member.id, course.id) not in seats and row.statuses[0].code not in SETTLED]
    sessions = open_sessions_of_course(course.id, now)
    found = Choices(course, dataset, unbooked, sessions, next_with_seats(sessions, _my_areas(teams)))
    form = BookTeamForm()
    # Anyone in the teams chosen may be posted (someone booked meanwhile is refused, with the reason, when booking);
    # an id outside them fails validation, so editing the form books no one else.
    form.person_ids.choices = [(row.member.id, row.member.name) for row in dataset.rows]
    soonest = found.next_session
    form.session.choices = ([(NEXT, f"The next session with seats in my area (now {session_label(soonest)})")]
                            if soonest else []) + [
        (str(session.id), session_label(session)) for session in sessions]
    return form, filters_form, found


@bp.route("/reports/book", methods=["GET", "POST"])
@signed_in
def book_team():
    """Book several officers of your teams onto a session in one go: choose, confirm, then see who got a seat, who is
    waiting and who could not be booked and why."""
    form, filters_form, found = _choices()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("reports/book_team.html", form=form, filters_form=filters_form, found=found,
                               args=filter_args()), status
    session = (found.next_session if form.session.data == NEXT
               else next(item for item in found.sessions if str(item.id) == form.session.data))
    people = _people(form.person_ids.data)
    if request.form.get("confirmed") != "1":
        return _confirm(found.course, session, people)
    result = book_many(current_user, session, people)
    # Kept by ids in the signed cookie (a few hundred bytes), read before the commit expires the people loaded, for
    # the result page the browser is sent to: refreshing that page cannot post the booking again.
    flask_session[RESULT] = {"session": session.id, "booked": [person.id for person in result.booked],
                             "waiting": [person.id for person in result.waiting],
                             "refused": [[person.id, reason] for person, reason in result.refused]}
    db.session.commit()
    return redirect(url_for("reports.book_team_done", **filter_args()))


@bp.get("/reports/book/done")
@signed_in
def book_team_done():
    """Who got a seat, who is waiting, and who could not be booked and why, for the caller's last team booking (kept
    until their next, so a refresh shows it again)."""
    kept = flask_session.get(RESULT)
    if kept is None:
        return redirect(url_for("reports.book_team", **filter_args()))
    session = db.get_or_404(TrainingSession, kept["session"])
    ids = kept["booked"] + kept["waiting"] + [person_id for person_id, _ in kept["refused"]]
    people = {person.id: person for person in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    result = ManyBooked(session, [people[i] for i in kept["booked"]], [people[i] for i in kept["waiting"]],
                        [(people[i], reason) for i, reason in kept["refused"]])
    return render_template("reports/book_team_done.html", result=result, course=session.course,
                           label=session_label(session), args=filter_args())


def _people(person_ids: list[int]) -> list[Person]:
    """The people chosen, in name order (already checked to be in the caller's teams by the form's choices)."""
    chosen = db.session.scalars(sa.select(Person).where(Person.id.in_(person_ids))).all()
    return sorted(chosen, key=lambda person: (person.family_name.lower(), person.given_name.lower(), person.id))


def _confirm(course: Course, session: TrainingSession, people: list[Person]):
    """The confirm step: exactly who, which session (the next one with seats settled to a real one), and what happens
    when there are not seats enough."""
    seats = session.seats_left
    lines = [f"{course.title}: {session_label(session)}.",
             f"Book {len(people)} officer{'' if len(people) == 1 else 's'}: {', '.join(p.name for p in people)}."]
    if len(people) > seats:
        lines.append(f"There {'is' if seats == 1 else 'are'} {seats or 'no'} seat{'' if seats == 1 else 's'} left, so "
                     f"{len(people) - seats} will go on the waiting list, in the order above.")
    fields = ([("session", session.id)] + [("person_ids", person.id) for person in people])
    return render_template(
        "confirm.html", heading=f"Book {len(people)} officer{'' if len(people) == 1 else 's'} in?",
        yes="Yes, book them in", consequences=lines,
        warning="Each officer will be emailed about their seat or waiting-list place.",
        action=url_for("reports.book_team", **filter_args()), fields=fields,
        back=url_for("reports.book_team", **filter_args()))
