"""The extensions, unbound, and the SQLite settings every connection needs."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()

#: Whether the current unit of work may write. On SQLite a transaction that reads and then writes fails at once
#: with "database is locked" if another writer committed in between, so writing transactions take the write
#: lock up front with BEGIN IMMEDIATE; reads keep plain BEGIN so they never wait on writers (WAL).
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def engine_options(config) -> dict:
    """The engine options for the configured database, with its connect, lock and statement timeouts.

    SQLite: the driver's `timeout` is its busy timeout, how long a writer waits for the write lock before "database
    is locked" (shown as "The site is busy"). PostgreSQL: libpq's connect_timeout, and lock_timeout and
    statement_timeout set for every session at connect, so a frozen or locked database fails a request in seconds.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    connect_args = dict(options.get("connect_args") or {})
    if url.get_backend_name() == "sqlite":
        connect_args.setdefault("timeout", config["DB_LOCK_TIMEOUT_SECONDS"])
    elif url.get_backend_name() == "postgresql":
        connect_args.setdefault("connect_timeout", max(2, round(config["DB_CONNECT_TIMEOUT_SECONDS"])))
        milliseconds = {name: round(config[key] * 1000) for name, key in (
            ("statement_timeout", "DB_STATEMENT_TIMEOUT_SECONDS"), ("lock_timeout", "DB_LOCK_TIMEOUT_SECONDS"))}
        connect_args.setdefault("options", " ".join(f"-c {name}={value}" for name, value in milliseconds.items()))
    options["connect_args"] = connect_args
    return options


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Take BEGIN over from pysqlite (it would only send it before DML), as SQLAlchemy's docs describe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # without it cascades and FK checks silently do nothing
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


@contextmanager
def read_transaction() -> Iterator[None]:
    """Run the block in a transaction that only reads, and end it, so that the writes which follow are short.

    A long preparation (a 20,000-row roster) then never holds SQLite's write lock: the block reads under plain
    BEGIN, and the next statement starts a fresh transaction (BEGIN IMMEDIATE when writing) rather than upgrading
    an old snapshot. Whatever transaction was open before is rolled back, so call it before changing anything.
    """
    db.session.rollback()
    token = write_intent.set(False)
    try:
        yield
    finally:
        db.session.rollback()
        write_intent.reset(token)


#: Why the statements now running read after their request's (or command's) commit on purpose, or None. The
#: suite fails any other read after a commit (tests/conftest.py, no_reads_after_commit); see read_after_commit.
reading_after_commit: ContextVar[str | None] = ContextVar("reading_after_commit", default=None)


@contextmanager
def read_after_commit(why: str) -> Iterator[None]:
    """Read in the block after the commit on purpose, for the reason given (say it at the call too).

    The commit expires every object loaded, so a read afterwards costs a query and a transaction of its own (on
    SQLite BEGIN IMMEDIATE, in a form's request): a request takes what its response needs before it commits. The
    few that cannot, because the page shows what the commit made, read in this block, and only this block's
    statements are let off.
    """
    token = reading_after_commit.set(why)
    try:
        yield
    finally:
        reading_after_commit.reset(token)
