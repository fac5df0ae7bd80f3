"""Investigation plans: an officer writes, submits and resubmits; a reviewer in the area scores each criterion;
supervisors read their teams'; nobody sees a plan outside their scope."""
import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.content.render import render_written
from lms.notify.models import OutboxMessage
from lms.people.models import Person
from lms.quality import services
from lms.quality.models import Plan, PlanAttempt, PlanReview, RubricVersion
from tests.conftest import PASSWORD
from tests.concurrency_support import at_once
from tests.quality_support import qforce, review_data, submit_plan  # noqa: F401


def only_plan(db) -> Plan:
    return db.session.scalar(sa.select(Plan))


def logout(client):
    client.post("/logout")


@pytest.fixture
def waiting_plan(client, login, qforce, db) -> Plan:
    login(qforce.officer_a)
    submit_plan(client)
    logout(client)
    return only_plan(db)


def test_an_officer_saves_a_draft_then_submits_and_it_joins_the_reviewers_queue(client, login, qforce, db):
    login(qforce.officer_a)
    response = client.post("/plans/new", data={"scenario": "Scenario 1", "body": "First *thoughts*",
                                               "action": "save"})
    plan = only_plan(db)
    assert response.status_code == 302 and plan.status == "draft"
    assert plan.attempts[0].body_html == "<p>First <em>thoughts</em></p>" and plan.attempts[0].submitted_at is None
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Carry on writing" in page
    client.post(f"/plans/{plan.id}/edit", data={"scenario": "Scenario 1", "body": "## Hypotheses\nTwo of them",
                                                "action": "submit"})
    db.session.refresh(plan)
    assert plan.status == "waiting" and plan.waiting_since is not None
    logout(client)
    login(qforce.reviewer)
    queue = client.get("/plans/queue").get_data(as_text=True)
    assert "Scenario 1" in queue and "Northtown: 1 waiting" in queue


def test_submitting_an_empty_plan_is_refused_and_changes_nothing(client, login, qforce, db):
    login(qforce.officer_a)
    response = client.post("/plans/new", data={"scenario": "Scenario 1", "body": " ", "action": "submit"})
    assert response.status_code == 200 and "Write the plan before you submit it" in response.get_data(as_text=True)
    assert only_plan(db) is None


def test_every_plan_form_says_no_personal_data(client, login, qforce, db):
    login(qforce.officer_a)
    assert "No personal data" in client.get("/plans/new").get_data(as_text=True)
    submit_plan(client)
    plan = only_plan(db)
    logout(client)
    login(qforce.reviewer)
    assert "No personal data" in client.get(f"/plans/{plan.id}/review").get_data(as_text=True)
    assert "No personal data" in client.get("/plans/live").get_data(as_text=True)


def test_a_review_scores_each_criterion_the_officer_reads_it_and_resubmits_keeping_the_history(
        client, login, qforce, waiting_plan, db):
    plan = waiting_plan
    login(qforce.reviewer)
    response = client.post(f"/plans/{plan.id}/review", data=review_data(
        version=str(db.session.scalar(sa.select(RubricVersion.id))), comment="Start with the victim"))
    assert response.status_code == 302
    review = db.session.scalar(sa.select(PlanReview))
    assert (review.total, review.max_score, review.reviewer_id) == (3, 4, qforce.reviewer.id)
    assert [item["comment"] for item in review.scores] == ["Test each explanation", "Good needs assessment"]
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "plan.reviewed")) is not None
    [email] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "plan_reviewed")).all()
    assert email.person_id == qforce.officer_a.id and "3 of 4 (75%)" in email.body_text
    assert f"/plans/{plan.id}" in email.body_text and "Rita Reviewer" in email.body_text
    logout(client)

    login(qforce.officer_a)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Score: 3 of 4 (75%)" in page and "Test each explanation" in page and "Start with the victim" in page
    assert client.post(f"/plans/{plan.id}/resubmit").status_code == 302
    client.post(f"/plans/{plan.id}/edit", data={"scenario": "ignored", "body": "## Hypotheses\nThree, tested",
                                                "action": "submit"})
    db.session.refresh(plan)
    assert [attempt.number for attempt in plan.attempts] == [1, 2]
    assert plan.attempts[0].review is not None and plan.attempts[0].body.startswith("## Hypotheses\n- A burglary")
    assert plan.status == "waiting" and plan.scenario == "Scenario 1: a burglary"
    logout(client)
    login(qforce.reviewer)
    client.post(f"/plans/{plan.id}/review", data=review_data(scores=(2, 2), version=str(review.rubric_version_id)))
    logout(client)
    login(qforce.officer_a)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Attempt 2" in page and "Attempt 1" in page and "Score: 4 of 4 (100%)" in page
    assert "Score: 3 of 4 (75%)" in page


