"""Sergeants use tablets and small laptops, and officers phones: on the demo force (its real names, teams and areas
make the widths), the widest pages fit 641 to 1024 px, and the pages whose tables were a box to swipe sideways fit
a 360 px phone, with no sideways scroll, the page's or a table's; the matrix can still be sorted while its rows are
cards."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.content.sync import sync_content
from lms.courses.models import QuizAttempt
from lms.demo.force import ADMIN, OFFICER, SUPERVISOR
from tests.browser.conftest import (PHONE, assert_accessible, assert_no_horizontal_scroll, assert_tables_fit,
                                    sign_in)

CONTENT = Path(__file__).resolve().parents[2] / "content"
#: the narrowest tablet (a phone's cards end at 640 px), an iPad held upright, a small laptop
TABLET_WIDTHS = (641, 768, 1024)
WIDEST_PAGES = {
    SUPERVISOR: ["/", "/reports/", "/reports/matrix", "/reports/overdue", "/reports/delegations", "/quality/",
                 "/plans/teams"],
    ADMIN: ["/reports/overdue", "/reports/", "/admin/people/", "/plans/teams"],
}


#: where a table scrolled inside its own box at 360 px: a guidance table of three prose columns, the snapshot's
#: four columns, the reviews list's five, the quiz attempts of the person who made the most
MOST_TRIES = "/reports/people/<most quiz attempts>"
PHONE_PAGES = [(OFFICER, "/guidance/victim-needs-assessment"), (SUPERVISOR, "/reports/snapshot"),
               (ADMIN, "/reports/snapshot"), (ADMIN, "/guidance/reviews"), (ADMIN, MOST_TRIES)]


@pytest.fixture
def demo(runner, db, release_database):
    assert sync_content(CONTENT).ok
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert result.exit_code == 0, result.output
    release_database()


@pytest.mark.parametrize("login", [SUPERVISOR, ADMIN], ids=["supervisor", "admin"])
def test_the_widest_pages_fit_a_tablet(page_at, demo, login):
    page = page_at({"width": TABLET_WIDTHS[0], "height": 900})
    sign_in(page, login.email, "masterclass")
    for path in WIDEST_PAGES[login]:
        page.goto(path)
        expect(page.locator("table").first).to_be_attached()
        for width in TABLET_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert_no_horizontal_scroll(page)
            assert_tables_fit(page, f"{path} at {width} px")
        page.set_viewport_size({"width": 768, "height": 900})
        assert_accessible(page)


def test_the_matrix_sorts_by_a_form_while_its_rows_are_cards(page_at, demo):
    page = page_at({"width": 768, "height": 900})
    sign_in(page, SUPERVISOR.email, "masterclass")
    page.goto("/reports/matrix")
    heading = page.get_by_role("columnheader", name=re.compile(r"^Rank"))
    expect(heading).to_be_hidden()
    page.get_by_label("Sort by").select_option(label="Rank")
    page.get_by_role("button", name="Sort").click()
    expect(page).to_have_url(re.compile(r"sort=rank"))
    page.set_viewport_size({"width": 1024, "height": 900})
    expect(heading).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("button", name="Sort")).to_be_hidden()


@pytest.mark.parametrize("login, path", PHONE_PAGES, ids=[login.given_name + path for login, path in PHONE_PAGES])
def test_tables_fit_a_phone_without_a_box_to_swipe(page_at, db, demo, login, path):
    if path == MOST_TRIES:
        person_id = db.session.scalar(sa.select(QuizAttempt.person_id).where(QuizAttempt.submitted_at.is_not(None))
                                      .group_by(QuizAttempt.person_id).order_by(sa.func.count().desc()).limit(1))
        db.session.close()
        path = f"/reports/people/{person_id}"
    page = page_at(PHONE)
    sign_in(page, login.email, "masterclass")
    page.goto(path)
    expect(page.locator("main table tbody tr").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_tables_fit(page, f"{path} at {PHONE['width']} px")
