"""The quality view and its CSV: scoped like the reports (lms.reports.scope)."""
from flask import render_template

from lms.access import signed_in
from lms.quality import bp, view
from lms.reports import tables
from lms.reports.viewhelpers import course_view, download, filter_args


def _build():
    """The view of the course asked for (the first by default), for the teams the filters leave in scope."""
    scope = course_view()
    names = {team.id: (team.name, team.area_name) for team in scope.teams}
    return scope.form, view.build(scope.course, scope.chosen, scope.everyone, names)


@bp.get("/quality/")
@signed_in
def quality_view():
    """Training coverage, plan review scores and outcome rates side by side, by month and by team."""
    form, found = _build()
    return render_template("quality/view.html", form=form, view=found, args=filter_args(),
                           sections=[name for name in view.SECTIONS if name in found.blocks])


@bp.get("/quality.csv")
@signed_in
def quality_csv():
    """Every table of the quality view, as CSV."""
    _, found = _build()
    return download(tables.csv_sections([found.blocks[name] for name in view.SECTIONS if name in found.blocks]),
                    f"quality-{found.course.slug}.csv")
