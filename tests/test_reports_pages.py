"""The reports show what the rule decided, download exactly what the page shows, and take the same number of
queries whatever the number of officers."""
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from lms.reports.models import ProgrammeTarget
from lms.timeutil import format_date
from tests.reports_support import (ago, attempt, attend, book, complete, course, csv_rows, force,  # noqa: F401
                                   page_tables, read_modules, set_due)


@pytest.fixture
def history(db, force, course):
    """Team A: one complete, a detective booked (due later), one part way and one who missed the session (both
    overdue, as is Amy, who has not started); the sergeant, due later, has not started."""
    set_due(course, default="2026-01-31", PS="2099-01-01", DC="2099-01-01")
    done = force.officer(given_name="Carol", family_name="Complete")
    complete(done, course, at=ago(40))
    booked = force.officer(given_name="Barry", family_name="Booked", rank="DC")
    read_modules(booked, course)
    attempt(booked, course)
    book(booked, course)
    halfway = force.officer(given_name="Harry", family_name="Halfway")
    read_modules(halfway, course, count=1)
    absent = force.officer(given_name="Andy", family_name="Absent")
    read_modules(absent, course)
    attempt(absent, course, passed=False, wrong={1, 2, 3})
    attempt(absent, course, at=ago(4))
    attend(absent, course, status="absent")
    return {"done": done, "booked": booked, "halfway": halfway, "absent": absent}


def test_the_matrix_shows_each_officers_status_with_its_date(client, login, force, course, history):
    login(force.sergeant_a)
    page = client.get("/reports/matrix").get_data(as_text=True)
    rows = {row[0]: row for _, table in page_tables(page) for row in table[1:]}
    assert rows["Carol Complete"][5].startswith("Complete ")
    assert rows["Barry Booked"][5].startswith("Booked ")
    assert rows["Harry Halfway"][5] == "Overdue due 31 January 2026"
    assert rows["Amy Able"][5] == "Overdue due 31 January 2026"
    assert rows["Sarah Sergeant"][5] == "Not started due 1 January 2099"
    assert '<progress class="lms-progress lms-progress--team" max="6" value="1"' in page  # one of six done


def test_the_matrix_filters_and_sorts(client, login, force, course, history):
    login(force.sergeant_a)

    def names(**args):
        page = client.get("/reports/matrix", query_string=args).get_data(as_text=True)
        return [row[0] for _, table in page_tables(page) for row in table[1:]]

    assert names() == ["Amy Able", "Andy Absent", "Barry Booked", "Carol Complete", "Harry Halfway",
                       "Sarah Sergeant"]
    assert names(status="overdue") == ["Amy Able", "Andy Absent", "Harry Halfway"]
    assert names(status="booked", course=course.id) == ["Barry Booked"]
    assert names(rank="PS") == ["Sarah Sergeant"]
    by_status = names(sort=f"course-{course.id}")
    assert by_status[:3] == ["Amy Able", "Andy Absent", "Harry Halfway"] and by_status[-1] == "Carol Complete"
    assert names(sort="name", dir="desc")[0] == "Sarah Sergeant"


def test_the_matrix_pages_but_its_downloads_hold_everyone(app, client, login, force, course, history, monkeypatch):
    monkeypatch.setitem(app.config, "MATRIX_PAGE_SIZE", 4)
    login(force.sergeant_a)
    first = client.get("/reports/matrix").get_data(as_text=True)
    second = client.get("/reports/matrix?page=2").get_data(as_text=True)
    shown = [row for page in (first, second) for _, table in page_tables(page) for row in table[1:]]
    assert len(shown) == 6 and "Page 1 of 2" in first
    download = csv_rows(client.get("/reports/matrix.csv").get_data(as_text=True))
    assert download[0] == ["Officer", "Service number", "Rank", "Team", "Area", "Witness basics",
                           "Witness basics: date", "Witness basics: previously completed"]
    assert len(download) == 1 + len(shown)
    for on_page, row in zip(shown, download[1:]):  # the same officers, in the same order, across both pages
        status, day, _ = row[5:]
        # the page shows the status and its date together ("Overdue due 31 January 2026"); the download apart
        assert row[:5] == on_page[:5] and on_page[5].startswith(status)
        assert not day or format_date(date.fromisoformat(day)) in on_page[5]


def _same_as_page(client, path, csv_path, first_column=None):
    page = client.get(path).get_data(as_text=True)
    download = csv_rows(client.get(csv_path).get_data(as_text=True))
    tables = page_tables(page)
    assert tables, path
    if first_column:  # one CSV table of several page tables, each row led by its table's title
        assert download[0][0] == first_column
        assert download[1:] == [[title] + row for title, table in tables for row in table[1:]]
        assert all(table[0] == download[0][1:] for _, table in tables)
    else:
        assert download == tables[0][1]
    return download


