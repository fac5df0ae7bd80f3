"""Pages are valid HTML (the Nu HTML Checker finds no error) and carry what every page needs: a favicon, a meta
description, one element per id however many forms a page holds, and wide tables a keyboard can scroll."""
import os
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from tests import html_check
from tests.sessions_fixtures import course, make_session, trainer, venue  # noqa: F401

TEMPLATES = Path(__file__).parent.parent / "lms"


@pytest.fixture
def pages(app, monkeypatch, client, db, login, make_person, make_session, course, trainer):  # noqa: F811
    """Pages with several forms, required choices, dates, tables and a form showing its mistakes, as an admin who
    trains sees them, with the forms' CSRF tokens in (the test config leaves them out)."""
    admin = make_person(roles=("officer", "admin", "trainer"), given_name="Ada", family_name="Admin")
    officer = make_person(given_name="Lee", family_name="Lamb")
    session = make_session(starts_in=timedelta(days=5), trainers=[admin])
    login(admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    paths = ["/", "/sessions/", "/sessions/new", f"/sessions/{session.id}", "/sessions/manage",
             f"/admin/people/{officer.id}", "/admin/people/", "/admin/audit/", "/courses/", "/sessions/venues/new"]
    responses = {path: client.get(path) for path in paths}
    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(paths, 200)
    found = [(path, response.get_data(as_text=True)) for path, response in responses.items()]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', found[2][1]).group(1)
    mistakes = client.post("/sessions/new", data={"csrf_token": token, "day-day": "31", "day-month": "2"})
    return found + [("/sessions/new (with mistakes)", mistakes.get_data(as_text=True))]


def test_the_pages_pass_the_html_checker(pages):
    if not html_check.available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI checks pages with the Nu HTML Checker: run `make html-validator` (needs Java)")
        pytest.skip("the Nu HTML Checker is not installed: `make html-validator`")
    assert html_check.check(pages) == []


def test_no_page_repeats_an_id_however_many_forms_it_holds(pages):
    for path, html in pages:
        assert html.count('name="csrf_token"') >= 1, path
        repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]
        assert repeated == [], f"{path} repeats {repeated}"


def test_every_page_has_the_favicon_and_a_description_of_its_own(app, client, pages):
    signed_out = app.test_client()
    descriptions = {}
    for path, html in pages + [("/login", signed_out.get("/login").get_data(as_text=True))]:
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
        descriptions[path] = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert len({descriptions[p] for p in ("/", "/sessions/", "/courses/", "/login")}) == 4
    assert descriptions["/admin/audit/"].startswith("Investigation Masterclass: training and guidance")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()


def test_every_scrolling_table_is_a_labelled_region_a_keyboard_can_reach():
    """axe's scrollable-region-focusable: a table wider than a phone scrolls, so its box must take focus."""
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r'<div class="lms-table-scroll"[^>]*>', template.read_text()):
            assert 'tabindex="0"' in tag and 'role="region"' in tag and "aria-label" in tag, (template, tag)


def test_every_form_gives_its_csrf_token_without_an_id():
    """A page with two forms (a guidance page's acknowledgement and feedback) would repeat id="csrf_token": every
    template writes the token through csrf_field, which leaves the id off."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\.csrf_token\s*}}|hidden_tag\(\)", text), template
