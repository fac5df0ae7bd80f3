"""A supervisor reminds an overdue officer by email: through the outbox, once a week at most, recorded and audited."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.reports.models import Nudge
from tests.courses_support import csrf_client_signed_in
from tests.reports_support import complete, course, flash_text, force, set_due  # noqa: F401
from tests.sessions_fixtures import outbox


@pytest.fixture
def overdue(db, course):
    set_due(course, default="2026-01-31")


def test_a_supervisor_reminds_an_overdue_officer_by_email(client, login, db, force, course, overdue):
    login(force.sergeant_a)
    response = client.post(f"/reports/overdue/{force.officer_a.id}/nudge", follow_redirects=True)
    assert "Amy Able has been sent a reminder." in flash_text(response.get_data(as_text=True))
    [message] = outbox(db, kind="nudge")
    assert (message.to_address, message.person_id, message.status) == (force.officer_a.email, force.officer_a.id,
                                                                        "pending")
    assert message.subject == "Reminder: your Investigation Masterclass training is overdue"
    assert "Sarah Sergeant has asked us to remind you" in message.body_text
    assert "- Witness basics: it was due by 31 January 2026" in message.body_text
    assert "/my-training" in message.body_text
    [sent] = db.session.scalars(sa.select(Nudge)).all()
    assert (sent.person_id, sent.sent_by_id, sent.courses) == (force.officer_a.id, force.sergeant_a.id,
                                                               ["witness-basics"])
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "nudge.sent"))
    assert (event.actor_id, event.object_id) == (force.sergeant_a.id, str(force.officer_a.id))
    page = client.get("/reports/overdue").get_data(as_text=True)
    assert "Reminded; again from" in page


def test_an_officer_is_reminded_at_most_once_a_week_whoever_asks(client, login, db, force, course, overdue):
    login(force.sergeant_a)
    client.post(f"/reports/overdue/{force.officer_a.id}/nudge")
    client.post("/logout")
    login(force.admin)
    again = client.post(f"/reports/overdue/{force.officer_a.id}/nudge", follow_redirects=True)
    assert "Amy Able was reminded on" in flash_text(again.get_data(as_text=True))
    assert "You can remind them again from" in flash_text(again.get_data(as_text=True))
    assert len(outbox(db, kind="nudge")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 1
    sent = db.session.scalar(sa.select(Nudge))
    sent.sent_at -= timedelta(days=7, minutes=1)
    db.session.commit()
    client.post(f"/reports/overdue/{force.officer_a.id}/nudge")
    assert len(outbox(db, kind="nudge")) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 2


def test_someone_with_nothing_overdue_is_not_reminded(client, login, db, force, course, overdue):
    complete(force.officer_a, course)
    login(force.sergeant_a)
    response = client.post(f"/reports/overdue/{force.officer_a.id}/nudge", follow_redirects=True)
    assert "Amy Able has nothing overdue." in flash_text(response.get_data(as_text=True))
    assert outbox(db, kind="nudge") == [] and db.session.scalar(sa.select(Nudge)) is None


def test_a_supervisor_cannot_remind_themselves(client, login, db, force, course, overdue):
    login(force.sergeant_a)
    assert client.post(f"/reports/overdue/{force.sergeant_a.id}/nudge").status_code == 400
    assert outbox(db, kind="nudge") == []


def test_a_reminder_needs_the_forms_csrf_token(app, monkeypatch, db, force, course, overdue):
    client = csrf_client_signed_in(app, monkeypatch, force.sergeant_a)
    assert client.post(f"/reports/overdue/{force.officer_a.id}/nudge").status_code == 400
    assert outbox(db, kind="nudge") == []
