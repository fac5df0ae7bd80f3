"""Acknowledgements in the records that leave the site: rows of the CPD record and xAPI statements.

The app factory registers these with lms.records.cpd and lms.xapi, so neither of those imports guidance.
"""
import sqlalchemy as sa

from lms.extensions import db
from lms.guidance.models import GuidanceAcknowledgement, GuidancePage, GuidanceVersion
from lms.people.models import Person
from lms.xapi.statements import activity, statement


def _acknowledged(person_ids: list[int]):
    """(acknowledgement, page slug, the title of the version acknowledged), oldest first (one query)."""
    # The version's own title, as the officer read it; the page's for an acknowledgement older than its versions.
    title = sa.func.coalesce(GuidanceVersion.title, GuidancePage.title)
    return db.session.execute(
        sa.select(GuidanceAcknowledgement, GuidancePage.slug, title)
        .join(GuidancePage, GuidancePage.id == GuidanceAcknowledgement.page_id)
        .outerjoin(GuidanceVersion, sa.and_(GuidanceVersion.page_id == GuidanceAcknowledgement.page_id,
                                            GuidanceVersion.number == GuidanceAcknowledgement.version))
        .where(GuidanceAcknowledgement.person_id.in_(person_ids))
        .order_by(GuidanceAcknowledgement.acknowledged_at, GuidanceAcknowledgement.id)).tuples()


def cpd_rows(person: Person) -> list[list]:
    """The CPD record's acknowledgements: [the page, its version, when]."""
    return [[title, ack.version, ack.acknowledged_at] for ack, _slug, title in _acknowledged([person.id])]


def statements(people: dict[int, Person]) -> list[dict]:
    """An `acknowledged` statement for each acknowledgement; its object is the version acknowledged, at the permanent
    address that shows that version's text, so a store can tell which wording was confirmed."""
    made = []
    for ack, slug, title in _acknowledged(list(people)):
        version = activity("guidance", f"/guidance/{slug}/versions/{ack.version}", f"{title}, version {ack.version}")
        made.append(statement(f"acknowledged:{ack.id}", people[ack.person_id], "acknowledged", version,
                              ack.acknowledged_at))
    return made
