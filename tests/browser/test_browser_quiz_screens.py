"""Issue 11.8 in a browser: the masterclass quiz a screen at a time on a phone and a desktop, with and without
JavaScript, answers kept going back and forth, and a result whose summary links to each answer not right."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.courses.models import QuizAttempt
from lms.extensions import db
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.courses_support import library  # noqa: F401


@pytest.fixture
def officer(make_person, library, release_database):
    email = make_person(given_name="Sam", family_name="Patel").email
    release_database()
    return email


def checked_over(page, scripts: bool) -> None:
    if scripts:  # axe is itself a script
        assert_accessible(page)
        assert_no_horizontal_scroll(page)


def tick_first_option_of_each(page) -> list[str]:
    """Tick the first option shown of each question on the screen; return the ids of the inputs ticked."""
    ticked = []
    for question in page.locator(".lms-question").all():
        first = question.locator("input").first
        first.check()
        ticked.append(first.get_attribute("id"))
    return ticked


def on_screen(page, number: int, screens: int) -> None:
    expect(page.get_by_role("heading", level=2).filter(has_text=f"Screen {number} of {screens}")).to_be_visible()


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "desktop"])
def test_an_officer_moves_through_the_quiz_screens_and_reads_the_result_summary_first(page_at, officer, viewport,
                                                                                     scripts):
    page = page_at(viewport, java_script_enabled=scripts)
    sign_in(page, officer, PASSWORD)
    page.goto("/courses/investigation-masterclass/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Start the quiz anyway").click()
    heading = page.get_by_role("heading", level=2).filter(has_text="Screen 1 of")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text("Questions 1 to 5")
    screens = int(re.search(r"Screen 1 of (\d+)", heading.inner_text()).group(1))
    checked_over(page, scripts)
    first_screen = tick_first_option_of_each(page)
    page.get_by_role("button", name="Save and continue").click()
    on_screen(page, 2, screens)
    # screen 2 left unanswered: straight on to the last screen from the list of screens
    page.get_by_role("button", name=re.compile(f"^Questions {(screens - 1) * 5 + 1} to")).click()
    on_screen(page, screens, screens)
    last_screen = tick_first_option_of_each(page)
    page.get_by_role("button", name="Submit my answers").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    checked_over(page, scripts)
    summary.get_by_role("link", name="Answer question 6").click()
    on_screen(page, 2, screens)
    tick_first_option_of_each(page)
    page.get_by_role("button", name="Previous questions").click()
    on_screen(page, 1, screens)
    for input_id in first_screen:
        expect(page.locator(f"#{input_id}")).to_be_checked()
    expect(page.get_by_role("navigation", name="All the questions")).to_contain_text(
        "Questions 6 to 10, 5 of 5 answered")
    page.get_by_role("button", name=re.compile(f"^Questions {(screens - 1) * 5 + 1} to")).click()
    for input_id in last_screen:
        expect(page.locator(f"#{input_id}")).to_be_checked()
    checked_over(page, scripts)
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Passed|Not passed"))
    summary = page.locator(".lms-result-summary")
    checked_over(page, scripts)
    first_missed = summary.get_by_role("link").first
    target = first_missed.get_attribute("href")
    first_missed.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(page.locator(target)).to_be_in_viewport()
    page.locator(target).locator("xpath=ancestor::section").get_by_role("link", name="Back to the summary").click()
    expect(page.locator("#summary")).to_be_in_viewport()
    attempt = db.session.scalar(sa.select(QuizAttempt))
    assert attempt.is_submitted and -(-len(attempt.questions) // 5) == screens
