"""The snapshot, the team status and the matrix count by one rule: the snapshot's figures, worked out by hand from
the matrix's rows, are the figures it shows, and its chart over time ends at the headline."""
import calendar
import re
from datetime import date, datetime

import pytest

from lms.completion.load import london_day, status_of
from lms.completion.rule import add_months
from lms.courses.cycles import start_cycle
from lms.timeutil import today_london
from tests.reports_support import ago, complete, course, csv_rows, force, page_tables  # noqa: F401

VALID_MONTHS = 24  # the fixture course's valid_for_months


@pytest.fixture
def mixed(db, force, course):
    """Complete lately and long ago; refreshers fallen due (complete once, not now); people who have done nothing."""
    complete(force.officer(given_name="Cara", family_name="Recent"), course, at=ago(10))
    complete(force.officer(given_name="Colin", family_name="Spring"), course, at=ago(200))
    complete(force.officer(given_name="Rita", family_name="Lapsed"), course, at=ago(740))
    complete(force.officer(given_name="Ron", family_name="Lapsed"), course, at=ago(800))
    complete(force.officer(team=force.team_b, given_name="Bea", family_name="Recent"), course, at=ago(45))
    complete(force.officer(team=force.team_b, given_name="Basil", family_name="Lapsed"), course, at=ago(760))


def _matrix(client) -> list[dict]:
    """The matrix download's rows, each with its team and the course's status and the date beside it."""
    header, *rows = csv_rows(client.get("/reports/matrix.csv").get_data(as_text=True))
    status, day = header.index("Witness basics"), header.index("Witness basics: date")
    return [{"team": f"{row[header.index('Team')]}, {row[header.index('Area')]}",
             "cell": row[status], "day": date.fromisoformat(row[day]) if row[day] else None} for row in rows]


def _complete_on(row: dict, day: date) -> bool:
    """Complete on `day` as a person reads it off the matrix: complete since the date shown, or complete from the
    completion a fallen-due refresher counts from until the day it fell due."""
    if row["cell"] == "Complete":
        return row["day"] <= day
    if row["cell"] == "Refresher due":
        return add_months(row["day"], -VALID_MONTHS) <= day < row["day"]
    return False


def _month_end(label: str, today: date) -> date:
    if label.endswith("(today)"):
        return today
    month = datetime.strptime(label, "%B %Y")
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


@pytest.mark.parametrize("who", ["admin", "sergeant_a"])
def test_the_snapshots_figures_are_the_matrixs_rows_counted(client, login, force, course, mixed, who):
    login(getattr(force, who))
    matrix = [row for row in _matrix(client) if not row["cell"].startswith("Not required")]
    page = client.get("/reports/snapshot").get_data(as_text=True)
    tables = dict(page_tables(page))
    today = today_london()

    done = [row for row in matrix if row["cell"] == "Complete"]
    headline = re.search(r'lms-headline__figure">([0-9]+)%</span> complete now \(([0-9]+) of ([0-9]+) officers',
                         page)
    assert (int(headline[2]), int(headline[3])) == (len(done), len(matrix))
    assert int(headline[1]) == round(100 * len(done) / len(matrix))

    by_team = tables["Complete now, by team, against the force average"][1:]
    teams = sorted({row["team"] for row in matrix})
    expected = [[team, str(sum(r["team"] == team for r in matrix)), str(sum(r["team"] == team for r in done))]
                for team in teams]
    assert [row[:3] for row in by_team if row[0] != "Force average"] == expected

    over_time = tables["Complete on the last day of each month, over the last 12 months"][1:]
    assert len(over_time) == 12 and over_time[-1][0].endswith("(today)")
    for label, required, complete_then, _ in over_time:
        end = _month_end(label, today)
        assert (int(required), int(complete_then)) == (
            len(matrix), sum(_complete_on(row, end) for row in matrix)), label
    assert over_time[-1][2] == headline[2]  # the chart ends where the headline is: both count "complete now"

    status = client.get("/reports/").get_data(as_text=True)
    team_status = dict(page_tables(status))["Witness basics"]
    assert team_status[-1][2:4] == [str(len(matrix)), str(len(done))]  # "All teams": required, complete


def test_a_reset_course_counts_as_complete_until_the_reset_and_not_since(client, login, db, force, course):
    """A trainer's reset ends the earlier completion on the day it happens: the month-ends before count it, the
    ones after (and today) do not, on the chart and in the headline alike."""
    person = force.officer(given_name="Reg", family_name="Reset")
    finished, reset_at = ago(100), ago(35)
    complete(person, course, at=finished)
    start_cycle(force.admin, person, course, status_of(person, course, reset_at), reason="Wrong session",
                now=reset_at)
    db.session.commit()
    login(force.sergeant_a)
    page = client.get("/reports/snapshot").get_data(as_text=True)
    over_time = dict(page_tables(page))["Complete on the last day of each month, over the last 12 months"][1:]
    today = today_london()
    for label, _, complete_then, _ in over_time:
        end = _month_end(label, today)
        assert int(complete_then) == int(london_day(finished) <= end < london_day(reset_at)), label
    assert "0%</span> complete now (0 of" in page
