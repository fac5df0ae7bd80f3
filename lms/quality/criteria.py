"""Scores by criterion across rubric versions, for the quality view.

A criterion is grouped by its key, the slug of its title (`rubric_format.criterion_key`), across every version of
every rubric of one use: a new version that keeps a criterion's title (new levels, a new guide line) adds to the same
row, and so does "Victim Care" renamed "Victim care". A renamed criterion ("Supervision" to "Supervisory direction")
is a new row: the rubric file says nothing that links the two names, and guessing could merge two standards. Each
case's score counts in percent of that criterion's top level in the version it was scored on, so versions with more
or fewer levels stay comparable; the mean is points scored over points possible, like the review and audit scores.
The database adds up each criterion's scores (`sums`), so no review's or case's list of scores is read one by one.
"""
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from lms.extensions import db
from lms.quality.models import Rubric, RubricVersion
from lms.reports.tables import percent_text

#: after the title of a criterion that the current rubric no longer holds (renamed or dropped)
EARLIER = " (earlier rubric only)"


@dataclass
class Score:
    """Scores added up: how many were scored, the points scored and the points possible (a group's plan reviews or
    audited cases, or one criterion's scores)."""

    count: int = 0
    points: int = 0
    possible: int = 0

    def add(self, points: int, possible: int, count: int = 1) -> None:
        self.count += count
        self.points += points
        self.possible += possible

    @property
    def percent(self) -> int | None:
        return round(100 * self.points / self.possible) if self.possible else None

    def cells(self) -> list:
        return [self.count, percent_text(self.percent)]


class Criteria:
    """The criteria of every version of the rubrics for one use; tallies per group keyed by criterion key."""

    def __init__(self, versions: list[tuple[int, list, bool]]):
        """`versions`: (version id, criteria, is the live rubric's newest version), newest version first."""
        self.tops: dict[int, dict[str, int]] = {}
        self.titles: dict[str, str] = {}
        self.order: dict[str, tuple[int, int]] = {}
        self.current: set[str] = set()
        for rank, (version_id, criteria, is_current) in enumerate(versions):
            self.tops[version_id] = {item["key"]: item["levels"][-1]["score"] for item in criteria}
            for place, item in enumerate(criteria):
                # The newest version holding a key gives its title and place.
                self.titles.setdefault(item["key"], item["title"])
                self.order.setdefault(item["key"], (rank, place))
                if is_current:
                    self.current.add(item["key"])

    def add(self, tallies: dict[str, Score], version_id: int, key: str, count: int, points: int) -> None:
        """`count` scores of a criterion on one rubric version, adding up to `points`."""
        top = self.tops.get(version_id, {}).get(key)
        if top:
            tallies.setdefault(key, Score()).add(points, count * top, count)

    def rows(self, groups: list[dict[str, Score]]) -> list[list]:
        """A row per criterion of the current rubric (scored or not) and per earlier one scored in any group: its
        title, then each group's count and mean score; current criteria first, in the rubric's order."""
        keys = self.current | {key for tallies in groups for key in tallies}
        rows = []
        for key in sorted(keys, key=lambda key: (key not in self.current, self.order[key])):
            cells = [self.titles[key] + ("" if key in self.current else EARLIER)]
            for tallies in groups:
                cells += tallies.get(key, Score()).cells()
            rows.append(cells)
        return rows


def load(uses: tuple[str, ...]) -> dict[str, Criteria]:
    """The criteria of every rubric version for each use, in one query (a rubric has a handful of versions)."""
    rows = db.session.execute(
        sa.select(Rubric.use, RubricVersion.id, RubricVersion.criteria,
                  sa.and_(Rubric.is_retired.is_(False), RubricVersion.number == Rubric.version))
        .join(Rubric, Rubric.id == RubricVersion.rubric_id).where(Rubric.use.in_(uses))
        .order_by(RubricVersion.id.desc())).all()
    return {use: Criteria([(version_id, criteria, bool(is_current))
                           for row_use, version_id, criteria, is_current in rows if row_use == use])
            for use in uses}


def _item(scores: sa.ColumnElement) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """The key and score of each {"key", "score", "comment"} in a JSON list of scores, as columns of a table-valued
    function beside the row holding the list (SQLite's json_each, PostgreSQL's json_array_elements). The paths are
    literal SQL: PostgreSQL groups by an expression only when it is written the same, bound values included."""
    if db.session.get_bind().dialect.name == "postgresql":
        item = (sa.func.json_array_elements(scores).table_valued("value", joins_implicitly=True)
                .render_derived(name="item"))
        field = item.c.value.op("->>")
        return field(sa.literal_column("'key'")), sa.cast(field(sa.literal_column("'score'")), sa.Integer)
    item = sa.func.json_each(scores).table_valued("value", joins_implicitly=True).alias("item")
    return (sa.func.json_extract(item.c.value, sa.literal_column("'$.key'")),
            sa.func.json_extract(item.c.value, sa.literal_column("'$.score'")))


def sums(select: Callable[..., sa.Select], team_id: sa.ColumnElement, version_id: sa.ColumnElement,
         scores: sa.ColumnElement) -> list[tuple[int, int, str, int, int]]:
    """(team, rubric version, criterion key, times scored, points) over the rows `select(*columns)` picks (reviews
    or audited cases), in one query."""
    key, score = _item(scores)
    return db.session.execute(select(team_id, version_id, key, sa.func.count(), sa.func.sum(score))
                              .group_by(team_id, version_id, key)).all()
