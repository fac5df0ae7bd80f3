"""Dates in the reports: a status and its date in separate download columns (real dates a spreadsheet sorts), date
ranges that filter the matrix and the overdue list, kept in every link and download, and the matrix's sort as a
form for a phone."""
import io
import re
import zipfile
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.timeutil import to_london, today_london
from tests.forms_support import date_fields, with_dates
from tests.reports_support import (ago, complete, course, csv_rows, force, page_tables, read_modules,  # noqa: F401
                                   set_due)

PERSON = ["Officer", "Service number", "Rank", "Team", "Area"]


@pytest.fixture
def dated(db, force, course):
    """Team A: Carol completed 40 days ago, Dan 10 days ago; Amy (PC) overdue since 31 January 2025, Dora (DC)
    since 15 March 2025; Harry part way, overdue too; the sergeant is due in 2099."""
    set_due(course, default="2025-01-31", DC="2025-03-15", PS="2099-01-01")
    carol = force.officer(given_name="Carol", family_name="Complete")
    complete(carol, course, at=ago(40))
    dan = force.officer(given_name="Dan", family_name="Done")
    complete(dan, course, at=ago(10))
    force.officer(given_name="Dora", family_name="Detective", rank="DC")
    read_modules(force.officer(given_name="Harry", family_name="Halfway"), course, count=1)
    return {"carol": to_london(ago(40)).date(), "dan": to_london(ago(10)).date()}


def names(client, path="/reports/matrix", **args) -> list[str]:
    page = client.get(path, query_string=args).get_data(as_text=True)
    return [row[0] for _, table in page_tables(page) for row in table[1:] if len(row) > 1]


def test_the_matrix_download_gives_each_course_a_status_column_and_a_date_column(client, login, force, course,
                                                                                 dated):
    login(force.sergeant_a)
    download = csv_rows(client.get("/reports/matrix.csv").get_data(as_text=True))
    assert download[0] == PERSON + ["Witness basics", "Witness basics: date", "Witness basics: previously completed"]
    rows = {row[0]: row[5:] for row in download[1:]}
    assert rows["Carol Complete"] == ["Complete", dated["carol"].isoformat(), ""]  # ISO: any spreadsheet reads it
    assert rows["Amy Able"] == ["Overdue", "2025-01-31", ""]
    assert rows["Dora Detective"] == ["Overdue", "2025-03-15", ""]
    assert rows["Sarah Sergeant"] == ["Not started", "2099-01-01", ""]


