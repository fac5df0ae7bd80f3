"""Read-side selects for the sessions pages and for other domains (attendance feeds the completion rule).
Each page's queries are bounded: their number does not grow with rows."""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.content.cache import cached
from lms.courses.models import Course
from lms.courses.progress import Population, in_current_cycle, people_rows
from lms.extensions import db
from lms.people.models import Person, Team, person_name
from lms.people.queries import people_filtered
from lms.sessions.models import (LIVE_STATUSES, Attendance, Booking, CalendarFeed, TrainingSession, Venue,
                                 session_audience_areas, session_audience_teams, session_trainers)
from lms.sessions.rules import cancel_refusal
from lms.sessions.state import booking_state
from lms.timeutil import LONDON, utcnow


def has_attended(person_id: int, course_id: int) -> bool:
    """Whether the person attended a (not cancelled) session of the course: the completion rule's one test."""
    return (person_id, course_id) in attended_pairs([person_id], [course_id])


def attended_pairs(person_ids, course_ids=None) -> set[tuple[int, int]]:
    """The (person_id, course_id) pairs with an attended session, for many people at once (one query)."""
    return set(last_attended(person_ids, course_ids))


def last_attended(person_ids, course_ids=None, people: Population | sa.Select | None = None) -> dict[tuple[int, int], datetime]:
    """When each (person_id, course_id) pair last attended a (not cancelled) session in their current cycle of the
    course (a session before a refresher or reset no longer counts), in one query. `people` may
    give the same people as a select of ids, so the database is not sent thousands of them."""
    person_ids = list(person_ids)
    if not person_ids:
        return {}
    rows = people_rows(attended_select, person_ids if people is None else people)
    # The courses are picked here rather than in SQL: given thousands of people and a course filter, SQLite drives
    # the join from the sessions' course index and probes every person for every session (a second, not 10 ms).
    wanted = None if course_ids is None else set(course_ids)
    return {(person_id, course_id): at for person_id, course_id, at in rows if wanted is None or course_id in wanted}


def attended_select(people) -> sa.Select:
    return in_current_cycle(
        sa.select(Attendance.person_id, TrainingSession.course_id, sa.func.max(TrainingSession.starts_at))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.status == "attended", TrainingSession.is_cancelled.is_(False),
               Attendance.person_id.in_(people)),
        Attendance.person_id, TrainingSession.course_id, TrainingSession.starts_at
    ).group_by(Attendance.person_id, TrainingSession.course_id)


def _session_options():
    return (so.joinedload(TrainingSession.course), so.joinedload(TrainingSession.venue).joinedload(Venue.area),
            so.selectinload(TrainingSession.trainers))


class ListedSeats(NamedTuple):
    """How a session in the sessions list stands for the reader: their own place, and the waiting list's length."""

    #: "booked", "waiting" or None
    mine: str | None
    waiting: int


def seats_as_listed(person_id: int, session_ids) -> dict[int, ListedSeats]:
    """For each of these sessions with any live booking: the person's place and how many wait, in one query."""
    session_ids = list(session_ids)
    if not session_ids:
        return {}
    rows = db.session.execute(_LISTED_SEATS, {"person_id": person_id, "sessions": session_ids})
    return {session_id: ListedSeats(mine, waiting) for session_id, mine, waiting in rows}


_LISTED_SEATS = (sa.select(Booking.session_id,
                           sa.func.max(sa.case((Booking.person_id == sa.bindparam("person_id"), Booking.status))),
                           sa.func.count().filter(Booking.status == "waiting"))
                 .where(Booking.session_id.in_(sa.bindparam("sessions", expanding=True)),
                        Booking.status.in_(LIVE_STATUSES))
                 .group_by(Booking.session_id))


def waiting_counts(session_ids) -> dict[int, int]:
    session_ids = list(session_ids)
    if not session_ids:
        return {}
    return dict(db.session.execute(_WAITING_COUNTS, {"sessions": session_ids}).all())


_WAITING_COUNTS = (sa.select(Booking.session_id, sa.func.count())
                   .where(Booking.session_id.in_(sa.bindparam("sessions", expanding=True)), Booking.status == "waiting")
                   .group_by(Booking.session_id))


@dataclass
class SessionFilters:
    area_id: int | None = None
    course_id: int | None = None
    on_or_after: date | None = None


