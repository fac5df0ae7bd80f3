"""Record changes in the audit trail; every domain calls this one function."""
import logging

import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.extensions import db

log = logging.getLogger(__name__)


def event_values(actor, action: str, obj_type: str, obj_id, summary: str, changes: dict | None = None) -> dict:
    """The columns of one audit event, as `record` and `record_many` store them."""
    return {"actor_id": getattr(actor, "id", None), "action": action, "object_type": obj_type,
            "object_id": str(obj_id), "summary": summary[:300], "changes": changes or {}}


def record(actor, action: str, obj_type: str, obj_id, summary: str, changes: dict | None = None) -> AuditEvent:
    """Add an audit event to the current unit of work (the caller commits)."""
    event = AuditEvent(**event_values(actor, action, obj_type, obj_id, summary, changes))
    db.session.add(event)
    log.info("audit %s %s:%s by %s", action, obj_type, obj_id, event.actor_id)
    return event


def record_many(events: list[dict]) -> None:
    """Insert many events (each from `event_values`) in one statement: a bulk change audits every row cheaply."""
    if events:
        db.session.execute(sa.insert(AuditEvent.__table__), events)  # Core: no ORM bookkeeping per row
        log.info("audit %d events, the first %s", len(events), events[0]["action"])


def diff(before: dict, after: dict) -> dict:
    """Return {field: [before, after]} for the fields whose value changed."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}
