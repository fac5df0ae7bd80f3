"""The reports: team status, matrix, overdue list (and nudging), coverage, transcripts, and my training.

Every view asks lms.reports.scope for the teams the caller may see; a team, area or person outside them is a 404,
and someone who may see no team at all gets a 403.
"""
import sqlalchemy as sa
from flask import abort, current_app, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required, signed_in
from lms.completion.load import learner_of, load_records, status_of
from lms.courses.cycles import CycleError, start_cycle
from lms.courses.models import Course
from lms.courses.queries import live_courses
from lms.courses.progress import live_module_lines
from lms.extensions import db
from lms.people.forms import ConfirmForm
from lms.people.models import Person
from lms.reports import bp, queries, tables, training_bp, transcript
from lms.reports.coverage import coverage as coverage_of
from lms.reports.forms import ResetCourseForm
from lms.reports.dataset import by_area, filtered, in_range, load_dataset, team_tallies
from lms.reports.exports import matrix_xlsx
from lms.reports.mine import next_step
from lms.reports.scope import delegations_to, get_person_for, require_scope, sees_whole_force
from lms.reports.services import ReportRuleError, next_nudge_at, nudge, nudge_all, nudged_since
from lms.reports.viewhelpers import download, filter_args, paged, read_filters, sort_form
from lms.timeutil import format_datetime, today_london, utcnow


@training_bp.get("/my-training")
@signed_in
def my_training():
    """My training: my status on every course and what to do next."""
    now = utcnow()
    courses = live_courses()
    records = load_records([learner_of(current_user)], courses, now)
    modules = live_module_lines([course.id for course in courses])
    items = [(course, records[(current_user.id, course.id)],
              next_step(course, records[(current_user.id, course.id)], modules[course.id], now))
             for course in courses]
    acting = delegations_to(current_user, today_london())
    return render_template("reports/my_training.html", items=items, acting=acting)


def _scope_dataset():
    """The caller's teams (403 if none), the filters asked for, and the dataset of the teams they leave."""
    team_ids = require_scope(current_user)
    teams = queries.teams_with_areas(team_ids)
    courses = live_courses()
    form, filters, chosen = read_filters(teams, courses)
    return form, filters, load_dataset(chosen, courses=courses)


@bp.get("/reports/")
@signed_in
def index():
    """Team status: each team's completion of each course, red, amber or green against the team target."""
    form, _, dataset = _scope_dataset()
    teams = team_tallies(dataset, areas=by_area(dataset.rows))
    return render_template("reports/index.html", form=form, dataset=dataset, teams=teams,
                           blocks=tables.team_status_blocks(dataset, teams), args=filter_args())


@bp.get("/reports/teams.csv")
@signed_in
def index_csv():
    """The team status as CSV: one row per course and team."""
    _, _, dataset = _scope_dataset()
    teams = team_tallies(dataset, areas=by_area(dataset.rows))
    return download(tables.csv_flat(tables.team_status_blocks(dataset, teams), "Course"), "team-status.csv")


@bp.get("/reports/matrix")
@signed_in
def matrix():
    """The team matrix: officers by courses, sortable and filtered; a progress bar per team."""
    form, filters, dataset = _scope_dataset()
    rows = filtered(dataset, filters)
    page = paged(rows, current_app.config["MATRIX_PAGE_SIZE"])
    in_view = filtered(dataset, filters, with_status=False)
    teams = dataset.derive(("team tallies", filters.area_id, filters.team_id, filters.rank),
                           lambda: team_tallies(dataset, in_view, areas=by_area(in_view)))
    # Each row is rendered once while the statuses are kept: rendering a hundred rows cost most of the page.
    row_macro = get_template_attribute("reports/_matrix_row.html", "matrix_row")
    rows_html = [dataset.derive(("matrix row", row.member.id), lambda row=row: row_macro(
        row, tables.person_cells(row), dataset.courses)) for row in page.items]
    return render_template("reports/matrix.html", form=form, filters=filters, dataset=dataset, page=page,
                           rows_html=rows_html, block_title=tables.MATRIX_TITLE, teams=teams, args=filter_args(),
                           sort_form=sort_form(dataset, filters))


@bp.get("/reports/matrix.csv")
@signed_in
def matrix_csv():
    """Every row of the matrix (not just one page) as CSV."""
    _, filters, dataset = _scope_dataset()
    return download(tables.csv_table(tables.matrix_block(dataset, filtered(dataset, filters))), "team-matrix.csv")


@bp.get("/reports/matrix.xlsx")
@signed_in
def matrix_xlsx_download():
    """Every row of the matrix as an Excel workbook."""
    _, filters, dataset = _scope_dataset()
    rows = filtered(dataset, filters)
    body = matrix_xlsx(tables.matrix_block(dataset, rows), rows, f"Made {format_datetime(utcnow())}")
    return download(body, "team-matrix.xlsx", XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _overdue():
    form, filters, dataset = _scope_dataset()
    rows = filtered(dataset, filters)
    nudged = nudged_since([row.member.id for row in rows], utcnow())
    lines = tables.overdue_lines(dataset, rows, today_london(), nudged)
    return form, dataset, [line for line in lines if in_range(line.since, filters.overdue_from, filters.overdue_to)]


@bp.get("/reports/overdue")
@signed_in
def overdue():
    """Everyone overdue (or due a refresher), longest first, with a button to remind them by email."""
    form, dataset, lines = _overdue()
    return render_template("reports/overdue.html", form=form, dataset=dataset, lines=lines,
                           block=tables.overdue_block(lines), args=filter_args(), action=ConfirmForm(),
                           next_nudge_at=next_nudge_at)


@bp.get("/reports/overdue.csv")
@signed_in
def overdue_csv():
    """The overdue list as CSV."""
    _, _, lines = _overdue()
    return download(tables.csv_table(tables.overdue_block(lines, day=tables.london_day)), "overdue.csv")


@bp.post("/reports/overdue/<int:person_id>/nudge")
@signed_in
def nudge_person(person_id: int):
    """Email one overdue officer a reminder (at most once a week, whoever asks)."""
    require_scope(current_user)
    person = get_person_for(current_user, person_id)
    if person.id == current_user.id or not ConfirmForm().validate_on_submit():
        abort(400)
    courses = live_courses()
    records = load_records([learner_of(person)], courses)
    items = [(course, records[(person.id, course.id)].status) for course in courses
             if records[(person.id, course.id)].status.code in tables.STATUS_OVERDUE]
    try:
        nudge(current_user, person, items)
    except ReportRuleError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        message = f"{person.name} has been sent a reminder."  # before the commit expires the person
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("reports.overdue", **filter_args()))