def _london_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def bookable_sessions(person: Person, filters: SessionFilters, now: datetime | None = None,
                      limit: int = 100) -> list[TrainingSession]:
    """Upcoming sessions open to this person's team and area, soonest first.

    Loads what the lists show and no more (the course's title, the venue and its area): on the sessions list,
    loading whole courses cost more than the query itself. Their trainers' names: trainer_names."""
    stmt = _bookable_select(person.team_id is not None, bool(filters.area_id), bool(filters.course_id),
                            bool(filters.on_or_after))
    return list(db.session.scalars(stmt, {
        "now": now or utcnow(), "limit": limit, "team_id": person.team_id, "area_id": filters.area_id,
        "course_id": filters.course_id,
        "since": _london_midnight(filters.on_or_after) if filters.on_or_after else None}))


@cache
def _bookable_select(in_team: bool, in_area: bool, of_course: bool, since: bool) -> sa.Select:
    """bookable_sessions' select for one combination of filters, built once with the values as parameters:
    building and keying it cost more than running it."""
    options = [so.load_only(TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
                            TrainingSession.venue_id, TrainingSession.capacity, TrainingSession.seats_taken,
                            TrainingSession.booking_deadline_at),
               so.joinedload(TrainingSession.course).load_only(Course.slug, Course.title),
               so.joinedload(TrainingSession.venue).joinedload(Venue.area)]
    stmt = (sa.select(TrainingSession).options(*options)
            .where(TrainingSession.is_cancelled.is_(False), TrainingSession.starts_at > sa.bindparam("now"))
            .order_by(TrainingSession.starts_at, TrainingSession.id).limit(sa.bindparam("limit", type_=sa.Integer)))
    no_audience = sa.and_(
        ~sa.exists().where(session_audience_teams.c.session_id == TrainingSession.id),
        ~sa.exists().where(session_audience_areas.c.session_id == TrainingSession.id))
    if not in_team:
        stmt = stmt.where(no_audience)
    else:
        team_id = sa.bindparam("team_id", type_=sa.Integer)
        area_id = sa.select(Team.area_id).where(Team.id == team_id).scalar_subquery()
        stmt = stmt.where(sa.or_(
            no_audience,
            sa.exists().where(session_audience_teams.c.session_id == TrainingSession.id,
                              session_audience_teams.c.team_id == team_id),
            sa.exists().where(session_audience_areas.c.session_id == TrainingSession.id,
                              session_audience_areas.c.area_id == area_id)))
    if in_area:  # a session held online is as near to one area as to any other
        stmt = stmt.where(sa.or_(TrainingSession.venue_id.is_(None), TrainingSession.venue_id.in_(
            sa.select(Venue.id).where(Venue.area_id == sa.bindparam("area_id")))))
    if of_course:
        stmt = stmt.where(TrainingSession.course_id == sa.bindparam("course_id"))
    if since:
        stmt = stmt.where(TrainingSession.starts_at >= sa.bindparam("since"))
    return stmt


_TRAINER_NAMES = (sa.select(session_trainers.c.session_id, Person.given_name, Person.family_name)
                  .join(Person, Person.id == session_trainers.c.person_id)
                  .where(session_trainers.c.session_id.in_(sa.bindparam("sessions", expanding=True)))
                  .order_by(Person.family_name, Person.given_name))


def trainer_names(session_ids) -> dict[int, list[str]]:
    """Each session's trainers' names, by family name as TrainingSession.trainers lists them, in one query: loading
    them as Person objects (a selectinload, whose select SQLAlchemy built again on every load) cost a fifth of
    the sessions list."""
    names: dict[int, list[str]] = {}
    session_ids = list(session_ids)
    if session_ids:
        for session_id, given_name, family_name in db.session.execute(_TRAINER_NAMES, {"sessions": session_ids}):
            names.setdefault(session_id, []).append(person_name(given_name, family_name))
    return names


@dataclass
class CoursePlan:
    """Where an officer stands on a course's session, for the course page."""

    #: the moment it was worked out, for the page's "still time to cancel?"
    now: datetime
    #: a seat or waiting-list place on a session still to come
    booking: Booking | None = None
    #: the person's state on `booking`'s session (lms.sessions.state): the register may have marked them already
    state: str | None = None
    #: whether they may still cancel `booking` themselves
    may_cancel: bool = False
    #: 1 for the first person waiting, when `booking` is a waiting-list place
    position: int | None = None
    #: the latest session of the course they attended, when they have no booking to come
    attended: TrainingSession | None = None
    #: the next sessions they can book, when they have neither
    sessions: list[TrainingSession] = field(default_factory=list)


