"""The demo force gets a training history, so the reports and the snapshot look like a real programme."""
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from lms.completion.load import learner_of, statuses
from lms.content.sync import sync_content
from lms.courses.models import Course, ModuleRead, QuizAttempt
from lms.demo import load as demo_load
from lms.demo.force import SUPERVISOR
from lms.demo.holidays import bank_holidays, is_working_day
from lms.people.models import Person
from lms.reports.models import Delegation, ProgrammeTarget, area_leads
from lms.reports.scope import teams_visible_to
from lms.sessions.models import Attendance, Booking, TrainingSession
from lms.timeutil import to_london, today_london, utcnow

CONTENT = Path(__file__).resolve().parent.parent / "content"


def count(db, what, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(what).where(*where))


def test_without_courses_the_demo_says_to_sync_content_first(runner, db):
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert result.exit_code == 0
    assert "No training history: no courses are published yet." in result.output
    assert count(db, QuizAttempt) == 0


def test_the_demo_force_has_a_believable_training_history(runner, db, synced_content, client):
    result = runner.invoke(args=["demo", "load", "--areas", "1"])
    assert result.exit_code == 0, result.output
    assert "Training history:" in result.output
    now = utcnow()
    assert count(db, ModuleRead) > 100
    attempts = count(db, QuizAttempt)
    failed = count(db, QuizAttempt, QuizAttempt.is_passed.is_(False))
    assert attempts > 50 and 0.05 < failed / attempts < 0.5
    scores = db.session.scalars(sa.select(QuizAttempt.score_percent)).all()
    assert len(set(scores)) >= 4  # a spread of scores, not everyone on 100%
    assert count(db, Attendance, Attendance.status == "attended") > 20
    assert count(db, Attendance, Attendance.status != "attended") >= 1
    future = count(db, Booking, Booking.session_id.in_(sa.select(TrainingSession.id)
                                                         .where(TrainingSession.starts_at > now)))
    assert future >= 1
    days = {to_london(at).date() for at in db.session.scalars(sa.select(TrainingSession.starts_at))}
    assert days and all(is_working_day(day) for day in days)  # never at a weekend or on a bank holiday
    assert count(db, ProgrammeTarget) >= 2 and count(db, area_leads) == 1
    sergeant = db.session.scalar(sa.select(Person).where(Person.email == SUPERVISOR.email))
    [delegation] = db.session.scalars(sa.select(Delegation)).all()
    assert delegation.to_person_id == sergeant.id and delegation.applies_on(today_london())  # not the UTC date
    assert len(teams_visible_to(sergeant)) == 2  # their own team and the one lent to them
    client.post("/login", data={"email": SUPERVISOR.email, "password": "masterclass"})
    overdue = client.get("/reports/overdue").get_data(as_text=True)
    assert "refresher due" in overdue  # someone in the team took the pilot two years ago


def test_the_demo_sets_its_own_past_due_date_so_some_sergeants_are_overdue(runner, db):
    """The shipped masterclass gives days from joining, so nobody in a demo loaded today would be overdue; the demo
    sets the sergeants' date in the past itself."""
    assert sync_content(CONTENT).ok
    db.session.commit()
    assert runner.invoke(args=["demo", "load", "--areas", "1"]).exit_code == 0
    course = db.session.scalar(sa.select(Course).where(Course.slug == "investigation-masterclass"))
    assert date.fromisoformat(course.due_dates["PS"]) < utcnow().date() and course.due_within_days is None
    sergeants = [learner_of(person) for person in db.session.scalars(
        sa.select(Person).where(Person.is_demo.is_(True), Person.rank.in_(["PS", "DS"])))]
    found = statuses(sergeants, [course])
    assert 0 < sum(status.code == "overdue" for status in found.values()) < len(sergeants) / 5


def test_the_full_demo_with_the_forces_courses_loads(db):
    """How long it takes is measured by bench/demo_load.py, not here: a time limit in a test fails whenever the
    machine is busy."""
    report = sync_content(CONTENT)
    db.session.commit()
    assert report.ok
    lines = demo_load.load_demo()
    db.session.commit()
    assert "Training history:" in lines[1] and "Quality:" in lines[2]
    assert count(db, QuizAttempt) > 1000


def test_bank_holidays_match_the_published_england_and_wales_lists():
    published = {  # gov.uk/bank-holidays, substitute days included
        2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
        2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
        2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
        2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
    }
    for year, days in published.items():
        assert sorted(f"{day:%m-%d}" for day in bank_holidays(year)) == days.split(), year
