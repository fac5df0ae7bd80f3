"""Read-side selects for the reports: the people in scope, and the few aggregates the snapshot needs.

Every function takes the teams in scope and runs a fixed number of queries, however many officers they hold.
"""
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.completion.cache import kept_until_change
from lms.completion.load import london_day
from lms.completion.rule import Learner
from lms.courses.models import Course, Module, ModuleRead, QuizAttempt
from lms.courses.progress import Population
from lms.extensions import db
from lms.people.models import Area, Person, RoleGrant, Team, team_full_name
from lms.reports.models import Delegation, Nudge, ProgrammeTarget, area_leads
from lms.sessions.models import Attendance, Booking, TrainingSession
from lms.timeutil import utcnow


class Member(NamedTuple):
    """One officer as the reports show them: a plain row, so thousands load without building ORM objects."""

    id: int
    service_number: str
    given_name: str
    family_name: str
    rank: str
    email: str
    created_at: datetime
    team_id: int
    team_name: str
    team_type: str
    area_id: int
    area_name: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def sort_name(self) -> tuple:
        """Name order whatever the case ("de Souza" among the Ds); the database's order may differ."""
        return (self.family_name.lower(), self.given_name.lower(), self.id)

    @property
    def learner(self) -> Learner:
        return Learner(self.id, self.rank, self.team_type, london_day(self.created_at))


#: the teams of a report, as the parameter of the selects below, built once: on a page that runs a dozen of them,
#: building and keying them cost more than running them
TEAMS = sa.bindparam("teams", expanding=True)


def _in_population(team_ids) -> tuple:
    return (Person.team_id.in_(team_ids if team_ids is TEAMS else list(team_ids)), Person.is_active_account.is_(True),
            Person.role_grants.any(RoleGrant.role == "officer"))


def population(team_ids):
    """A select of the ids of the people the reports cover: active officers (learners) in these teams."""
    return sa.select(Person.id).where(*_in_population(team_ids))


_POPULATION = population(TEAMS)


def covered(team_ids) -> Population:
    """The people the reports cover in these teams (as population), for the bulk loaders of lms.completion."""
    return Population(_POPULATION, {"teams": list(team_ids)})


_MEMBERS = (sa.select(Person.id, Person.service_number, Person.given_name, Person.family_name, Person.rank,
                      Person.email, Person.created_at, Team.id, Team.name, Team.team_type, Area.id, Area.name)
            .join(Team, Team.id == Person.team_id).join(Area, Area.id == Team.area_id)
            .where(*_in_population(TEAMS))
            .order_by(Person.family_name, Person.given_name, Person.id))


def members(team_ids) -> list[Member]:
    """The active officers of these teams, with their team and area, by family name (one query)."""
    team_ids = list(team_ids)
    if not team_ids:
        return []
    return [Member(*row) for row in db.session.connection().execute(_MEMBERS, {"teams": team_ids})]


class TeamLine(NamedTuple):
    """A team as the reports' filters list it: a plain row, kept with the statuses (teams and areas are training
    data), so a force's hundreds of teams are not loaded as objects on every page."""

    id: int
    name: str
    area_id: int
    area_name: str

    @property
    def full_name(self) -> str:
        return team_full_name(self.area_name, self.name)


_TEAMS_WITH_AREAS = (sa.select(Team.id, Team.name, Area.id, Area.name).join(Team.area)
                     .where(Team.id.in_(TEAMS)).order_by(Area.name, Team.name))


def teams_with_areas(team_ids) -> list[TeamLine]:
    """These teams with their areas' names, by area and name: one query, then none while training data is
    unchanged."""
    team_ids = frozenset(team_ids)
    return kept_until_change(("teams with areas", team_ids), utcnow(), lambda: ([TeamLine(*row) for row in (
        db.session.connection().execute(_TEAMS_WITH_AREAS, {"teams": list(team_ids)}))], datetime.max))


def last_nudges(person_ids, since: datetime) -> dict[int, datetime]:
    """When each of these people was last nudged, if it was after `since` (one query)."""
    person_ids = list(person_ids)
    if not person_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Nudge.person_id, sa.func.max(Nudge.sent_at))
        .where(Nudge.person_id.in_(person_ids), Nudge.sent_at > since).group_by(Nudge.person_id)).all())


def programme_targets() -> list[ProgrammeTarget]:
    return list(db.session.scalars(sa.select(ProgrammeTarget).options(so.joinedload(ProgrammeTarget.course))
                                   .order_by(ProgrammeTarget.id)))