def test_the_matrix_workbook_writes_dates_as_dates(client, login, force, course, dated):
    """Excel sorts and filters a date cell by date: a number with a date format, not the text of a date."""
    login(force.sergeant_a)
    with zipfile.ZipFile(io.BytesIO(client.get("/reports/matrix.xlsx").data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = re.findall(r"<t[^>]*>([^<]*)</t>", book.read("xl/sharedStrings.xml").decode())
        styles = book.read("xl/styles.xml").decode()
    assert "Witness basics: date" in strings and "Overdue" in strings
    assert strings[-1].startswith("Made ")  # the one text with a date in it
    assert not any(re.search(r"\d{4}-\d\d-\d\d|\b\d{1,2} \w+ \d{4}", text) for text in strings[:-1])
    serial = (date(2025, 1, 31) - date(1899, 12, 30)).days  # Excel's day number for 31 January 2025
    cell = re.search(rf'<c r="G\d+" s="(\d+)"><v>{serial}</v></c>', sheet)
    assert cell, sheet
    assert 'formatCode="d mmm yyyy"' in styles


def test_the_matrix_filters_by_the_days_courses_were_completed(client, login, force, course, dated):
    login(force.sergeant_a)
    today = today_london()
    both = {**date_fields("completed_from", today - timedelta(days=60)), **date_fields("completed_to", today)}
    assert names(client, **both) == ["Carol Complete", "Dan Done"]
    assert names(client, **date_fields("completed_to", today - timedelta(days=25))) == ["Carol Complete"]
    assert names(client, **date_fields("completed_from", today - timedelta(days=25)), course=course.id) == ["Dan Done"]
    assert names(client, **date_fields("completed_from", dated["dan"])) == ["Dan Done"]
    assert names(client, **date_fields("completed_from", today + timedelta(days=1))) == []


def test_a_date_range_is_kept_in_every_link_and_download(app, client, login, force, course, dated, monkeypatch):
    monkeypatch.setitem(app.config, "MATRIX_PAGE_SIZE", 1)
    login(force.sergeant_a)
    since = date_fields("completed_from", today_london() - timedelta(days=60))
    page = client.get("/reports/matrix", query_string=since).get_data(as_text=True)
    links = [unescape(href) for href in re.findall(r'href="(/reports/matrix[^"#]*)', page)]
    sorts = [href for href in links if "sort=" in href]
    [csv_link] = [href for href in links if href.startswith("/reports/matrix.csv")]
    [xlsx_link] = [href for href in links if href.startswith("/reports/matrix.xlsx")]
    [next_page] = [href for href in links if "page=2" in href]
    assert len(sorts) == 4
    for href in sorts + [csv_link, xlsx_link, next_page]:
        query = parse_qs(urlsplit(href).query)
        assert all(query[key] == [value] for key, value in since.items()), href
    assert [row[0] for row in csv_rows(client.get(csv_link).get_data(as_text=True))[1:]] == ["Carol Complete",
                                                                                          "Dan Done"]
    overdue = client.get("/reports/overdue", query_string=date_fields("overdue_from", "2025-03-01"))
    assert ('href="/reports/overdue.csv?overdue_from-day=1&amp;overdue_from-month=3&amp;overdue_from-year=2025"'
            in overdue.get_data(as_text=True))


def test_the_overdue_list_filters_by_the_day_officers_became_overdue(client, login, force, course, dated):
    login(force.sergeant_a)
    assert names(client, "/reports/overdue") == ["Amy Able", "Harry Halfway", "Dora Detective"]
    assert names(client, "/reports/overdue", **date_fields("overdue_from", "2025-03-01")) == ["Dora Detective"]
    assert names(client, "/reports/overdue", **date_fields("overdue_to", "2025-03-14")) == ["Amy Able",
                                                                                           "Harry Halfway"]
    assert names(client, "/reports/overdue", **date_fields("overdue_from", "2025-01-31"),
                 **date_fields("overdue_to", "2025-01-31")) == ["Amy Able", "Harry Halfway"]
    download = csv_rows(client.get("/reports/overdue.csv", query_string=date_fields("overdue_from", "2025-03-01"))
                        .get_data(as_text=True))
    assert [row[0] for row in download[1:]] == ["Dora Detective"]


@pytest.mark.parametrize("path, args, message", [
    ("/reports/matrix", {"completed_from-day": "31", "completed_from-month": "2", "completed_from-year": "2026"},
     "The first day must be a real date"),
    ("/reports/matrix", {"completed_to-day": "last", "completed_to-month": "week", "completed_to-year": "2026"},
     "The last day must be a real date"),
    ("/reports/matrix", with_dates({"completed_from": "2026-03-01", "completed_to": "2026-02-01"},
                                   "completed_from", "completed_to"),
     "'Completed on or before' must be the same as or after 'Completed on or after'"),
    ("/reports/overdue", {"overdue_from-day": "1", "overdue_from-month": "13", "overdue_from-year": "2025"},
     "The first day must be a real date"),
    ("/reports/overdue", with_dates({"overdue_from": "2025-03-01", "overdue_to": "2025-01-01"},
                                    "overdue_from", "overdue_to"),
     "'Overdue since on or before' must be the same as or after 'Overdue since on or after'"),
])
def test_a_bad_date_gets_a_clear_message_and_changes_nothing_else(client, login, force, course, dated, path, args,
                                                                   message):
    login(force.sergeant_a)
    response = client.get(path, query_string={**args, "rank": "PC"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in unescape(page)
    # the date is left out; every other filter still applies, the same as without the bad date
    assert names(client, path, **args, rank="PC") == names(client, path, rank="PC") != []
    download = client.get(path + ".csv", query_string={**args, "rank": "PC"}).get_data(as_text=True)
    assert download == client.get(path + ".csv", query_string={"rank": "PC"}).get_data(as_text=True)


def test_the_phone_sort_form_offers_every_sort_and_keeps_the_filters(client, login, force, course, dated):
    """Without JavaScript: the form's own fields, sent as they are, sort the matrix; the filters come along."""
    login(force.sergeant_a)
    page = client.get("/reports/matrix?rank=PC&completed_from-day=1&completed_from-month=1&completed_from-year=2000"
                      "&sort=team&dir=desc").get_data(as_text=True)
    form = re.search(r'<form class="lms-filters lms-sort-form[^"]*" method="get" action="/reports/matrix#officers">'
                     r"(.*?)</form>", page, re.S).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    assert hidden == {"rank": "PC", "completed_from-day": "1", "completed_from-month": "1",
                      "completed_from-year": "2000"}
    options = re.findall(r'<option (?:selected )?value="([^"]+)"', form)
    assert options == ["name", "rank", "team", f"course-{course.id}", "asc", "desc"]
    assert re.search(r'<option value="team" selected>Team</option>', form)
    assert re.search(r'<option value="desc" selected>Descending</option>', form)
    sent = {**hidden, "sort": "name", "dir": "desc"}
    assert names(client, **sent) == ["Dan Done", "Carol Complete"]
