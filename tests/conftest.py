"""Fixtures shared by the whole suite: the app on SQLite or PostgreSQL, a clean database per test, people."""
import itertools
import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, request, request_finished, request_started
from flask.testing import FlaskCliRunner, FlaskClient

from config import TestConfig
from lms import create_app
from lms.extensions import db as _db, reading_after_commit, write_intent
from lms.people.models import Area, Person, RoleGrant, Team
from lms.people.passwords import hash_password
from lms.timeutil import set_now, utcnow

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PASSWORD = "correct horse battery staple"


def _test_now() -> datetime | None:
    """TEST_NOW (e.g. 2026-11-29T23:43:00Z): the moment every test starts at, as naive UTC; None for the real time."""
    value = os.environ.get("TEST_NOW", "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"TEST_NOW={value!r} is not a time like 2026-11-29T23:43:00Z") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"TEST_NOW={value!r} needs its zone: end it with Z for UTC")
    return moment.astimezone(UTC).replace(tzinfo=None)


TEST_NOW = _test_now()


def pytest_report_header(config):
    return f"clock: every test starts at {TEST_NOW:%Y-%m-%dT%H:%M:%SZ} (TEST_NOW)" if TEST_NOW else None


class Clock:
    """The app's clock as a test sees it: it keeps ticking, and a test may move it."""

    def move_to(self, moment: datetime) -> None:
        """Make "now" `moment` (naive UTC) for the rest of the test."""
        set_now(moment)

    def advance(self, by: timedelta) -> None:
        set_now(utcnow() + by)


@pytest.fixture(autouse=True)
def clock():
    """Every test starts at TEST_NOW when it is set (the real time otherwise); the clock is put back after it."""
    set_now(TEST_NOW)
    yield Clock()
    set_now(None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """The test database: a file of this run's own on SQLite; TEST_DATABASE_URL on PostgreSQL, or, when the suite
    runs in several processes (pytest-xdist, `make test`), a database of each process's own beside it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker_id == "master":
        return url
    return _database_of_its_own(sa.make_url(url), worker_id)


def _database_of_its_own(url: sa.URL, worker_id: str) -> str:
    """`url`'s database name with the worker's id after it (lms_test_gw0), made on the server if it is not there."""
    name = f"{url.database}_{worker_id}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


class Client(FlaskClient):
    """A test client that begins and ends every request as a real server does.

    Requests reuse the test's application context, so the server's end of request (the context's teardown, which
    closes the session) never runs between them. Flask-Login caches the user in that context's `g`: without popping
    it a request would see whoever the previous request (from any client) signed in; Flask-WTF caches the signed
    CSRF token there too, which would then be another session's. A transaction the request left
    open (a writing request begins BEGIN IMMEDIATE, and a lazy load after its commit opens another) would hold
    SQLite's write lock into the next request, whose "last seen" write, on a connection of its own, then waited
    DB_LOCK_TIMEOUT_SECONDS and answered 503: so it is ended, as the server ends it. The test's own transaction, if
    it had one open before the request, is the test's to end. The request's write intent is put back too, so the
    test's own statements do not run under whatever the last request's method was.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        before = _db.session().get_transaction()
        intent = write_intent.set(write_intent.get())
        try:
            return super().open(*args, **kwargs)
        finally:
            write_intent.reset(intent)
            left_open = _db.session().get_transaction()
            if left_open is not None and left_open is not before:
                _db.session.rollback()


@pytest.fixture(scope="session")
def app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CONTENT_DIR = str(FIXTURE_CONTENT)

    app = create_app(Config)
    app.test_client_class = Client
    app.test_cli_runner_class = CliRunner
    with app.app_context():
        _db.drop_all()
        _db.session.execute(sa.text("DROP TABLE IF EXISTS search_fts")) if _is_sqlite() else None
        _db.session.commit()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _is_sqlite() -> bool:
    return _db.engine.dialect.name == "sqlite"


def clean_database() -> None:
    # DELETE in dependency order: on PostgreSQL it is several times faster than TRUNCATE for small tables.
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    if _is_sqlite():
        _db.session.execute(sa.text("DELETE FROM search_fts"))
    _db.session.commit()


@pytest.fixture(autouse=True)
def db(app, clock):
    """A clean database for each test, inside an application context."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        clean_database()
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_numbers = itertools.count(1000)


@pytest.fixture
def make_team(db):
    def make(name="Response Team A", area="Northtown", team_type="RESPONSE") -> Team:
        area_obj = db.session.scalar(sa.select(Area).where(Area.name == area)) or Area(name=area)
        team = Team(name=name, area=area_obj, team_type=team_type)
        db.session.add(team)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_person(db):
    def make(roles=("officer",), team=None, rank="PC", email=None, active=True, supervises=(), **fields) -> Person:
        number = next(_numbers)
        person = Person(
            service_number=fields.pop("service_number", f"MP{number}"),
            given_name=fields.pop("given_name", "Alex"),
            family_name=fields.pop("family_name", f"Tester{number}"),
            email=email or f"person{number}@example.police.uk",
            rank=rank, team=team, is_active_account=active, password_hash=hash_password(PASSWORD),
            role_grants=[RoleGrant(role=role) for role in roles], supervised_teams=list(supervises), **fields,
        )
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def login(client):
    def do_login(person: Person, password: str = PASSWORD, follow=False):
        return client.post("/login", data={"email": person.email, "password": password},
                           follow_redirects=follow)

    return do_login


@pytest.fixture
def count_queries(db):
    """Count the SQL statements run inside the block: `with count_queries() as counter: ...; counter.count`."""

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.I):
                Counter.count += 1
                Counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield Counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


class LateReads:
    """The statements each request (or command) ran after its last commit, by thread: a test may send requests
    from several at once. A unit that never commits is never counted, so a form refused, rolled back and shown
    again may read what it likes; one that reads after a commit is counted whatever came between, since that read
    starts a transaction of its own all the same."""

    BOOKKEEPING = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", re.I)

    def __init__(self):
        self.units, self.late = {}, []

    def start(self, name: str) -> None:
        self.units[threading.get_ident()] = {"name": name, "committed": False, "since": []}

    def committed(self, session) -> None:
        if (unit := self.units.get(threading.get_ident())) is not None:
            unit.update(committed=True, since=[])

    def executed(self, conn, cursor, statement, parameters, context, executemany) -> None:
        unit = self.units.get(threading.get_ident())
        if unit and unit["committed"] and not reading_after_commit.get() and not self.BOOKKEEPING.match(statement):
            unit["since"].append(" ".join(statement.split())[:160])

    def finish(self) -> None:
        unit = self.units.pop(threading.get_ident(), None)
        if unit and unit["since"]:
            self.late.append((unit["name"], unit["since"]))


_late_reads: LateReads | None = None  # while a test runs: the CLI runner reports its commands to it


class CliRunner(FlaskCliRunner):
    """The test CLI runner: a command, like a request, reads nothing after its last commit."""

    def invoke(self, cli=None, args=None, **kwargs):
        if _late_reads is None:  # a command run outside a test (a session-wide fixture's) has nobody to tell
            return super().invoke(cli, args, **kwargs)
        _late_reads.start("flask " + (args if isinstance(args, str) else " ".join(map(str, args or ()))))
        try:
            return super().invoke(cli, args, **kwargs)
        finally:
            _late_reads.finish()


@pytest.fixture(autouse=True)
def no_reads_after_commit(app, db):
    """Fail the test if a request or command ran a statement after its last commit. The commit expires every object
    loaded, so reading one afterwards (an id for the redirect, a name for the message) loads it again: another query
    and, on SQLite, another transaction (BEGIN IMMEDIATE for a POST) once the work is done. Take what is needed
    before the commit; a read after it that is meant goes inside lms.extensions.read_after_commit, which says why."""
    global _late_reads
    watch = _late_reads = LateReads()

    def started(sender, **extra):
        watch.start(f"{request.method} {request.full_path.rstrip('?')}")

    def finished(sender, response, **extra):
        watch.finish()

    # the session's commits only: a write apart on a connection of its own (a device seen) expires nothing
    sa.event.listen(so.Session, "after_commit", watch.committed)
    sa.event.listen(db.engine, "before_cursor_execute", watch.executed)
    request_started.connect(started, app)
    request_finished.connect(finished, app)
    try:
        yield
    finally:
        _late_reads = None
        request_finished.disconnect(finished, app)
        request_started.disconnect(started, app)
        sa.event.remove(db.engine, "before_cursor_execute", watch.executed)
        sa.event.remove(so.Session, "after_commit", watch.committed)
    assert watch.late == [], "read after the commit: " + "; ".join(f"{name}: {stmts}" for name, stmts in watch.late)


@pytest.fixture
def content_tree(tmp_path) -> Path:
    """A copy of the fixture content tree that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def synced_content(app, db):
    """The fixture content tree imported into the database."""
    from tests.content_snapshot import synced

    report = synced(FIXTURE_CONTENT)
    assert report.ok, [str(error) for error in report.errors]
    return report
