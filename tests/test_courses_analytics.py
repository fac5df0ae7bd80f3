"""Trainer analytics: known figures on a small data set, the minimum-attempts rule, CSV, pooling, query counts."""
import csv
import io
import re
import shutil
from datetime import timedelta
from html import unescape
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from lms.courses.analytics import quiz_versions, version_figures
from lms.csvutil import cell
from lms.courses.models import Option, QuizAttempt, QuizVersion
from lms.timeutil import format_date, today_london, utcnow
from tests.conftest import FIXTURE_CONTENT
from tests.forms_support import date_fields
from tests.courses_support import SLUG, answers, course, sign_in_as, start, submit, take_quiz  # noqa: F401

ANALYTICS = f"/courses/{SLUG}/analytics"
#: the questions each officer gets wrong: scores 100, 75, 75, 50, 75 against a pass mark of 60
KNOWN = [set(), {1}, {1}, {1, 2}, {3}]


def attempts_by(client, login, make_person, wrong_sets, slug=SLUG):
    for wrong in wrong_sets:
        sign_in_as(client, login, make_person())
        take_quiz(client, wrong=wrong, slug=slug)


def as_trainer(client, login, make_person):
    sign_in_as(client, login, make_person(roles=("officer", "trainer")))


def csv_rows(client, query=""):
    response = client.get(f"{ANALYTICS}.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_figures_on_a_small_known_data_set(client, login, make_person, db, course):
    attempts_by(client, login, make_person, KNOWN)
    as_trainer(client, login, make_person)
    page = client.get(ANALYTICS).get_data(as_text=True)
    assert '<dd class="govuk-summary-list__value" id="figure-attempts">5</dd>' in page
    assert 'id="figure-pass-rate">4 (80%)</dd>' in page
    summary, details = page.split('id="most-missed"')[1].split(">Every question</h2>")
    rows = re.findall(r'href="#q-(\d)">Question \d</a>.*?(\d+% right \(\d of 5\))', summary, re.S)
    assert rows == [("1", "40% right (2 of 5)"), ("2", "80% right (4 of 5)"), ("3", "80% right (4 of 5)"),
                    ("4", "100% right (5 of 5)")]  # hardest first
    assert "Most popular wrong answer: <strong>Once the full statement has been taken</strong> (3 of 5, 60%)" \
        in details
    assert "The first account is relevant material and fades fast." in details
    assert 'href="/guidance/golden-hour">The golden hour</a>' in details
    figures = version_figures(quiz_versions(course.id)[0], quiz_versions(course.id), 5)
    assert len(figures.distribution) == 11
    assert {label: count for label, count in figures.distribution if count} == {"50–59%": 1, "70–79%": 3, "100%": 1}
    assert [entry.chosen for entry in figures.questions[2].options] == [4, 4, 1]


def test_the_csv_holds_the_same_numbers_as_the_page(client, login, make_person, db, course):
    attempts_by(client, login, make_person, KNOWN)
    as_trainer(client, login, make_person)
    page = client.get(ANALYTICS).get_data(as_text=True)
    rows = csv_rows(client)
    passed = next(row for row in rows if row["kind"] == "passed")
    assert (passed["count"], passed["out_of"], passed["percent"]) == ("4", "5", "80")
    assert f'id="figure-pass-rate">{passed["count"]} ({passed["percent"]}%)</dd>' in page
    for row in (row for row in rows if row["kind"] == "question"):
        assert f'fully right {row["count"]} ({row["percent"]}%)' in page
        assert re.search(rf'href="#q-{row["question"]}">Question {row["question"]}</a>[^<]*</td>\s*'
                         rf'<td[^>]*>{row["percent"]}% right \({row["count"]} of {row["out_of"]}\)', page)
    bands = {row["text"]: int(row["count"]) for row in rows if row["kind"] == "score band"}
    assert bands["70–79%"] == 3 and sum(bands.values()) == 5
    wrong = [row for row in rows if row["most_popular_wrong"] == "yes"]
    assert [(row["question"], row["text"], row["count"]) for row in wrong] == [
        ("1", "Once the full statement has been taken", "3"),
        ("2", "Nothing until they give a better description", "1"),
        ("3", "Your guess at their job", "1")]


def test_too_few_attempts_shows_no_percentages_until_the_configured_minimum(app, client, login, make_person, db,
                                                                            course, monkeypatch):
    attempts_by(client, login, make_person, KNOWN[:4])
    as_trainer(client, login, make_person)
    page = client.get(ANALYTICS).get_data(as_text=True)
    assert 'id="figure-pass-rate">3 (<span class="lms-muted">too few attempts</span>)</dd>' in page
    assert "4 questions have too few attempts to rank yet." in page and "% right (" not in page
    assert {row["percent"] for row in csv_rows(client) if row["kind"] in ("passed", "question", "option")} == {
        "too few attempts"}
    monkeypatch.setitem(app.config, "ANALYTICS_MIN_ATTEMPTS", 4)
    assert 'id="figure-pass-rate">3 (75%)</dd>' in client.get(ANALYTICS).get_data(as_text=True)


def test_a_question_pools_across_versions_only_while_it_is_unchanged(client, login, make_person, db, runner,
                                                                     tmp_path, app, monkeypatch):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    assert runner.invoke(args=["content", "sync", "--path", str(tree)]).exit_code == 0
    attempts_by(client, login, make_person, KNOWN)
    quiz = tree / "courses" / SLUG / "quiz.md"
    quiz.write_text(quiz.read_text().replace("Nobody, until it is typed up", "Nobody, until it is filed"))
    assert "changed: courses/witness-basics/quiz.md" in runner.invoke(
        args=["content", "sync", "--path", str(tree)]).output
    attempts_by(client, login, make_person, [{1}, {4}])
    as_trainer(client, login, make_person)
    rows = {(row["kind"], row["question"]): row for row in csv_rows(client)}
    assert rows[("attempts", "")]["count"] == "2"
    assert (rows[("question", "1")]["count"], rows[("question", "1")]["out_of"]) == ("3", "7")
    assert rows[("question", "1")]["versions_pooled"] == "1 2"
    assert (rows[("question", "4")]["count"], rows[("question", "4")]["out_of"]) == ("1", "2")
    assert rows[("question", "4")]["versions_pooled"] == "2"
    old = {(row["kind"], row["question"]): row for row in csv_rows(client, "?version=1")}
    assert old[("attempts", "")]["count"] == "5" and old[("question", "4")]["out_of"] == "5"
    today = format_date(utcnow())
    page = " ".join(client.get(ANALYTICS).get_data(as_text=True).split())
    assert f"Version 2 covers 2 attempts, submitted on {today}." in page
    assert f"version 1</a> (5 attempts, submitted on {today})" in page
    assert f"Version 1 covers 5 attempts, submitted on {today}." in " ".join(
        client.get(f"{ANALYTICS}?version=1").get_data(as_text=True).split())
    assert client.get(f"{ANALYTICS}?version=9").status_code == 404


def test_authored_text_cannot_become_a_spreadsheet_formula(client, login, make_person, db, course):
    db.session.execute(sa.update(Option).where(Option.text == "Clothing").values(text='=HYPERLINK("http://x")'))
    db.session.commit()
    as_trainer(client, login, make_person)
    texts = [row["text"] for row in csv_rows(client)]
    assert "'=HYPERLINK(\"http://x\")" in texts and '=HYPERLINK("http://x")' not in texts
    assert [cell(value) for value in ("+1", "-1", "@SUM(A1)", "plain", 7, None)] == [
        "'+1", "'-1", "'@SUM(A1)", "plain", "7", ""]


@pytest.mark.parametrize("path", [ANALYTICS, f"{ANALYTICS}.csv"])
def test_analytics_take_the_same_queries_whatever_the_number_of_attempts(client, login, make_person, db, course,
                                                                         count_queries, path):
    trainer = make_person(roles=("officer", "trainer"))
    counts = []
    for batch in ([set(), {1}], [{2}, {1, 3}, set(), {4}]):
        attempts_by(client, login, make_person, batch)
        sign_in_as(client, login, trainer)
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 14, counts


def test_a_course_without_a_quiz_has_no_analytics(client, login, make_person, db, course):
    for version in db.session.scalars(sa.select(QuizVersion)):
        db.session.delete(version)
    db.session.commit()
    as_trainer(client, login, make_person)
    assert client.get(ANALYTICS).status_code == 404


def _value_of(page: str, label: str) -> tuple[str, str]:
    """The (field name, value) of the option labelled `label` on an attempt page, as a browser would send it."""
    field_id = re.search(rf'<label class="govuk-label [^"]+" for="([^"]+)">{re.escape(label)}</label>', page).group(1)
    name, value = re.search(rf'id="{field_id}" name="([^"]+)" type="\w+" value="([^"]+)"', page).groups()
    return name, value


def test_answers_are_counted_on_the_options_chosen_whatever_order_each_attempt_showed(client, login, make_person,
                                                                                    db, course):
    """Each officer sees the options in another order, so the same option is sent as a different value; the
    analytics still count every answer on the option the officer actually ticked."""
    sent = []
    for rotation in range(5):
        sign_in_as(client, login, make_person())
        attempt_id = start(client)
        attempt = db.session.get(QuizAttempt, attempt_id)
        for item in attempt.questions:  # a different stored order for each attempt, so a different place
            order = [option.id for option in item.question.options]
            item.option_order = order[rotation % len(order):] + order[:rotation % len(order)]
        db.session.commit()
        page = client.get(f"/courses/{SLUG}/quiz/attempts/{attempt_id}").get_data(as_text=True)
        form = answers(attempt_id)
        name, value = _value_of(page, "Only if it matches the suspect")
        form[name] = [value]
        sent.append(value)
        name, right = _value_of(page, "Height and build")
        form[name] = [right, _value_of(page, "Your guess at their job")[1]]
        assert submit(client, attempt_id, form).status_code == 302
    assert len(set(sent)) == 3  # the same option went as each of its three places
    as_trainer(client, login, make_person)
    rows = csv_rows(client)
    counts = {(row["question"], row["text"]): row["count"] for row in rows if row["kind"] == "option"}
    assert [counts[("1", text)] for text in ("Straight away, in their own words", "Once the full statement has been "
                                             "taken", "Only if it matches the suspect")] == ["0", "0", "5"]
    assert [counts[("3", text)] for text in ("Height and build", "Clothing", "Your guess at their job")] == [
        "5", "0", "5"]
    assert "Most popular wrong answer: <strong>Only if it matches the suspect</strong> (5 of 5, 100%)" in client.get(
        ANALYTICS).get_data(as_text=True)


def test_the_page_starts_with_the_summary_and_folds_each_questions_detail(client, login, make_person, db, course):
    attempts_by(client, login, make_person, KNOWN)
    as_trainer(client, login, make_person)
    page = client.get(ANALYTICS).get_data(as_text=True)
    assert page.index('id="most-missed"') < page.index("<details")
    details = re.findall(r'<details class="govuk-details lms-question-figures">(.*?)</details>', page, re.S)
    assert len(details) == 4 and all('<table class="govuk-table">' in detail for detail in details)
    assert "Question 1: When should a witness&#39;s first account be written down? (40% right)" in details[0]
    assert 'id="q-1"' in details[0]  # where the summary's link goes: the browser opens the question to show it


def _submitted_on(db, days: list[int]):
    """Move each attempt's submission to `days` ago (in order of submission)."""
    attempts = db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.id)).all()
    for attempt, ago in zip(attempts, days, strict=True):
        attempt.submitted_at = utcnow() - timedelta(days=ago)
    db.session.commit()


