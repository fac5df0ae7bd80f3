"""Failing soft when a dependency stalls: the site's own error page within seconds, a health check that writes."""
import socket
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from config import TestConfig
from lms import create_app
from lms.audit.models import AuditEvent
from lms.core.models import Heartbeat
from lms.extensions import db as _db
from lms.notify.models import OutboxMessage
from lms.notify.services import new_message_id
from tests.conftest import PASSWORD


def _app(url: str, **settings):
    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "DB_CONNECT_TIMEOUT_SECONDS": 2,
                                            "DB_LOCK_TIMEOUT_SECONDS": 1, "DB_STATEMENT_TIMEOUT_SECONDS": 1,
                                            **settings})
    return create_app(config)


@contextmanager
def app_for(url: str, **settings):
    app = _app(url, **settings)
    try:
        yield app
    finally:
        with app.app_context():
            _db.engine.dispose()


@contextmanager
def silent_server():
    """A TCP server that accepts connections and never says a word (a frozen database or SMTP server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def _signed_in_client(app, person_id: int = 1):
    """A browser whose cookie names a signed-in person: each page must load them from the database."""
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{person_id}:nonce"
        cookie["_fresh"] = True
        cookie["started_at"] = time.time()
    return client


def _timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@127.0.0.1:1/stopped",
                                 "sqlite:////nonexistent/directory/lms.db"])
def test_a_signed_in_page_with_the_database_down_shows_the_sites_own_error_page(url):
    with app_for(url) as app:
        response, seconds = _timed_get(_signed_in_client(app), "/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "The site cannot reach its database just now" in page and "Investigation Masterclass" in page
    assert "Sign out" not in page  # rendered without the person, who cannot be loaded
    assert response.headers["Retry-After"] == "5"
    assert seconds < 3


def test_a_database_that_accepts_connections_and_never_answers_fails_within_the_connect_timeout():
    with silent_server() as port, app_for(f"postgresql+psycopg://postgres@127.0.0.1:{port}/frozen") as app:
        response, seconds = _timed_get(_signed_in_client(app), "/")
        health, health_seconds = _timed_get(app.test_client(), "/healthz")
    assert response.status_code == 503 and "cannot reach its database" in response.get_data(as_text=True)
    assert seconds < 5  # libpq's connect_timeout, 2 s at the least
    assert health.status_code == 503 and health_seconds < 5


@contextmanager
def write_lock_held(database_url: str, seconds: float = 8):
    """Another process holding the write lock (SQLite) or an ACCESS EXCLUSIVE lock on people (PostgreSQL).

    It lets go by itself after `seconds`, so code without timeouts waits that long and then succeeds.
    """
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), check_same_thread=False)
        holder.isolation_level = None
        holder.execute("BEGIN IMMEDIATE")
    else:
        engine = sa.create_engine(database_url)
        holder = engine.connect()
        holder.execute(sa.text("LOCK TABLE people IN ACCESS EXCLUSIVE MODE"))
    released = threading.Lock()

    def release():
        if released.acquire(blocking=False):
            holder.rollback()
            holder.close()

    timer = threading.Timer(seconds, release)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        release()
        if not database_url.startswith("sqlite"):
            engine.dispose()


def test_a_write_stuck_behind_a_lock_gets_the_busy_page_within_the_lock_timeout(database_url, make_person, db):
    email = make_person().email
    db.session.rollback()  # end the read: this test's own session must not hold the lock
    with app_for(database_url) as app, write_lock_held(database_url):
        started = time.monotonic()
        response = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
        seconds = time.monotonic() - started
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "The site is busy, try again" in page and "Wait a few seconds" in page
    assert seconds < 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0  # not signed in


def test_a_statement_running_past_the_statement_timeout_is_cancelled(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs in the process: there is no server-side statement to cancel")
    with app_for(database_url) as app, app.app_context():
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
            _db.session.execute(sa.text("SELECT pg_sleep(10)"))
        _db.session.rollback()
        assert time.monotonic() - started < 3


def test_healthz_writes_the_heartbeat(client, db):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    first = db.session.scalar(sa.select(Heartbeat.beat_at))
    time.sleep(0.01)
    assert client.get("/healthz").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Heartbeat)) == 1
    assert db.session.scalar(sa.select(Heartbeat.beat_at)) > first


def test_healthz_is_503_when_the_database_file_is_read_only(tmp_path):
    path = tmp_path / "lms.db"
    with app_for(f"sqlite:///{path}") as writable, writable.app_context():
        _db.create_all()
        assert writable.test_client().get("/healthz").status_code == 200
    with app_for(f"sqlite:///file:{path}?mode=ro&uri=true") as read_only:
        with read_only.app_context():
            assert _db.session.scalar(sa.select(sa.func.count()).select_from(Heartbeat)) == 1  # it reads
        response = read_only.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "cannot write"}


def test_notify_send_stops_at_a_silent_smtp_server_after_one_timeout(app, runner, db, monkeypatch):
    """Each message waiting out the timeout in turn made a run of 200 last half an hour against a silent server."""
    for number in range(3):
        db.session.add(OutboxMessage(kind="test", to_address=f"officer{number}@example.police.uk",
                                     subject="Hello", body_text="Hello", message_id=new_message_id()))
    db.session.commit()
    with silent_server() as port:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 0.5)
        started = time.monotonic()
        result = runner.invoke(args=["notify", "send"])
        seconds = time.monotonic() - started
    assert result.exit_code == 1
    assert "the mail server did not answer" in result.output and "timed out" in result.output
    assert seconds < 0.5 + 1.5
    db.session.expire_all()
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.status, m.attempts) for m in messages] == [("pending", 1), ("pending", 0), ("pending", 0)]
