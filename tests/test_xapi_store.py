"""Sending to a real learning record store (Ralph on loopback): every kind of statement is accepted and stored once,
a resend makes no duplicate, and a store that is down or stalled loses nothing."""
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from lms.extensions import db as _db
from lms.sessions.models import Attendance
from lms.timeutil import utcnow
from lms.xapi.models import XapiStatement
from lms.xapi.queue import backfill
from lms.xapi.sending import send_due
from tests.guidance_support import acknowledge_on_page, asking_since_days_ago
from tests.lrs_support import lrs, silent_port, store  # noqa: F401
from tests.mail_support import free_port
from tests.reports_support import complete, course, force  # noqa: F401
from tests.xapi_support import everything, queued, verbs_of

ROOT = Path(__file__).resolve().parent.parent


def _queue_everything(force, course) -> list[str]:  # noqa: F811
    everything(force.officer_a, course)
    complete(force.officer_b, course)
    rows = queued()
    assert rows, "nothing was queued"
    return [row.statement_id for row in rows]


def test_the_store_accepts_every_kind_of_statement_once(app, client, login, db, force, course, content_tree, clock,
                                                        store):  # noqa: F811
    asking_since_days_ago(content_tree, clock)
    login(force.officer_a)
    acknowledge_on_page(client)
    ids = _queue_everything(force, course)
    assert set(verbs_of(queued())) == {"experienced", "attempted", "passed", "failed", "attended", "missed",
                                       "completed", "acknowledged"}
    app.config["XAPI_BATCH_SIZE"] = 4  # several batches: each is appended to what the store already holds
    try:
        report = send_due()
    finally:
        app.config["XAPI_BATCH_SIZE"] = 50
    assert (report.sent, report.refused, report.outage) == (len(ids), [], "")
    assert all(row.status == "sent" and row.sent_at for row in queued())
    held = Counter(store.stored_ids())
    assert all(held[statement_id] == 1 for statement_id in ids)
    sample = queued()[0]
    fetched = store.fetch(sample.statement_id)  # the store validated it and gives it back as sent
    assert fetched["id"] == sample.statement_id and fetched["verb"] == sample.body["verb"]
    assert fetched["actor"]["account"] == sample.body["actor"]["account"]
    [acknowledged] = [row for row in queued() if row.body["verb"]["display"]["en-GB"] == "acknowledged"]
    assert store.fetch(acknowledged.statement_id)["object"] == acknowledged.body["object"]


def test_the_store_takes_the_voiding_of_a_corrected_register_mark(app, db, force, course, store):  # noqa: F811
    everything(force.officer_a, course)
    assert send_due().outage == ""
    mark = db.session.scalar(sa.select(Attendance).where(Attendance.status == "attended"))
    mark.status, mark.marked_at = "absent", utcnow()
    db.session.commit()
    report = send_due()
    assert report.sent >= 2 and not report.refused and not report.outage
    [voiding] = [row for row in queued() if row.body["verb"]["display"]["en-GB"] == "voided"]
    target = voiding.body["object"]["id"]
    assert store.fetch(voiding.statement_id)["object"] == {"objectType": "StatementRef", "id": target}
    assert Counter(store.stored_ids())[voiding.statement_id] == 1


def test_a_statement_the_store_refuses_waits_and_the_rest_of_its_batch_goes(app, db, force, course,
                                                                          store):  # noqa: F811
    """The store validates what it receives: a statement it refuses (here, one with no verb) stays queued with the
    store's reason, and the others sent with it are stored."""
    ids = _queue_everything(force, course)
    bad = queued()[0]
    body = dict(bad.body)
    del body["verb"]
    bad.body = body
    db.session.commit()
    report = send_due()
    assert [statement_id for statement_id, _ in report.refused] == [bad.statement_id]
    assert report.sent == len(ids) - 1
    refused = db.session.get(XapiStatement, bad.id)
    assert refused.status == "pending" and refused.attempts == 1 and "verb" in refused.last_error
    held = Counter(store.stored_ids())
    assert bad.statement_id not in held and all(held[statement_id] == 1 for statement_id in ids[1:])


