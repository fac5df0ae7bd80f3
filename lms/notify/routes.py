"""The outbox, for admins: what has been sent, what waits, and what failed."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template, request

from lms.access import roles_required
from lms.extensions import db
from lms.notify import bp
from lms.notify.models import OUTBOX_STATUSES, OutboxMessage


@bp.get("/")
@roles_required("admin")
def index():
    """List messages, newest first, optionally only those in one status."""
    status = request.args.get("status", "")
    stmt = sa.select(OutboxMessage).options(so.load_only(
        OutboxMessage.kind, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.status,
        OutboxMessage.due_at, OutboxMessage.sent_at, OutboxMessage.attempts, OutboxMessage.last_error,
        OutboxMessage.created_at)).order_by(OutboxMessage.id.desc())
    if status in OUTBOX_STATUSES:
        stmt = stmt.where(OutboxMessage.status == status)
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("notify/outbox.html", page=page, status=status, statuses=OUTBOX_STATUSES,
                           args={"status": status} if status else {})


@bp.get("/<int:message_id>")
@roles_required("admin")
def message(message_id: int):
    """Show one message as it was (or will be) sent."""
    return render_template("notify/message.html", message=db.get_or_404(OutboxMessage, message_id))
