"""The quality view: per month, for the teams chosen and for the force, training coverage (the completion rule's
statuses), plan review and quality audit scores and the positive outcome rate; per team, the same over the year; both
kinds of score by criterion (lms.quality.criteria). The page and its CSV show the same blocks."""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from lms.completion.load import london_day
from lms.courses.models import Course
from lms.extensions import db
from lms.quality import criteria
from lms.quality.criteria import Score
from lms.quality.models import AuditCase, AuditVisit, OutcomeMonth, Plan, PlanAttempt, PlanReview
from lms.reports.charts import Chart, columns
from lms.reports.dataset import Dataset, load_dataset
from lms.reports.snapshot import month_ends
from lms.reports.tables import Block, percent_text
from lms.timeutil import utcnow

#: short headings: eleven columns must fit a desktop column without scrolling (on a phone each row is a card)
MONTH_HEADER = ["Month", "Required now", "Trained by month end", "Coverage", "Plan reviews", "Mean review score",
                "Cases audited", "Mean audit score", "Finalised", "Charge/ summons", "Positive outcome rate"]
TRAINING_HEADER = ["When the plan was reviewed", "Plan reviews", "Mean review score"]
TEAM_HEADER = ["Team", "Required", "Trained now", "Coverage", "Plan reviews", "Mean review score", "Cases audited",
               "Mean audit score", "Finalised", "Charge/ summons", "Positive outcome rate"]
#: the rubric use each score-by-criterion block reads, its block's name and title, and what it counts
BY_CRITERION = (("quality-audit", "audit_criteria", "Audit scores by criterion", "Cases scored"),
                ("plan-review", "review_criteria", "Plan review scores by criterion", "Plan reviews"))


@dataclass
class Figures:
    """What is counted for one group (a team, the teams chosen, the force) in one period."""

    required: int = 0
    trained: int = 0
    reviews: Score = field(default_factory=Score)
    audits: Score = field(default_factory=Score)
    finalised: int = 0
    charged: int = 0

    def add_outcome(self, finalised: int, charged: int) -> None:
        self.finalised += finalised
        self.charged += charged

    @property
    def coverage(self) -> int | None:
        return round(100 * self.trained / self.required) if self.required else None

    def outcome_rate(self, minimum: int) -> float | None:
        """Charge/summons as a percent of crimes finalised (one decimal); None below `minimum` finalised."""
        return round(100 * self.charged / self.finalised, 1) if self.finalised >= minimum else None

    def cells(self, minimum: int) -> list:
        rate = self.outcome_rate(minimum)
        suppressed = self.finalised and rate is None
        return [self.required, self.trained, percent_text(self.coverage), *self.reviews.cells(),
                *self.audits.cells(), self.finalised,
                f"under {minimum} finalised" if suppressed else self.charged,
                "not shown" if suppressed else ("–" if rate is None else f"{rate}%")]


@dataclass
class QualityView:
    course: Course
    is_whole_force: bool
    minimum: int
    blocks: dict[str, Block] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _reviewed(since: datetime) -> Callable[..., sa.Select]:
    """A select of `columns` over every plan review since `since`, with its plan."""
    return lambda *columns: (sa.select(*columns).select_from(PlanReview)
                             .join(PlanAttempt, PlanAttempt.id == PlanReview.attempt_id)
                             .join(Plan, Plan.id == PlanAttempt.plan_id).where(PlanReview.reviewed_at >= since))


def _audited(first: date, last: date) -> Callable[..., sa.Select]:
    """A select of `columns` over every case audited on a visit from `first` to `last`, with its visit."""
    return lambda *columns: (sa.select(*columns).select_from(AuditCase)
                             .join(AuditVisit, AuditVisit.id == AuditCase.visit_id)
                             .where(AuditVisit.visited_on.between(first, last)))


def _reviews(since: datetime) -> list[tuple[int, int, date, int, int]]:
    """(officer, team, London day, total, max) of every plan review since `since`, in one query."""
    rows = db.session.execute(_reviewed(since)(Plan.person_id, Plan.team_id, PlanReview.reviewed_at,
                                               PlanReview.total, PlanReview.max_score))
    return [(person_id, team_id, london_day(at), total, most) for person_id, team_id, at, total, most in rows]


