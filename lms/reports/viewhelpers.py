"""What every report view shares: the filters (checked against the caller's scope), paging a list, downloads."""
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Response, abort, request
from flask_login import current_user
from wtforms.fields import SelectChoice

from lms.completion.rule import LABELS
from lms.courses.models import Course
from lms.courses.queries import live_courses
from lms.extensions import db
from lms.formfields import PARTS
from lms.inputs import db_int, link_args
from lms.people.models import Team
from lms.reports.dataset import SORTS, Dataset, Filters, course_sort_id
from lms.reports.forms import ReportFilterForm, SortForm
from lms.reports.queries import TeamLine, teams_with_areas
from lms.reports.scope import require_scope


@dataclass
class ListPage:
    """One page of an in-memory list, shaped like db.paginate's page for templates/_pagination.html."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paged(items: list, per_page: int) -> ListPage:
    pages = max(math.ceil(len(items) / per_page), 1)
    page = min(max(request.args.get("page", 1, type=db_int), 1), pages)
    return ListPage(items[(page - 1) * per_page:page * per_page], page, pages, len(items))


#: above this many teams the team list holds only the chosen area's teams (hundreds of options help no one)
TEAM_CHOICES_LIMIT = 100


def filter_form(teams: list[TeamLine], courses: list[Course]) -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    areas = {team.area_id: team.area_name for team in teams}
    form.area.choices = [(0, "Any area")] + sorted(areas.items(), key=lambda item: item[1])
    listed = teams
    if len(teams) > TEAM_CHOICES_LIMIT:
        team_id = request.args.get("team", 0, type=db_int)
        area_id = request.args.get("area", 0, type=db_int) or next((team.area_id for team in teams
                                                                 if team.id == team_id), 0)
        listed = [team for team in teams if team.area_id == area_id]
    form.team.choices = ([SelectChoice(0, "Any team" if listed or not teams else "Any team (choose an area to list "
                                          "its teams)")]
                         + [SelectChoice(team.id, team.name, optgroup=team.area_name) for team in listed])
    form.course.choices = [(0, "Any course")] + [(course.id, course.title) for course in courses]
    return form


def read_filters(teams: list[TeamLine], courses: list[Course]) -> tuple[ReportFilterForm, Filters, frozenset[int]]:
    """The filters asked for, and the teams they leave; a team or area outside the caller's scope is a 404."""
    form = filter_form(teams, courses)
    area_id = request.args.get("area", 0, type=db_int)
    team_id = request.args.get("team", 0, type=db_int)
    by_id = {team.id: team for team in teams}
    if team_id and team_id not in by_id:
        abort(404)
    if area_id and area_id not in {team.area_id for team in teams}:
        abort(404)
    form.validate()
    sort = request.args.get("sort", "name")
    if sort not in SORTS and course_sort_id(sort) is None:
        sort = "name"
    status = request.args.get("status", "")
    course_id = request.args.get("course", 0, type=db_int)
    completed = form.date_range(form.completed_from, form.completed_to)
    overdue = form.date_range(form.overdue_from, form.overdue_to)
    filters = Filters(area_id=area_id or None, team_id=team_id or None,
                      rank=form.rank.data if not form.rank.errors and form.rank.data else None,
                      status=status if status in LABELS else None,
                      course_id=course_id if course_id in {course.id for course in courses} else None,
                      sort=sort, descending=request.args.get("dir") == "desc",
                      completed_from=completed[0], completed_to=completed[1],
                      overdue_from=overdue[0], overdue_to=overdue[1])
    chosen = frozenset(team.id for team in teams if (not team_id or team.id == team_id)
                       and (not area_id or team.area_id == area_id))
    return form, filters, chosen


#: the query arguments that build a report's links and downloads (lms.inputs.link_args: never the whole query)
FILTER_KEYS = ("area", "team", "rank", "course", "status", "sort", "dir") + tuple(
    f"{name}-{part}" for name in ("completed_from", "completed_to", "overdue_from", "overdue_to")
    for part in PARTS)


def sort_form(dataset: Dataset, filters: Filters) -> SortForm:
    """The matrix's sort as a form (below a desktop's width its rows are cards, with no column headings to sort by),
    set to the sort in force."""
    form = SortForm(formdata=None, sort=filters.sort, dir="desc" if filters.descending else "asc")
    form.sort.choices = [("name", "Officer name"), ("rank", "Rank"), ("team", "Team")] + [
        (f"course-{course.id}", course.title) for course in dataset.courses]
    return form


def filter_args() -> dict:
    """The query string of the current filters (not the page), for links and downloads."""
    return link_args(FILTER_KEYS, blank=("", "0"))


def download(body: str | bytes, filename: str, mimetype: str = "text/csv") -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@dataclass
class CourseView:
    """What a page about one course across the teams in scope starts from (the snapshot, the quality view)."""

    form: ReportFilterForm
    course: Course
    #: the teams the filters leave
    chosen: frozenset[int]
    #: every team of the force, to compare with
    everyone: frozenset[int]
    #: the teams in the caller's scope, with their areas' names
    teams: list[TeamLine]


def course_view() -> CourseView:
    """The course asked for (the first live one by default) and the teams the filters leave in the caller's scope."""
    teams = teams_with_areas(require_scope(current_user))
    courses = live_courses()
    if not courses:
        abort(404)
    form, filters, chosen = read_filters(teams, courses)
    course = next((item for item in courses if item.id == filters.course_id), courses[0])
    return CourseView(form, course, chosen, frozenset(db.session.scalars(sa.select(Team.id))), teams)
