"""The demo force gets plan reviews and outcome figures, so the quality view looks like a real programme."""
import sqlalchemy as sa

from lms.demo.force import REVIEWER
from lms.people.models import Person
from lms.quality.models import OutcomeMonth, Plan, PlanReview


def test_the_demo_has_reviewers_reviews_and_an_outcome_file_per_local_team(runner, db, synced_content, client,
                                                                           login):
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert result.exit_code == 0, result.output
    assert "investigative-quality sergeants" in result.output and REVIEWER.email in result.output
    reviewer = db.session.scalar(sa.select(Person).where(Person.email == REVIEWER.email))
    assert reviewer.roles == {"officer", "iq_sergeant"} and reviewer.team.name == "CID"
    reviews = db.session.scalars(sa.select(PlanReview)).all()
    assert len(reviews) >= 10 and {review.reviewer_id for review in reviews} == {reviewer.id}
    outcomes = db.session.scalars(sa.select(OutcomeMonth)).all()
    assert len({outcome.team_id for outcome in outcomes}) >= 5
    assert all(0.05 <= outcome.charge_summons / outcome.finalised <= 0.20 for outcome in outcomes)
    assert len({outcome.month for outcome in outcomes}) == 12

    login(reviewer, password="masterclass")
    queue = client.get("/plans/queue")
    assert queue.status_code == 200
    waiting = db.session.scalars(sa.select(Plan).where(Plan.status == "waiting")).all()
    assert waiting and all(plan.title in queue.get_data(as_text=True) for plan in waiting)
