"""The register on the day, its lock, self check-in with a code, no-shows for supervisors, attendance queries."""
import re
from datetime import timedelta

import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.sessions import booking as booking_service
from lms.sessions.models import Attendance
from lms.sessions.queries import attended_pairs, has_attended
from tests.sessions_fixtures import course, make_session, outbox, trainer  # noqa: F401


def _booked_session(db, make_person, make_session, people=2, **fields):
    session = make_session(**fields)
    officers = [make_person() for _ in range(people)]
    for officer in officers:
        booking_service.book(officer, session, officer, now=session.starts_at - timedelta(days=2))
    db.session.commit()
    return session, officers


def _marks(db, session) -> dict[int, str]:
    db.session.expire_all()
    return {a.person_id: a.status for a in db.session.scalars(sa.select(Attendance)
                                                              .where(Attendance.session_id == session.id))}


def test_the_trainer_marks_each_person_with_one_tap(client, db, login, make_person, make_session, trainer):
    session, (first, second) = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-30))
    login(trainer)
    page = client.get(f"/sessions/{session.id}/register").get_data(as_text=True)
    assert first.name in page and second.name in page and "Mark everyone not yet marked as attended" in page
    response = client.post(f"/sessions/{session.id}/register/mark", data={"person_id": first.id, "status": "absent"},
                           follow_redirects=True)
    assert f"{first.name}: absent." in response.get_data(as_text=True)
    client.post(f"/sessions/{session.id}/register/mark", data={"person_id": second.id, "status": "excused"})
    assert _marks(db, session) == {first.id: "absent", second.id: "excused"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "attendance.marked")
                              .order_by(AuditEvent.id))
    assert event.changes == {"status": [None, "absent"]} and event.actor_id == trainer.id
    outcome = outbox(db, "register_outcome", first)
    assert len(outcome) == 1 and "absent" in outcome[0].body_text


def test_mark_all_attended_marks_only_those_not_yet_marked(client, db, login, make_person, make_session, trainer):
    session, (first, second) = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-30))
    login(trainer)
    client.post(f"/sessions/{session.id}/register/mark", data={"person_id": first.id, "status": "excused"})
    response = client.post(f"/sessions/{session.id}/register/all", follow_redirects=True)
    assert "Marked 1 person attended." in response.get_data(as_text=True)
    assert _marks(db, session) == {first.id: "excused", second.id: "attended"}


def test_a_correction_before_the_outcome_email_goes_replaces_it(client, db, login, make_person, make_session,
                                                                 trainer):
    session, (first, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-30))
    login(trainer)
    for status in ("absent", "attended"):
        client.post(f"/sessions/{session.id}/register/mark", data={"person_id": first.id, "status": status})
    [outcome] = outbox(db, "register_outcome", first)
    assert "records you as: attended" in outcome.body_text


def test_a_walk_in_is_found_by_search_and_added_as_attended(client, db, login, make_person, make_session, trainer):
    session, _ = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-30))
    walk_in = make_person(family_name="Walkin")
    login(trainer)
    page = client.get(f"/sessions/{session.id}/register?q=walkin").get_data(as_text=True)
    assert walk_in.name in page and "Add as attended" in page
    client.post(f"/sessions/{session.id}/register/walk-in", data={"person_id": walk_in.id})
    attendance = db.session.scalar(sa.select(Attendance).where(Attendance.person_id == walk_in.id))
    assert (attendance.status, attendance.is_walk_in) == ("attended", True)
    again = client.post(f"/sessions/{session.id}/register/walk-in", data={"person_id": walk_in.id},
                        follow_redirects=True)
    assert "already on the register" in again.get_data(as_text=True)


def test_someone_not_booked_cannot_be_marked_except_as_a_walk_in(client, db, login, make_person, make_session,
                                                                 trainer):
    session, _ = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-30))
    stranger = make_person()
    login(trainer)
    response = client.post(f"/sessions/{session.id}/register/mark",
                           data={"person_id": stranger.id, "status": "attended"}, follow_redirects=True)
    assert "is not booked on this session" in response.get_data(as_text=True)
    assert stranger.id not in _marks(db, session)


