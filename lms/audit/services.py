"""Record changes in the audit trail; every domain calls this one function."""
import logging

from lms.audit.models import AuditEvent
from lms.extensions import db

log = logging.getLogger(__name__)


def record(actor, action: str, obj_type: str, obj_id, summary: str, changes: dict | None = None) -> AuditEvent:
    """Add an audit event to the current unit of work (the caller commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        summary=summary[:300],
        changes=changes or {},
    )
    db.session.add(event)
    log.info("audit %s %s:%s by %s", action, obj_type, obj_id, event.actor_id)
    return event


def diff(before: dict, after: dict) -> dict:
    """Return {field: [before, after]} for the fields whose value changed."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}
