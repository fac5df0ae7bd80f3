"""The quality view: per month, for the teams chosen and for the force, training coverage (the completion rule's
statuses), plan review scores and the positive outcome rate; per team, the same over the year. The page and its CSV
show the same blocks."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from lms.completion.load import london_day
from lms.courses.models import Course
from lms.extensions import db
from lms.quality.models import OutcomeMonth, Plan, PlanAttempt, PlanReview
from lms.reports.charts import Chart, columns
from lms.reports.dataset import Dataset, load_dataset
from lms.reports.snapshot import month_ends
from lms.reports.tables import Block, percent_text
from lms.timeutil import utcnow

#: short headings: nine columns must fit a desktop column without scrolling (on a phone each row is a card)
MONTH_HEADER = ["Month", "Required now", "Trained by month end", "Coverage", "Plan reviews", "Mean review score",
                "Finalised", "Charge/ summons", "Positive outcome rate"]
TRAINING_HEADER = ["When the plan was reviewed", "Plan reviews", "Mean review score"]
TEAM_HEADER = ["Team", "Required", "Trained now", "Coverage", "Plan reviews", "Mean review score", "Finalised",
               "Charge/ summons", "Positive outcome rate"]


@dataclass
class Figures:
    """What is counted for one group (a team, the teams chosen, the force) in one period."""

    required: int = 0
    trained: int = 0
    reviews: int = 0
    review_points: int = 0
    review_max: int = 0
    finalised: int = 0
    charged: int = 0

    def add_outcome(self, finalised: int, charged: int) -> None:
        self.finalised += finalised
        self.charged += charged

    def add_review(self, total: int, max_score: int) -> None:
        self.reviews += 1
        self.review_points += total
        self.review_max += max_score

    @property
    def coverage(self) -> int | None:
        return round(100 * self.trained / self.required) if self.required else None

    @property
    def review_percent(self) -> int | None:
        return round(100 * self.review_points / self.review_max) if self.review_max else None

    def outcome_rate(self, minimum: int) -> float | None:
        """Charge/summons as a percent of crimes finalised (one decimal); None below `minimum` finalised."""
        return round(100 * self.charged / self.finalised, 1) if self.finalised >= minimum else None

    def cells(self, minimum: int) -> list:
        rate = self.outcome_rate(minimum)
        suppressed = self.finalised and rate is None
        return [self.required, self.trained, percent_text(self.coverage), self.reviews,
                percent_text(self.review_percent), self.finalised,
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


def _reviews(since: datetime) -> list[tuple[int, int, date, int, int]]:
    """(officer, team, London day, total, max) of every plan review since `since`, in one query."""
    rows = db.session.execute(
        sa.select(Plan.person_id, Plan.team_id, PlanReview.reviewed_at, PlanReview.total, PlanReview.max_score)
        .join(PlanAttempt, PlanAttempt.id == PlanReview.attempt_id).join(Plan, Plan.id == PlanAttempt.plan_id)
        .where(PlanReview.reviewed_at >= since))
    return [(person_id, team_id, london_day(at), total, most) for person_id, team_id, at, total, most in rows]


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


def build(course: Course, team_ids: frozenset[int], all_team_ids: frozenset[int], team_names: dict[int, tuple],
          now: datetime | None = None) -> QualityView:
    """Every figure of the view for the teams chosen (and the force, when they are not the whole force)."""
    now = now or utcnow()
    minimum = current_app.config["QUALITY_MIN_FINALISED"]
    ends = month_ends(london_day(now))
    months = [_month_start(end) for end in ends]
    whole = team_ids == all_team_ids
    view = QualityView(course=course, is_whole_force=whole, minimum=minimum)
    groups = {"scope": (team_ids, defaultdict(Figures))}
    if not whole:
        groups["force"] = (all_team_ids, defaultdict(Figures))
    teams: dict[int, Figures] = defaultdict(Figures)
    completed: dict[int, date | None] = {}
    for name, (ids, by_month) in groups.items():
        dataset = load_dataset(ids, now, [course])
        _coverage(dataset, months, ends, by_month, teams if name == "scope" else defaultdict(Figures))
        if name == "scope":
            completed = {row.member.id: row.statuses[0].completed_on for row in dataset.rows}
    since = datetime.combine(months[0], datetime.min.time())
    training = {"before": Figures(), "after": Figures()}
    for person_id, team_id, day, total, most in _reviews(since):
        month = _month_start(day)
        for ids, by_month in groups.values():
            if team_id in ids and month in months:
                by_month[month].add_review(total, most)
        if team_id in team_ids:
            teams[team_id].add_review(total, most)
            done_on = completed.get(person_id)
            training["after" if done_on and done_on <= day else "before"].add_review(total, most)
    for team_id, month, finalised, charged in _outcomes(months[0]):
        for ids, by_month in groups.values():
            if team_id in ids and month in months:
                by_month[month].add_outcome(finalised, charged)
        if team_id in team_ids:
            teams[team_id].add_outcome(finalised, charged)
    view.blocks["training"] = Block(
        "Plan review scores before and after the officer completed the course", TRAINING_HEADER,
        [[label, training[key].reviews, percent_text(training[key].review_percent)]
         for key, label in (("before", "Reviewed before the officer completed it (or not completed)"),
                            ("after", "Reviewed after the officer completed it"))])
    scope = groups["scope"][1]
    title = "The force by month" if whole else "Your teams by month"
    view.blocks["by_month"] = Block(title, MONTH_HEADER, [[f"{month:%B %Y}", *scope[month].cells(minimum)]
                                                          for month in months])
    if not whole:
        force = groups["force"][1]
        view.blocks["force"] = Block("The force by month", MONTH_HEADER,
                                     [[f"{month:%B %Y}", *force[month].cells(minimum)] for month in months])
    ordered = sorted(team_ids, key=lambda team_id: (team_names[team_id][1], team_names[team_id][0], team_id))
    view.blocks["by_team"] = Block(f"By team, {months[0]:%B %Y} to {months[-1]:%B %Y}", TEAM_HEADER,
                                   [[", ".join(team_names[team_id]), *teams[team_id].cells(minimum)]
                                    for team_id in ordered])
    view.charts["coverage"] = columns([(f"{month:%b}", scope[month].coverage or 0,
                                        percent_text(scope[month].coverage)) for month in months], 100)
    view.charts["reviews"] = columns([(f"{month:%b}", scope[month].review_percent or 0,
                                       percent_text(scope[month].review_percent)) for month in months], 100)
    rates = [scope[month].outcome_rate(minimum) for month in months]
    view.charts["outcomes"] = columns([(f"{month:%b}", rate or 0, "–" if rate is None else f"{rate}%")
                                       for month, rate in zip(months, rates)],
                                      max([25.0] + [rate for rate in rates if rate is not None]))
    return view


SECTIONS = ("by_month", "force", "by_team", "training")
