"""The quality view: coverage, plan review scores and outcome rates side by side per month, for your teams and the
force; small numbers suppressed; the CSV is the page; scoped like the reports; a fixed number of queries."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from lms.quality import services
from lms.quality.models import RubricVersion
from lms.quality.outcomes import import_outcomes, read_file
from lms.timeutil import today_london
from tests.quality_support import qforce  # noqa: F401
from tests.reports_support import ago, complete, course, csv_rows, page_tables  # noqa: F401

HEADER = "area,team,month,finalised,charge_summons,outcome_16,outcome_14_15,other\n"


def this_month() -> date:
    return today_london().replace(day=1)


def last_month() -> date:
    return (this_month() - timedelta(days=1)).replace(day=1)


def outcomes(db, lines: list[str]) -> None:
    text = HEADER + "".join(line + "\n" for line in lines)
    found = read_file(text)
    assert not found.problems, found.problems
    import_outcomes(found, actor=None, file_name="test.csv", content=text)
    db.session.commit()


def reviewed_plan(db, officer, reviewer, scores=(2, 1)) -> None:
    """Submit and review a plan as the pages do (inside a request: the review emails a link to it)."""
    version = db.session.scalar(sa.select(RubricVersion))
    with current_app.test_request_context():
        plan = services.start_plan(officer, "Scenario 1")
        services.save_draft(plan, "Scenario 1", "A plan", submit=True)
        services.record_review(reviewer, plan, version, [{"key": c["key"], "score": s, "comment": ""}
                                                         for c, s in zip(version.criteria, scores)], "")
    db.session.commit()


@pytest.fixture
def history(db, qforce, course):
    complete(qforce.officer_a, course, ago(2))
    reviewed_plan(db, qforce.officer_a, qforce.reviewer)
    now, before = f"{this_month():%Y-%m}", f"{last_month():%Y-%m}"
    outcomes(db, [f"Northtown,Response Team A,{before},120,12,20,30,58",
                  f"Northtown,Response Team A,{now},10,2,1,1,6",
                  f"Southport,Response Team B,{before},80,16,10,10,44"])
    return qforce


def rows_by_month(table) -> dict[str, list[str]]:
    return {row[0]: row for row in table[1:]}


def test_a_supervisor_sees_their_team_beside_the_force_and_the_csv_is_the_page(client, login, history):
    login(history.sergeant_a)
    response = client.get("/quality/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This shows association, not cause." in page
    assert page.count('<svg class="lms-chart"') == 3 and "<script" not in page
    tables = dict(page_tables(page))
    mine = rows_by_month(tables["Your teams by month"])
    before, now = mine[f"{last_month():%B %Y}"], mine[f"{this_month():%B %Y}"]
    assert before[6:] == ["120", "12", "10.0%"]
    # Ten crimes finalised is below QUALITY_MIN_FINALISED (20): neither the count nor the rate is shown.
    assert now[6:] == ["10", "under 20 finalised", "not shown"]
    assert now[1:6] == ["2", "1", "50%", "1", "75%"]
    force = rows_by_month(tables["The force by month"])
    assert force[f"{last_month():%B %Y}"][6:] == ["200", "28", "14.0%"]
    [_, team_row] = tables[next(title for title in tables if title.startswith("By team"))]
    assert team_row[0] == "Response Team A, Northtown" and team_row[6:] == ["130", "14", "10.8%"]
    # The one review was made after officer A completed the course (two days before).
    assert tables["Plan review scores before and after the officer completed the course"][1:] == [
        ["Reviewed before the officer completed it (or not completed)", "0", "–"],
        ["Reviewed after the officer completed it", "1", "75%"]]
    download = csv_rows(client.get("/quality.csv").get_data(as_text=True))
    for title, table in page_tables(page):
        start = download.index([title])
        assert download[start + 1:start + len(table) + 1] == table, title


def test_the_threshold_for_small_numbers_is_a_setting(app, client, login, history, monkeypatch):
    monkeypatch.setitem(app.config, "QUALITY_MIN_FINALISED", 5)
    login(history.sergeant_a)
    mine = rows_by_month(dict(page_tables(client.get("/quality/").get_data(as_text=True)))["Your teams by month"])
    assert mine[f"{this_month():%B %Y}"][6:] == ["10", "2", "20.0%"]


@pytest.mark.parametrize("who, status, teams", [
    ("officer_a", 403, None),
    ("reviewer", 403, None),            # reviewing plans gives no sight of a team's figures
    ("sergeant_a", 200, ["Response Team A, Northtown"]),
    ("sergeant_b", 200, ["Response Team B, Southport"]),
    ("admin", 200, ["Investigation Standards, Northtown", "Response Team A, Northtown", "Response Team B, Southport"]),
])
def test_who_sees_which_teams_in_the_quality_view_and_its_download(client, login, history, who, status, teams):
    login(getattr(history, who))
    for path in ("/quality/", "/quality.csv"):
        response = client.get(path)
        assert response.status_code == status, path
    if teams:
        tables = dict(page_tables(client.get("/quality/").get_data(as_text=True)))
        by_team = tables[next(title for title in tables if title.startswith("By team"))]
        assert [row[0] for row in by_team[1:]] == teams
        assert ("Your teams by month" in tables) is (who != "admin") and "The force by month" in tables


def test_a_team_outside_your_scope_is_not_found(client, login, history):
    login(history.sergeant_a)
    assert client.get(f"/quality/?team={history.team_b.id}").status_code == 404
    assert client.get(f"/quality.csv?team={history.team_b.id}").status_code == 404


def test_the_view_runs_a_fixed_number_of_queries_whatever_the_data(client, login, history, db, course,
                                                                   count_queries):
    login(history.admin)
    client.get("/quality/")
    history.officer(team=history.team_a)  # training data changed: both counts work the statuses out afresh
    with count_queries() as first:
        client.get("/quality/")
    for number in range(6):
        officer = history.officer(team=history.team_b if number % 2 else history.team_a)
        complete(officer, course, ago(3 + number))
        reviewed_plan(db, officer, history.reviewer_b if number % 2 else history.reviewer)
    outcomes(db, [f"Northtown,Investigation Standards,{last_month():%Y-%m},30,3,5,5,17"])
    with count_queries() as second:
        client.get("/quality/")
    assert second.count == first.count, second.statements
