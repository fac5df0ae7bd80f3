"""Quality audits: the audit team records a visit, scores sampled cases on the audit rubric and sets actions; an
action's owner sees it on their home page once overdue and closes it with a note; the report prints and downloads."""
import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.quality.models import AuditAction, AuditCase, AuditVisit
from lms.timeutil import today_london
from tests.forms_support import date_fields
from tests.concurrency_support import at_once
from tests.quality_support import audit_rubric, qforce, review_data  # noqa: F401
from tests.reports_support import csv_rows


@pytest.fixture
def visit(client, login, qforce, audit_rubric, db) -> AuditVisit:
    """A visit to team A by the Northtown reviewer, one case scored, one action for team A's sergeant."""
    login(qforce.reviewer)
    response = client.post("/audits/new", data={"team": str(qforce.team_a.id), **date_fields("visited_on", "2026-01-15"),
                                                 "auditors": "DS Reviewer", "findings": "Plans are thin"})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = db.session.scalar(sa.select(AuditVisit))
    client.post(f"/audits/{found.id}/cases/new", data=review_data(scores=(1, 1), comments=("", "Late review"),
                                                                  crime_reference="21/555/26"))
    client.post(f"/audits/{found.id}/actions", data={
        "description": "Supervisor reviews within 24 hours", "owner": qforce.sergeant_a.service_number,
        **date_fields("due_on", today_london() - timedelta(days=1))})
    client.post("/logout")
    return found


def test_the_audit_team_records_a_visit_with_a_scored_case_and_an_action(visit, qforce, db):
    case = db.session.scalar(sa.select(AuditCase))
    assert (case.crime_reference, case.total, case.max_score) == ("21/555/26", 2, 3)
    action = db.session.scalar(sa.select(AuditAction))
    assert (action.owner_id, action.status) == (qforce.sergeant_a.id, "open")
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("audit_%"))))
    assert actions == {"audit_visit.recorded", "audit_case.scored", "audit_action.added"}


def test_a_case_twice_or_a_bad_reference_is_refused(client, login, visit, qforce, db):
    login(qforce.reviewer)
    again = client.post(f"/audits/{visit.id}/cases/new", data=review_data(crime_reference="21/555/26"))
    assert "already one of this visit" in again.get_data(as_text=True)
    bad = client.post(f"/audits/{visit.id}/cases/new", data=review_data(crime_reference="John Smith"))
    assert "Enter the crime reference number" in bad.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(AuditCase)).all()) == 1


def test_an_overdue_action_is_on_its_owners_home_page_until_closed_with_a_note(client, login, visit, qforce, db):
    login(qforce.sergeant_a)
    home = client.get("/").get_data(as_text=True)
    assert "Quality audit actions overdue" in home and "Supervisor reviews within 24 hours" in home
    action = db.session.scalar(sa.select(AuditAction))
    refused = client.post(f"/audits/actions/{action.id}/close", data={"closing_note": " "}, follow_redirects=True)
    assert "Say what was done" in refused.get_data(as_text=True)
    client.post(f"/audits/actions/{action.id}/close", data={"closing_note": "Reviews now daily", "next": "home"})
    db.session.refresh(action)
    assert (action.status, action.closing_note) == ("closed", "Reviews now daily") and action.closed_at
    assert "Quality audit actions overdue" not in client.get("/").get_data(as_text=True)


