"""The quality view: coverage, plan review and audit scores and outcome rates side by side per month, for your teams
and the force; scores by criterion across rubric versions; small numbers suppressed; the CSV is the page; scoped like
the reports; a fixed number of queries."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from lms.content.sync import sync_content
from lms.quality import audits, services
from lms.quality.outcomes import import_outcomes, read_file
from lms.timeutil import today_london
from tests.quality_support import AUDIT_RUBRIC, audit_rubric, qforce  # noqa: F401
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
    version = services.current_rubric()  # the plan review rubric (the audit rubric is a version too)
    with current_app.test_request_context():
        plan = services.start_plan(officer, "Scenario 1")
        services.save_draft(plan, "Scenario 1", "A plan", submit=True)
        services.record_review(reviewer, plan, version, [{"key": c["key"], "score": s, "comment": ""}
                                                         for c, s in zip(version.criteria, scores)], "")
    db.session.commit()


def audited(db, auditor, team, day: date, *cases: tuple[int, ...]) -> None:
    """A visit to `team` on `day`, each case scored criterion by criterion on the current audit rubric."""
    version = services.current_rubric("quality-audit")
    visit = audits.record_visit(auditor, team.id, day, "DS Auditor", "", version)
    for number, scores in enumerate(cases):
        audits.add_case(auditor, visit, f"26/{number + 100}/1", [
            {"key": criterion["key"], "score": score, "comment": ""}
            for criterion, score in zip(version.criteria, scores)], "")
    db.session.commit()


@pytest.fixture
def history(db, qforce, course, audit_rubric):
    complete(qforce.officer_a, course, ago(2))
    reviewed_plan(db, qforce.officer_a, qforce.reviewer)
    # Team A: 4 of 6 points last month (recording 1 of 2, supervision 3 of 4); team B: 0 of 3 this month.
    audited(db, qforce.reviewer, qforce.team_a, last_month(), (1, 2), (0, 1))
    audited(db, qforce.reviewer_b, qforce.team_b, this_month(), (0, 0))
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
    assert page.count('<svg class="lms-chart"') == 4 and "<script" not in page
    tables = dict(page_tables(page))
    mine = rows_by_month(tables["Your teams by month"])
    before, now = mine[f"{last_month():%B %Y}"], mine[f"{this_month():%B %Y}"]
    assert before[6:] == ["2", "67%", "120", "12", "10.0%"]
    # Ten crimes finalised is below QUALITY_MIN_FINALISED (20): neither the count nor the rate is shown.
    assert now[8:] == ["10", "under 20 finalised", "not shown"]
    # Team B's audit this month is outside the sergeant's teams: it counts for the force only.
    assert now[1:8] == ["2", "1", "50%", "1", "75%", "0", "–"]
    force = rows_by_month(tables["The force by month"])
    assert force[f"{last_month():%B %Y}"][6:] == ["2", "67%", "200", "28", "14.0%"]
    assert force[f"{this_month():%B %Y}"][6:8] == ["1", "0%"]
    [_, team_row] = tables[next(title for title in tables if title.startswith("By team"))]
    assert team_row[0] == "Response Team A, Northtown" and team_row[6:] == ["2", "67%", "130", "14", "10.8%"]
    by_criterion = tables[next(title for title in tables if title.startswith("Audit scores by criterion"))]
    assert by_criterion == [
        ["Criterion", "Your teams: cases scored", "Your teams: mean score", "Force: cases scored", "Force: mean score"],
        ["Recording", "2", "50%", "3", "33%"], ["Supervision", "2", "75%", "3", "50%"]]
    reviews = tables[next(title for title in tables if title.startswith("Plan review scores by criterion"))]
    assert reviews[1:] == [["Hypotheses", "1", "100%", "1", "100%"], ["Victim care", "1", "50%", "1", "50%"]]
    # The one review was made after officer A completed the course (two days before).
    assert tables["Plan review scores before and after the officer completed the course"][1:] == [
        ["Reviewed before the officer completed it (or not completed)", "0", "–"],
        ["Reviewed after the officer completed it", "1", "75%"]]
    download = csv_rows(client.get("/quality.csv").get_data(as_text=True))
    for title, table in page_tables(page):
        start = download.index([title])
        assert download[start + 1:start + len(table) + 1] == table, title


@pytest.mark.parametrize("who", ["sergeant_a", "admin"])
def test_on_this_page_links_every_section_so_a_phone_need_not_scroll_past_every_team(client, login, history, who):
    login(getattr(history, who))
    page = client.get("/quality/").get_data(as_text=True)
    contents = page[page.index('id="quality-contents"'):page.index("</nav>", page.index('id="quality-contents"'))]
    linked = re.findall(r'href="#([\w-]+)"', contents)
    sections = re.findall(r'<section class="lms-report-section" aria-labelledby="([\w-]+)"', page)
    assert linked == sections and len(sections) >= 4


def test_the_threshold_for_small_numbers_is_a_setting(app, client, login, history, monkeypatch):
    monkeypatch.setitem(app.config, "QUALITY_MIN_FINALISED", 5)
    login(history.sergeant_a)
    mine = rows_by_month(dict(page_tables(client.get("/quality/").get_data(as_text=True)))["Your teams by month"])
    assert mine[f"{this_month():%B %Y}"][8:] == ["10", "2", "20.0%"]


@pytest.mark.parametrize("who, status, teams", [
    ("officer_a", 403, None),
    ("reviewer", 403, None),            # reviewing plans gives no sight of a team's figures
    ("sergeant_a", 200, {"Response Team A, Northtown": ["2", "67%"]}),
    ("sergeant_b", 200, {"Response Team B, Southport": ["1", "0%"]}),
    ("admin", 200, {"Investigation Standards, Northtown": ["0", "–"], "Response Team A, Northtown": ["2", "67%"],
                    "Response Team B, Southport": ["1", "0%"]}),
])
def test_who_sees_which_teams_in_the_quality_view_and_its_download(client, login, history, who, status, teams):
    """Each team's row, with its cases audited and their mean score: only the teams in the viewer's scope."""
    login(getattr(history, who))
    for path in ("/quality/", "/quality.csv"):
        response = client.get(path)
        assert response.status_code == status, path
    if teams:
        tables = dict(page_tables(client.get("/quality/").get_data(as_text=True)))
        by_team = tables[next(title for title in tables if title.startswith("By team"))]
        assert {row[0]: row[6:8] for row in by_team[1:]} == teams
        assert ("Your teams by month" in tables) is (who != "admin") and "The force by month" in tables


def test_audit_scores_by_criterion_keep_a_criterion_across_versions_while_its_title_stays(
        client, login, history, content_tree, db):
    """Version 2 renames Recording and gives Supervision a fourth level: Supervision is one row, scored in percent of
    each version's top level; the renamed criterion is a new row and the old one is kept after the current ones."""
    (content_tree / "rubrics" / "audit.md").write_text(
        AUDIT_RUBRIC.replace("## Recording", "## Crime recording").replace("- 2 Met: Regular.", "- 2 Mostly: Often.\n"
                                                                           "- 3 Met: Regular.")
        + "\n## Victim care\n- 0 Not met: No updates.\n- 1 Met: Updates agreed.\n")
    assert sync_content(content_tree).ok
    db.session.commit()
    assert services.current_rubric("quality-audit").number == 2
    audited(db, history.reviewer_b, history.team_b, this_month(), (1, 3, 1))
    audited(db, history.reviewer, history.team_a, this_month(), (0, 1, 0))
    header = ["Criterion", "Cases scored", "Mean score"]
    for who, expected in [
        # Supervision: 2 + 1 + 0 points of 2 each on version 1, 3 + 1 of 3 each on version 2: 7 of 12.
        ("admin", [header, ["Crime recording", "2", "50%"], ["Supervision", "5", "58%"], ["Victim care", "2", "50%"],
                   ["Recording (earlier rubric only)", "3", "33%"]]),
        # Team A's supervision: 2 + 1 of 4 on version 1, 1 of 3 on version 2: 4 of 7.
        ("sergeant_a", [header[:1] + ["Your teams: cases scored", "Your teams: mean score", "Force: cases scored",
                                      "Force: mean score"],
                        ["Crime recording", "1", "0%", "2", "50%"], ["Supervision", "3", "57%", "5", "58%"],
                        ["Victim care", "1", "0%", "2", "50%"],
                        ["Recording (earlier rubric only)", "2", "50%", "3", "33%"]]),
    ]:
        login(getattr(history, who))
        tables = dict(page_tables(client.get("/quality/").get_data(as_text=True)))
        assert tables[next(title for title in tables if title.startswith("Audit scores by criterion"))] == expected, who
        client.post("/logout")


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
        audited(db, history.reviewer, history.standards if number % 2 else history.team_a, last_month(), (1, 1),
                (0, 2))
    outcomes(db, [f"Northtown,Investigation Standards,{last_month():%Y-%m},30,3,5,5,17"])
    with count_queries() as second:
        client.get("/quality/")
    assert second.count == first.count, second.statements