@bp.post("/reports/overdue/nudge-all")
@signed_in
def nudge_everyone():
    """Remind everyone on the overdue list (as filtered) in one go, after a confirm step, by the same once-per-interval
    rule as one reminder; then say how many were reminded, and who was not and why."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _, _, lines = _overdue()
    ids = [line.row.member.id for line in lines]
    people = {person.id: person for person in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    overdue = [(people[line.row.member.id], line.items) for line in lines]
    if request.form.get("confirmed") != "1":
        due = sum(1 for line in lines if line.can_nudge and line.row.member.id != current_user.id)
        return render_template(
            "confirm.html", heading=f"Remind {due} overdue officer{'' if due == 1 else 's'}?",
            yes="Yes, remind them", back=url_for("reports.overdue", **filter_args()),
            consequences=[f"{due} of the {len(lines)} officers on this list will be emailed what they have overdue.",
                          f"Anyone reminded in the last {current_app.config['NUDGE_INTERVAL_DAYS']} days is left "
                          "out, whoever reminded them."],
            warning="Reminders cannot be taken back once they are sent.",
            action=url_for("reports.nudge_everyone", **filter_args()), fields=[])
    done = nudge_all(current_user, overdue)
    count = len(done.reminded)
    # said before the commit, which expires every person loaded
    left_out = " ".join(f"{person.name} {reason}" for person, reason in done.not_reminded)
    db.session.commit()
    flash(f"{count} officer{' has' if count == 1 else 's have'} been sent a reminder.", "success")
    if left_out:
        flash(f"{len(done.not_reminded)} not reminded: {left_out}", "info")
    return redirect(url_for("reports.overdue", **filter_args()))


@bp.get("/reports/coverage")
@signed_in
def coverage():
    """Coverage against the programme's targets, in total, by rank and by area."""
    form, _, dataset = _scope_dataset()
    found = coverage_of(dataset, queries.programme_targets(), _is_whole_force(dataset))
    return render_template("reports/coverage.html", form=form, coverages=found,
                           blocks=tables.coverage_blocks(found), args=filter_args(),
                           whole_force=_is_whole_force(dataset))


@bp.get("/reports/coverage.csv")
@signed_in
def coverage_csv():
    """Coverage as CSV: one row per target and group."""
    _, _, dataset = _scope_dataset()
    found = coverage_of(dataset, queries.programme_targets(), _is_whole_force(dataset))
    return download(tables.csv_flat(tables.coverage_blocks(found), "Target"), "coverage.csv")


def _is_whole_force(dataset) -> bool:
    """Whether the page counts the whole force: an admin with no team or area filter."""
    return sees_whole_force(current_user) and not filter_args().keys() & {"area", "team", "rank"}


@bp.get("/reports/people/<int:person_id>")
@signed_in
def person(person_id: int):
    """An officer's transcript: courses, modules read, quiz attempts and sessions; prints on A4."""
    found = get_person_for(current_user, person_id)
    return _transcript_page(found, _reset_form(found))


def _transcript_page(found, form, status=200):
    return render_template("reports/transcript.html", transcript=transcript.build(found), now=utcnow(),
                           reset_form=form), status


def _reset_form(found) -> ResetCourseForm | None:
    """The "reset a course" form, for trainers and admins only, listing the person's live courses."""
    if not current_user.has_role("trainer", "admin"):
        return None
    form = ResetCourseForm()
    form.course.choices = [(0, "Choose a course")] + [(course.id, course.title) for course in live_courses()]
    return form


@bp.post("/reports/people/<int:person_id>/reset")
@roles_required("trainer", "admin")
def reset_course(person_id: int):
    """Start a person's course again, with a reason (audited): only what they do from now counts towards it, and
    their earlier completion stays on their record."""
    found = get_person_for(current_user, person_id)
    form = _reset_form(found)
    if not form.validate_on_submit():
        return _transcript_page(found, form, 400)
    course = db.session.get(Course, form.course.data)
    try:
        start_cycle(current_user, found, course, status_of(found, course), reason=form.reason.data)
    except CycleError as error:
        db.session.rollback()
        form.reason.errors.append(str(error))
        return _transcript_page(found, form, 400)
    # said before the commit, which expires the person and the course
    message = f"{found.name}'s '{course.title}' course has been reset. Their earlier completion stays on the record."
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("reports.person", person_id=person_id))


@bp.get("/reports/people/<int:person_id>.csv")
@signed_in
def person_csv(person_id: int):
    """The transcript as CSV, section by section."""
    found = get_person_for(current_user, person_id)
    return download(tables.csv_sections(transcript.build(found).blocks), f"transcript-{found.service_number}.csv")