def test_a_date_range_counts_only_the_attempts_submitted_on_those_days(client, login, make_person, db, course):
    attempts_by(client, login, make_person, KNOWN)
    _submitted_on(db, [40, 30, 20, 10, 1])  # the first (100%) and the fourth (50%) fall outside the range below
    as_trainer(client, login, make_person)
    first, last = (today_london() - timedelta(days=ago) for ago in (30, 2))
    query = "?" + urlencode({**date_fields("submitted_from", first), **date_fields("submitted_to", last)})
    page = client.get(ANALYTICS + query).get_data(as_text=True)
    assert 'id="figure-attempts">3</dd>' in page and "There is a problem" not in page
    assert f"submitted from {format_date(first)} to {format_date(last)}" in " ".join(page.split())
    assert [row["count"] for row in csv_rows(client, query) if row["kind"] == "attempts"] == ["3"]
    csv_link = unescape(re.search(r'href="([^"]+\.csv[^"]*)"', page).group(1))
    assert all(f"{key}={value}" in csv_link for key, value in date_fields("submitted_from", first).items())


@pytest.mark.parametrize("query, message", [
    ("?submitted_from-day=30&submitted_from-month=2&submitted_from-year=2026", "Submitted from must be a real date"),
    ("?submitted_to-day=yesterday&submitted_to-month=&submitted_to-year=", "Submitted to must include a month and year"),
    ("?submitted_from-day=14&submitted_from-month=10&submitted_from-year=1066",
     "Submitted from must be between 2020 and 2100"),
    ("?" + urlencode({**date_fields("submitted_from", "2026-03-02"), **date_fields("submitted_to", "2026-03-01")}),
     "Submitted to must be the same as or after submitted from"),
])
def test_bad_filter_dates_are_said_plainly_and_not_applied(client, login, make_person, db, course, query, message):
    attempts_by(client, login, make_person, KNOWN[:2])
    as_trainer(client, login, make_person)
    response = client.get(ANALYTICS + query)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert re.search(rf'<a href="#submitted_(from|to)(-day|-month|-year)?">{message}</a>', page), message
    assert "<title>Error: " in page
    assert 'id="figure-attempts">2</dd>' in page  # every attempt, as with no filter
    assert client.get(f"{ANALYTICS}.csv{query}").status_code == 400


def test_a_version_that_is_not_a_number_shows_the_current_one_without_an_error(client, login, make_person, db,
                                                                                course):
    attempts_by(client, login, make_person, KNOWN[:1])
    as_trainer(client, login, make_person)
    page = client.get(f"{ANALYTICS}?version=abc").get_data(as_text=True)
    assert "There is a problem" not in page and 'id="figure-attempts">1</dd>' in page
    assert re.search(r'<option value="1" selected>Version 1 \(current\)</option>', page)