# course_plan's selects, built once (the course page runs them on every view).
_NEXT_BOOKING = (sa.select(Booking).join(Booking.session)
                 .options(so.contains_eager(Booking.session).joinedload(TrainingSession.venue))
                 .where(Booking.person_id == sa.bindparam("person_id"), Booking.course_id == sa.bindparam("course_id"),
                        Booking.status.in_(LIVE_STATUSES), TrainingSession.is_cancelled.is_(False),
                        TrainingSession.ends_at > sa.bindparam("now"))
                 .order_by(TrainingSession.starts_at).limit(1))
_MARK = sa.select(Attendance).where(Attendance.session_id == sa.bindparam("session_id"),
                                    Attendance.person_id == sa.bindparam("person_id"))
_LAST_ATTENDED = (sa.select(TrainingSession).join(Attendance, Attendance.session_id == TrainingSession.id)
                  .options(so.joinedload(TrainingSession.venue))
                  .where(Attendance.person_id == sa.bindparam("person_id"), Attendance.status == "attended",
                         TrainingSession.course_id == sa.bindparam("course_id"),
                         TrainingSession.is_cancelled.is_(False))
                  .order_by(TrainingSession.starts_at.desc()).limit(1))


def course_plan(person: Person, course: Course, now: datetime | None = None, limit: int = 3) -> CoursePlan:
    """The officer's booking on the course's next session, else the session they attended, else the next few they
    can book: a handful of queries, however many sessions the course has."""
    now = now or utcnow()
    ids = {"person_id": person.id, "course_id": course.id}
    booking = db.session.scalar(_NEXT_BOOKING, {**ids, "now": now})
    if booking is not None:
        mark = db.session.scalar(_MARK, {"person_id": person.id, "session_id": booking.session_id})
        return CoursePlan(now, booking=booking, state=booking_state(booking, mark),
                          may_cancel=cancel_refusal(person, booking, now, mark and mark.status) is None,
                          position=waiting_position(booking) if booking.status == "waiting" else None)
    attended = db.session.scalar(_LAST_ATTENDED, ids)
    if attended is not None:
        return CoursePlan(now, attended=attended)
    return CoursePlan(now, sessions=bookable_sessions(person, SessionFilters(course_id=course.id), now, limit=limit))


def live_bookings_by_session(person_id: int, session_ids) -> dict[int, Booking]:
    session_ids = list(session_ids)
    if not session_ids:
        return {}
    bookings = db.session.scalars(_LIVE_BOOKINGS, {"person_id": person_id, "sessions": session_ids})
    return {booking.session_id: booking for booking in bookings}


_LIVE_BOOKINGS = sa.select(Booking).where(Booking.person_id == sa.bindparam("person_id"),
                                          Booking.session_id.in_(sa.bindparam("sessions", expanding=True)),
                                          Booking.status.in_(LIVE_STATUSES))


def trainer_sessions(*, upcoming: bool, now: datetime | None = None, limit: int = 100, offset: int = 0,
                     trainer_id: int | None = None) -> list[TrainingSession]:
    """Sessions for the trainers' list, all or one trainer's: upcoming soonest first, or past latest first."""
    now = now or utcnow()
    stmt = sa.select(TrainingSession).options(*_session_options()).limit(limit).offset(offset)
    if trainer_id is not None:
        stmt = stmt.where(TrainingSession.trainers.any(Person.id == trainer_id))
    if upcoming:
        stmt = stmt.where(TrainingSession.ends_at > now).order_by(TrainingSession.starts_at, TrainingSession.id)
    else:
        stmt = stmt.where(TrainingSession.ends_at <= now).order_by(TrainingSession.starts_at.desc(),
                                                                  TrainingSession.id.desc())
    return list(db.session.scalars(stmt))


def roster(session: TrainingSession) -> tuple[list[Booking], list[Booking]]:
    """Who is booked, and who is waiting in the order they will move up."""
    bookings = db.session.scalars(
        sa.select(Booking).where(Booking.session_id == session.id, Booking.status.in_(LIVE_STATUSES))
        .options(so.joinedload(Booking.person).joinedload(Person.team).joinedload(Team.area))
        .order_by(Booking.created_at, Booking.id)).all()
    return ([b for b in bookings if b.status == "booked"], [b for b in bookings if b.status == "waiting"])


