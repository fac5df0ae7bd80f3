"""Browse, filter and download the audit trail."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, render_template, request

from lms.access import roles_required
from lms.audit import bp
from lms.audit.models import AuditEvent
from lms.audit.wording import SIGN_IN_ACTIONS, change_lines
from lms.csvutil import to_csv
from lms.extensions import db
from lms.inputs import db_int, link_args
from lms.timeutil import format_datetime

#: The most rows one download holds: an inquiry narrows the filter rather than pulling years of sign-ins.
CSV_LIMIT = 50_000


def _filtered():
    """The events the filter in the query string asks for, newest first, and the filter's values for the form."""
    values = {"action": request.args.get("action", "").strip()[:60],
              "object_type": request.args.get("object_type", "").strip()[:40],
              "object_id": request.args.get("object_id", "").strip()[:80],
              "sign_ins": request.args.get("sign_ins") == "1"}
    actor_id = request.args.get("actor_id", type=db_int)
    stmt = sa.select(AuditEvent).options(so.joinedload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    if values["action"]:
        stmt = stmt.where(AuditEvent.action.startswith(values["action"], autoescape=True))
    if values["object_type"]:
        stmt = stmt.where(AuditEvent.object_type == values["object_type"])
    if values["object_id"]:
        stmt = stmt.where(AuditEvent.object_id == values["object_id"])
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if not values["sign_ins"]:
        stmt = stmt.where(AuditEvent.action.not_in(SIGN_IN_ACTIONS))
    return stmt, values


@bp.get("/")
@roles_required("admin")
def index():
    """List audit events in plain English, newest first, filtered by action, object and actor; sign-ins on request."""
    stmt, values = _filtered()
    page = db.paginate(stmt, per_page=50, error_out=False)
    object_types = db.session.scalars(sa.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type))
    args = link_args(("action", "object_type", "object_id", "actor_id", "sign_ins"))
    return render_template("audit/index.html", page=page, args=args, object_types=list(object_types),
                           change_lines=change_lines, **values)


@bp.get("/audit.csv")
@roles_required("admin")
def index_csv():
    """The filtered view as CSV for an inquiry: the same events and words as the page, no cell run as a formula."""
    stmt, _ = _filtered()
    rows = [("When (London)", "Who", "Summary", "Changes", "Action", "Object", "Object id")]
    rows += [(format_datetime(event.at), event.actor.name if event.actor else "System", event.summary,
              "; ".join(change_lines(event.changes)), event.action, event.object_type, event.object_id)
             for event in db.session.scalars(stmt.limit(CSV_LIMIT))]
    return Response(to_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
