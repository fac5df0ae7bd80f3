"""An officer's CPD record to take elsewhere: completions, sessions attended and acknowledgements, and the xAPI
statements of their learning."""
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.completion.load import learner_of, load_records
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Person
from lms.records.models import Certificate
from lms.reports.tables import Block
from lms.sessions.models import Attendance, TrainingSession
from lms.timeutil import format_date, format_datetime
from lms.xapi.statements import statements_for

#: Sources of "acknowledged" rows for the CPD record: each takes a person and returns rows of
#: [what was acknowledged, its version, when (a datetime)]. The app factory registers guidance acknowledgements'
#: (`register_acknowledgements`); the section appears once a source is registered.
ACKNOWLEDGEMENT_SOURCES: list[Callable[[Person], list[list]]] = []


def register_acknowledgements(source: Callable[[Person], list[list]]) -> None:
    if source not in ACKNOWLEDGEMENT_SOURCES:
        ACKNOWLEDGEMENT_SOURCES.append(source)


def _completions(person: Person) -> Block:
    courses = list(db.session.scalars(sa.select(Course).order_by(Course.position, Course.title)))
    records = load_records([learner_of(person)], courses)
    codes = {(certificate.course_id, certificate.completed_on): certificate.code for certificate in
             db.session.scalars(sa.select(Certificate).where(Certificate.person_id == person.id))}
    rows = []
    for course in courses:
        status = records[(person.id, course.id)].status
        for day in sorted({status.completed_on, status.previous_completed_on} - {None}, reverse=True):
            rows.append([course.title, format_date(day), ", ".join(course.completion or ()),
                         codes.get((course.id, day), "")])
    return Block("Completions", ["Course", "Completed on", "Parts", "Certificate code"], rows)


def _sessions(person: Person) -> Block:
    rows = db.session.execute(
        sa.select(TrainingSession, Course).join(Attendance, Attendance.session_id == TrainingSession.id)
        .join(Course, Course.id == TrainingSession.course_id).options(so.joinedload(TrainingSession.venue))
        .where(Attendance.person_id == person.id, Attendance.status == "attended",
               TrainingSession.is_cancelled.is_(False)).order_by(TrainingSession.starts_at)).tuples()
    return Block("Sessions attended", ["Course", "Date", "Hours", "Where"], [
        [course.title, format_datetime(session.starts_at),
         round((session.ends_at - session.starts_at).total_seconds() / 3600, 2), session.where]
        for session, course in rows])


def _acknowledgements(person: Person) -> list[Block]:
    if not ACKNOWLEDGEMENT_SOURCES:
        return []
    rows = [row for source in ACKNOWLEDGEMENT_SOURCES for row in source(person)]
    return [Block("Acknowledgements", ["Guidance", "Version", "Acknowledged on"],
                  [[what, version, format_datetime(at)] for what, version, at in rows])]


def blocks(person: Person) -> list[Block]:
    header = Block("CPD record", ["Name", "Service number"], [[person.name, person.service_number]])
    return [header, _completions(person), _sessions(person), *_acknowledgements(person)]


def statements(person: Person) -> list[dict]:
    """The xAPI statements of the person's learning, as the learning record store receives them."""
    return statements_for([person])
