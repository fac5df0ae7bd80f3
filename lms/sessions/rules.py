"""The rules every sessions operation shares: who may book for whom, audiences, cut-offs and windows."""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.people.models import Person
from lms.reports.scope import teams_visible_to
from lms.sessions.models import Booking, TrainingSession
from lms.timeutil import LONDON, format_datetime, to_london


class SessionRuleError(Exception):
    """A rule stopped the change; the message tells the person why, in plain words."""


def is_trainer(person: Person) -> bool:
    return person.has_role("trainer", "admin")


def may_see_join_link(person: Person, own_booking: Booking | None) -> bool:
    """The online join link is for people with a seat and for trainers: the page, its calendar file and the feed."""
    return is_trainer(person) or (own_booking is not None and own_booking.status == "booked")


def may_book_for(actor: Person, person: Person) -> bool:
    """Officers book themselves, supervisors (acting ones and area leads too) the officers of the teams they may
    see, trainers anyone."""
    if actor.id == person.id or is_trainer(actor):
        return True
    return person.team_id is not None and person.team_id in teams_visible_to(actor)


def in_audience(session: TrainingSession, person: Person) -> bool:
    """A session with no audience is open to all; otherwise the person's team or its area must be named."""
    if not session.has_audience:
        return True
    if person.team is None:
        return False
    return (person.team_id in {team.id for team in session.audience_teams}
            or person.team.area_id in {area.id for area in session.audience_areas})


def cancel_refusal(actor: Person, booking, now: datetime, mark: str | None) -> str | None:
    """Why `actor` may not cancel `booking` now, or None. Someone on the register keeps their booking, so that no
    page can say both "attended" and "cancelled"; once the session has started only a trainer may cancel."""
    session = booking.session
    if mark is not None:
        who = "You are" if actor.id == booking.person_id else f"{booking.person.name} is"
        fix = " Change the register instead." if is_trainer(actor) else ""
        return f"{who} marked {mark} on the register, so the booking can no longer be cancelled.{fix}"
    if is_trainer(actor):
        return None
    if now >= session.starts_at:
        return "This session has started, so the booking can no longer be cancelled. Tell the trainer instead."
    if now > session.deadline:
        return f"Cancelling closed at {format_datetime(session.deadline)}. Ask the trainer if you cannot come."
    return None


def promotion_cutoff(session: TrainingSession) -> datetime:
    """Before this, a freed seat goes to the first person waiting; after it, to whoever accepts first."""
    return session.starts_at - timedelta(hours=current_app.config["SESSION_PROMOTION_CUTOFF_HOURS"])


def needs_go_decision(session: TrainingSession, now: datetime) -> bool:
    """Below its minimum numbers, not yet decided, still to come, and close enough to its booking deadline
    (SESSION_MINIMUM_CHECK_DAYS) that people have had their chance to book: a session just scheduled is empty."""
    flag_from = session.deadline - timedelta(days=current_app.config["SESSION_MINIMUM_CHECK_DAYS"])
    return (not session.is_cancelled and not session.is_go_confirmed and flag_from <= now < session.starts_at
            and session.seats_taken < session.min_attendees)


def register_opens_at(session: TrainingSession) -> datetime:
    """Midnight in London on the day of the session, as naive UTC."""
    day = to_london(session.starts_at).date()
    return datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def register_locks_at(session: TrainingSession) -> datetime:
    return session.ends_at + timedelta(days=current_app.config["REGISTER_LOCK_DAYS"])


def checkin_window(session: TrainingSession) -> tuple[datetime, datetime]:
    config = current_app.config
    return (session.starts_at - timedelta(minutes=config["CHECKIN_OPENS_MINUTES"]),
            session.starts_at + timedelta(minutes=config["CHECKIN_CLOSES_MINUTES"]))


def lock_rows(model, ids) -> None:
    """Take row locks on PostgreSQL so checks that read several rows cannot race (SQLite already serialises
    writers with BEGIN IMMEDIATE, and its dialect drops FOR UPDATE)."""
    ids = sorted({i for i in ids if i is not None})  # a fixed order, so two writers cannot deadlock
    if ids and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update())
