"""The visual snapshot page and its CSV."""
import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user

from lms.access import signed_in
from lms.courses.queries import live_courses
from lms.extensions import db
from lms.people.models import Team
from lms.reports import bp, queries, snapshot, tables
from lms.reports.scope import require_scope
from lms.reports.viewhelpers import download, filter_args, read_filters

SECTIONS = ("by_team", "over_time", "scores", "first_attempt", "sessions", "most_missed")


def _build():
    """The snapshot of the course asked for (the first by default), for the teams the filters leave in scope."""
    team_ids = require_scope(current_user)
    teams = queries.teams_with_areas(team_ids)
    courses = live_courses()
    if not courses:
        abort(404)
    form, filters, chosen = read_filters(teams, courses)
    course = next((item for item in courses if item.id == filters.course_id), courses[0])
    everyone = frozenset(db.session.scalars(sa.select(Team.id)))
    return form, snapshot.build(course, chosen, everyone)


@bp.get("/reports/snapshot")
@signed_in
def snapshot_page():
    """The snapshot: charts of completion, scores, sessions and the most-missed questions, each with its table."""
    form, found = _build()
    return render_template("reports/snapshot.html", form=form, snapshot=found, args=filter_args(),
                           sections=SECTIONS)


@bp.get("/reports/snapshot.csv")
@signed_in
def snapshot_csv():
    """The snapshot's figures as CSV, table by table."""
    _, found = _build()
    return download(tables.csv_sections([found.blocks[name] for name in SECTIONS]),
                    f"snapshot-{found.course.slug}.csv")
