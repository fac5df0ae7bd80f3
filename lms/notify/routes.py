"""The outbox, for admins: what has been sent, what waits, and what failed."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required
from lms.extensions import db
from lms.people.forms import ConfirmForm
from lms.notify import bp
from lms.notify.models import OUTBOX_STATUSES, OutboxMessage
from lms.notify.sending import has_failed, retry, send_due, status_summary


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
                           args={"status": status} if status else {}, summary=status_summary())


@bp.get("/<int:message_id>")
@roles_required("admin")
def message(message_id: int):
    """Show one message as it was (or will be) sent."""
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("notify/message.html", message=message, failed=has_failed(message), form=ConfirmForm())


@bp.post("/<int:message_id>/retry")
@roles_required("admin")
def retry_message(message_id: int):
    """Try a failed message again now: sent at once when a mail server is set up, else at the next sending run."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not has_failed(message):
        flash("That message has not failed, so there is nothing to retry.", "error")
        return redirect(url_for("notify.message", message_id=message.id))
    address = message.to_address  # before the commit expires the message
    retry(current_user, message)
    db.session.commit()
    if not current_app.config["MAIL_SERVER"]:
        flash("It will be sent at the next sending run: no mail server is set up here.", "success")
    elif (report := send_due(message_id=message_id,
                              timeout=current_app.config["MAIL_RETRY_NOW_TIMEOUT_SECONDS"])).sent:
        flash(f"Sent to {address}.", "success")
    else:
        flash(f"It failed again: {report.failed[0][1] if report.failed else 'another sender holds it'}.", "error")
    return redirect(url_for("notify.message", message_id=message_id))
