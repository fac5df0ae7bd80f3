"""The weekly digest: once a week each supervisor who has not turned it off is emailed what changed in their teams
(who fell overdue, who missed a session) and who is booked on a session in the week ahead.

`flask notify send` queues it when it is due. Each digest carries a key of the supervisor and the week, and the
outbox adds a keyed message once (a unique index), so two senders at once, or a run every few minutes, send one
digest a week. The teams are the ones lms.reports.scope lets the supervisor see, on the day it is sent.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from lms.completion.rule import Status
from lms.courses.models import Course
from lms.extensions import db
from lms.notify.models import OutboxMessage
from lms.notify.services import queue_once
from lms.people.models import Person, RoleGrant
from lms.reports.dataset import load_dataset
from lms.reports.models import Delegation
from lms.reports.queries import Member
from lms.reports.scope import teams_visible_to
from lms.sessions.models import Attendance, Booking
from lms.sessions.queries import team_bookings, team_no_shows
from lms.timeutil import to_london, utcnow

log = logging.getLogger(__name__)

#: the digest covers this many days back (what changed) and forward (sessions to come)
WEEK = 7
#: the week's digest is due from this hour (London) on Monday, so it arrives at the start of a working week
DUE_HOUR = 7


@dataclass
class Digest:
    """One supervisor's week."""

    #: (officer, course, status) of each course that fell overdue, or whose refresher fell due, in the week
    newly_overdue: list[tuple[Member, Course, Status]] = field(default_factory=list)
    #: register marks of "absent" in the week
    no_shows: list[Attendance] = field(default_factory=list)
    #: seats and waiting-list places on sessions in the week ahead
    upcoming: list[Booking] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.newly_overdue or self.no_shows or self.upcoming)


def week_of(now: datetime) -> str | None:
    """The ISO week ("2026-W49") whose digest is due at `now`, or None early on a Monday before it is due."""
    local = to_london(now)
    if local.weekday() == 0 and local.hour < DUE_HOUR:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(person_id: int, week: str) -> str:
    return f"weekly_digest:{person_id}:{week}"


def _fell_due(status: Status, today: date) -> bool:
    """Overdue, or refresher due, from a day within the last WEEK days (today included)."""
    since = today - timedelta(days=WEEK)
    if status.code == "overdue":
        return since <= status.due_on < today  # overdue from the day after it was due
    return status.code == "refresher_due" and since < status.refresher_due_on <= today


def _recipients(week: str, today: date) -> list[Person]:
    """Supervisors (and acting supervisors) with the digest on and no digest for this week in the outbox yet."""
    acting = sa.select(Delegation.to_person_id).where(Delegation.cancelled_at.is_(None),
                                                      Delegation.starts_on <= today, Delegation.ends_on >= today)
    people = db.session.scalars(sa.select(Person).where(
        Person.is_active_account.is_(True), Person.is_weekly_digest_on.is_(True),
        sa.or_(Person.role_grants.any(RoleGrant.role == "supervisor"), Person.id.in_(acting)))
        .order_by(Person.id)).all()
    sent = set(db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_([digest_key(person.id, week) for person in people]))))
    return [person for person in people if digest_key(person.id, week) not in sent]


def queue_weekly_digests(now: datetime | None = None) -> int:
    """Queue this week's digest for every supervisor due one with something to say; return how many were queued.

    The officers, marks and bookings of every recipient's teams are loaded once, together, and shared out."""
    now = now or utcnow()
    week = week_of(now)
    if week is None:
        return 0
    today = to_london(now).date()
    scopes = {person: teams_visible_to(person, today) for person in _recipients(week, today)}
    scopes = {person: teams for person, teams in scopes.items() if teams}
    everyone = frozenset().union(*scopes.values())
    if not everyone:
        return 0
    dataset = load_dataset(everyone, now)
    fell_due = [(row.member, course, status) for row in dataset.rows
                for course, status in zip(dataset.courses, row.statuses) if _fell_due(status, today)]
    no_shows = team_no_shows(everyone, WEEK, statuses=("absent",), limit=None)
    upcoming = team_bookings(everyone, now, until=now + timedelta(days=WEEK), limit=None)
    queued = 0
    # Links need a request to be built from; the site's own address stands in for one.
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        urls = {"overdue_url": url_for("reports.overdue", _external=True),
                "sessions_url": url_for("sessions.team", _external=True),
                "settings_url": url_for("reports.digest_setting", _external=True)}
        for person, teams in scopes.items():
            digest = Digest([item for item in fell_due if item[0].team_id in teams],
                            [mark for mark in no_shows if mark.person.team_id in teams],
                            [booking for booking in upcoming if booking.person.team_id in teams])
            if digest.is_empty:
                continue  # nothing to say this week; a later run this week may have something
            queued += queue_once(digest_key(person.id, week), "weekly_digest", person, topic=f"digest:{person.id}",
                                 digest=digest, days=WEEK, **urls)
    log.info("weekly digests for %s queued: %s", week, queued)
    return queued