def waiting_position(booking: Booking) -> int:
    """1 for the first person waiting."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking).where(
        Booking.session_id == booking.session_id, Booking.status == "waiting",
        sa.or_(Booking.created_at < booking.created_at,
               sa.and_(Booking.created_at == booking.created_at, Booking.id < booking.id)))) + 1


@dataclass
class RegisterRow:
    person: Person
    attendance: Attendance | None
    is_booked: bool


def register_rows(session: TrainingSession) -> list[RegisterRow]:
    """Everyone booked plus any walk-ins, by family name, with their mark if any (two queries)."""
    booked, _ = roster(session)
    attendances = db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == session.id)
        .options(so.joinedload(Attendance.person).joinedload(Person.team).joinedload(Team.area))).all()
    by_person = {attendance.person_id: attendance for attendance in attendances}
    rows = [RegisterRow(b.person, by_person.pop(b.person_id, None), True) for b in booked]
    rows += [RegisterRow(a.person, a, False) for a in by_person.values()]
    return sorted(rows, key=lambda row: (row.person.family_name, row.person.given_name, row.person.id))


@dataclass
class SessionOutcome:
    """One line of My sessions: a session, the person's booking on it (None for a walk-in), their state on it
    (lms.sessions.state) and whether they may still cancel."""

    session: TrainingSession
    booking: Booking | None
    state: str
    may_cancel: bool


def sessions_with_person(person: Person, now: datetime | None = None) -> tuple[list[SessionOutcome],
                                                                                list[SessionOutcome]]:
    """A person's sessions still to come (soonest first) and their past ones with the outcome (latest first): seats,
    waiting-list places and bookings on cancelled sessions, and any session the register has them on (a walk-in
    too). Three queries."""
    now = now or utcnow()
    options = (so.joinedload(TrainingSession.course), so.joinedload(TrainingSession.venue))
    bookings = db.session.scalars(
        sa.select(Booking).join(Booking.session)
        .options(*(so.contains_eager(Booking.session).options(option) for option in options))
        .where(Booking.person_id == person.id, sa.or_(Booking.status.in_(LIVE_STATUSES),
                                                      TrainingSession.is_cancelled.is_(True)))
        .order_by(Booking.id)).all()
    marks = db.session.scalars(
        sa.select(Attendance).where(Attendance.person_id == person.id)
        .options(so.joinedload(Attendance.session).options(*options))).all()
    by_session = {booking.session_id: booking for booking in bookings}  # the newest booking on each session wins
    by_mark = {mark.session_id: mark for mark in marks}
    rows = []
    for session_id in by_session.keys() | by_mark.keys():
        found, mark = by_session.get(session_id), by_mark.get(session_id)
        session = found.session if found else mark.session
        current = booking_state(found, mark)
        if session.ends_at <= now and current == "waiting":
            continue  # a place in a queue that never reached them is not a session they had
        may_cancel = (current in LIVE_STATUSES and not session.is_cancelled
                      and cancel_refusal(person, found, now, None) is None)
        rows.append(SessionOutcome(session, found, current, may_cancel))
    rows.sort(key=lambda row: (row.session.starts_at, row.session.id))
    return ([row for row in rows if row.session.ends_at > now],
            [row for row in reversed(rows) if row.session.ends_at <= now])


def feed_bookings(person_id: int, now: datetime | None = None) -> list[Booking]:
    """What a personal calendar feed shows: seats held, and the last 60 days' cancellations (as cancelled)."""
    now = now or utcnow()
    since = now - timedelta(days=60)
    return list(db.session.scalars(
        sa.select(Booking).join(Booking.session)
        .options(so.contains_eager(Booking.session).joinedload(TrainingSession.course),
                 so.contains_eager(Booking.session).joinedload(TrainingSession.venue),
                 so.contains_eager(Booking.session).selectinload(TrainingSession.trainers))
        .where(Booking.person_id == person_id, TrainingSession.ends_at > since,
               sa.or_(Booking.status == "booked", sa.and_(Booking.status == "cancelled", Booking.cancelled_at > since)))
        .order_by(TrainingSession.starts_at, Booking.id)))


def live_feed(person_id: int) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.person_id == person_id,
                                                           CalendarFeed.revoked_at.is_(None))
                             .order_by(CalendarFeed.id.desc()).limit(1))



def team_bookings(team_ids, now: datetime | None = None, *, until: datetime | None = None,
                  limit: int | None = 500) -> list[Booking]:
    """Live bookings of the people in these teams, for sessions still to come (starting before `until`, if given)."""
    team_ids = list(team_ids)
    if not team_ids:
        return []
    stmt = (sa.select(Booking).join(Booking.session).join(Booking.person)
            .options(so.contains_eager(Booking.session).joinedload(TrainingSession.course),
                     so.contains_eager(Booking.person).joinedload(Person.team).joinedload(Team.area))
            .where(Person.team_id.in_(team_ids), Booking.status.in_(LIVE_STATUSES),
                   TrainingSession.ends_at > (now or utcnow()))
            .order_by(TrainingSession.starts_at, Person.family_name).limit(limit))
    if until is not None:
        stmt = stmt.where(TrainingSession.starts_at < until)
    return list(db.session.scalars(stmt))


