"""The visual snapshot page and its CSV."""
from flask import render_template

from lms.access import signed_in
from lms.reports import bp, snapshot, tables
from lms.reports.viewhelpers import course_view, download, filter_args

SECTIONS = ("by_team", "over_time", "scores", "first_attempt", "sessions", "most_missed")


def _build():
    """The snapshot of the course asked for (the first by default), for the teams the filters leave in scope."""
    scope = course_view()
    return scope.form, snapshot.build(scope.course, scope.chosen, scope.everyone)


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
