"""Browse and filter the audit trail."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template, request

from lms.access import roles_required
from lms.audit import bp
from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.inputs import db_int, link_args


@bp.get("/")
@roles_required("admin")
def index():
    """List audit events, newest first, filtered by action, object and actor."""
    action = request.args.get("action", "").strip()[:60]
    object_type = request.args.get("object_type", "").strip()[:40]
    object_id = request.args.get("object_id", "").strip()[:80]
    actor_id = request.args.get("actor_id", type=db_int)
    stmt = sa.select(AuditEvent).options(so.joinedload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    page = db.paginate(stmt, per_page=50, error_out=False)
    object_types = db.session.scalars(sa.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
    args = link_args(("action", "object_type", "object_id", "actor_id"))
    return render_template("audit/index.html", page=page, args=args, object_types=list(object_types),
                           action=action, object_type=object_type, object_id=object_id)