def test_team_status_downloads_exactly_what_the_page_shows(client, login, force, course, history):
    login(force.sergeant_a)
    download = _same_as_page(client, "/reports/", "/reports/teams.csv", "Course")
    assert download[1] == ["Witness basics", "Response Team A", "Northtown", "6", "1", "17%", "Red", "3", "1"]


def test_the_overdue_list_downloads_exactly_what_the_page_shows(client, login, force, course, history):
    login(force.sergeant_a)
    page = page_tables(client.get("/reports/overdue").get_data(as_text=True))[0][1]
    download = csv_rows(client.get("/reports/overdue.csv").get_data(as_text=True))
    assert [row[0] for row in download[1:]] == ["Amy Able", "Andy Absent", "Harry Halfway"]
    assert download[1][5:7] == ["Witness basics (overdue)", "2026-01-31"]  # ISO: a spreadsheet sorts it as a date
    dates = [download[0].index(name) for name in ("Overdue since", "Booked for", "Last nudged")]

    def in_words(row):
        return [format_date(date.fromisoformat(value)) if i in dates and value else value
                for i, value in enumerate(row)]

    assert page == [download[0]] + [in_words(row) for row in download[1:]]


def test_coverage_counts_against_each_target_and_downloads_what_the_page_shows(client, login, db, force, course,
                                                                             history):
    db.session.add_all([ProgrammeTarget(label="Every sergeant", course_id=course.id, ranks=["PS"], goal=None),
                        ProgrammeTarget(label="Three constables", course_id=course.id, ranks=["PC"], goal=3)])
    db.session.commit()
    login(force.admin)
    page = client.get("/reports/coverage").get_data(as_text=True)
    assert "of 3 (33% of the goal)" in page  # one constable of the three wanted
    download = _same_as_page(client, "/reports/coverage", "/reports/coverage.csv", "Target")
    assert ["Three constables", "All", "5", "1", "20%", "3", "33%"] in download
    assert ["Three constables", "Police Constables", "5", "1", "20%", "", ""] in download
    assert ["Three constables", "Northtown", "4", "1", "25%", "", ""] in download
    assert ["Every sergeant", "All", "2", "0", "0%", "2", "0%"] in download
    assert ["Every sergeant", "Southport", "1", "0", "0%", "1", "0%"] in download


def test_the_transcript_shows_the_whole_record_prints_on_a4_and_downloads_the_same(app, client, login, force,
                                                                                  course, history):
    login(force.sergeant_a)
    person = history["absent"]
    page = client.get(f"/reports/people/{person.id}").get_data(as_text=True)
    tables = page_tables(page)
    assert [title for title, _ in tables] == ["Courses", "Modules read", "Quiz attempts", "Sessions"]
    courses, modules, attempts, sessions = (table for _, table in tables)
    assert courses[1][:5] == ["Witness basics", "Overdue due 31 January 2026", "3 of 3",
                              courses[1][3], "0"] and courses[1][3].startswith("Passed ")
    assert len(modules) == 4 and [row[3] for row in attempts[1:]] == ["Not passed", "Passed"]
    assert sessions[1][3:] == ["Booked", "Absent"]
    download = csv_rows(client.get(f"/reports/people/{person.id}.csv").get_data(as_text=True))
    blocks, block = [], []
    for row in download + [[]]:
        if row:
            block.append(row)
        elif block:
            blocks.append(block)
            block = []
    assert [(block[0][0], block[1:]) for block in blocks] == [(title, table) for title, table in tables]
    assert "@page { size: A4" in (Path(app.static_folder) / "css" / "lms.css").read_text()


def test_the_snapshot_draws_charts_with_tables_and_downloads_the_same_figures(app, client, login, force, course,
                                                                              history, monkeypatch):
    monkeypatch.setitem(app.config, "ANALYTICS_MIN_ATTEMPTS", 1)
    login(force.sergeant_a)
    page = client.get("/reports/snapshot").get_data(as_text=True)
    assert page.count('<svg class="lms-chart"') == 5 and page.count('role="img"') == 5 and "<script" not in page
    tables = dict(page_tables(page))
    assert tables["Complete now, by team, against the force average"][1] == ["Response Team A, Northtown", "6", "1",
                                                                         "17%"]
    assert tables["Complete now, by team, against the force average"][-1] == ["Force average", "8", "1", "12%"]
    assert tables["Quiz attempts and first-attempt pass rate"][2] == [
        "Officers who passed at their first attempt", "2", "3", "67%"]
    assert tables["Session registers since " + page.split("Session registers since ")[1].split("<")[0]][1:] == [
        ["Attended", "1", "2", "50%"], ["Did not attend (no-show)", "1", "2", "50%"], ["Excused", "0", "2", "0%"]]
    missed = tables["The most-missed quiz questions"]
    assert missed[1][:4] == ["1", "When should a witness's first account be written down?", "4", "75%"]
    download = csv_rows(client.get("/reports/snapshot.csv").get_data(as_text=True))
    for title, table in page_tables(page):
        start = download.index([title])
        assert download[start + 1:start + len(table) + 1] == table, title


