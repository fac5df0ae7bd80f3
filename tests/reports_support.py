"""Helpers for the completion and reports tests: a force of two teams in two areas, and training done in one line."""
import csv
import io
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from lms.courses.models import AttemptQuestion, Course, Module, ModuleRead, QuizAttempt, QuizVersion, option_bit
from lms.extensions import db
from lms.sessions.models import Attendance, Booking, TrainingSession
from lms.timeutil import utcnow

SLUG = "witness-basics"


@pytest.fixture
def course(synced_content) -> Course:
    return db.session.scalar(sa.select(Course).where(Course.slug == SLUG))


class Force:
    """Two areas, a team in each, a sergeant supervising each team, and officers."""

    def __init__(self, make_person, make_team):
        self.make_person = make_person
        self.team_a = make_team("Response Team A", area="Northtown")
        self.team_b = make_team("Response Team B", area="Southport")
        self.sergeant_a = make_person(roles=("officer", "supervisor"), rank="PS", team=self.team_a,
                                      supervises=[self.team_a], given_name="Sarah", family_name="Sergeant")
        self.sergeant_b = make_person(roles=("officer", "supervisor"), rank="PS", team=self.team_b,
                                      supervises=[self.team_b], given_name="Ben", family_name="Sergeant")
        self.officer_a = make_person(team=self.team_a, given_name="Amy", family_name="Able")
        self.officer_b = make_person(team=self.team_b, given_name="Bob", family_name="Baker")
        self.admin = make_person(roles=("admin",), rank="STAFF", given_name="Ada", family_name="Admin")

    def officer(self, team=None, **fields):
        return self.make_person(team=team or self.team_a, **fields)


@pytest.fixture
def force(make_person, make_team) -> Force:
    return Force(make_person, make_team)


def ago(days: float = 0, hours: float = 0) -> datetime:
    return utcnow().replace(microsecond=0) - timedelta(days=days, hours=hours)


def read_modules(person, course: Course, at: datetime | None = None, count: int | None = None) -> None:
    """Mark the first `count` modules (all by default) read, the last of them at `at` (those already read stay)."""
    modules = db.session.scalars(sa.select(Module).where(Module.course_id == course.id, Module.is_retired.is_(False))
                                 .order_by(Module.number)).all()
    modules = modules[:len(modules) if count is None else count]
    done = set(db.session.scalars(sa.select(ModuleRead.module_id).where(ModuleRead.person_id == person.id)))
    at = at or ago(10)
    for place, module in enumerate(modules):
        if module.id not in done:
            db.session.add(ModuleRead(person_id=person.id, module_id=module.id,
                                      read_at=at - timedelta(hours=len(modules) - 1 - place)))
    db.session.commit()


def attempt(person, course: Course, *, passed: bool = True, at: datetime | None = None,
            score: int | None = None, wrong: set[int] = frozenset()) -> QuizAttempt:
    """A submitted attempt, with its answers (right except the question positions in `wrong`)."""
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                             QuizVersion.is_current.is_(True)))
    at = at or ago(5)
    item = QuizAttempt(person_id=person.id, course_id=course.id, version_id=version.id, started_at=at,
                       submitted_at=at, pass_mark=course.pass_mark,
                       score_percent=score if score is not None else (100 if passed else 25), is_passed=passed,
                       points=0)
    for position, question in enumerate(version.questions, start=1):
        right = [option for option in question.options if option.is_correct]
        chosen = right if position not in wrong else [next(o for o in question.options if not o.is_correct)]
        item.questions.append(AttemptQuestion(question_id=question.id, position=position,
                                              option_order=[o.id for o in question.options],
                                              is_correct=position not in wrong, credit=float(position not in wrong),
                                              chosen_mask=sum(option_bit(o.position) for o in chosen)))
    db.session.add(item)
    db.session.commit()
    return item


def session_of(course: Course, starts: datetime, **fields) -> TrainingSession:
    session = TrainingSession(course_id=course.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                              online_url="https://meet.example/room", capacity=8, **fields)
    db.session.add(session)
    db.session.commit()
    return session


def attend(person, course: Course, at: datetime | None = None, status: str = "attended",
           walk_in: bool = False) -> TrainingSession:
    """A past session the person was booked on (or walked in to) and how the register marked them."""
    session = session_of(course, at or ago(2), seats_taken=0 if walk_in else 1)
    if not walk_in:
        db.session.add(Booking(session_id=session.id, person_id=person.id, course_id=course.id, status="booked"))
    db.session.add(Attendance(session_id=session.id, person_id=person.id, status=status, is_walk_in=walk_in))
    db.session.commit()
    return session


def book(person, course: Course, days_ahead: float = 7, status: str = "booked") -> TrainingSession:
    session = session_of(course, utcnow().replace(microsecond=0) + timedelta(days=days_ahead), seats_taken=1)
    db.session.add(Booking(session_id=session.id, person_id=person.id, course_id=course.id, status=status))
    db.session.commit()
    return session


def complete(person, course: Course, at: datetime | None = None) -> None:
    """Read every module, pass the quiz and attend a session, the session last, at `at`."""
    at = at or ago(3)
    read_modules(person, course, at - timedelta(days=2))
    attempt(person, course, at=at - timedelta(days=1))
    attend(person, course, at)


def set_due(course: Course, **dates) -> None:
    """Give the course due dates: set_due(course, default="2026-01-31", PS="2025-12-31")."""
    course.due_dates = dict(dates)
    db.session.commit()


class _Tables(HTMLParser):
    """Every <table data-block> on a page: its caption-free rows of cell texts (th and td), header row first.
    Cells marked data-export="no" (buttons) are left out, as the download leaves them out."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-block" in attrs:
            self.tables.append((attrs["data-block"], []))
        elif not self.tables:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._skip = attrs.get("data-export") == "no"

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            if not self._skip:
                self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None and not self._in_caption:
            self._cell.append(data)


def page_tables(html: str) -> list[tuple[str, list[list[str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(text: str) -> list[list[str]]:
    return [[" ".join(cell.split()) for cell in row] for row in csv.reader(io.StringIO(text))]


def flash_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
