"""Build xAPI 1.0.3 statements for officers' learning from the database, the same statements every time.

Each learning event becomes one statement whose id is a uuid5 of the event (not of the moment it was built), so
building again, queueing again or sending again never makes a second statement for one event. The builders read
in a fixed number of queries for any number of officers.

Verbs and activity types come from ADL's vocabulary where one fits (see docs/XAPI.md); "missed" has none, so the
site names its own.
"""
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, time, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from lms.completion.load import learner_of, statuses
from lms.courses.models import Course, Module, ModuleRead, QuizAttempt
from lms.extensions import db
from lms.people.models import Person
from lms.sessions.models import Attendance, TrainingSession
from lms.timeutil import from_london, to_london

#: (person id, course id) → when they did a part of the course's rule: a completion is dated by the last of them
Events = dict[tuple[int, int], list[datetime]]

XAPI_VERSION = "1.0.3"
ADL_VERB = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"
#: verb name → IRI: ADL's where it has one
VERBS = {
    "experienced": ADL_VERB + "experienced",
    "attempted": ADL_VERB + "attempted",
    "passed": ADL_VERB + "passed",
    "failed": ADL_VERB + "failed",
    "completed": ADL_VERB + "completed",
    "attended": ADL_VERB + "attended",
}
#: the site's own verbs, as paths under SITE_URL: ADL has none for not turning up to a booked event, or for
#: confirming one has read a version of a guidance page
SITE_VERBS = {"missed": "/xapi/verbs/missed", "acknowledged": "/xapi/verbs/acknowledged"}
#: what the site's own verbs mean, served at their IRIs (xAPI's identifier metadata: an IRI should resolve to it)
SITE_VERB_MEANINGS = {
    "missed": "Was booked on a small-group session and did not attend it (an excused absence is not missed).",
    "acknowledged": "Confirmed having read a version of a guidance page.",
}
ACTIVITY_TYPES = {
    "course": ADL_ACTIVITY + "course",
    "module": ADL_ACTIVITY + "module",
    "quiz": ADL_ACTIVITY + "assessment",
    "session": ADL_ACTIVITY + "meeting",
    # ADL has no type for a written policy one is asked to read; the registry most stores know (tincanapi.com) does
    "guidance": "http://id.tincanapi.com/activitytype/document",
}
#: the attendance marks that make a statement (an excused absence is neither attended nor missed)
ATTENDANCE_VERBS = {"attended": "attended", "absent": "missed"}
#: verbs of statements that a correction can make untrue (the register), so a later one voids them
CORRECTABLE_VERBS = frozenset(ATTENDANCE_VERBS.values())


def site_url() -> str:
    return current_app.config["SITE_URL"]


def verb(name: str) -> dict:
    iri = VERBS.get(name) or site_url() + SITE_VERBS[name]
    return {"id": iri, "display": {"en-GB": name}}


def namespace() -> uuid.UUID:
    """The site's own uuid namespace: two sites (or a test and a live site) never share statement ids."""
    return uuid.uuid5(uuid.NAMESPACE_URL, site_url() + "/xapi")


def statement_id(key: str) -> str:
    return str(uuid.uuid5(namespace(), key))


def actor(person: Person) -> dict:
    """The officer as an account on the force's home page, named by service number: no email, no name (the store
    does not need them, and a service number does not change when a name or an address does)."""
    return {"objectType": "Agent",
            "account": {"homePage": current_app.config["XAPI_ACCOUNT_HOMEPAGE"], "name": person.service_number}}


def timestamp(value: datetime) -> str:
    """UTC with its offset, to the millisecond: 9274.1.1 requires the offset and storage keeps milliseconds."""
    return value.replace(tzinfo=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    return f"PT{max(seconds, 0):.2f}S"


def activity(kind: str, path: str, title: str) -> dict:
    return {"objectType": "Activity", "id": site_url() + path,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {"en-GB": title}}}


def course_activity(course: Course) -> dict:
    return activity("course", f"/courses/{course.slug}/", course.title)


def statement(key: str, person: Person, verb_name: str, obj: dict, at: datetime, course: Course | None = None,
               result: dict | None = None) -> dict:
    """One statement; `key` names the event (never the moment it was built), and makes the statement's id."""
    made = {"id": statement_id(key), "actor": actor(person), "verb": verb(verb_name), "object": obj,
            "timestamp": timestamp(at), "context": {"platform": "Investigation Masterclass", "language": "en-GB"}}
    if course is not None:
        made["context"]["contextActivities"] = {"parent": [course_activity(course)]}
    if result is not None:
        made["result"] = result
    return made


def _reads(people: dict[int, Person], events: Events) -> list[dict]:
    rows = db.session.execute(
        sa.select(ModuleRead, Module, Course).join(Module, Module.id == ModuleRead.module_id)
        .join(Course, Course.id == Module.course_id).where(ModuleRead.person_id.in_(list(people)))).tuples()
    found = []
    for read, module, course in rows:
        events[(read.person_id, course.id)].append(read.read_at)
        found.append(statement(f"read:{read.id}:{read.read_at.isoformat()}", people[read.person_id], "experienced",
                               activity("module", f"/courses/{course.slug}/modules/{module.slug}", module.title),
                               read.read_at, course))
    return found


