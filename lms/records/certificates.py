"""Issue a completion certificate, find one by its code, and let its holder share or stop sharing their name."""
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from lms.completion.load import learner_of, load_records
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Person
from lms.records.models import Certificate

log = logging.getLogger(__name__)

#: capitals and digits with one or both of each look-alike pair left out (0/O, 1/I/L, 8/B, 5/S, U/V), so a code read
#: off paper is typed right; 20 of them carry 94 bits, far beyond guessing or counting through
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXYZ2345679"
CODE_LENGTH = 20
PART_LABELS = {"modules": "Modules read", "quiz": "Quiz passed", "session": "Small-group session attended"}


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[place:place + 4] for place in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    """A code as printed, from one typed with spaces, without dashes or in lower case."""
    raw = "".join(character for character in typed.upper() if character.isalnum())
    return "-".join(raw[place:place + 4] for place in range(0, len(raw), 4))


@dataclass(frozen=True)
class Part:
    label: str
    done_on: date


def parts_of(certificate: Certificate) -> list[Part]:
    return [Part(PART_LABELS.get(part, part), date.fromisoformat(day)) for part, day in certificate.parts]


def completion_parts(person: Person, course: Course, now: datetime | None = None) -> tuple[date, list] | None:
    """The completion date and its parts by lms.completion.rule, or None when the course is not complete."""
    record = load_records([learner_of(person)], [course], now)[(person.id, course.id)]
    if record.status.completed_on is None:
        return None
    return record.status.completed_on, [[part, record.facts.done_on(part).isoformat()]
                                        for part in course.completion or ()]


def latest_for(person: Person, course: Course) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.person_id == person.id,
                                                          Certificate.course_id == course.id)
                             .order_by(Certificate.completed_on.desc()).limit(1))


def issue(person: Person, course: Course, now: datetime | None = None) -> Certificate | None:
    """The certificate for the person's latest completion of the course, issued now if it has not been; None when
    the course is not complete. A refresher completed later gets a certificate of its own."""
    completion = completion_parts(person, course, now)
    if completion is None:
        return None
    completed_on, parts = completion
    found = sa.select(Certificate).where(Certificate.person_id == person.id, Certificate.course_id == course.id,
                                         Certificate.completed_on == completed_on)
    existing = db.session.scalar(found)
    if existing is not None:
        return existing
    certificate = Certificate(code=new_code(), person_id=person.id, course_id=course.id, completed_on=completed_on,
                              parts=parts)
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except sa.exc.IntegrityError:  # the holder's second tab issued it first
        return db.session.scalar(found)
    log.info("certificate %s issued to %s for course %s", certificate.id, person.id, course.id)
    return certificate


def find(code: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == normalise_code(code)))


def shows_name(certificate: Certificate, token: str | None) -> bool:
    """Whether a verification link carries the holder's current choice to show their name."""
    return bool(token and certificate.name_token and hmac.compare_digest(token, certificate.name_token))


def share_name(certificate: Certificate) -> None:
    """Make a link that shows the holder's name with the check; a link shared before stops showing it."""
    certificate.name_token = secrets.token_urlsafe(16)
    db.session.flush()


def stop_sharing_name(certificate: Certificate) -> None:
    certificate.name_token = None
    db.session.flush()
