"""Every form reports mistakes the GOV.UK way: all at once, in a summary linking to each field, beside the field, on
the field (aria-invalid) and in the page title; dates are typed as day, month and year."""
import importlib
import pkgutil
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
import wtforms
from flask_wtf import FlaskForm

import lms

from lms.reports.models import Delegation
from lms.sessions.models import TrainingSession
from lms.timeutil import to_london, today_london
from tests.forms_support import date_fields
from tests.reports_support import force  # noqa: F401
from tests.sessions_fixtures import course, make_session, trainer, venue  # noqa: F401


class Tags(HTMLParser):
    """Each start tag of a page with its attributes, and the error summary's links (target, text)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.summary_links: list[tuple[str, str]] = []
        self._in_summary = False
        self._link: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "govuk-error-summary__list" in (attrs.get("class") or ""):
            self._in_summary = True
        elif self._in_summary and tag == "a":
            self._link = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_summary = False

    def handle_data(self, data):
        if self._link is not None:
            self.summary_links.append((self._link.removeprefix("#"), data.strip()))
            self._link = None

    def by_id(self, element_id: str) -> dict:
        found = [attrs for _, attrs in self.tags if attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def _session_form(course, trainer, day, **overrides) -> dict:
    data = {"course_id": course.id, **date_fields("day", day), "start_time": "10:00", "end_time": "12:00",
            "venue_id": 0, "online_url": "https://meet.example/masterclass", "capacity": 8, "min_attendees": 0,
            "trainer_ids": [trainer.id]}
    return data | overrides


def _sessions(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))


def test_every_mistake_in_a_session_is_reported_at_once_each_beside_and_linked_to_its_field(
        client, db, login, course, trainer):
    login(trainer)
    day = today_london() + timedelta(days=20)
    response = client.post("/sessions/new", data=_session_form(
        course, trainer, day, online_url="", min_attendees=12, **date_fields("deadline_day", day + timedelta(days=3)),
        deadline_time="09:00"))
    html = response.get_data(as_text=True)
    page = Tags(html)
    assert response.status_code == 200
    assert page.summary_links == [
        ("venue_id", "Choose a venue, or give an online link for a session held online (not both)."),
        ("min_attendees", "The minimum numbers must be between 0 and the capacity."),
        ("deadline_day-day", "The booking deadline must be before the start.")]
    for target, message in page.summary_links:
        field = page.by_id(target)
        assert field["aria-invalid"] == "true"
    assert page.by_id("min_attendees")["aria-describedby"].split()[-1] == "min_attendees-error"
    assert "The minimum numbers must be between 0 and the capacity." in html.split('id="min_attendees-error"')[1][:200]
    assert _title(html).startswith("Error: Schedule a session")
    assert _sessions(db) == 0


def test_a_page_without_mistakes_has_no_error_in_its_title_or_fields(client, db, login, course, trainer):
    login(trainer)
    html = client.get("/sessions/new").get_data(as_text=True)
    assert _title(html).startswith("Schedule a session")
    assert "aria-invalid" not in html and "govuk-error-summary" not in html


@pytest.mark.parametrize("typed, message, target", [
    ({"day": "31", "month": "2", "year": "2031"}, "Date must be a real date", "day-day"),
    ({"day": "12", "month": "13", "year": "2031"}, "Date must be a real date", "day-month"),
    ({"day": "12", "month": "", "year": "2031"}, "Date must include a month", "day-month"),
    ({"day": "", "month": "", "year": "2031"}, "Date must include a day and month", "day-day"),
    ({"day": "12", "month": "3", "year": "31"}, "Year must include 4 numbers", "day-year"),
    ({"day": "tw", "month": "3", "year": "2031"}, "Date must be a real date", "day-day"),
    ({"day": "", "month": "", "year": ""}, "Enter the date", "day-day"),
])
def test_a_date_is_typed_as_day_month_and_year_and_a_wrong_one_is_named(
        client, db, login, course, trainer, typed, message, target):
    login(trainer)
    data = _session_form(course, trainer, "") | {f"day-{part}": value for part, value in typed.items()}
    html = client.post("/sessions/new", data=data).get_data(as_text=True)
    page = Tags(html)
    assert page.summary_links == [(target, message)]
    assert page.by_id(target)["aria-invalid"] == "true"
    for part, value in typed.items():  # what was typed stays, to be corrected
        assert page.by_id(f"day-{part}")["value"] == value
    assert _sessions(db) == 0


def test_dates_are_three_boxes_in_uk_order_not_the_browsers_date_picker(client, db, login, course, trainer,
                                                                          force):  # noqa: F811
    login(trainer)
    pages = [client.get("/sessions/new").get_data(as_text=True), client.get("/sessions/").get_data(as_text=True)]
    client.post("/logout")
    login(force.sergeant_a)
    pages.append(client.get(f"/reports/delegations?acting={force.officer_b.id}").get_data(as_text=True))
    for html in pages:
        assert 'type="date"' not in html
        boxes = [attrs for tag, attrs in Tags(html).tags if "govuk-date-input__input" in (attrs.get("class") or "")]
        assert boxes and [b["name"].rpartition("-")[2] for b in boxes[:3]] == ["day", "month", "year"]
        assert all(b["inputmode"] == "numeric" and b["type"] == "text" for b in boxes)


def test_a_delegation_is_given_its_days_as_day_month_and_year(client, db, login, force):  # noqa: F811
    login(force.sergeant_a)
    first = today_london() + timedelta(days=1)
    response = client.post("/reports/delegations", data={
        "acting_id": force.officer_b.id, **date_fields("starts_on", first),
        "ends_on-day": "30", "ends_on-month": "2", "ends_on-year": str(first.year + 1)})
    assert "The last day must be a real date" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegation)) == 0
    client.post("/reports/delegations", data={
        "acting_id": force.officer_b.id, **date_fields("starts_on", first),
        **date_fields("ends_on", first + timedelta(days=4))})
    made = db.session.scalar(sa.select(Delegation))
    assert (made.starts_on, made.ends_on) == (first, first + timedelta(days=4))


def test_the_sessions_list_filters_on_a_typed_date(client, db, login, trainer, make_session):
    login(trainer)
    make_session(starts_in=timedelta(days=3))
    later = make_session(starts_in=timedelta(days=30))
    after = today_london() + timedelta(days=10)
    html = client.get("/sessions/", query_string={"area": 0, **date_fields("date", after)}).get_data(as_text=True)
    assert html.count('class="lms-session-list__item"') == 1 and f"/sessions/{later.id}\"" in html


def test_checkboxes_are_not_each_required_and_a_required_choice_starts_on_a_placeholder(
        client, db, login, course, trainer):
    login(trainer)
    page = Tags(client.get("/sessions/new").get_data(as_text=True))
    trainer_boxes = [attrs for tag, attrs in page.tags if attrs.get("name") == "trainer_ids"]
    assert trainer_boxes and not any("required" in attrs for attrs in trainer_boxes)
    course_choice = page.by_id("course_id")
    assert "required" in course_choice
    html = client.get("/sessions/new").get_data(as_text=True)
    first_option = html.split('id="course_id"')[1].split("<option")[1]
    assert first_option.startswith(' value="">Choose a course</option>')


def test_a_wrong_date_in_the_sessions_filter_is_reported_and_ignored(client, db, login, trainer, make_session):
    login(trainer)
    make_session(starts_in=timedelta(days=3))
    response = client.get("/sessions/", query_string={"area": 0, "date-day": "30", "date-month": "2",
                                                       "date-year": "2031"})
    html = response.get_data(as_text=True)
    page = Tags(html)
    assert page.summary_links == [("date-day", "The date must be a real date")]
    assert _title(html).startswith("Error: Sessions")
    assert html.count('class="lms-session-list__item"') == 1


def test_changing_a_session_shows_its_date_and_deadline_in_the_boxes(client, db, login, trainer, make_session):
    session = make_session(starts_in=timedelta(days=40))
    session.booking_deadline_at = session.starts_at - timedelta(days=2)
    db.session.commit()
    login(trainer)
    page = Tags(client.get(f"/sessions/{session.id}/edit").get_data(as_text=True))
    starts, deadline = to_london(session.starts_at).date(), to_london(session.booking_deadline_at).date()
    for name, day in (("day", starts), ("deadline_day", deadline)):
        assert [page.by_id(f"{name}-{part}")["value"] for part in ("day", "month", "year")] == [
            str(day.day), str(day.month), str(day.year)]


def test_a_mistake_about_the_whole_form_links_to_its_first_field(client, db, login, force):  # noqa: F811
    login(force.sergeant_a)
    first = today_london() + timedelta(days=1)
    response = client.post("/reports/delegations", data={
        "acting_id": force.sergeant_a.id, **date_fields("starts_on", first), **date_fields("ends_on", first)})
    page = Tags(response.get_data(as_text=True))
    assert page.summary_links == [("starts_on-day", "You cannot delegate your teams to yourself.")]
    page.by_id("starts_on-day")


def test_no_form_asks_for_a_date_through_the_browsers_date_picker():
    """A new form with a date uses DateInputField (day, month, year), never WTForms' date fields or type="date"."""
    for module in pkgutil.walk_packages(lms.__path__, "lms."):
        if module.name.endswith("forms"):
            importlib.import_module(module.name)
    # (a TimeField, a DateTimeField to WTForms, is a time: 24-hour in a UK browser)
    pickers = (wtforms.DateField, wtforms.DateTimeField, wtforms.DateTimeLocalField, wtforms.MonthField)
    forms = set()
    todo = [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            forms.add(sub)
            todo.append(sub)
    assert forms
    for form in forms:
        for name, unbound in vars(form).items():
            kind = getattr(unbound, "field_class", None)
            assert not (kind and issubclass(kind, pickers) and not issubclass(kind, wtforms.TimeField)), (form, name)
    for template in Path(lms.__file__).parent.rglob("*.html"):
        assert not re.search(r"""type=['"](date|datetime-local|month)['"]""", template.read_text()), template
