"""After the cut-off a freed seat is offered to everyone waiting: one offer a person while it stands, never repeated."""
from datetime import timedelta

import pytest

from lms.notify.sending import send_due
from lms.sessions import booking as booking_service
from lms.sessions.scheduling import cancel_session
from tests.mail_support import smtp  # noqa: F401
from tests.sessions_fixtures import bookings, course, make_session, outbox, trainer  # noqa: F401


@pytest.fixture
def full_with_twelve_waiting(db, make_person, make_session):
    """Three seats, all taken, twelve people waiting, ten hours before the start (past the promotion cut-off)."""
    session = make_session(capacity=3, starts_in=timedelta(hours=10))
    holders = [make_person() for _ in range(3)]
    waiting = [make_person() for _ in range(12)]
    for person in holders + waiting:
        booking_service.book(person, session, person)
    db.session.commit()
    return session, holders, waiting


def _cancel(db, session, person):
    [held] = [b for b in bookings(db, session) if b.person_id == person.id and b.is_live]
    booking_service.cancel(person, held)
    db.session.commit()


def _take_seat(db, session, person):
    [place] = [b for b in bookings(db, session, "waiting") if b.person_id == person.id]
    booking_service.take_offered_seat(person, place)
    db.session.commit()


def _offers_received(smtp) -> list[str]:
    return [m["To"] for m in smtp.received if m["Subject"].startswith("A seat is free")]


def test_three_cancellations_with_twelve_waiting_send_each_one_offer(db, smtp, full_with_twelve_waiting):
    session, holders, waiting = full_with_twelve_waiting
    _cancel(db, session, holders[0])
    first_ids = sorted(m.id for m in outbox(db, "seat_offered"))
    assert len(first_ids) == 12
    _cancel(db, session, holders[1])  # before the sender ran: the offers are rewritten, not added
    assert sorted(m.id for m in outbox(db, "seat_offered")) == first_ids
    send_due()
    _cancel(db, session, holders[2])  # after they went: the offer still stands, nothing new
    send_due()
    assert sorted(_offers_received(smtp)) == sorted(person.email for person in waiting)
    assert [m.status for m in outbox(db, "seat_offered")] == ["sent"] * 12


def test_an_offer_ends_when_the_seats_are_gone_and_a_later_seat_is_offered_afresh(db, smtp, full_with_twelve_waiting):
    session, holders, waiting = full_with_twelve_waiting
    _cancel(db, session, holders[0])
    _cancel(db, session, holders[1])
    send_due()
    _take_seat(db, session, waiting[5])  # one seat left: the offer still stands for the others
    assert len(outbox(db, "seat_offered")) == 12
    _take_seat(db, session, waiting[9])  # full again: the offer has ended
    _cancel(db, session, waiting[0])  # someone leaves the waiting list: no seat, no offer
    send_due()
    assert len(_offers_received(smtp)) == 12
    _cancel(db, session, holders[2])  # a new seat: the nine still waiting are told again, once
    _cancel(db, session, waiting[1])  # leaving the list withdraws the offer not sent yet
    send_due()
    offers = _offers_received(smtp)
    still_waiting = {p.email for p in waiting} - {waiting[i].email for i in (0, 1, 5, 9)}
    assert len(offers) == 12 + 8 and set(offers[12:]) == still_waiting


def test_an_unsent_offer_is_withdrawn_when_the_last_seat_is_taken(db, full_with_twelve_waiting):
    session, holders, waiting = full_with_twelve_waiting
    _cancel(db, session, holders[0])
    assert len(outbox(db, "seat_offered")) == 12
    _take_seat(db, session, waiting[3])
    assert outbox(db, "seat_offered") == []  # no seat left to offer: nobody is told of one


def test_cancelling_the_session_withdraws_the_offers_not_sent_yet(db, trainer, full_with_twelve_waiting):
    session, holders, waiting = full_with_twelve_waiting
    _cancel(db, session, holders[0])
    cancel_session(trainer, session, "The trainer is unwell")
    db.session.commit()
    assert outbox(db, "seat_offered") == []  # nobody is told of a seat on a session that is not happening
    assert len(outbox(db, "session_cancelled")) == 2 + 12
