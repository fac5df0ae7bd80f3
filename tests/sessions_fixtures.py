"""Fixtures for the sessions and notify tests: a course, a trainer, sessions, and reading the outbox."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.courses.models import Course
from lms.notify.models import OutboxMessage
from lms.sessions.models import Booking, TrainingSession, Venue
from lms.timeutil import utcnow


@pytest.fixture
def course(db):
    course = Course(slug="investigation-masterclass", title="Investigation Masterclass", summary="The masterclass",
                    audience="Everyone", completion=["session"])
    db.session.add(course)
    db.session.commit()
    return course


@pytest.fixture
def trainer(make_person):
    return make_person(roles=("officer", "trainer"), given_name="Terry", family_name="Trainer")


@pytest.fixture
def venue(db):
    venue = Venue(name="Northtown training room", address="1 High Street, Northtown", capacity=12)
    db.session.add(venue)
    db.session.commit()
    return venue


@pytest.fixture
def make_session(db, course, trainer):
    def make(starts_in=timedelta(days=7), hours=2, capacity=8, trainers=None, venue=None, for_course=None,
             **fields) -> TrainingSession:
        starts = utcnow().replace(second=0, microsecond=0) + starts_in
        session = TrainingSession(
            course=for_course or course, starts_at=starts, ends_at=starts + timedelta(hours=hours),
            capacity=capacity, venue=venue, online_url=None if venue else "https://meet.example/room",
            trainers=trainers if trainers is not None else [trainer], **fields)
        db.session.add(session)
        db.session.commit()
        return session

    return make


def outbox(db, kind=None, person=None) -> list[OutboxMessage]:
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if person:
        stmt = stmt.where(OutboxMessage.person_id == person.id)
    return list(db.session.scalars(stmt))


def bookings(db, session, status=None) -> list[Booking]:
    db.session.expire_all()
    stmt = sa.select(Booking).where(Booking.session_id == session.id).order_by(Booking.created_at, Booking.id)
    if status:
        stmt = stmt.where(Booking.status == status)
    return list(db.session.scalars(stmt))


def seats_taken(db, session) -> int:
    return db.session.scalar(sa.select(TrainingSession.seats_taken).where(TrainingSession.id == session.id))
