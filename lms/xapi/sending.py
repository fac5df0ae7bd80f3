"""Send queued statements to the learning record store in batches, each statement delivered once however many
senders run at the same time, and kept until the store has it."""
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.models import XapiStatement
from lms.xapi.statements import XAPI_VERSION

log = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: int = 0
    #: statements the store refused, (statement id, why): kept and tried again later
    refused: list[tuple[str, str]] = field(default_factory=list)
    #: why the store could not be reached, when it could not (the batch waits for the next try)
    outage: str = ""


@dataclass
class Batch:
    token: str
    rows: list[tuple[int, str, dict, int]]  # (row id, statement id, body, attempts so far)


def _claimable(now: datetime):
    stale = now - timedelta(minutes=current_app.config["XAPI_CLAIM_TIMEOUT_MINUTES"])
    return sa.or_(sa.and_(XapiStatement.status == "pending", XapiStatement.due_at <= now),
                  sa.and_(XapiStatement.status == "sending", XapiStatement.claimed_at < stale))


def claim_batch(now: datetime, size: int) -> Batch | None:
    """Claim up to `size` due statements for this run and commit the claim before anything is sent.

    One conditional UPDATE moves rows from pending to sending for exactly one run, as the mail outbox does: on
    PostgreSQL the candidates are locked with SKIP LOCKED so a second sender takes others instead of waiting; on
    SQLite the write transaction (BEGIN IMMEDIATE) serialises the two. A claim left by a sender that died is taken
    over after XAPI_CLAIM_TIMEOUT_MINUTES.
    """
    token = secrets.token_hex(8)
    claimable = _claimable(now)
    candidates = (sa.select(XapiStatement.id).where(claimable).order_by(XapiStatement.id).limit(size)
                  .with_for_update(skip_locked=True))
    db.session.execute(sa.update(XapiStatement).where(XapiStatement.id.in_(candidates.scalar_subquery()), claimable)
                       .values(status="sending", claim_token=token, claimed_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    rows = db.session.execute(sa.select(XapiStatement.id, XapiStatement.statement_id, XapiStatement.body,
                                        XapiStatement.attempts)
                              .where(XapiStatement.claim_token == token, XapiStatement.status == "sending")
                              .order_by(XapiStatement.id)).tuples().all()
    db.session.commit()  # end the read before talking to the store: on SQLite it would hold the write lock
    return Batch(token, list(rows)) if rows else None


def _retry_at(now: datetime, attempts: int) -> datetime:
    """Back off: XAPI_RETRY_MINUTES after the first failure, doubling each time, at most XAPI_RETRY_MAX_HOURS."""
    config = current_app.config
    minutes = min(config["XAPI_RETRY_MINUTES"] * 2 ** max(attempts - 1, 0), config["XAPI_RETRY_MAX_HOURS"] * 60)
    return now + timedelta(minutes=minutes)


def _finish(batch: Batch, row_ids: list[int], **values) -> None:
    if row_ids:
        db.session.execute(sa.update(XapiStatement)
                           .where(XapiStatement.id.in_(row_ids), XapiStatement.claim_token == batch.token)
                           .values(claim_token=None, **values).execution_options(synchronize_session=False))
        db.session.commit()


def _mark_sent(batch: Batch, row_ids: list[int]) -> None:
    _finish(batch, row_ids, status="sent", sent_at=utcnow(), attempts=XapiStatement.attempts + 1, last_error="")


def _put_back(batch: Batch, rows, now: datetime, reason: str) -> None:
    """Make the rows pending again, due after a back-off that grows with their failures (one update per count)."""
    by_attempts: dict[int, list[int]] = {}
    for row_id, _, _, attempts in rows:
        by_attempts.setdefault(attempts + 1, []).append(row_id)
    for attempts, row_ids in by_attempts.items():
        _finish(batch, row_ids, status="pending", attempts=attempts, last_error=reason[:500],
                due_at=_retry_at(now, attempts))


class StoreDown(Exception):
    """The store could not be reached or did not say whether it took the statements: try again later."""


def _client() -> requests.Session:
    config = current_app.config
    client = requests.Session()
    client.headers.update({"X-Experience-API-Version": XAPI_VERSION})
    if config["XAPI_USERNAME"]:
        client.auth = (config["XAPI_USERNAME"], config["XAPI_PASSWORD"] or "")
    return client


def _call(client: requests.Session, method: str, **kwargs) -> requests.Response:
    url = current_app.config["XAPI_ENDPOINT"] + "/statements"
    try:
        response = client.request(method, url, timeout=current_app.config["XAPI_TIMEOUT_SECONDS"], **kwargs)
    except requests.RequestException as error:
        raise StoreDown(f"{type(error).__name__}: {error}") from error
    if response.status_code >= 500 or response.status_code in (401, 403, 404, 408, 429):
        raise StoreDown(f"HTTP {response.status_code}: {response.text[:300]}")
    return response


def _send_one_by_one(client, batch: Batch, report: SendReport, now: datetime) -> None:
    """After the store refused a batch: PUT each statement under its own id, so one that the store already holds
    (a resend: 409 or 204, and no second copy) counts as sent, and only one that it refuses waits."""
    for row in batch.rows:
        row_id, statement_id, body, _ = row
        response = _call(client, "PUT", params={"statementId": statement_id}, json=body)
        if response.status_code in (200, 204, 409):
            _mark_sent(batch, [row_id])
            report.sent += 1
        else:
            reason = f"HTTP {response.status_code}: {response.text[:300]}"
            log.warning("the learning record store refused statement %s: %s", statement_id, reason)
            _put_back(batch, [row], now, reason)
            report.refused.append((statement_id, reason))


def send_due(now: datetime | None = None, limit: int = 5000) -> SendReport:
    """Send what is due, a batch at a time, until nothing is due, `limit` is reached or the store is down.

    A batch is marked sent in its own transaction the moment the store accepts it. A run that dies before that
    leaves the batch claimed; it is sent again after the claim timeout with the same statement ids, which the store
    keeps once.
    """
    now = now or utcnow()
    report = SendReport()
    size = current_app.config["XAPI_BATCH_SIZE"]
    client = _client()
    handled = 0
    while handled < limit:
        batch = claim_batch(now, min(size, limit - handled))
        if batch is None:
            break
        handled += len(batch.rows)
        try:
            response = _call(client, "POST", json=[body for _, _, body, _ in batch.rows])
            if response.status_code in (200, 204):
                _mark_sent(batch, [row[0] for row in batch.rows])
                report.sent += len(batch.rows)
            else:
                _send_one_by_one(client, batch, report, now)
        except StoreDown as error:
            log.warning("the learning record store is unreachable: %s", error)
            still_claimed = db.session.execute(
                sa.select(XapiStatement.id).where(XapiStatement.claim_token == batch.token)).scalars().all()
            _put_back(batch, [row for row in batch.rows if row[0] in set(still_claimed)], now, str(error))
            report.outage = str(error)
            break
    client.close()
    return report


def queue_summary() -> dict:
    """How many statements wait, have failed, and have been sent, and when the store last took one (one query)."""
    row = db.session.execute(sa.select(
        sa.func.count().filter(XapiStatement.status != "sent"),
        sa.func.count().filter(sa.and_(XapiStatement.status == "pending", XapiStatement.last_error != "")),
        sa.func.count().filter(XapiStatement.status == "sent"),
        sa.func.max(XapiStatement.sent_at))).one()
    return {"waiting": row[0], "failed": row[1], "sent": row[2], "last_sent_at": row[3]}


def latest_failures(limit: int = 20) -> list[XapiStatement]:
    """The statements waiting after a failure, most recently tried first."""
    return list(db.session.scalars(
        sa.select(XapiStatement).where(XapiStatement.status == "pending", XapiStatement.last_error != "")
        .order_by(XapiStatement.due_at.desc()).limit(limit)))