def test_the_register_opens_on_the_day(client, db, login, make_person, make_session, trainer):
    session, (first, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(days=3))
    login(trainer)
    assert "The register opens on the day" in client.get(f"/sessions/{session.id}/register").get_data(as_text=True)
    client.post(f"/sessions/{session.id}/register/mark", data={"person_id": first.id, "status": "attended"})
    assert _marks(db, session) == {}


def test_on_the_day_the_trainers_list_leads_straight_to_the_register(client, db, login, make_session, trainer):
    today = make_session(starts_in=timedelta(minutes=-30))
    next_week = make_session(starts_in=timedelta(days=7))
    login(trainer)
    page = client.get("/sessions/manage").get_data(as_text=True)
    assert f'href="/sessions/{today.id}/register"' in page and "Take the register" in page
    assert f'href="/sessions/{next_week.id}/register"' not in page


def test_officers_cannot_open_or_change_the_register(client, db, login, make_person, make_session):
    session, (first, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-30))
    login(first)
    assert client.get(f"/sessions/{session.id}/register").status_code == 403
    assert client.post(f"/sessions/{session.id}/register/mark",
                       data={"person_id": first.id, "status": "attended"}).status_code == 403
    assert _marks(db, session) == {}


def test_a_locked_register_is_corrected_only_by_an_admin_with_a_reason(client, app, db, login, make_person,
                                                                       make_session, trainer):
    days = app.config["REGISTER_LOCK_DAYS"]
    session, (first, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(days=-days - 1))
    login(trainer)
    page = client.get(f"/sessions/{session.id}/register").get_data(as_text=True)
    assert "The register locked" in page and "Ask an administrator" in page
    response = client.post(f"/sessions/{session.id}/register/mark",
                           data={"person_id": first.id, "status": "attended"}, follow_redirects=True)
    assert "The register is locked. Ask an administrator" in response.get_data(as_text=True)
    client.post("/logout")

    admin = make_person(roles=("officer", "admin"))
    login(admin)
    no_reason = client.post(f"/sessions/{session.id}/register/mark",
                            data={"person_id": first.id, "status": "attended"}, follow_redirects=True)
    assert "give a reason for the correction" in no_reason.get_data(as_text=True)
    assert _marks(db, session) == {}
    client.post(f"/sessions/{session.id}/register/mark",
                data={"person_id": first.id, "status": "attended", "reason": "Signed the paper register"})
    assert _marks(db, session) == {first.id: "attended"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "attendance.corrected"))
    assert event.actor_id == admin.id
    assert event.changes["reason"] == [None, "Signed the paper register"]


def _open_check_in(client, session) -> str:
    client.post(f"/sessions/{session.id}/check-in-code")
    page = client.get(f"/sessions/{session.id}/check-in-code").get_data(as_text=True)
    assert "<svg" in page and "lms-qr" in page
    return re.search(r'Check-in code: </span>([A-Z0-9]+)<', page).group(1)


def test_a_booked_officer_checks_in_with_the_code_in_the_room(client, db, login, make_person, make_session, trainer):
    session, (first, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=10))
    login(trainer)
    code = _open_check_in(client, session)
    client.post("/logout")
    login(first)
    assert f'value="{code}"' in client.get(f"/sessions/check-in?code={code.lower()}").get_data(as_text=True)
    response = client.post("/sessions/check-in", data={"code": f" {code.lower()} "}, follow_redirects=True)
    assert "You are checked in" in response.get_data(as_text=True)
    attendance = db.session.scalar(sa.select(Attendance).where(Attendance.person_id == first.id))
    assert (attendance.status, attendance.is_self_checked_in, attendance.marked_by_id) == ("attended", True, first.id)


def test_a_wrong_code_or_an_unbooked_officer_changes_nothing(client, db, login, make_person, make_session, trainer):
    session, _ = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=10))
    login(trainer)
    code = _open_check_in(client, session)
    client.post("/logout")
    stranger = make_person()
    login(stranger)
    for attempt in ("WRONG1", code):
        response = client.post("/sessions/check-in", data={"code": attempt})
        assert "That code is not right" in response.get_data(as_text=True)
    assert _marks(db, session) == {}


