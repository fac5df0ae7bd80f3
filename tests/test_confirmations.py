"""A second step before a slip that hurts: deactivating an account, removing every role from a person, cancelling a
session. The first press only asks (a page of its own, so it works without JavaScript); nothing changes until "Yes"."""
import sqlalchemy as sa

import lms.models  # noqa: F401  (first: lms.sessions and lms.courses import each other, this in a working order)

from lms.audit.models import AuditEvent
from lms.people.models import Person
from lms.sessions import booking as booking_service
from lms.sessions.models import TrainingSession
from tests.sessions_fixtures import course, make_session, outbox, trainer  # noqa: F401


def _admin(make_person, login):
    admin = make_person(roles=("officer", "admin"), given_name="Ada", family_name="Admin")
    login(admin)
    return admin


def test_deactivating_asks_first_and_changes_nothing_until_yes(client, db, login, make_person):
    _admin(make_person, login)
    officer = make_person(given_name="Lee", family_name="Leaver")
    asked = client.post(f"/admin/people/{officer.id}/active", data={"active": "0"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Deactivate Lee Leaver?" in page and "Yes, deactivate the account" in page
    assert 'name="confirmed" value="1"' in page and "No, go back" in page
    db.session.expire_all()
    assert db.session.get(Person, officer.id).is_active_account is True
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.deactivated")) is None
    done = client.post(f"/admin/people/{officer.id}/active", data={"active": "0", "confirmed": "1"},
                       follow_redirects=True)
    assert "Lee Leaver can no longer sign in." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, officer.id).is_active_account is False


def test_removing_every_role_asks_first_but_other_changes_do_not(client, db, login, make_person, make_team):
    _admin(make_person, login)
    team = make_team()
    trainer = make_person(given_name="Tess", family_name="Trainer", roles=("officer", "trainer"), team=team)
    asked = client.post(f"/admin/people/{trainer.id}", data={"rank": "PS", "team_id": team.id})
    page = asked.get_data(as_text=True)
    assert "Remove every role from Tess Trainer?" in page and "officer, trainer" in page
    assert f'name="team_id" value="{team.id}"' in page and 'name="rank" value="PS"' in page
    db.session.expire_all()
    assert db.session.get(Person, trainer.id).roles == {"officer", "trainer"}
    client.post(f"/admin/people/{trainer.id}", data={"rank": "PS", "team_id": team.id, "confirmed": "1"})
    db.session.expire_all()
    assert (db.session.get(Person, trainer.id).roles, db.session.get(Person, trainer.id).rank) == (set(), "PS")
    # taking away one role of two needs no second step
    officer = make_person(roles=("officer", "trainer"))
    assert client.post(f"/admin/people/{officer.id}", data={"rank": "PC", "roles": ["officer"]}).status_code == 302


def test_cancelling_a_session_asks_first_saying_who_will_be_told(client, db, login, make_person, make_session,
                                                                 trainer):
    session = make_session(capacity=1)
    for person in (make_person(), make_person()):
        booking_service.book(person, session, person)
    db.session.commit()
    login(trainer)
    asked = client.post(f"/sessions/{session.id}/cancel", data={"reason": "Trainer unwell"})
    page = asked.get_data(as_text=True)
    assert "1 booked and 1 waiting will be emailed this reason: “Trainer unwell”" in page
    assert "Yes, cancel the session" in page and 'name="reason" value="Trainer unwell"' in page
    db.session.expire_all()
    assert not db.session.get(TrainingSession, session.id).is_cancelled and not outbox(db, "session_cancelled")
    client.post(f"/sessions/{session.id}/cancel", data={"reason": "Trainer unwell", "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).is_cancelled and len(outbox(db, "session_cancelled")) == 2