def team_no_shows(team_ids, days: int = 180, *, statuses: tuple[str, ...] = ("absent", "excused"),
                  limit: int | None = 500) -> list[Attendance]:
    """Absences (excused or not, or those of `statuses`) of people in these teams over the last `days` days, latest
    first."""
    team_ids = list(team_ids)
    if not team_ids:
        return []
    since = utcnow() - timedelta(days=days)
    return list(db.session.scalars(
        sa.select(Attendance).join(Attendance.session).join(Attendance.person)
        .options(so.contains_eager(Attendance.session).joinedload(TrainingSession.course),
                 so.contains_eager(Attendance.person).joinedload(Person.team).joinedload(Team.area))
        .where(Person.team_id.in_(team_ids), Attendance.status.in_(statuses),
               TrainingSession.starts_at > since)
        .order_by(TrainingSession.starts_at.desc(), Person.family_name).limit(limit)))


def team_members(team_ids) -> list[Person]:
    team_ids = list(team_ids)
    if not team_ids:
        return []
    return list(db.session.scalars(sa.select(Person).where(Person.team_id.in_(team_ids),
                                                           Person.is_active_account.is_(True))
                                   .order_by(Person.family_name, Person.given_name).limit(1000)))


class CourseChoice(NamedTuple):
    id: int
    title: str


def courses_with_sessions() -> list[CourseChoice]:
    """The live courses as (id, title), for choosing one in the sessions' filters and forms; kept until the content
    changes (lms.content.cache)."""
    return cached(("sessions.course_choices",),
                  lambda: [CourseChoice(*row) for row in db.session.execute(_COURSES_BY_TITLE)])


_COURSES_BY_TITLE = (sa.select(Course.id, Course.title).where(Course.is_retired.is_(False))
                     .order_by(Course.position, Course.title))


def other_sessions_of_course(session: TrainingSession, now: datetime | None = None) -> list[TrainingSession]:
    """Where a trainer can move someone: the course's other sessions still to come."""
    return list(db.session.scalars(
        sa.select(TrainingSession).where(TrainingSession.course_id == session.course_id,
                                         TrainingSession.id != session.id, TrainingSession.is_cancelled.is_(False),
                                         TrainingSession.starts_at > (now or utcnow()))
        .options(so.joinedload(TrainingSession.venue).joinedload(Venue.area))
        .order_by(TrainingSession.starts_at, TrainingSession.id).limit(50)))


def open_sessions_of_course(course_id: int, now: datetime | None = None, limit: int = 50) -> list[TrainingSession]:
    """The course's sessions still open for booking (not cancelled, before their deadline), soonest first: what a
    supervisor books a team onto."""
    now = now or utcnow()
    return list(db.session.scalars(
        sa.select(TrainingSession).where(
            TrainingSession.course_id == course_id, TrainingSession.is_cancelled.is_(False),
            TrainingSession.starts_at > now,
            sa.func.coalesce(TrainingSession.booking_deadline_at, TrainingSession.starts_at) >= now)
        .options(so.joinedload(TrainingSession.venue).joinedload(Venue.area))
        .order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit)))


def next_with_seats(sessions: list[TrainingSession], area_ids) -> TrainingSession | None:
    """The soonest of `sessions` with a seat left, held in one of these areas or online (as near to one area as to
    any other, as the sessions list's area filter has it)."""
    return next((session for session in sessions if session.seats_left > 0
                 and (session.venue is None or session.venue.area_id in area_ids)), None)


def find_people(query: str, limit: int = 20) -> list[Person]:
    """Active people matching a name, email or service number: for booking someone in or adding a walk-in."""
    if not query:
        return []
    return list(db.session.scalars(people_filtered(q=query, area_id=None, team_id=None, rank=None, role=None,
                                                   status="active").limit(limit)))


def venues(active_only: bool = False) -> list[Venue]:
    stmt = sa.select(Venue).options(so.joinedload(Venue.area)).order_by(Venue.name)
    if active_only:
        stmt = stmt.where(Venue.is_active.is_(True))
    return list(db.session.scalars(stmt))


def trainers() -> list[Person]:
    from lms.people.models import RoleGrant

    return list(db.session.scalars(sa.select(Person).where(
        Person.is_active_account.is_(True), Person.role_grants.any(RoleGrant.role == "trainer"))
        .order_by(Person.family_name, Person.given_name)))