def _visits(audited: Callable[..., sa.Select]) -> list[tuple[int, date, int, int, int]]:
    """(team, day visited, points scored, points possible, cases) of every visit with a case `audited` picks, in one
    query: added up per visit, since a visit's cases all fall in its month."""
    return db.session.execute(audited(AuditVisit.team_id, AuditVisit.visited_on, sa.func.sum(AuditCase.total),
                                      sa.func.sum(AuditCase.max_score), sa.func.count())
                              .group_by(AuditVisit.id, AuditVisit.team_id, AuditVisit.visited_on)).all()


def _outcomes(first: date) -> list[tuple[int, date, int, int]]:
    """(team, month, finalised, charge/summons) of every team month from `first`, as plain rows (thousands)."""
    return db.session.execute(sa.select(OutcomeMonth.team_id, OutcomeMonth.month, OutcomeMonth.finalised,
                                        OutcomeMonth.charge_summons).where(OutcomeMonth.month >= first)).all()


def _coverage(dataset: Dataset, months: list[date], ends: list[date], by_month: dict, by_team: dict) -> None:
    """Officers required now, and how many of them had completed by each month's end (by their completion date)."""
    for row in dataset.rows:
        status = row.statuses[0]
        if not status.is_required:
            continue
        team = by_team[row.member.team_id]
        team.required += 1
        team.trained += status.code == "complete"
        for month, end in zip(months, ends):
            figures = by_month[month]
            figures.required += 1
            figures.trained += bool(status.completed_on and status.completed_on <= end)


class Tallies:
    """The figures being added up: per month for the teams chosen (and the force, when they are not the whole
    force), per team chosen, and each group's scores by criterion."""

    def __init__(self, months: list[date], team_ids: frozenset[int], all_team_ids: frozenset[int]):
        self.months = months
        self.groups = {"scope": team_ids} | ({} if team_ids == all_team_ids else {"force": all_team_ids})
        self.by_month: dict[str, dict[date, Figures]] = {name: defaultdict(Figures) for name in self.groups}
        self.teams: dict[int, Figures] = defaultdict(Figures)
        self.rubrics = criteria.load(tuple(use for use, *_ in BY_CRITERION))
        self.by_criterion = {name: {use: {} for use in self.rubrics} for name in self.groups}

    def add_score(self, kind: str, team_id: int, day: date, total: int, most: int, count: int = 1) -> None:
        """A plan review (`kind` "reviews") of a team on a day, or the `count` cases audited on a visit ("audits")
        with their points `total` of `most`."""
        month = _month_start(day)
        if month not in self.months:
            return
        for name, ids in self.groups.items():
            if team_id in ids:
                getattr(self.by_month[name][month], kind).add(total, most, count)
        if team_id in self.groups["scope"]:
            getattr(self.teams[team_id], kind).add(total, most, count)

    def add_criteria(self, use: str, rows: list[tuple[int, int, str, int, int]]) -> None:
        """A team's scores of one criterion on one rubric version (criteria.sums)."""
        for team_id, version_id, key, count, points in rows:
            for name, ids in self.groups.items():
                if team_id in ids:
                    self.rubrics[use].add(self.by_criterion[name][use], version_id, key, count, points)

    def add_outcome(self, team_id: int, month: date, finalised: int, charged: int) -> None:
        if month not in self.months:
            return
        for name, ids in self.groups.items():
            if team_id in ids:
                self.by_month[name][month].add_outcome(finalised, charged)
        if team_id in self.groups["scope"]:
            self.teams[team_id].add_outcome(finalised, charged)


def _criterion_header(counted: str, whole: bool) -> list[str]:
    if whole:
        return ["Criterion", counted, "Mean score"]
    return ["Criterion", f"Your teams: {counted.lower()}", "Your teams: mean score", f"Force: {counted.lower()}",
            "Force: mean score"]