def test_downloads_are_safe_to_open_in_a_spreadsheet(client, login, db, force, course, history):
    """A name that looks like a formula is written as text in the CSV and in the workbook."""
    force.officer(given_name="=HYPERLINK(\"http://x\")", family_name="Evil")
    login(force.sergeant_a)
    text = client.get("/reports/matrix.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    response = client.get("/reports/matrix.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="team-matrix.xlsx"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "=HYPERLINK" in strings
    assert all(name in strings for name in ("Carol Complete", "Amy Able", "Sarah Sergeant"))
    assert len(re.findall(r'<row r="', sheet)) == 1 + 7 + 1  # header, seven officers, the "made" line


def test_my_training_gives_each_officer_their_next_step(client, login, db, force, course):
    person = force.officer()
    login(person)

    def step():
        page = client.get("/my-training").get_data(as_text=True)
        return " ".join(re.search(r"<strong>Next:</strong>(.*?)</p>", page, re.S).group(1).split())

    assert step() == "Read module 1: Taking a first account."
    read_modules(person, course, count=2)
    assert step() == "Read module 3: After the account."
    read_modules(person, course)
    assert step() == "Take the quiz."
    attempt(person, course, passed=False, at=ago(hours=2))
    assert step().startswith("Retake the quiz on ")
    attempt(person, course, at=ago(hours=1))
    assert step() == "Book a small-group session."
    book(person, course, days_ahead=3)
    assert step().startswith("Go to your small-group session on ")
    nav = client.get("/my-training").get_data(as_text=True)
    assert 'href="/my-training" aria-current="page">My training</a>' in nav
    assert ">Reports</a>" not in nav  # an officer has no reports


def test_the_course_pages_show_the_same_status_as_the_reports(client, login, db, force, course):
    person = force.officer()
    read_modules(person, course)
    attempt(person, course)
    book(person, course)
    login(person)
    for path in ("/courses/", f"/courses/{course.slug}/", "/my-training"):
        page = client.get(path).get_data(as_text=True)
        assert re.search(r'govuk-tag--blue lms-status">Booked</strong>', page), path


def test_supervisors_and_admins_have_reports_in_the_navigation(client, login, force):
    login(force.sergeant_a)
    assert 'href="/reports/">Reports</a>' in client.get("/my-training").get_data(as_text=True)


REPORT_PAGES = ["/reports/", "/reports/matrix", "/reports/overdue", "/reports/coverage", "/reports/snapshot",
                "/reports/matrix.csv", "/reports/overdue.csv", "/reports/snapshot.csv", "/my-training"]


@pytest.mark.parametrize("path", REPORT_PAGES)
def test_report_pages_take_the_same_number_of_queries_for_many_more_officers(client, login, db, force, course,
                                                                           count_queries, path):
    db.session.add(ProgrammeTarget(label="Every constable", course_id=course.id, ranks=["PC"], goal=None))
    set_due(course, default="2026-01-31")

    def add_officers(count):
        for number in range(count):
            person = force.officer(team=force.team_a if number % 2 else force.team_b)
            read_modules(person, course, count=1 + number % 3)
            if number % 3:
                attempt(person, course, passed=number % 2 == 0)
            if number % 4 == 0:
                attend(person, course)

    def counted():
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter

    add_officers(2)
    login(force.admin)
    client.get(path)
    # Each time: the first request after a change works the statuses out, the next takes them as kept.
    add_officers(1)
    few, few_kept = counted(), counted()
    add_officers(12)
    many, many_kept = counted(), counted()
    assert many.count == few.count, (few.statements, many.statements)
    assert many_kept.count == few_kept.count, (few_kept.statements, many_kept.statements)


def test_the_filters_kept_for_one_supervisor_never_list_another_s_teams(client, login, force, course):
    def team_options(path: str) -> list[str]:
        page = client.get(path).get_data(as_text=True)
        found = re.search(r'<select[^>]* id="team".*?</select>', page, re.S)
        return re.findall(r">(Response Team \w)</option>", found.group(0))

    for path in ("/reports/matrix", "/reports/matrix?rank=PC", "/reports/", "/reports/overdue"):
        login(force.sergeant_a)
        assert team_options(path) == ["Response Team A"]
        client.post("/logout")
        login(force.sergeant_b)
        assert team_options(path) == ["Response Team B"]
        client.post("/logout")
        login(force.admin)
        assert team_options(path) == ["Response Team A", "Response Team B"]
        client.post("/logout")


def test_a_refused_filter_is_shown_with_its_message_every_time(client, login, force, course):
    login(force.sergeant_a)
    path = "/reports/matrix?completed_from-day=31&completed_from-month=2&completed_from-year=2026"
    for _ in range(2):
        page = client.get(path).get_data(as_text=True)
        assert "govuk-error-message" in page and 'value="31"' in page
    assert "govuk-error-message" not in client.get("/reports/matrix").get_data(as_text=True)
