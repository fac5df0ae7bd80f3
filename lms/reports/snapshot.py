"""The visual snapshot for the teams in scope: completion against the force, over time, quiz scores, sessions
and the most-missed questions. Figures and charts come from here; the page and the CSV show the same figures."""
import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from lms.completion.load import cycles_started, london_day
from lms.completion.rule import CourseRule, was_complete_on
from lms.courses.analytics import BANDS, quiz_versions, share, version_figures
from lms.courses.models import Course
from lms.reports import queries
from lms.reports.charts import Chart, columns, horizontal_bars
from lms.reports.dataset import Dataset, Tally, load_dataset, team_tallies, total_tally
from lms.reports.tables import Block
from lms.timeutil import format_date, utcnow

#: more teams than this and the first chart compares areas instead (a chart of 100 bars says nothing at a glance)
MAX_BARS = 20
MONTHS = 12
MOST_MISSED = 5


@dataclass
class Snapshot:
    course: Course
    is_whole_force: bool
    blocks: dict[str, Block] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    #: the headline figures, in words
    headline: dict[str, str] = field(default_factory=dict)


def _percent_text(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def build(course: Course, team_ids: frozenset[int], all_team_ids: frozenset[int],
          now: datetime | None = None) -> Snapshot:
    """Every figure of the snapshot for `course` and the teams in scope, against the force's."""
    now = now or utcnow()
    whole = team_ids == all_team_ids
    scope = load_dataset(team_ids, now, [course])
    force = scope if whole else load_dataset(all_team_ids, now, [course])
    snapshot = Snapshot(course=course, is_whole_force=whole)
    force_tally = total_tally(force, 0)
    scope_tally = total_tally(scope, 0)
    snapshot.headline["complete"] = f"{scope_tally.done} of {scope_tally.required}"
    snapshot.headline["percent"] = _percent_text(scope_tally.percent)
    snapshot.headline["force"] = _percent_text(force_tally.percent)
    _by_team(snapshot, scope, force_tally)
    people = queries.population(team_ids)
    _over_time(snapshot, scope, london_day(now), cycles_started(people, course))
    _scores(snapshot, course, people)
    _sessions(snapshot, course, team_ids, queries.year_ago(now))
    _most_missed(snapshot, course, people)
    return snapshot


def _by_team(snapshot: Snapshot, scope: Dataset, force: Tally) -> None:
    areas = len({row.member.team_id for row in scope.rows}) > MAX_BARS
    groups = {(team.name if areas else f"{team.name}, {team.area_name}"): team.courses[0]
              for team in team_tallies(scope, areas=areas)}
    unit = "Area" if areas else "Team"
    rows = [[name, tally.required, tally.done, _percent_text(tally.percent)] for name, tally in groups.items()]
    rows.append(["Force average", force.required, force.done, _percent_text(force.percent)])
    snapshot.blocks["by_team"] = Block(f"Complete now, by {unit.lower()}, against the force average",
                                       [unit, "Officers required", "Complete", "Percent complete"], rows)
    items = [(name, tally.percent or 0, _percent_text(tally.percent)) for name, tally in groups.items()]
    marker = (force.percent, f"Force {_percent_text(force.percent)}") if force.percent is not None else None
    snapshot.charts["by_team"] = horizontal_bars(items, 100, marker)


def month_ends(today: date, count: int = MONTHS) -> list[date]:
    """The last day of each of the `count` months up to and including this one (this one ends today)."""
    ends = []
    year, month = today.year, today.month
    for _ in range(count):
        ends.append(min(today, date(year, month, calendar.monthrange(year, month)[1])))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def _over_time(snapshot: Snapshot, scope: Dataset, today: date, started: dict[int, date]) -> None:
    """How many of the officers required now were complete on the last day of each month, by the completion rule
    (lms.completion.rule.was_complete_on): this month's column is today, so it is the headline's figure."""
    rule = CourseRule.of(snapshot.course)
    required = [(row.member.id, row.statuses[0]) for row in scope.rows if row.statuses[0].is_required]
    rows, items = [], []
    for end in month_ends(today):
        done = sum(1 for person_id, status in required
                   if was_complete_on(rule, status, end, started.get(person_id)))
        percent = share(done, len(required), 1)
        when = f"{end.strftime('%B %Y')} (today)" if end == today else end.strftime("%B %Y")
        rows.append([when, len(required), done, _percent_text(percent)])
        items.append(("Now" if end == today else end.strftime("%b"), percent or 0, _percent_text(percent)))
    snapshot.blocks["over_time"] = Block("Complete on the last day of each month, over the last 12 months",
                                         ["Month", "Officers required now", "Complete on the month's last day",
                                          "Percent complete"], rows)
    snapshot.charts["over_time"] = columns(items, 100)


def _scores(snapshot: Snapshot, course: Course, people) -> None:
    counts = {label: 0 for label, _, _ in BANDS}
    attempts = passed = 0
    for percent, is_passed, count in queries.score_counts(course, people):
        label = next(label for label, low, high in BANDS if low <= percent <= high)
        counts[label] += count
        attempts += count
        passed += count if is_passed else 0
    rows = [[label, count] for label, count in counts.items()]
    snapshot.blocks["scores"] = Block("Quiz scores", ["Score", "Attempts"], rows)
    top = max(counts.values(), default=0)
    snapshot.charts["scores"] = columns([(label.replace("%", ""), count, str(count))
                                                for label, count in counts.items()], top)
    people_tried, first_passed = queries.first_attempts(course, people)
    first_rate = share(first_passed, people_tried, 1)
    snapshot.headline["first_attempt"] = _percent_text(first_rate)
    snapshot.blocks["first_attempt"] = Block("Quiz attempts and first-attempt pass rate",
                                             ["Measure", "Count", "Out of", "Percent"], [
        ["Attempts passed", passed, attempts, _percent_text(share(passed, attempts, 1))],
        ["Officers who passed at their first attempt", first_passed, people_tried, _percent_text(first_rate)]])


def _sessions(snapshot: Snapshot, course: Course, team_ids, since: datetime) -> None:
    marks = queries.register_counts(course, team_ids, since)
    total = sum(marks.values())
    labels = {"attended": "Attended", "absent": "Did not attend (no-show)", "excused": "Excused"}
    rows = [[label, marks.get(code, 0), total, _percent_text(share(marks.get(code, 0), total, 1))]
            for code, label in labels.items()]
    snapshot.headline["no_show"] = _percent_text(share(marks.get("absent", 0), total, 1))
    snapshot.blocks["sessions"] = Block(f"Session registers since {format_date(since)}",
                                        ["Register mark", "Officers", "Out of", "Percent"], rows)
    snapshot.charts["sessions"] = horizontal_bars(
        [(label, count, f"{count} ({percent})") for label, count, _, percent in rows], max(total, 1))


def _most_missed(snapshot: Snapshot, course: Course, people) -> None:
    versions = quiz_versions(course.id)
    current = next((version for version in versions if version.is_current), None)
    rows, items = [], []
    if current is not None:
        figures = version_figures(current, versions, current_app.config["ANALYTICS_MIN_ATTEMPTS"], people)
        for item in figures.most_missed[:MOST_MISSED]:
            wrong = item.most_popular_wrong.option.text if item.most_popular_wrong else ""
            rows.append([item.question.position, item.question.text, item.answered,
                         _percent_text(item.facility), wrong])
            items.append((f"Q{item.question.position}. {_short(item.question.text)}", item.facility,
                          _percent_text(item.facility)))
    snapshot.blocks["most_missed"] = Block("The most-missed quiz questions",
                                           ["Question", "Text", "Answers", "Answered right", "Most popular wrong answer"],
                                           rows)
    snapshot.charts["most_missed"] = horizontal_bars(items, 100)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