def _attempts(people: dict[int, Person], events: Events) -> list[dict]:
    rows = db.session.execute(
        sa.select(QuizAttempt, Course).join(Course, Course.id == QuizAttempt.course_id)
        .options(so.load_only(QuizAttempt.person_id, QuizAttempt.started_at, QuizAttempt.submitted_at,
                              QuizAttempt.score_percent, QuizAttempt.is_passed, QuizAttempt.points,
                              QuizAttempt.version_id))
        .where(QuizAttempt.person_id.in_(list(people)))).tuples()
    found = []
    for attempt, course in rows:
        person = people[attempt.person_id]
        quiz = activity("quiz", f"/courses/{course.slug}/quiz", f"{course.title}: quiz")
        found.append(statement(f"attempt:{attempt.id}:started", person, "attempted", quiz, attempt.started_at, course))
        if attempt.submitted_at is not None:
            if attempt.is_passed:
                events[(attempt.person_id, course.id)].append(attempt.submitted_at)
            percent = attempt.score_percent or 0
            result = {"score": {"scaled": round(percent / 100, 4), "raw": percent, "min": 0, "max": 100},
                      "success": bool(attempt.is_passed), "completion": True,
                      "duration": duration((attempt.submitted_at - attempt.started_at).total_seconds())}
            found.append(statement(f"attempt:{attempt.id}:result", person,
                                   "passed" if attempt.is_passed else "failed", quiz, attempt.submitted_at,
                                   course, result))
    return found


def _attendance(people: dict[int, Person], events: Events) -> list[dict]:
    rows = db.session.execute(
        sa.select(Attendance, TrainingSession, Course)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(Attendance.person_id.in_(list(people)), Attendance.status.in_(list(ATTENDANCE_VERBS)),
               TrainingSession.is_cancelled.is_(False))).tuples()
    found = []
    for mark, session, course in rows:
        if mark.status == "attended":
            events[(mark.person_id, course.id)].append(session.starts_at)
        title = f"{course.title}: small-group session, {to_london(session.starts_at):%-d %B %Y %H:%M}"
        # Each marking is its own event: a register corrected back and forth never reuses an id (a store keeps a
        # voided statement's id for good).
        key = f"attendance:{mark.id}:{mark.status}:{mark.marked_at.isoformat()}"
        found.append(statement(key, people[mark.person_id],
                               ATTENDANCE_VERBS[mark.status], activity("session", f"/sessions/{session.id}", title),
                               session.starts_at, course,
                               {"duration": duration((session.ends_at - session.starts_at).total_seconds())}))
    return found


def _completion_time(day, course_events: list[datetime]) -> datetime:
    """When a course was completed on `day` (a London date): its latest event that day, else the day's London noon."""
    on_day = [at for at in course_events if to_london(at).date() == day]
    if on_day:
        return max(on_day)
    return from_london(day, time(12))


def _completions(people: dict[int, Person], events: Events) -> list[dict]:
    """A course completed, by the one completion rule: the current cycle's completion and the one before it."""
    courses = db.session.scalars(sa.select(Course).where(Course.is_retired.is_(False))).all()
    by_id = {course.id: course for course in courses}
    found = []
    for (person_id, course_id), status in statuses([learner_of(person) for person in people.values()],
                                                   courses).items():
        course = by_id[course_id]
        for day in sorted({status.completed_on, status.previous_completed_on} - {None}):
            found.append(statement(f"completed:{person_id}:{course_id}:{day.isoformat()}", people[person_id],
                                   "completed", course_activity(course),
                                   _completion_time(day, events[(person_id, course_id)]),
                                   result={"completion": True, "success": True}))
    return found


def subject_of(made: dict) -> str | None:
    """What a correctable statement is about (one officer at one session), so a newer one can void it."""
    if made["verb"]["display"]["en-GB"] not in CORRECTABLE_VERBS:
        return None
    return f"{made['actor']['account']['name']} {made['object']['id']}"


def voiding(target: dict, at: datetime) -> dict:
    """The statement that withdraws `target` (a register mark since corrected): ADL's voided verb and a reference."""
    return {"id": statement_id(f"void:{target['id']}"), "actor": target["actor"],
            "verb": {"id": ADL_VERB + "voided", "display": {"en-GB": "voided"}},
            "object": {"objectType": "StatementRef", "id": target["id"]}, "timestamp": timestamp(at)}


#: Builders of statements kept by other domains: each takes {person id: Person} and returns statements made with
#: `statement()` (one query for everyone, keys unique to the event), registered by the app factory with
#: lms.xapi.queue.track for the rows that record them (guidance acknowledgements).
SOURCES: list[Callable[[dict[int, Person]], list[dict]]] = []


def register_source(builder: Callable[[dict[int, Person]], list[dict]]) -> None:
    if builder not in SOURCES:
        SOURCES.append(builder)


def statements_for(people: Iterable[Person]) -> list[dict]:
    """Every statement of these officers' learning, oldest first (seven queries, the completion rule's six, and one
    for each registered source)."""
    by_id = {person.id: person for person in people}
    if not by_id:
        return []
    events: Events = defaultdict(list)
    parts = _reads(by_id, events) + _attempts(by_id, events) + _attendance(by_id, events)
    others = [found for builder in SOURCES for found in builder(by_id)]
    return sorted(parts + _completions(by_id, events) + others, key=lambda made: (made["timestamp"], made["id"]))


def people_by_id(person_ids: Iterable[int]) -> list[Person]:
    return list(db.session.scalars(sa.select(Person).options(so.selectinload(Person.team))
                                   .where(Person.id.in_(list(person_ids)))))