def test_a_review_keeps_the_rubric_version_it_used_after_the_rubric_changes(client, login, qforce, waiting_plan, db):
    plan = waiting_plan
    login(qforce.reviewer)
    old = db.session.scalar(sa.select(RubricVersion))
    client.post(f"/plans/{plan.id}/review", data=review_data(version=str(old.id)))
    newer = RubricVersion(rubric_id=old.rubric_id, number=2, max_score=2, criteria_hash="x", criteria=[
        {"key": "other", "title": "Something else", "guide_html": "",
         "levels": [{"score": 0, "label": "No", "html": "no"}, {"score": 2, "label": "Yes", "html": "yes"}]}])
    db.session.add(newer)
    old.rubric.version = 2
    db.session.commit()
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "against version 1 of" in page and "Hypotheses" in page and "Something else" not in page


def test_a_review_posted_against_an_older_rubric_version_is_refused(client, login, qforce, waiting_plan, db):
    plan = waiting_plan
    login(qforce.reviewer)
    response = client.post(f"/plans/{plan.id}/review", data=review_data(version="999"))
    assert response.status_code == 200 and "The rubric was changed" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(PlanReview)) is None


def test_a_review_must_score_every_criterion(client, login, qforce, waiting_plan, db):
    plan = waiting_plan
    login(qforce.reviewer)
    version = str(db.session.scalar(sa.select(RubricVersion.id)))
    response = client.post(f"/plans/{plan.id}/review", data={"score_0": "1", "version": version})
    assert "Choose a level for Victim care" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(PlanReview)) is None


def test_a_reviewer_records_a_live_plan_review_by_crime_reference(client, login, qforce, db):
    login(qforce.reviewer)
    version = str(db.session.scalar(sa.select(RubricVersion.id)))
    bad = client.post("/plans/live", data=review_data(version=version, crime_reference="hello",
                                                      service_number=qforce.officer_a.service_number))
    assert "Enter the crime reference number as your force writes it" in bad.get_data(as_text=True)
    outside = client.post("/plans/live", data=review_data(version=version, crime_reference="21/12345/24",
                                                          service_number=qforce.officer_b.service_number))
    assert "No officer with that service number is in a team of your area" in outside.get_data(as_text=True)
    assert only_plan(db) is None
    client.post("/plans/live", data=review_data(version=version, crime_reference="21/12345/24 ",
                                                service_number=qforce.officer_a.service_number.lower()))
    plan = only_plan(db)
    assert (plan.kind, plan.crime_reference, plan.status, plan.person_id) == ("live", "21/12345/24", "reviewed",
                                                                              qforce.officer_a.id)
    logout(client)
    login(qforce.officer_a)
    assert "Live plan 21/12345/24" in client.get("/plans/").get_data(as_text=True)


@pytest.mark.parametrize("who, plan_page, review_page, in_team_list", [
    ("officer_a", 200, 403, None),      # the author
    ("officer_b", 404, 403, None),      # another officer: as if it did not exist
    ("sergeant_a", 200, 403, True),     # supervises team A
    ("sergeant_b", 404, 403, False),    # supervises another team
    ("reviewer", 200, 200, True),       # reviews Northtown
    ("reviewer_b", 404, 404, False),    # reviews Southport
    ("admin", 200, 403, True),
])
def test_who_sees_and_reviews_a_plan(client, login, qforce, waiting_plan, who, plan_page, review_page,
                                     in_team_list):
    login(getattr(qforce, who))
    assert client.get(f"/plans/{waiting_plan.id}").status_code == plan_page
    assert client.get(f"/plans/{waiting_plan.id}/review").status_code == review_page
    teams = client.get("/plans/teams")
    if in_team_list is None:
        assert teams.status_code == 403
    else:
        assert (waiting_plan.title in teams.get_data(as_text=True)) is in_team_list
    queue = client.get("/plans/queue")
    assert queue.status_code == (200 if who.startswith("reviewer") else 403)
    if queue.status_code == 200:
        assert (waiting_plan.title in queue.get_data(as_text=True)) is (who == "reviewer")


@pytest.mark.parametrize("page", ["99999", "99999999999999999999999", "-3", "x"])
def test_a_page_number_past_the_last_shows_the_plans_of_the_last_page(client, login, qforce, waiting_plan, page):
    """A link kept from when there were more plans, or a number typed in: "1 plan" above an empty list was wrong."""
    login(qforce.sergeant_a)
    response = client.get(f"/plans/teams?page={page}")
    assert response.status_code == 200
    assert "1 plan, newest first" in response.get_data(as_text=True)
    assert waiting_plan.title in response.get_data(as_text=True)


