"""The plan review journey in a real browser: an officer submits a plan, a reviewer scores it, the officer improves it
and submits again, the reviewer scores the second attempt, and their supervisor sees it in the quality view."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD
from tests.forms_support import fill_date
from tests.quality_support import audit_rubric, qforce  # noqa: F401
from tests.reports_support import course  # noqa: F401


@pytest.fixture
def people(qforce, course, release_database):
    emails = {"officer": qforce.officer_a.email, "reviewer": qforce.reviewer.email,
              "supervisor": qforce.sergeant_a.email}
    release_database()
    return emails


def score(page, levels: dict[str, str], comment: str) -> None:
    """Choose a level for each criterion (by its legend) and write a comment on the first; save the review."""
    for criterion, level in levels.items():
        page.get_by_role("group", name=criterion).get_by_label(level).check()
    page.get_by_label("Comment on hypotheses").fill(comment)
    assert_accessible(page)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Your review has been saved")


def review_waiting_plan(page, levels: dict[str, str], comment: str) -> None:
    page.goto("/plans/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans waiting for review")
    page.get_by_role("link", name="Scenario 3: a shed burglary").click()
    page.get_by_role("link", name="Review this plan").click()
    score(page, levels, comment)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_plan_is_submitted_scored_improved_and_seen_by_the_supervisor(page_at, people, viewport):
    officer = page_at(viewport)
    sign_in(officer, people["officer"], PASSWORD)
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    officer.get_by_role("link", name="Start a practice plan").click()
    expect(officer.get_by_text("No personal data")).to_be_visible()
    officer.get_by_label("Scenario").fill("Scenario 3: a shed burglary")
    officer.get_by_label("Your investigation plan").fill("## Hypotheses\n- A stranger forced the door")
    assert_accessible(officer)
    officer.get_by_role("button", name="Submit for review").click()
    expect(officer.get_by_role("alert")).to_contain_text("Your plan has been submitted for review.")
    expect(officer.get_by_text("Waiting for review")).to_be_visible()

    reviewer = page_at(viewport)
    sign_in(reviewer, people["reviewer"], PASSWORD)
    review_waiting_plan(reviewer, {"Hypotheses": "1 – Developing", "Victim care": "0 – Not evident"},
                        "Consider someone with a key")

    officer.reload()
    expect(officer.get_by_text("Score: 1 of 4 (25%)")).to_be_visible()
    expect(officer.get_by_text("Consider someone with a key")).to_be_visible()
    assert_accessible(officer)
    if viewport == PHONE:
        assert_no_horizontal_scroll(officer)
    officer.get_by_role("button", name="Improve it and submit again").click()
    officer.get_by_label("Your investigation plan").fill(
        "## Hypotheses\n- A stranger forced the door\n- Someone with a key\n\n## Victim\nNeeds assessed")
    officer.get_by_role("button", name="Submit for review").click()
    expect(officer.get_by_role("heading", name="Attempt 2")).to_be_visible()

    review_waiting_plan(reviewer, {"Hypotheses": "2 – Meets the standard", "Victim care": "2 – Meets the standard"},
                        "Both explanations are tested")
    officer.reload()
    expect(officer.get_by_text("Score: 4 of 4 (100%)")).to_be_visible()
    expect(officer.get_by_text("Score: 1 of 4 (25%)")).to_be_visible()

    supervisor = page_at(viewport)
    sign_in(supervisor, people["supervisor"], PASSWORD)
    supervisor.get_by_role("navigation", name="Main").get_by_role("link", name="Quality").click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("Quality beside training")
    expect(supervisor.get_by_text("This shows association, not cause.")).to_be_visible()
    row = supervisor.get_by_role("table").filter(has_text="Response Team A").get_by_role("row").filter(
        has_text="Response Team A")
    cells = row.locator("td")  # Required, Trained now, Coverage, Plan reviews, Mean review score, …
    expect(cells.nth(3)).to_have_text("2")
    expect(cells.nth(4)).to_have_text("62%")  # 5 of the 8 points the two reviews could give (62.5, to even)
    assert_accessible(supervisor)
    if viewport == PHONE:
        assert_no_horizontal_scroll(supervisor)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_plan_and_quality_pages_pass_axe_and_fit_a_phone(page_at, qforce, course, audit_rubric, release_database,
                                                            viewport):
    visits = {qforce.reviewer.email: ["/plans/", "/plans/queue", "/plans/live", "/rubrics/plan-review"],
              qforce.sergeant_a.email: ["/plans/teams", "/quality/"],
              qforce.admin.email: ["/admin/outcomes", "/quality/"]}
    release_database()
    for email, paths in visits.items():
        page = page_at(viewport)
        sign_in(page, email, PASSWORD)
        for path in paths:
            assert page.goto(path).status == 200, path
            assert_accessible(page)
            if viewport == PHONE:
                assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_audit_visit_is_recorded_and_its_owner_closes_an_overdue_action(page_at, qforce, course, audit_rubric,
                                                                           release_database, viewport):
    reviewer_email, owner_email, owner_number = qforce.reviewer.email, qforce.sergeant_a.email, \
        qforce.sergeant_a.service_number
    release_database()
    auditor = page_at(viewport)
    sign_in(auditor, reviewer_email, PASSWORD)
    auditor.goto("/audits/")
    auditor.get_by_role("link", name="Record a visit").click()
    auditor.get_by_label("Team visited").select_option(label="Northtown – Response Team A")
    if viewport == PHONE:  # GOV.UK's date input: day, month and year on one line, not three rows
        boxes = [auditor.get_by_role("group", name="Date of the visit").get_by_label(part).bounding_box()
                 for part in ("Day", "Month", "Year")]
        assert len({round(box["y"]) for box in boxes}) == 1, boxes
    fill_date(auditor, "Date of the visit", "2026-01-15")
    auditor.get_by_label("Auditors").fill("DS Reviewer")
    auditor.get_by_label("Findings").fill("Plans are thin")
    assert_accessible(auditor)
    auditor.get_by_role("button", name="Record the visit").click()
    auditor.get_by_role("link", name="Score a case").click()
    auditor.get_by_label("Crime reference number").fill("21/555/26")
    auditor.get_by_role("group", name="Recording").get_by_label("1 – Met").check()
    auditor.get_by_role("group", name="Supervision").get_by_label("1 – Partly met").check()
    assert_accessible(auditor)
    auditor.get_by_role("button", name="Save the case").click()
    auditor.get_by_label("Action").fill("Supervisor reviews within 24 hours")
    auditor.get_by_label("Owner's service number").fill(owner_number)
    fill_date(auditor, "Due by", "2026-01-20")
    auditor.get_by_role("button", name="Set the action").click()
    expect(auditor.get_by_role("alert")).to_contain_text("The action has been set")
    expect(auditor.get_by_role("rowheader", name="21/555/26")).to_be_visible()
    assert_accessible(auditor)
    if viewport == PHONE:
        assert_no_horizontal_scroll(auditor)

    owner_page = page_at(viewport)
    sign_in(owner_page, owner_email, PASSWORD)
    expect(owner_page.get_by_role("heading", name="Quality audit actions overdue")).to_be_visible()
    assert_accessible(owner_page)
    owner_page.get_by_label("Closing note").fill("Reviews are now daily")
    owner_page.get_by_role("button", name="Close this action").click()
    expect(owner_page.get_by_role("alert")).to_contain_text("The action has been closed.")
    expect(owner_page.get_by_role("heading", name="Quality audit actions overdue")).to_have_count(0)


def test_the_month_charts_values_stay_apart_on_a_phone(page_at, db, qforce, course, release_database):
    """Twelve columns on a 360 px phone are 27 px apart; rates such as "10.4%" are wider than that, and side by side
    they ran into one another ("10.1%10.6%10.4%")."""
    from tests.test_quality_view import outcomes, this_month

    months, month = [], this_month()
    for _ in range(12):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    outcomes(db, [f"Northtown,Response Team A,{month:%Y-%m},1000,{101 + place},100,100,{699 - place}"
                  for place, month in enumerate(months)])
    email = qforce.admin.email
    release_database()
    page = page_at(PHONE)
    sign_in(page, email, PASSWORD)
    page.goto("/quality/")
    for chart in page.locator("svg.lms-chart").all():
        boxes = [text.bounding_box() for text in chart.locator(".lms-chart__value").all() if text.is_visible()]
        assert len(boxes) == 12
        for left, right in zip(boxes, boxes[1:]):
            apart = left["x"] + left["width"] <= right["x"] or left["y"] + left["height"] <= right["y"] \
                or right["y"] + right["height"] <= left["y"]
            assert apart, (left, right)
    assert_accessible(page)
