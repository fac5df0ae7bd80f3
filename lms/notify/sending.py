"""Send what is due from the outbox over SMTP, each message once however many senders run at the same time."""
import logging
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr

import sqlalchemy as sa
from flask import current_app

from lms.audit.services import record
from lms.extensions import db
from lms.notify.models import OutboxMessage
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass
class Claimed:
    """A message this run holds, built into an email before the transaction ends (nothing is read while sending)."""

    id: int
    claim_token: str
    attempts: int
    email: EmailMessage


@dataclass
class SendReport:
    sent: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    #: why the mail server could not be reached or stopped answering, when it did: the run stopped there
    outage: str = ""


def build_email(message: OutboxMessage) -> EmailMessage:
    """A plain-text email, with the session's calendar entry attached when there is one."""
    config = current_app.config
    email = EmailMessage()
    email["From"] = formataddr((f"{config['FORCE_NAME']} Investigation Masterclass", config["MAIL_FROM"]))
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    if message.ics:
        method = re.search(r"^METHOD:(\w+)", message.ics, re.M)
        email.add_attachment(message.ics.encode(), maintype="text", subtype="calendar", filename="session.ics",
                             params={"method": method.group(1) if method else "PUBLISH"})
    return email


def claim_next(now: datetime, message_id: int | None = None) -> Claimed | None:
    """Claim the next due message for this run and commit the claim before anything is sent.

    One message at a time: a run that stalls on a slow server, or dies, holds one message, never a batch that
    every other sender would have to wait out. The claim is one conditional UPDATE: a row moves from pending to
    sending for exactly one run. On PostgreSQL the candidate row is locked with SKIP LOCKED so a second sender takes
    another instead of waiting; on SQLite the write transaction (BEGIN IMMEDIATE) already serialises the two.
    With `message_id`, only that message (an admin's retry) is claimed, and only if it is due.
    """
    token = secrets.token_hex(8)
    stale = now - timedelta(minutes=current_app.config["MAIL_CLAIM_TIMEOUT_MINUTES"])
    claimable = sa.or_(
        sa.and_(OutboxMessage.status == "pending", OutboxMessage.due_at <= now),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < stale),
    )
    if message_id is not None:
        claimable = sa.and_(claimable, OutboxMessage.id == message_id)
    candidate = (sa.select(OutboxMessage.id).where(claimable).order_by(OutboxMessage.id).limit(1)
                 .with_for_update(skip_locked=True).scalar_subquery())
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == candidate, claimable)
        .values(status="sending", claim_token=token, claimed_at=now).execution_options(synchronize_session=False)
    )
    db.session.commit()
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.claim_token == token,
                                                               OutboxMessage.status == "sending"))
    claimed = None if message is None else Claimed(message.id, token, message.attempts, build_email(message))
    # End the read before talking to SMTP: on SQLite an open transaction here would hold the write lock meanwhile.
    db.session.commit()
    return claimed


def _finish(message: Claimed, **values) -> None:
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id,
                                                      OutboxMessage.claim_token == message.claim_token)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _connect(timeout: float) -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    if config["MAIL_USE_TLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def send_due(now: datetime | None = None, limit: int = 200, message_id: int | None = None,
             timeout: float | None = None) -> SendReport:
    """Send the due messages over SMTP; a failure puts the message back for a retry and is reported.

    Each message is marked sent in its own transaction the moment the server accepts it, before anything else is
    done: a run that dies after that point cannot send it again. With `message_id`, only that message is sent.
    The server is given MAIL_TIMEOUT_SECONDS to answer, or `timeout` if that is shorter (a request's own send).
    """
    now = now or utcnow()
    longest = current_app.config["MAIL_TIMEOUT_SECONDS"]
    timeout = min(timeout, longest) if timeout else longest
    report = SendReport()
    retry_at = now + timedelta(minutes=current_app.config["MAIL_RETRY_MINUTES"])
    smtp = None
    try:
        while report.sent + len(report.failed) < limit:
            message = claim_next(now, message_id)
            if message is None:
                break
            try:
                smtp = smtp or _connect(timeout)
                smtp.send_message(message.email)
            except (OSError, smtplib.SMTPException) as error:
                reason = f"{type(error).__name__}: {error}"[:500]
                log.warning("sending message %s failed: %s", message.id, reason)
                _finish(message, status="pending", claim_token=None, attempts=message.attempts + 1,
                        last_error=reason, due_at=retry_at)
                report.failed.append((message.id, reason))
                if smtp is None or isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    # The server, not this message: unreachable, silent or gone. The rest wait for the next run
                    # rather than each waiting out MAIL_TIMEOUT_SECONDS in turn (200 messages were half an hour
                    # of a silent server, and the runs cron started meanwhile piled up behind it).
                    report.outage, smtp = reason, None
                    break
            else:
                _finish(message, status="sent", sent_at=utcnow(), attempts=message.attempts + 1, last_error="")
                report.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return report


def has_failed(message: OutboxMessage) -> bool:
    """Tried, refused or unreachable, and waiting for the next try."""
    return message.status == "pending" and bool(message.last_error)


def retry(actor, message: OutboxMessage, now: datetime | None = None) -> None:
    """Make a failed message due at once (audited); the caller commits, then sends it if a mail server is set up."""
    message.due_at = now or utcnow()
    record(actor, "outbox.retried", "outbox_message", message.id,
           f"{actor.name} retried the email \"{message.subject}\" to {message.to_address}, which had failed "
           f"{message.attempts} time{'' if message.attempts == 1 else 's'}")
    db.session.flush()


def status_summary() -> dict:
    """When mail was last sent, and how many messages wait, have failed, and the latest failure (one query)."""
    failed = sa.and_(OutboxMessage.status == "pending", OutboxMessage.last_error != "")
    row = db.session.execute(sa.select(
        sa.func.max(OutboxMessage.sent_at),
        sa.func.count().filter(OutboxMessage.status != "sent"),
        sa.func.count().filter(failed))).one()
    latest = (db.session.scalar(sa.select(OutboxMessage).where(failed).order_by(OutboxMessage.id.desc()).limit(1))
              if row[2] else None)
    return {"last_sent_at": row[0], "waiting": row[1], "failed": row[2], "latest_failure": latest,
            "mail_server": bool(current_app.config["MAIL_SERVER"])}


def pending_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status != "sent"))