def build(course: Course, team_ids: frozenset[int], all_team_ids: frozenset[int], team_names: dict[int, tuple],
          now: datetime | None = None) -> QualityView:
    """Every figure of the view for the teams chosen (and the force, when they are not the whole force)."""
    now = now or utcnow()
    minimum = current_app.config["QUALITY_MIN_FINALISED"]
    ends = month_ends(london_day(now))
    months = [_month_start(end) for end in ends]
    whole = team_ids == all_team_ids
    view = QualityView(course=course, is_whole_force=whole, minimum=minimum)
    tallies = Tallies(months, team_ids, all_team_ids)
    completed: dict[int, date | None] = {}
    for name, ids in tallies.groups.items():
        dataset = load_dataset(ids, now, [course])
        _coverage(dataset, months, ends, tallies.by_month[name],
                  tallies.teams if name == "scope" else defaultdict(Figures))
        if name == "scope":
            completed = {row.member.id: row.statuses[0].completed_on for row in dataset.rows}
    training = {"before": Score(), "after": Score()}
    since = datetime.combine(months[0], datetime.min.time())
    for person_id, team_id, day, total, most in _reviews(since):
        tallies.add_score("reviews", team_id, day, total, most)
        if team_id in team_ids:
            done_on = completed.get(person_id)
            training["after" if done_on and done_on <= day else "before"].add(total, most)
    audited = _audited(months[0], ends[-1])
    for row in _visits(audited):
        tallies.add_score("audits", *row)
    tallies.add_criteria("plan-review", criteria.sums(_reviewed(since), Plan.team_id, PlanReview.rubric_version_id,
                                                      PlanReview.scores))
    tallies.add_criteria("quality-audit", criteria.sums(audited, AuditVisit.team_id, AuditVisit.rubric_version_id,
                                                        AuditCase.scores))
    for row in _outcomes(months[0]):
        tallies.add_outcome(*row)
    period = f"{months[0]:%B %Y} to {months[-1]:%B %Y}"
    view.blocks["training"] = Block(
        "Plan review scores before and after the officer completed the course", TRAINING_HEADER,
        [[label, *training[key].cells()]
         for key, label in (("before", "Reviewed before the officer completed it (or not completed)"),
                            ("after", "Reviewed after the officer completed it"))])
    scope = tallies.by_month["scope"]
    title = "The force by month" if whole else "Your teams by month"
    view.blocks["by_month"] = Block(title, MONTH_HEADER, [[f"{month:%B %Y}", *scope[month].cells(minimum)]
                                                          for month in months])
    if not whole:
        force = tallies.by_month["force"]
        view.blocks["force"] = Block("The force by month", MONTH_HEADER,
                                     [[f"{month:%B %Y}", *force[month].cells(minimum)] for month in months])
    ordered = sorted(team_ids, key=lambda team_id: (team_names[team_id][1], team_names[team_id][0], team_id))
    view.blocks["by_team"] = Block(f"By team, {period}", TEAM_HEADER,
                                   [[", ".join(team_names[team_id]), *tallies.teams[team_id].cells(minimum)]
                                    for team_id in ordered])
    for use, name, heading, counted in BY_CRITERION:
        view.blocks[name] = Block(f"{heading}, {period}", _criterion_header(counted, whole), tallies.rubrics[use].rows(
            [tallies.by_criterion[group][use] for group in tallies.groups]))
    view.charts["coverage"] = columns([(f"{month:%b}", scope[month].coverage or 0,
                                        percent_text(scope[month].coverage)) for month in months], 100)
    for kind in ("reviews", "audits"):
        view.charts[kind] = columns([(f"{month:%b}", getattr(scope[month], kind).percent or 0,
                                      percent_text(getattr(scope[month], kind).percent)) for month in months], 100)
    rates = [scope[month].outcome_rate(minimum) for month in months]
    view.charts["outcomes"] = columns([(f"{month:%b}", rate or 0, "–" if rate is None else f"{rate}%")
                                       for month, rate in zip(months, rates)],
                                      max([25.0] + [rate for rate in rates if rate is not None]))
    return view


#: the blocks in the page's order, which the CSV keeps
SECTIONS = ("by_month", "force", "training", "by_team", "audit_criteria", "review_criteria")