def test_an_expired_or_replaced_code_changes_nothing(client, app, db, login, make_person, make_session, trainer):
    closes = app.config["CHECKIN_CLOSES_MINUTES"]
    session, (first, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(minutes=-closes - 5))
    login(trainer)
    code = _open_check_in(client, session)
    client.post("/logout")
    login(first)
    response = client.post("/sessions/check-in", data={"code": code})
    assert "check-in for your session has closed" in response.get_data(as_text=True)
    assert _marks(db, session) == {}

    live, (officer, _) = _booked_session(db, make_person, make_session, starts_in=timedelta(days=1, minutes=5))
    live.starts_at = live.starts_at - timedelta(days=1)
    live.ends_at = live.ends_at - timedelta(days=1)
    db.session.commit()
    client.post("/logout")
    login(trainer)
    old = _open_check_in(client, live)
    new = _open_check_in(client, live)
    assert old != new
    client.post("/logout")
    login(officer)
    client.post("/sessions/check-in", data={"code": old})
    assert _marks(db, live) == {}


def test_a_supervisor_sees_their_teams_no_shows_and_not_other_teams(client, db, login, make_person, make_team,
                                                                    make_session, trainer):
    mine, theirs = make_team("Response A"), make_team("Response B")
    supervisor = make_person(roles=("officer", "supervisor"), rank="PS", supervises=[mine])
    absent_mine = make_person(team=mine, family_name="Mineabsent")
    absent_theirs = make_person(team=theirs, family_name="Theirsabsent")
    session = make_session(starts_in=timedelta(minutes=-30))
    for person in (absent_mine, absent_theirs):
        booking_service.book(trainer, session, person, now=session.starts_at - timedelta(days=1))
    db.session.commit()
    login(trainer)
    for person in (absent_mine, absent_theirs):
        client.post(f"/sessions/{session.id}/register/mark", data={"person_id": person.id, "status": "absent"})
    client.post("/logout")
    login(supervisor)
    page = client.get("/sessions/team").get_data(as_text=True)
    assert "Mineabsent" in page and "Theirsabsent" not in page
    client.post("/logout")
    login(absent_mine)
    assert client.get("/sessions/team").status_code == 403


def test_has_attended_counts_only_attended_marks_on_sessions_that_ran(db, make_person, make_session, course,
                                                                      trainer):
    from lms.sessions import register

    session = make_session(starts_in=timedelta(minutes=-30))
    attended, absent, never = make_person(), make_person(), make_person()
    for person in (attended, absent):
        booking_service.book(trainer, session, person, now=session.starts_at - timedelta(days=1))
    register.mark(trainer, session, attended, "attended")
    register.mark(trainer, session, absent, "absent")
    db.session.commit()
    assert has_attended(attended.id, course.id) and not has_attended(absent.id, course.id)
    assert not has_attended(never.id, course.id)
    assert attended_pairs([attended.id, absent.id, never.id]) == {(attended.id, course.id)}
    assert attended_pairs([]) == set()


def test_the_register_runs_the_same_number_of_queries_however_many_people(client, db, login, make_person,
                                                                          make_session, make_team, trainer,
                                                                          count_queries):
    team = make_team()
    few, _ = _booked_session(db, make_person, make_session, people=1, starts_in=timedelta(minutes=-30))
    many = make_session(starts_in=timedelta(minutes=-20), trainers=[], capacity=12)
    for _ in range(10):
        booking_service.book(trainer, many, make_person(team=team), now=many.starts_at - timedelta(days=1))
    db.session.commit()
    login(trainer)
    counts = []
    for session in (few, many):
        db.session.commit()  # the test shares the requests' session: start each from the same, expired state
        with count_queries() as counter:
            assert client.get(f"/sessions/{session.id}/register").status_code == 200
        counts.append(counter.statements)
    assert len(counts[0]) == len(counts[1]), counts
