"""What the home page shows a signed-in person: what is theirs first.

The most visited page, so every part is a fixed number of queries however many courses, bookings, sessions,
revisions or team members there are: statuses come from the one completion rule (lms.completion.load), team
counts from the reports' own dataset and tallies.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from lms.completion.load import Record, learner_of, load_records
from lms.content.cache import cached
from lms.courses.models import Course
from lms.courses.queries import live_courses
from lms.courses.progress import live_module_lines
from lms.extensions import db
from lms.guidance.acknowledgements import Asking, awaiting
from lms.guidance.models import GuidancePage, GuidanceRevision
from lms.people.models import Person
from lms.reports.dataset import Dataset, TeamTally, by_area, load_dataset, team_tallies
from lms.reports.mine import Step, next_step
from lms.reports.scope import sees_whole_force, teams_visible_to
from lms.sessions.models import LIVE_STATUSES, Booking, TrainingSession, session_trainers
from lms.sessions.rules import promotion_cutoff, register_locks_at, register_opens_at
from lms.sessions.state import not_on_register

#: how many recent guidance changes and upcoming sessions the home page lists
RECENT_CHANGES = 5
NEXT_SESSIONS = 5


@dataclass
class CourseLine:
    course: Course
    record: Record
    step: Step


@dataclass
class TeamsGlance:
    dataset: Dataset
    teams: list[TeamTally]
    #: True when there are too many teams to list, so the lines are areas
    by_area: bool


class RecentChange(NamedTuple):
    """A guidance page added or changed, for the home page's list."""

    slug: str
    title: str
    kind: str
    at: datetime


@dataclass
class HomePage:
    #: the courses required of the person (or begun by them), in course order
    courses: list[CourseLine] = field(default_factory=list)
    #: their live bookings and waiting-list places on sessions still to come, soonest first
    bookings: list[Booking] = field(default_factory=list)
    #: waiting-list places where a seat is free for whoever takes it first
    offers: list[Booking] = field(default_factory=list)
    changes: list[RecentChange] = field(default_factory=list)
    #: guidance pages whose major change the person is asked to read and acknowledge
    to_acknowledge: list[Asking] = field(default_factory=list)
    #: for trainers: the sessions they run next, and the ones whose register is open now
    next_sessions: list[TrainingSession] = field(default_factory=list)
    registers: list[TrainingSession] = field(default_factory=list)
    teams: TeamsGlance | None = None
    #: whether they may see any team's bookings (supervisors, acting supervisors, area leads, admins)
    sees_teams: bool = False

    @property
    def next_booking(self) -> Booking | None:
        return self.bookings[0] if self.bookings else None


def home_page(person: Person, now: datetime) -> HomePage:
    page = HomePage(courses=_courses(person, now), changes=_recent_changes(), to_acknowledge=awaiting(person))
    page.bookings = _bookings(person, now)
    page.offers = [booking for booking in page.bookings if booking.status == "waiting"
                   and booking.session.seats_left > 0 and now >= promotion_cutoff(booking.session)]
    if person.has_role("trainer", "admin"):
        page.next_sessions, page.registers = _trainer_sessions(person, now)
    if sees_whole_force(person):
        page.sees_teams = True
    else:
        page.teams = _teams(person, now)
        page.sees_teams = page.teams is not None
    return page


def _courses(person: Person, now: datetime) -> list[CourseLine]:
    courses = live_courses()
    records = load_records([learner_of(person)], courses, now)
    modules = live_module_lines([course.id for course in courses])
    lines = []
    for course in courses:
        record = records[(person.id, course.id)]
        if record.status.is_required or record.facts.has_started:
            lines.append(CourseLine(course, record, next_step(course, record, modules[course.id], now)))
    return lines


# Built once: building and keying a select costs more than running it on this page's few rows.
_BOOKINGS = (sa.select(Booking).join(Booking.session)
             .options(so.contains_eager(Booking.session).joinedload(TrainingSession.course),
                      so.contains_eager(Booking.session).joinedload(TrainingSession.venue))
             .where(Booking.person_id == sa.bindparam("person_id"), Booking.status.in_(LIVE_STATUSES),
                    TrainingSession.is_cancelled.is_(False), TrainingSession.ends_at > sa.bindparam("now"),
                    not_on_register())
             .order_by(TrainingSession.starts_at, Booking.id))
_SHOWN_KINDS = GuidanceRevision.kind.in_(("added", "changed", "restored"))
#: each page once, at its latest change: a page changed twice took two of the few lines
_LATEST_PER_PAGE = (sa.select(sa.func.max(GuidanceRevision.id)).where(_SHOWN_KINDS)
                    .group_by(GuidanceRevision.page_id))
_RECENT_CHANGES = (sa.select(GuidancePage.slug, GuidancePage.title, GuidanceRevision.kind, GuidanceRevision.at)
                   .join(GuidanceRevision.page)
                   .where(GuidanceRevision.id.in_(_LATEST_PER_PAGE), GuidancePage.is_retired.is_(False))
                   .order_by(GuidanceRevision.at.desc(), GuidanceRevision.id.desc()).limit(RECENT_CHANGES))


def _bookings(person: Person, now: datetime) -> list[Booking]:
    return list(db.session.scalars(_BOOKINGS, {"person_id": person.id, "now": now}))


def _recent_changes() -> list[RecentChange]:
    """The same for everyone and changed only by a content sync (revisions are content rows): kept until then."""
    return cached(("core.recent_changes",), lambda: [RecentChange(*row) for row in db.session.execute(_RECENT_CHANGES)])


def _trainer_sessions(person: Person, now: datetime) -> tuple[list[TrainingSession], list[TrainingSession]]:
    """The trainer's sessions from those whose register may still be marked, in one query."""
    since = now - timedelta(days=current_app.config["REGISTER_LOCK_DAYS"])
    sessions = list(db.session.scalars(
        sa.select(TrainingSession)
        .join(session_trainers, session_trainers.c.session_id == TrainingSession.id)
        .options(so.joinedload(TrainingSession.course), so.joinedload(TrainingSession.venue))
        .where(session_trainers.c.person_id == person.id, TrainingSession.is_cancelled.is_(False),
               TrainingSession.ends_at > since)
        .order_by(TrainingSession.starts_at, TrainingSession.id)))
    upcoming = [session for session in sessions if session.ends_at > now][:NEXT_SESSIONS]
    registers = [session for session in sessions if register_opens_at(session) <= now < register_locks_at(session)]
    return upcoming, registers


def _teams(person: Person, now: datetime) -> TeamsGlance | None:
    team_ids = teams_visible_to(person)
    if not team_ids:
        return None
    dataset = load_dataset(team_ids, now)
    grouped = by_area(dataset.rows)
    return TeamsGlance(dataset, team_tallies(dataset, areas=grouped), grouped)
