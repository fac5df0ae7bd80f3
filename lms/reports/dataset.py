"""The reports' data: the officers in scope with their status on every live course, and what pages count from it.

Every report starts from load_dataset, so the matrix, the overdue list, the team status, coverage and the snapshot
count the same statuses: the ones lms.completion decided.
"""
import re
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import astuple, dataclass, field
from datetime import date, datetime
from typing import TypeVar

from flask import current_app

from lms.completion.cache import kept_until_change
from lms.completion.load import cycle_collector_paused, statuses_until
from lms.completion.rule import SEVERITY, Status
from lms.courses.models import Course
from lms.courses.queries import live_courses
from lms.people.models import RANKS
from lms.reports.queries import Member, covered, members
from lms.timeutil import utcnow

T = TypeVar("T")
#: a bound on what is kept with one dataset: a page of rendered rows is a hundred keys
MAX_DERIVED = 2_000
RANK_ORDER = {rank: place for place, rank in enumerate(RANKS)}
SORTS = ("name", "rank", "team")


@dataclass
class Row:
    member: Member
    #: one per course of the dataset, in the same order
    statuses: list[Status]
    #: the row's place in name order (family name, then given name): every sort's tie-break
    place: int = 0


@dataclass
class Dataset:
    courses: list[Course]
    rows: list[Row]
    #: what pages work out from the rows (filtered lists, tallies, rendered rows), kept with them while they are
    #: kept (lms.completion.cache): keyed by what besides the rows each depends on
    derived: dict = field(default_factory=dict)

    def derive(self, key: Hashable, build: Callable[[], T]) -> T:
        """What `build` works out from these rows for `key`, once while the rows are kept."""
        if key not in self.derived:
            if len(self.derived) >= MAX_DERIVED:  # every filter asked for is a key: past the bound, start again
                self.derived.clear()
            self.derived[key] = build()
        return self.derived[key]

    def course_index(self, course_id: int | None) -> int | None:
        return next((i for i, course in enumerate(self.courses) if course.id == course_id), None)


def load_dataset(team_ids, now: datetime | None = None, courses: list[Course] | None = None) -> Dataset:
    """Everyone in these teams with a status per course: seven queries, however many people, or one (the training
    data's version) while what was worked out for the same teams and courses still holds."""
    courses = live_courses() if courses is None else courses
    now = now or utcnow()
    team_ids = frozenset(team_ids)
    key = ("dataset", team_ids, tuple(course.id for course in courses))
    rows, derived = kept_until_change(key, now, lambda: _rows(team_ids, now, courses))
    return Dataset(courses, rows, derived)


def _rows(team_ids: frozenset[int], now: datetime, courses: list[Course]) -> tuple[tuple[list[Row], dict], datetime]:
    with cycle_collector_paused():
        people = sorted(members(team_ids), key=lambda member: member.sort_name)
        found, changes_at = statuses_until([member.learner for member in people], courses, now, covered(team_ids))
        return ([Row(member, [found[(member.id, course.id)] for course in courses], place)
                 for place, member in enumerate(people)], {}), changes_at


@dataclass
class Tally:
    """How many of a group are in each status on a course (or on several)."""

    counts: Counter = field(default_factory=Counter)

    @property
    def required(self) -> int:
        return sum(self.counts.values()) - self.counts["not_required"]

    @property
    def done(self) -> int:
        return self.counts["complete"]

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.required) if self.required else None

    @property
    def rag(self) -> str | None:
        """Red, amber or green against the team target (TEAM_TARGET_PERCENT, TEAM_AMBER_PERCENT)."""
        if self.percent is None:
            return None
        config = current_app.config
        if self.percent >= config["TEAM_TARGET_PERCENT"]:
            return "green"
        return "amber" if self.percent >= config["TEAM_AMBER_PERCENT"] else "red"


#: more teams than this in view and the team lists (progress bars, team status) show areas instead: a list of
#: hundreds of teams says nothing at a glance; choosing an area lists its teams
TEAM_LIST_LIMIT = 30


@dataclass
class TeamTally:
    """A team's (or, for a view of many teams, an area's) officers and status counts."""

    #: the team id, or the area id when grouped by area
    group_id: int
    name: str
    #: the team's area; "" for an area
    area_name: str
    is_area: bool = False
    officers: int = 0
    #: one per course, in the dataset's order
    courses: list[Tally] = field(default_factory=list)
    overall: Tally = field(default_factory=Tally)


def by_area(rows: list[Row]) -> bool:
    """Whether these rows span too many teams to list team by team."""
    return len({row.member.team_id for row in rows}) > TEAM_LIST_LIMIT


