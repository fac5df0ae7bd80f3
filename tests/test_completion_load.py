"""An officer's records come in one query, and agree with what the bulk loaders (the reports') find."""
from datetime import timedelta

import sqlalchemy as sa

from lms.completion.load import learner_of, load_records, statuses
from lms.courses.cycles import start_cycle
from lms.courses.models import Course
from lms.courses.progress import load_progress
from lms.extensions import db
from lms.timeutil import utcnow
from tests.reports_support import attempt, attend, book, complete, course, force, read_modules  # noqa: F401


def test_an_officer_s_records_on_every_course_come_in_one_query_and_match_the_bulk_loaders(
        db, force, course, count_queries, make_person):
    other = Course(slug="other", title="Interviewing victims", summary="", audience="", completion=["session"],
                   required_ranks=["PC"], due_dates={}, position=2)
    db.session.add(other)
    db.session.commit()
    courses = [course, other]
    busy, waiting, refreshed, idle = (force.officer_a, force.officer_b, force.officer(given_name="Rita"),
                                      force.officer(given_name="Ian"))
    read_modules(busy, course, count=2)
    attempt(busy, course, passed=False)
    attend(busy, other)
    book(busy, course, days_ahead=3)
    read_modules(waiting, other, count=1)
    book(waiting, other, days_ahead=5, status="waiting")
    complete(refreshed, course)
    status = statuses([learner_of(refreshed)], [course])[(refreshed.id, course.id)]
    start_cycle(force.admin, refreshed, course, status, reason="Reset after a complaint")
    db.session.commit()
    people = [busy, waiting, refreshed, idle]
    learners = [learner_of(person) for person in people]
    load_records(learners[:1], courses)  # the courses' modules, content, are kept from here on
    now = utcnow()

    for person, learner in zip(people, learners):
        with count_queries() as counter:
            records = load_records([learner], courses, now)
        # one query for the facts; the modules and which courses have a quiz are content, kept under its version
        # (which a page reads with the person)
        facts = [statement for statement in counter.statements if "FROM content_versions" not in statement]
        assert len(facts) == 1, counter.statements
        progress = load_progress([person.id], courses, now)
        bulk = statuses([learner], courses, now)
        for item in courses:
            key = (person.id, item.id)
            assert records[key].progress == progress[key]
            assert records[key].status == bulk[key]
    records = load_records(learners, courses, now)
    assert records[(busy.id, course.id)].status.code == "booked"
    assert records[(busy.id, course.id)].progress.modules_read == 2
    assert records[(busy.id, course.id)].progress.attempts_used == 1
    assert records[(waiting.id, other.id)].facts.is_waiting
    assert records[(refreshed.id, course.id)].status.previous_completed_on is not None
    assert records[(refreshed.id, course.id)].progress.modules_read == 0  # the reset began a new cycle
    assert not records[(idle.id, course.id)].facts.has_started
    assert records[(busy.id, other.id)].facts.attended_on is not None
    assert load_records(learners, courses, now + timedelta(days=4))[(busy.id, course.id)].status.code != "booked"
