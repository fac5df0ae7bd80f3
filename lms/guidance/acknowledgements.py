"""Read and acknowledge: who must confirm a page's latest major change, who has, and reminding those who have not."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for

from lms.content.cache import cached
from lms.extensions import db
from lms.guidance.models import GuidanceAcknowledgement, GuidanceAudience, GuidancePage
from lms.notify.services import queue_once
from lms.people.models import Person, Team
from lms.timeutil import today_london, utcnow

ASKING = sa.and_(GuidancePage.is_retired.is_(False), GuidancePage.last_major_version.is_not(None))


@dataclass(frozen=True)
class Asking:
    """A page whose latest major change its audience is asked to acknowledge: the same for everyone, so kept with
    the content (lms.content.cache) and matched to each reader without asking the database again."""

    page_id: int
    slug: str
    title: str
    #: the version of the major change: acknowledging it or any later version will do
    last_major_version: int
    last_major_at: datetime
    last_major_note: str
    audience: frozenset[str]


def asking_pages() -> list[Asking]:
    """Every live page asking to be acknowledged, latest change first (two queries per content version)."""
    def build() -> list[Asking]:
        pages = db.session.scalars(sa.select(GuidancePage).where(ASKING).order_by(
            GuidancePage.last_major_at.desc(), GuidancePage.title)).all()
        audiences: dict[int, set[str]] = {}
        for page_id, name in db.session.execute(sa.select(GuidanceAudience.page_id, GuidanceAudience.name)):
            audiences.setdefault(page_id, set()).add(name)
        return [Asking(page.id, page.slug, page.title, page.last_major_version, page.last_major_at,
                       page.last_major_note, frozenset(audiences[page.id])) for page in pages if page.id in audiences]

    return cached(("guidance.asking",), build)


def awaiting(person: Person) -> list[Asking]:
    """The pages waiting for the person to acknowledge, latest change first (one query, none when nothing asks)."""
    names = {person.rank, person.team.team_type if person.team else None}
    asks = [asking for asking in asking_pages() if names & asking.audience]
    if not asks:
        return []
    done = dict(db.session.execute(
        sa.select(GuidanceAcknowledgement.page_id, sa.func.max(GuidanceAcknowledgement.version))
        .where(GuidanceAcknowledgement.person_id == person.id,
               GuidanceAcknowledgement.page_id.in_([asking.page_id for asking in asks]))
        .group_by(GuidanceAcknowledgement.page_id)).all())
    return [asking for asking in asks if done.get(asking.page_id, 0) < asking.last_major_version]


def is_awaited(page_id: int, person: Person) -> bool:
    return any(asking.page_id == page_id for asking in awaiting(person))


def acknowledge(page: GuidancePage, person: Person) -> bool:
    """Record that `person` has read and understood the page's current version; False when they are not asked.

    Pressing the button twice (or in two tabs) records it once. Added through the ORM, not as a bare INSERT, so
    the xAPI queue sees the row and queues its statement in this transaction (lms.xapi.queue.track).
    """
    if not is_awaited(page.id, person):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(GuidanceAcknowledgement(page_id=page.id, person_id=person.id, version=page.version,
                                                   acknowledged_at=utcnow()))
    except sa.exc.IntegrityError:  # the other tab got there first: it is recorded
        pass
    return True


@dataclass(frozen=True)
class AckLine:
    person: Person
    team: Team
    #: when they acknowledged the latest major change (or a later version); None while they have not
    acknowledged_at: datetime | None
    version: int | None


def audience_lines(page: GuidancePage, team_ids: frozenset[int]) -> list[AckLine]:
    """Everyone active in the page's audience in the given teams, by team then name, with their acknowledgement
    (one query)."""
    latest = (sa.select(GuidanceAcknowledgement.person_id,
                        sa.func.max(GuidanceAcknowledgement.acknowledged_at).label("at"),
                        sa.func.max(GuidanceAcknowledgement.version).label("version"))
              .where(GuidanceAcknowledgement.page_id == page.id,
                     GuidanceAcknowledgement.version >= page.last_major_version)
              .group_by(GuidanceAcknowledgement.person_id).subquery())
    names = sa.select(GuidanceAudience.name).where(GuidanceAudience.page_id == page.id)
    rows = db.session.execute(
        sa.select(Person, Team, latest.c.at, latest.c.version).join(Team, Person.team_id == Team.id)
        .outerjoin(latest, latest.c.person_id == Person.id)
        .where(Person.is_active_account.is_(True), Person.team_id.in_(team_ids),
               sa.or_(Person.rank.in_(names), Team.team_type.in_(names)))
        .order_by(Team.name, Person.family_name, Person.given_name, Person.id))
    return [AckLine(person, team, at, version) for person, team, at, version in rows]


def remind(page: GuidancePage, lines: list[AckLine]) -> int:
    """Email each person who has not acknowledged the page; at most once a day each. Returns how many were queued."""
    day = today_london().isoformat()
    url = current_app.config["SITE_URL"] + url_for("guidance.page", slug=page.slug)
    queued = 0
    for line in lines:
        if line.acknowledged_at is None:
            key = f"guidance-ack:{page.id}:{page.last_major_version}:{line.person.id}:{day}"
            queued += queue_once(key, "guidance_acknowledge", line.person, topic=f"guidance:{page.slug}", page=page,
                                 url=url)
    return queued