def test_a_resend_after_a_crash_makes_no_duplicate(app, db, force, course, store):  # noqa: F811
    """A sender that died after the store took a batch, before marking it sent: the batch goes again after the
    claim timeout, with the same statement ids, and the store keeps one copy of each."""
    ids = _queue_everything(force, course)
    assert send_due().sent == len(ids)
    db.session.execute(sa.update(XapiStatement).values(status="sending", claim_token="dead", claimed_at=utcnow(),
                                                       sent_at=None))
    db.session.commit()
    later = utcnow() + timedelta(minutes=app.config["XAPI_CLAIM_TIMEOUT_MINUTES"] + 1)
    report = send_due(now=later)
    assert report.sent == len(ids) and not report.refused
    assert all(row.status == "sent" for row in queued())
    held = Counter(store.stored_ids())
    assert all(held[statement_id] == 1 for statement_id in ids)


def test_a_store_that_is_down_loses_nothing_and_is_tried_again_later(app, db, force, course, store):  # noqa: F811
    ids = _queue_everything(force, course)
    endpoint = app.config["XAPI_ENDPOINT"]
    app.config["XAPI_ENDPOINT"] = f"http://127.0.0.1:{free_port()}/xAPI"  # nothing listens there
    try:
        report = send_due()
        assert report.sent == 0 and "ConnectionError" in report.outage
        rows = queued()
        assert [row.status for row in rows] == ["pending"] * len(ids)
        failed = [row for row in rows if row.attempts]
        assert failed and all(row.due_at > utcnow() and "ConnectionError" in row.last_error for row in failed)
        assert send_due().sent == 0  # not due yet: the store is not hammered
        first_due = max(row.due_at for row in failed)
        # down again at the retry: the wait doubles
        report = send_due(now=first_due)
        assert report.outage
        again = [row for row in queued() if row.attempts == 2]
        wait = timedelta(minutes=2 * app.config["XAPI_RETRY_MINUTES"])
        assert again and all(row.due_at == first_due + wait for row in again)
    finally:
        app.config["XAPI_ENDPOINT"] = endpoint
    report = send_due(now=utcnow() + timedelta(days=2))
    assert report.sent == len(ids) and not report.outage
    held = Counter(store.stored_ids())
    assert all(held[statement_id] == 1 for statement_id in ids)


def test_a_stalled_store_costs_the_timeout_not_the_sender(app, db, force, course, store, silent_port):  # noqa: F811
    _queue_everything(force, course)
    settings = {"XAPI_ENDPOINT": f"http://127.0.0.1:{silent_port}/xAPI", "XAPI_TIMEOUT_SECONDS": 0.5}
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    try:
        report = send_due()
    finally:
        app.config.update(saved)
    assert report.sent == 0 and "Timeout" in report.outage
    assert all(row.status == "pending" for row in queued())


def test_two_senders_at_once_deliver_each_statement_once(app, db, database_url, force, course, store):  # noqa: F811
    for _ in range(3):
        everything(force.officer(), course)
    ids = [row.statement_id for row in queued()]
    _db.session.commit()  # end the read: the senders in other processes must be able to write
    env = {**os.environ, "DATABASE_URL": database_url, "XAPI_BATCH_SIZE": "3", "SITE_URL": app.config["SITE_URL"],
           **{key: str(app.config[key]) for key in ("XAPI_ENDPOINT", "XAPI_USERNAME", "XAPI_PASSWORD",
                                                    "XAPI_ACCOUNT_HOMEPAGE")}}
    env.pop("TEST_DATABASE_URL", None)
    senders = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "xapi", "send"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], outputs
    assert sum(int(output.split("Sent ")[1].split()[0]) for output in outputs) == len(ids)
    assert all(row.status == "sent" for row in queued())
    held = Counter(store.stored_ids())
    assert all(held[statement_id] == 1 for statement_id in ids)


def test_the_send_command_reports_an_outage_and_fails(app, db, force, course, store, runner):  # noqa: F811
    _queue_everything(force, course)
    endpoint = app.config["XAPI_ENDPOINT"]
    app.config["XAPI_ENDPOINT"] = f"http://127.0.0.1:{free_port()}/xAPI"
    try:
        result = runner.invoke(args=["xapi", "send"])
    finally:
        app.config["XAPI_ENDPOINT"] = endpoint
    assert result.exit_code == 1 and "unreachable" in result.output
    result = runner.invoke(args=["xapi", "send"])
    assert result.exit_code == 0 and "Sent 0 statements" in result.output  # waiting for the back-off
    assert backfill() == 0
