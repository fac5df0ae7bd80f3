"""The weekly digest: `flask notify send` emails each supervisor, once a week from Monday morning, who in their
teams fell overdue or missed a session in the week and who is booked in the week ahead; never twice, even when two
senders run at once; and not at all to a supervisor who turned it off."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db as _db
from lms.reports import digest
from lms.reports.models import Delegation
from lms.timeutil import from_london, today_london
from tests.reports_support import ago, attend, book, course, flash_text, force, set_due  # noqa: F401
from tests.sessions_fixtures import outbox

#: a Monday at 09:00 in London (GMT): the digest of ISO week 2026-W50 is due
MONDAY = from_london(datetime(2026, 12, 7).date(), datetime.min.time().replace(hour=9))


@pytest.fixture
def week(db, clock, force, course):
    """Team A fell overdue three days ago (Amy, the sergeant, Dan who missed a session two days ago, and Eve, booked
    in four days), but detectives were due in June (Fay: old news). Team B: Bob fell overdue too."""
    clock.move_to(MONDAY)
    set_due(course, default=(today_london() - timedelta(days=3)).isoformat(), DC="2026-06-01")
    dan = force.officer(given_name="Dan", family_name="Missed")
    attend(dan, course, at=ago(2), status="absent")
    eve = force.officer(given_name="Eve", family_name="Booked")
    book(eve, course, days_ahead=4)
    force.officer(given_name="Fay", family_name="Late", rank="DC")
    return {"dan": dan, "eve": eve}


def _send(runner) -> str:
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def _digests(db, person=None):
    db.session.expire_all()
    return outbox(db, kind="weekly_digest", person=person)


def test_a_supervisor_gets_a_weekly_digest_of_their_teams(runner, db, force, course, week):
    assert "Queued 2 weekly digests." in _send(runner)
    [mine] = _digests(db, force.sergeant_a)
    assert mine.subject == ("Your teams this week: 4 newly overdue, 1 missed a session, 1 booked in the week "
                            "ahead")
    body = mine.body_text
    assert "- Amy Able (Response Team A): Witness basics, was due by" in body
    assert "- Sarah Sergeant (Response Team A): Witness basics" in body
    assert ("Did not attend a session they were booked on (1):\n"
            "- Dan Missed (Response Team A): Witness basics on") in body
    assert "Booked on a session in the week ahead (1):\n- Eve Booked (Response Team A): Witness basics on" in body
    assert "Bob Baker" not in body  # another team's
    assert "Fay Late" not in body  # overdue, but not newly
    assert "/reports/digest" in body and "/reports/overdue" in body
    [theirs] = _digests(db, force.sergeant_b)
    assert "- Bob Baker (Response Team B)" in theirs.body_text and "Amy Able" not in theirs.body_text


def test_the_digest_goes_once_a_week_however_often_notify_send_runs(runner, db, clock, force, course, week):
    _send(runner)
    clock.advance(timedelta(hours=5))
    assert "weekly digest" not in _send(runner)
    clock.move_to(MONDAY + timedelta(days=6, hours=14))  # Sunday, late
    _send(runner)
    assert len(_digests(db, force.sergeant_a)) == 1
    clock.move_to(MONDAY + timedelta(days=7, hours=-3))  # next Monday, 06:00: not due yet
    _send(runner)
    assert len(_digests(db, force.sergeant_a)) == 1
    clock.move_to(MONDAY + timedelta(days=7))
    book(force.officer(given_name="Gus", family_name="Booked"), course, days_ahead=2)  # news in the new week
    _send(runner)
    assert len(_digests(db, force.sergeant_a)) == 2


def test_a_supervisor_who_turns_it_off_gets_none(client, login, runner, db, force, course, week):
    login(force.sergeant_a)
    assert "Weekly digest email</a>: on" in client.get("/reports/").get_data(as_text=True)
    done = client.post("/reports/digest", data={"is_on": ""}, follow_redirects=True)
    assert "You will not get the weekly digest." in flash_text(done.get_data(as_text=True))
    _send(runner)
    assert _digests(db, force.sergeant_a) == [] and len(_digests(db, force.sergeant_b)) == 1
    client.post("/reports/digest", data={"is_on": "y"})
    _send(runner)
    assert len(_digests(db, force.sergeant_a)) == 1


def test_an_officer_has_no_digest_setting(client, login, force, week):
    login(force.officer_a)
    assert client.get("/reports/digest").status_code == 403


def test_a_week_with_nothing_to_say_sends_nothing(runner, db, clock, force, course):
    clock.move_to(MONDAY)
    set_due(course, default="2099-01-01")
    assert "weekly digest" not in _send(runner)
    assert _digests(db) == []


def test_two_senders_at_once_queue_each_digest_once(app, db, database_url, force, course, week, monkeypatch):
    """On PostgreSQL both senders find no digest queued yet and then both insert: the outbox's unique key keeps one.
    On SQLite the first sender's write lock makes the second wait, and it then finds the digests queued."""
    if not database_url.startswith("sqlite"):
        both_looked = threading.Barrier(2, timeout=30)
        recipients = digest._recipients

        def look_then_wait(*args):
            found = recipients(*args)
            both_looked.wait()
            return found

        monkeypatch.setattr(digest, "_recipients", look_then_wait)

    def run(_):
        with app.app_context():
            try:
                queued = digest.queue_weekly_digests()
                _db.session.commit()
                return queued
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        queued = sorted(pool.map(run, range(2)))
    assert sum(queued) == 2
    assert sorted(message.person_id for message in _digests(db)) == sorted([force.sergeant_a.id,
                                                                           force.sergeant_b.id])


def test_the_digest_takes_the_same_queries_however_many_officers(db, clock, force, course, week, count_queries):
    digest.queue_weekly_digests()  # what is kept of the content (the courses' modules) is kept from then on
    counts = []
    for extra in (2, 30):
        db.session.execute(sa.text("DELETE FROM outbox_messages"))
        db.session.commit()
        for n in range(extra):
            force.officer(given_name=f"Many{extra}x{n}", family_name="Officer")
        with count_queries() as counter:
            assert digest.queue_weekly_digests() == 2
        db.session.commit()
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_an_acting_supervisor_gets_the_digest_of_the_teams_lent_to_them(runner, db, force, course, week):
    acting = force.officer(team=force.team_b, given_name="Alex", family_name="Acting")
    today = today_london()
    db.session.add(Delegation(from_person_id=force.sergeant_a.id, to_person_id=acting.id, starts_on=today,
                              ends_on=today + timedelta(days=14), created_at=MONDAY))
    db.session.commit()
    _send(runner)
    [theirs] = _digests(db, acting)
    assert "- Amy Able (Response Team A)" in theirs.body_text and "Bob Baker" not in theirs.body_text
