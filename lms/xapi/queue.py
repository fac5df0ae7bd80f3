"""Queue statements for sending: the events of a request are queued in its own transaction, each event once."""
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql, sqlite

from lms.courses.models import AttemptQuestion, ModuleRead, QuizAttempt
from lms.extensions import db
from lms.people.models import Person
from lms.sessions.models import Attendance
from lms.timeutil import utcnow
from lms.xapi.models import XapiStatement
from lms.xapi.statements import people_by_id, statements_for, subject_of, voiding

#: rows of learning (each with a person_id) whose change means new statements for their person
TRACKED: list[type] = [ModuleRead, QuizAttempt, Attendance]
CHUNK = 500


def is_on() -> bool:
    """Statements are queued only for a store that is set up: with no XAPI_ENDPOINT, nothing queues."""
    return bool(current_app.config.get("XAPI_ENDPOINT"))


def queue(statements: list[dict], people: list[Person]) -> int:
    """Add the statements not yet queued (ever: sent ones stay) and return how many; racing requests that queue the
    same event are settled by the unique statement id, so neither fails."""
    owner = {person.service_number: person.id for person in people}
    new = []
    for start in range(0, len(statements), CHUNK):
        chunk = statements[start:start + CHUNK]
        queued = set(db.session.scalars(sa.select(XapiStatement.statement_id).where(
            XapiStatement.statement_id.in_([statement["id"] for statement in chunk]))))
        new += [statement for statement in chunk if statement["id"] not in queued]
    if not new:
        return 0
    now = utcnow()
    new += _void_corrected(new, now)
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)
    db.session.execute(insert(XapiStatement).on_conflict_do_nothing(index_elements=["statement_id"]), [
        {"statement_id": statement["id"], "person_id": owner.get(statement["actor"]["account"]["name"]),
         "subject": subject_of(statement), "is_voided": False,
         "body": statement, "status": "pending", "due_at": now, "attempts": 0, "last_error": "", "created_at": now}
        for statement in new])
    return len(new)


def _void_corrected(new: list[dict], now) -> list[dict]:
    """Voiding statements for those queued before about the same thing as a new one (a register mark corrected from
    attended to absent, or back): the store then counts only the latest mark."""
    subjects = {subject_of(statement) for statement in new} - {None}
    if not subjects:
        return []
    stale = db.session.scalars(sa.select(XapiStatement).where(
        XapiStatement.subject.in_(subjects), XapiStatement.is_voided.is_(False),
        XapiStatement.statement_id.not_in([statement["id"] for statement in new]))).all()
    for row in stale:
        row.is_voided = True
    return [voiding(row.body, now) for row in stale]


def queue_for(person_ids) -> int:
    """Queue whatever these officers have done that is not queued yet."""
    if not is_on() or not person_ids:
        return 0
    people = people_by_id(person_ids)
    return queue(statements_for(people), people)


def backfill(chunk: int = 200) -> int:
    """Queue the statements of everything done before the store was set up (running it again queues nothing)."""
    total = 0
    ids = list(db.session.scalars(sa.select(Person.id).order_by(Person.id)))
    for start in range(0, len(ids), chunk):
        total += queue_for(ids[start:start + chunk])
        db.session.commit()
    return total


# Learning is recorded by several domains (courses, the register); rather than each of them calling here, the
# statements of the people whose learning rows changed are queued as the unit of work commits, in its transaction.

def track(model: type) -> None:
    """Queue a person's statements when a row of `model` (which has a person_id) is added or changed: for a domain
    that registers a statement source in lms.xapi.statements."""
    if model not in TRACKED:
        TRACKED.append(model)


def _note_changes(session: so.Session, flush_context) -> None:
    if not has_app_context() or not is_on():
        return
    people = session.info.setdefault("xapi_people", set())
    attempts = session.info.setdefault("xapi_attempts", set())
    for row in chain(session.new, session.dirty):
        if isinstance(row, tuple(TRACKED)):
            people.add(row.person_id)
        elif isinstance(row, AttemptQuestion):  # a submission updates its attempt with a statement, not the ORM
            attempts.add(row.attempt_id)


def _queue_noted(session: so.Session) -> None:
    if not has_app_context() or not is_on():
        _forget_noted(session)
        return
    session.flush()  # commit flushes after this hook: note what is still pending first
    people, attempts = session.info.pop("xapi_people", set()), session.info.pop("xapi_attempts", set())
    if not (people or attempts):
        return
    if attempts:
        people |= set(session.scalars(sa.select(QuizAttempt.person_id).where(QuizAttempt.id.in_(attempts))))
    queue_for(people)


def _forget_noted(session: so.Session) -> None:
    session.info.pop("xapi_people", None)
    session.info.pop("xapi_attempts", None)


def _forget_noted_on_rollback(session: so.Session, previous_transaction) -> None:
    """Forget what a rolled-back unit of work changed; a savepoint rolled back inside it (a race lost, say) leaves
    the rest of the unit to be queued."""
    if previous_transaction.parent is None:
        _forget_noted(session)


def init_app(app) -> None:
    for name, listener in (("after_flush", _note_changes), ("before_commit", _queue_noted),
                           ("after_soft_rollback", _forget_noted_on_rollback)):
        if not sa.event.contains(so.Session, name, listener):
            sa.event.listen(so.Session, name, listener)
