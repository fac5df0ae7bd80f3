"""Read and acknowledge: who must confirm a page's latest major change, who has, and reminding those who have not."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.guidance.models import GuidanceAcknowledgement, GuidanceAudience, GuidancePage
from lms.notify.services import queue_once
from lms.people.models import Person, Team
from lms.timeutil import today_london, utcnow

ASKING = sa.and_(GuidancePage.is_retired.is_(False), GuidancePage.last_major_version.is_not(None))


def in_audience(person_id):
    """Pages whose audience names the person's rank or their team's type (a correlated condition on a page)."""
    names = sa.union(sa.select(Person.rank).where(Person.id == person_id),
                     sa.select(Team.team_type).join(Person, Person.team_id == Team.id).where(Person.id == person_id))
    return sa.exists().where(GuidanceAudience.page_id == GuidancePage.id, GuidanceAudience.name.in_(names))


def acknowledged(person_id):
    """Pages the person has acknowledged at their latest major change or later."""
    return sa.exists().where(GuidanceAcknowledgement.page_id == GuidancePage.id,
                             GuidanceAcknowledgement.person_id == person_id,
                             GuidanceAcknowledgement.version >= GuidancePage.last_major_version)


def awaiting(person: Person) -> list[GuidancePage]:
    """The pages waiting for the person to acknowledge, latest change first (one query)."""
    return list(db.session.scalars(
        sa.select(GuidancePage).where(ASKING, in_audience(person.id), ~acknowledged(person.id))
        .order_by(GuidancePage.last_major_at.desc(), GuidancePage.title)))


def asks_acknowledgement(page: GuidancePage) -> bool:
    """Whether the page's latest major change is to be acknowledged by an audience."""
    return page.last_major_version is not None and bool(db.session.scalar(
        sa.select(sa.literal(True)).where(GuidanceAudience.page_id == page.id).limit(1)))


def is_awaited(page_id: int, person: Person) -> bool:
    return bool(db.session.scalar(sa.select(sa.literal(True)).where(
        GuidancePage.id == page_id, ASKING, in_audience(person.id), ~acknowledged(person.id))))


def acknowledge(page: GuidancePage, person: Person) -> bool:
    """Record that `person` has read and understood the page's current version; False when they are not asked.

    Pressing the button twice (or in two tabs) records it once.
    """
    if not is_awaited(page.id, person):
        return False
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(GuidanceAcknowledgement).values(
        page_id=page.id, person_id=person.id, version=page.version, acknowledged_at=utcnow())
        .on_conflict_do_nothing())
    return True


def pages_asking() -> list[GuidancePage]:
    """Live pages whose latest major change their audience is asked to acknowledge, by title."""
    return list(db.session.scalars(
        sa.select(GuidancePage).where(ASKING, sa.exists().where(GuidanceAudience.page_id == GuidancePage.id))
        .order_by(GuidancePage.title)))


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
