"""Many officers booking the last seats at the same instant: never oversold, never double-booked, no errors."""
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from lms.extensions import db as _db
from lms.people.models import Person
from lms.sessions import booking as booking_service
from lms.sessions.models import TrainingSession
from lms.sessions.queries import waiting_position
from lms.sessions.rules import SessionRuleError
from tests.sessions_fixtures import bookings, course, make_session, seats_taken, trainer  # noqa: F401

OFFICERS = 32
SEATS = 8


def _race(app, session_id: int, person_ids: list[int], attempts_each: int = 1) -> tuple[list, list, float]:
    """Fire every booking at once, each from its own thread with its own app context and database session."""
    _db.session.commit()  # end the test's own transaction: on SQLite it would hold the write lock throughout
    barrier = threading.Barrier(len(person_ids) * attempts_each)
    results, errors = [], []
    lock = threading.Lock()

    def attempt(person_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                # As in a request: the first statement opens the write transaction (BEGIN IMMEDIATE on SQLite).
                person = _db.session.get(Person, person_id)
                session = _db.session.get(TrainingSession, session_id)
                made = booking_service.book(person, session, person)
                _db.session.commit()
                outcome = made.status
            except (SessionRuleError, sa.exc.IntegrityError):
                _db.session.rollback()  # refused by a rule or by the unique index: nothing was written
                outcome = "refused"
            except Exception as error:  # every failure is a finding, so catch them all and report them
                _db.session.rollback()
                outcome = None
                with lock:
                    errors.append(str(error)[:400])
            finally:
                _db.session.remove()
            with lock:
                results.append((person_id, outcome))

    threads = [threading.Thread(target=attempt, args=(person_id,)) for person_id in person_ids
               for _ in range(attempts_each)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors, time.perf_counter() - started


def test_thirty_two_officers_booking_eight_seats_at_once(app, db, make_person, make_session, database_url):
    session = make_session(capacity=SEATS, starts_in=timedelta(days=5))
    people = [make_person() for _ in range(OFFICERS)]
    results, errors, elapsed = _race(app, session.id, [person.id for person in people])

    assert errors == []
    assert len(results) == OFFICERS
    assert sorted(outcome for _, outcome in results).count("booked") == SEATS
    booked, waiting = bookings(db, session, "booked"), bookings(db, session, "waiting")
    assert (len(booked), len(waiting)) == (SEATS, OFFICERS - SEATS)
    assert seats_taken(db, session) == SEATS
    # A stable queue: every person waiting has a distinct place, 1..N, and reading it again gives the same order.
    assert [waiting_position(b) for b in waiting] == list(range(1, OFFICERS - SEATS + 1))
    assert [b.id for b in bookings(db, session, "waiting")] == [b.id for b in waiting]
    print(f"\n{database_url.split(':')[0]}: {OFFICERS} concurrent bookings at {SEATS} seats -> "
          f"{len(booked)} booked, {len(waiting)} waiting, {len(errors)} errors, {elapsed:.2f}s")


def test_one_officer_clicking_book_five_times_at_once_gets_one_booking(app, db, make_person, make_session):
    session = make_session(capacity=SEATS)
    officer = make_person()
    results, errors, _ = _race(app, session.id, [officer.id], attempts_each=5)
    assert errors == []
    assert sorted(outcome for _, outcome in results) == ["booked", "refused", "refused", "refused", "refused"]
    assert [b.status for b in bookings(db, session)] == ["booked"]
    assert seats_taken(db, session) == 1