def team_tallies(dataset: Dataset, rows: list[Row] | None = None, *, areas: bool = False) -> list[TeamTally]:
    """Per team (by area, then name), or per area: officers and status counts per course and over all courses."""
    groups: dict[int, TeamTally] = {}
    size = len(dataset.courses)
    for row in dataset.rows if rows is None else rows:
        member = row.member
        key = member.area_id if areas else member.team_id
        group = groups.get(key)
        if group is None:
            group = groups[key] = TeamTally(key, member.area_name if areas else member.team_name,
                                            "" if areas else member.area_name, areas,
                                            courses=[Tally() for _ in range(size)])
        group.officers += 1
        for tally, status in zip(group.courses, row.statuses):
            tally.counts[status.code] += 1
            group.overall.counts[status.code] += 1
    return sorted(groups.values(), key=lambda group: (group.area_name, group.name, group.group_id))


def total_tally(dataset: Dataset, index: int, rows: list[Row] | None = None) -> Tally:
    return Tally(Counter(row.statuses[index].code for row in (dataset.rows if rows is None else rows)))


@dataclass
class Filters:
    area_id: int | None = None
    team_id: int | None = None
    rank: str | None = None
    #: a status code; with course_id, on that course, otherwise on any course
    status: str | None = None
    course_id: int | None = None
    #: "name", "rank", "team" or "course-<id>"
    sort: str = "name"
    descending: bool = False
    #: completed on or after / on or before these days; with course_id, that course, otherwise any course
    completed_from: date | None = None
    completed_to: date | None = None
    #: overdue since on or after / on or before these days (the overdue list)
    overdue_from: date | None = None
    overdue_to: date | None = None


def in_range(day: date | None, first: date | None, last: date | None) -> bool:
    """Whether `day` falls between `first` and `last` (both included, either open); no day never does."""
    return day is not None and (first is None or day >= first) and (last is None or day <= last)


def filtered(dataset: Dataset, filters: Filters, *, with_status: bool = True) -> list[Row]:
    """The rows that pass the filters (those on status and completion date only `with_status`: a team's progress
    counts the whole team), sorted as asked (the dataset is in name order already). Not to be changed: kept."""
    return dataset.derive(("filtered", astuple(filters), with_status),
                          lambda: _filtered(dataset, filters, with_status))


def _filtered(dataset: Dataset, filters: Filters, with_status: bool) -> list[Row]:
    index = dataset.course_index(filters.course_id)
    dated = filters.completed_from is not None or filters.completed_to is not None
    rows = [row for row in dataset.rows
            if (not filters.area_id or row.member.area_id == filters.area_id)
            and (not filters.team_id or row.member.team_id == filters.team_id)
            and (not filters.rank or row.member.rank == filters.rank)
            and (not with_status or not filters.status or _has_status(row, filters.status, index))
            and (not with_status or not dated or _completed_between(row, filters, index))]
    key = _sort_key(dataset, filters.sort)
    if key is None:
        return rows[::-1] if filters.descending else rows
    return sorted(rows, key=key, reverse=filters.descending)


def _has_status(row: Row, code: str, index: int | None) -> bool:
    if index is not None:
        return row.statuses[index].code == code
    return any(status.code == code for status in row.statuses)


def _completed_between(row: Row, filters: Filters, index: int | None) -> bool:
    statuses = row.statuses if index is None else [row.statuses[index]]
    return any(in_range(status.completed_on, filters.completed_from, filters.completed_to) for status in statuses)


COURSE_SORT = re.compile(r"course-([0-9]{1,9})")


def course_sort_id(sort: str) -> int | None:
    """The course of a `course-<id>` sort; None for anything else (`course-²` passes isdigit but is no number)."""
    found = COURSE_SORT.fullmatch(sort)
    return int(found.group(1)) if found else None


def _sort_key(dataset: Dataset, sort: str):
    """The key for a sort other than by name (None: name order, which the rows are in)."""
    if sort == "rank":
        return lambda row: (RANK_ORDER.get(row.member.rank, len(RANK_ORDER)), row.place)
    if sort == "team":
        return lambda row: (row.member.area_name, row.member.team_name, row.place)
    course_id = course_sort_id(sort)
    index = dataset.course_index(course_id) if course_id is not None else None
    if index is not None:
        return lambda row: (*status_order(row.statuses[index]), row.place)
    return None


def status_order(status: Status) -> tuple[int, date]:
    """Worst first; within a status, the longest overdue (or soonest booked, or first completed) first."""
    when = {"overdue": status.due_on, "refresher_due": status.refresher_due_on, "complete": status.completed_on,
            "booked": status.booked_for.date() if status.booked_for else None}.get(status.code) or status.due_on
    return SEVERITY[status.code], when or date.max
