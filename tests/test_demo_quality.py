"""The demo force gets plan reviews, outcome figures and audits, so the quality pages look like a real programme."""
import sqlalchemy as sa

from lms.content.sync import sync_content
from lms.demo.force import REVIEWER, SUPERVISOR
from lms.people.models import Person
from lms.quality.models import AuditVisit, OutcomeMonth, Plan, PlanReview
from tests.quality_support import AUDIT_RUBRIC
from tests.reports_support import page_tables


def test_the_demo_has_reviewers_reviews_audits_and_an_outcome_file_per_local_team(runner, db, content_tree, client, login):
    (content_tree / "rubrics" / "audit.md").write_text(AUDIT_RUBRIC)
    assert sync_content(content_tree).ok
    db.session.commit()
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

    visits = db.session.scalars(sa.select(AuditVisit)).all()
    assert visits and all(case.crime_reference for visit in visits for case in visit.cases)
    supervisor = db.session.scalar(sa.select(Person).where(Person.email == SUPERVISOR.email))
    login(supervisor, password="masterclass")
    assert "Quality audit actions overdue" in client.get("/").get_data(as_text=True)
    # Their team's two visits of five scored cases each are in their quality view, scored by criterion too.
    tables = dict(page_tables(client.get("/quality/").get_data(as_text=True)))
    [header, *rows] = tables[next(title for title in tables if title.startswith("By team"))]
    [row] = [row for row in rows if row[0] == f"{supervisor.team.name}, {supervisor.team.area.name}"]
    assert row[header.index("Cases audited")] == "10" and row[header.index("Mean audit score")].endswith("%")
    by_criterion = tables[next(title for title in tables if title.startswith("Audit scores by criterion"))]
    assert [row[0] for row in by_criterion[1:]] == ["Recording", "Supervision"]
    assert all(int(row[1]) >= 10 and row[2].endswith("%") for row in by_criterion[1:])
    client.post("/logout")

    login(reviewer, password="masterclass")
    queue = client.get("/plans/queue")
    assert queue.status_code == 200
    waiting = db.session.scalars(sa.select(Plan).where(Plan.status == "waiting")).all()
    assert waiting and all(plan.title in queue.get_data(as_text=True) for plan in waiting)