def test_only_the_author_edits_or_resubmits(client, login, qforce, waiting_plan, db):
    login(qforce.sergeant_a)
    assert client.get(f"/plans/{waiting_plan.id}/edit").status_code == 404
    assert client.post(f"/plans/{waiting_plan.id}/resubmit").status_code == 404
    assert len(db.session.scalars(sa.select(PlanAttempt)).all()) == 1


def test_the_queue_is_by_area_oldest_first_in_a_fixed_number_of_queries(client, login, qforce, clock, db,
                                                                        count_queries):
    from datetime import timedelta

    other = qforce.officer(team=qforce.standards)
    for officer, scenario in ((qforce.officer_a, "Older"), (other, "Newer")):
        login(officer)
        submit_plan(client, scenario=scenario)
        logout(client)
        clock.advance(timedelta(minutes=5))
    login(qforce.reviewer)
    page = client.get("/plans/queue").get_data(as_text=True)
    assert page.index("Older") < page.index("Newer")
    with count_queries() as first:
        client.get("/plans/queue")
    for number in range(5):
        login(qforce.officer_a)
        submit_plan(client, scenario=f"More {number}")
        logout(client)
    login(qforce.reviewer)
    with count_queries() as second:
        page = client.get("/plans/queue").get_data(as_text=True)
    assert "More 4" in page and second.count == first.count


def test_a_plan_page_runs_a_fixed_number_of_queries_however_many_attempts(client, qforce, waiting_plan, db,
                                                                         count_queries):
    version, plan_id = str(db.session.scalar(sa.select(RubricVersion.id))), waiting_plan.id
    reviewer, officer = qforce.reviewer.email, qforce.officer_a.email

    def as_user(email):
        client.post("/logout")
        client.post("/login", data={"email": email, "password": PASSWORD})

    def review_and_resubmit():
        as_user(reviewer)
        client.post(f"/plans/{plan_id}/review", data=review_data(version=version))
        as_user(officer)
        client.post(f"/plans/{plan_id}/resubmit")
        client.post(f"/plans/{plan_id}/edit", data={"scenario": "S", "body": "Again", "action": "submit"})

    review_and_resubmit()
    db.session.expunge_all()  # as a server starts each request with an empty session, not this test's objects
    with count_queries() as first:
        client.get(f"/plans/{plan_id}")
    for _ in range(3):
        review_and_resubmit()
    db.session.expunge_all()
    with count_queries() as second:
        page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Attempt 5" in page and second.count == first.count


def test_a_plan_writers_headings_take_no_ids_of_the_page():
    """Several attempts share one page, beside the page's own ids: what an officer writes carries no ids."""
    html = render_written("## Hypotheses\n\nA.\n\n## Main content\n\nB.")
    assert "<h2>Hypotheses</h2>" in html and "<h2>Main content</h2>" in html and " id=" not in html


def test_two_reviewers_saving_the_same_plan_at_once_record_one_review_and_no_error(app, waiting_plan, qforce, db):
    """The area's queue shows a plan to every reviewer of the area: two saving at once each passed the "still
    waiting?" check, and the later ones hit the one-review-per-attempt index, a 500 (seen on two servers on
    PostgreSQL)."""
    plan_id, reviewer_id = waiting_plan.id, qforce.reviewer.id

    def save() -> None:
        version = services.current_rubric()
        services.record_review(db.session.get(Person, reviewer_id), db.session.get(Plan, plan_id), version,
                               [{"key": c["key"], "score": 1, "comment": ""} for c in version.criteria], "")

    outcomes = at_once(app, db, save, services.PlanError)
    assert outcomes == ["This plan is not waiting for a review: it may have been reviewed already."] * 3 + ["done"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanReview)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "plan_reviewed")) == 1


def test_improving_a_reviewed_plan_from_two_tabs_at_once_starts_one_attempt(app, waiting_plan, qforce, db):
    """Each tab numbered its new attempt 2, and all but one failed on the attempt-number index, a 500."""
    version = services.current_rubric()
    with app.test_request_context():
        services.record_review(qforce.reviewer, waiting_plan, version,
                               [{"key": c["key"], "score": 1, "comment": ""} for c in version.criteria], "")
    plan_id = waiting_plan.id

    outcomes = at_once(app, db, lambda: services.resubmit(db.session.get(Plan, plan_id)), services.PlanError)
    assert outcomes == ["done"] * 4  # the later tabs carry on with the attempt the first one started
    assert [attempt.number for attempt in db.session.get(Plan, plan_id).attempts] == [1, 2]