def test_a_closing_note_too_long_is_shown_again_with_its_error_not_lost(client, login, visit, qforce, db):
    """The owner wrote at length: the note comes back in the box beside what is wrong, and nothing is closed."""
    login(qforce.sergeant_a)
    action = db.session.scalar(sa.select(AuditAction))
    note = "Reviewed every open plan with the team & added daily checks. " * 40  # over 2,000 characters
    response = client.post(f"/audits/actions/{action.id}/close", data={"closing_note": note, "next": "home"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The closing note" in page and 'aria-invalid="true"' in page
    assert html.escape(note, quote=False) in page  # every word, in the box it was typed in
    db.session.expire_all()
    assert db.session.get(AuditAction, action.id).status == "open"


@pytest.mark.parametrize("who, report, score, close", [
    ("sergeant_a", 200, 403, 302),   # supervises team A and owns the action
    ("officer_a", 404, 403, 404),
    ("sergeant_b", 404, 403, 404),
    ("reviewer", 200, 200, 302),     # the audit team for Northtown
    ("reviewer_b", 404, 404, 404),
    ("admin", 200, 200, 302),
])
def test_who_sees_and_changes_a_visit(client, login, visit, qforce, db, who, report, score, close):
    login(getattr(qforce, who))
    assert client.get(f"/audits/{visit.id}").status_code == report
    assert client.get(f"/audits/{visit.id}.csv").status_code == report
    assert client.get(f"/audits/{visit.id}/cases/new").status_code == score
    action = db.session.scalar(sa.select(AuditAction))
    assert client.post(f"/audits/actions/{action.id}/close", data={"closing_note": "Done"}).status_code == close
    listed = client.get("/audits/")
    if report == 200:
        assert "Visits" in listed.get_data(as_text=True) and "15 January 2026" in listed.get_data(as_text=True)


def test_the_csv_holds_the_cases_and_actions(client, login, visit, qforce):
    login(qforce.sergeant_a)
    rows = csv_rows(client.get(f"/audits/{visit.id}.csv").get_data(as_text=True))
    assert ["21/555/26", "1", "1", "2", "3", "67%", ""] in rows
    assert ["Supervisor reviews within 24 hours", qforce.sergeant_a.name,
            (today_london() - timedelta(days=1)).isoformat(), "Overdue", ""] in rows
    page = client.get(f"/audits/{visit.id}").get_data(as_text=True)
    assert "21/555/26" in page and "Plans are thin" in page and "Overdue" in page


def test_a_visit_report_runs_a_fixed_number_of_queries_however_many_cases_and_actions(client, login, visit, qforce,
                                                                                      db, count_queries):
    visit_id, owner = visit.id, qforce.sergeant_a.service_number
    login(qforce.reviewer)
    db.session.expunge_all()  # a server starts each request with an empty session
    with count_queries() as first:
        client.get(f"/audits/{visit_id}")
    for number in range(4):
        client.post(f"/audits/{visit_id}/cases/new", data=review_data(crime_reference=f"21/{number}00/26"))
        client.post(f"/audits/{visit_id}/actions", data={"description": f"Action {number}", "owner": owner,
                                                         **date_fields("due_on", today_london() + timedelta(days=30))})
    db.session.expunge_all()
    with count_queries() as second:
        page = client.get(f"/audits/{visit_id}").get_data(as_text=True)
    assert "21/300/26" in page and "Action 3" in page and second.count == first.count


@pytest.mark.parametrize("year, message", [("2099", "The date of the visit must be today or in the past"),
                                           ("1900", "The date of the visit must be in 2000 or later")])
def test_a_visit_dated_in_the_future_or_long_ago_is_refused(client, login, qforce, audit_rubric, db, year, message):
    """A slipped year (2099 for 2026) was recorded, and sat at the top of the team's visits for good."""
    login(qforce.reviewer)
    response = client.post("/audits/new", data={"team": str(qforce.team_a.id), "visited_on-day": "15",
                                                 "visited_on-month": "1", "visited_on-year": year,
                                                 "auditors": "DS Reviewer", "findings": ""})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditVisit)) == 0


@pytest.mark.parametrize("due, message", [
    ("2026-01-14", "The due date must be the same as or after the date of the visit"),
    ("2099-01-14", "The due date must be within 2 years from today")])
def test_an_action_due_before_its_visit_or_years_ahead_is_refused(client, login, visit, qforce, db, due, message):
    login(qforce.reviewer)
    response = client.post(f"/audits/{visit.id}/actions", data={
        "description": "Reviews within a day", "owner": qforce.sergeant_a.service_number, **date_fields("due_on", due)})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(AuditAction)).all()) == 1


def test_too_long_an_entry_is_named_in_the_message(client, login, visit, qforce, db):
    """WTForms' own "Field cannot be longer than 300 characters." did not say which box."""
    login(qforce.reviewer)
    page = client.post("/audits/new", data={"team": str(qforce.team_a.id), **date_fields("visited_on", "2026-01-15"),
                                            "auditors": "A" * 301}).get_data(as_text=True)
    assert "The auditors must be 300 characters or fewer" in page
    page = html.unescape(client.post(f"/audits/{visit.id}/actions", data={
        "description": "D" * 501, "owner": "X" * 21, **date_fields("due_on", "2026-02-01")}).get_data(as_text=True))
    assert "The action must be 500 characters or fewer" in page
    assert "The owner's service number must be 20 characters or fewer" in page
    page = client.post(f"/audits/{visit.id}/cases/new",
                       data=review_data(crime_reference="2" * 31)).get_data(as_text=True)
    assert "The crime reference number must be 30 characters or fewer" in page
    assert "cannot be longer than" not in page
    assert len(db.session.scalars(sa.select(AuditVisit)).all()) == 1


def test_the_same_case_saved_or_an_action_closed_from_several_tabs_at_once_counts_once(app, visit, qforce, db):
    """The same case from two tabs both passed the "already a case?" check and the later ones were a 500 on the
    index; an action closed from two tabs was closed (and audited) by each."""
    from lms.people.models import Person
    from lms.quality import audits

    visit_id, reviewer_id = visit.id, qforce.reviewer.id
    action_id = db.session.scalar(sa.select(AuditAction.id))

    def score() -> None:
        found = db.session.get(AuditVisit, visit_id)
        audits.add_case(db.session.get(Person, reviewer_id), found, "21/777/26",
                        [{"key": c["key"], "score": 0, "comment": ""} for c in found.rubric_version.criteria], "")

    def close() -> None:
        audits.close_action(db.session.get(Person, reviewer_id), db.session.get(AuditAction, action_id), "Done")

    assert at_once(app, db, score, audits.AuditError) == ["21/777/26 is already one of this visit's cases."] * 3 + [
        "done"]
    assert at_once(app, db, close, audits.AuditError) == ["This action is closed already."] * 3 + ["done"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditCase)) == 2
    closings = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "audit_action.closed")).all()
    assert len(closings) == 1