def delegations_involving(user: Person, since) -> list[Delegation]:
    """Delegations `user` gave or was given that have not ended before `since`, soonest first."""
    return list(db.session.scalars(
        sa.select(Delegation).options(so.joinedload(Delegation.from_person), so.joinedload(Delegation.to_person))
        .where(sa.or_(Delegation.from_person_id == user.id, Delegation.to_person_id == user.id),
               Delegation.ends_on >= since)
        .order_by(Delegation.starts_on, Delegation.id)))


def all_current_delegations(since) -> list[Delegation]:
    """For admins: every delegation that has not ended before `since`."""
    return list(db.session.scalars(
        sa.select(Delegation).options(so.joinedload(Delegation.from_person), so.joinedload(Delegation.to_person))
        .where(Delegation.ends_on >= since).order_by(Delegation.starts_on, Delegation.id).limit(500)))


def area_lead_rows() -> list[tuple[Area, Person]]:
    return list(db.session.execute(
        sa.select(Area, Person).join(area_leads, area_leads.c.area_id == Area.id)
        .join(Person, Person.id == area_leads.c.person_id).order_by(Area.name, Person.family_name)).tuples())


def person_by_identifier(text: str) -> Person | None:
    """Find someone by email or service number, as a supervisor types it."""
    text = (text or "").strip()
    if not text:
        return None
    return db.session.scalar(sa.select(Person).where(sa.or_(sa.func.lower(Person.email) == text.lower(),
                                                            sa.func.upper(Person.service_number) == text.upper())))


# The transcript: one person's whole record (a handful of queries, one per kind of thing done).

def modules_read_by(person_id: int) -> list[tuple[ModuleRead, Module]]:
    return list(db.session.execute(
        sa.select(ModuleRead, Module).join(Module, Module.id == ModuleRead.module_id)
        .where(ModuleRead.person_id == person_id).order_by(Module.course_id, Module.number)).tuples())


def attempts_by(person_id: int) -> list[QuizAttempt]:
    return list(db.session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.person_id == person_id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.course_id, QuizAttempt.submitted_at)))


def sessions_of(person_id: int) -> list[tuple[Booking | None, Attendance | None, TrainingSession]]:
    """Every session the person was booked on or marked on the register of, by date (two queries)."""
    bookings = db.session.scalars(
        sa.select(Booking).options(so.joinedload(Booking.session).joinedload(TrainingSession.venue))
        .where(Booking.person_id == person_id, Booking.status != "cancelled")).all()
    marks = db.session.scalars(
        sa.select(Attendance).options(so.joinedload(Attendance.session).joinedload(TrainingSession.venue))
        .where(Attendance.person_id == person_id)).all()
    by_session: dict[int, list] = {}
    for booking in bookings:
        by_session[booking.session_id] = [booking, None, booking.session]
    for mark in marks:
        by_session.setdefault(mark.session_id, [None, None, mark.session])[1] = mark
    return sorted((tuple(item) for item in by_session.values()), key=lambda item: item[2].starts_at)


# The snapshot's aggregates, for the people in scope.

def score_counts(course: Course, people) -> list[tuple[int, bool, int]]:
    """(score percent, passed, how many) of the submitted attempts of these people on the course."""
    return list(db.session.execute(
        sa.select(QuizAttempt.score_percent, QuizAttempt.is_passed, sa.func.count())
        .where(QuizAttempt.course_id == course.id, QuizAttempt.submitted_at.is_not(None),
               QuizAttempt.person_id.in_(people.scalar_subquery()))
        .group_by(QuizAttempt.score_percent, QuizAttempt.is_passed)).tuples())


def first_attempts(course: Course, people) -> tuple[int, int]:
    """(people who have submitted an attempt, of whom passed at the first attempt)."""
    first = (sa.select(sa.func.min(QuizAttempt.id).label("id"))
             .where(QuizAttempt.course_id == course.id, QuizAttempt.submitted_at.is_not(None),
                    QuizAttempt.person_id.in_(people.scalar_subquery()))
             .group_by(QuizAttempt.person_id).subquery())
    total, passed = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(QuizAttempt.is_passed.is_(True)))
        .select_from(QuizAttempt).join(first, first.c.id == QuizAttempt.id)).one()
    return total, passed


def register_counts(course: Course, team_ids, since: datetime) -> dict[str, int]:
    """How the register marked the people of these teams at the course's sessions since `since`: {status: count}."""
    # EXISTS, not IN (the people): given IN, SQLite probes every person for every session (300 ms, not 3).
    in_teams = sa.exists().where(Person.id == Attendance.person_id, *_in_population(team_ids))
    return dict(db.session.execute(
        sa.select(Attendance.status, sa.func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(TrainingSession.course_id == course.id, TrainingSession.is_cancelled.is_(False),
               TrainingSession.starts_at >= since, in_teams)
        .group_by(Attendance.status)).all())


def year_ago(now: datetime) -> datetime:
    return now - timedelta(days=365)
