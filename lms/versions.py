"""Version tokens: a one-row table per kind of data, given a new token in the same transaction as any change to that
data, so what is worked out from it can be kept in a worker process until then (lms.content.cache for published
content, lms.completion.cache for training data). Random rather than counted, so a database emptied and filled
again (as every test does) never repeats a token that a process still keeps work under.

A GET request writes none of this data, so it reads each token once: with the signed-in person, in the same query
(lms.people.with_person), or at first use. The end of its transaction (a commit or a rollback) forgets what was
read: what follows sees the data as it is then.
"""
import secrets
from datetime import datetime
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context, request
from sqlalchemy.engine import Connection

from lms.extensions import db
from lms.people import with_person
from lms.timeutil import utcnow

ROW_ID = 1
_TOKENS_KEY = "lms.version_tokens"
_TABLES: list[str] = []


class VersionRow:
    """The columns of a version table (a mixin for its model); each is loaded with the signed-in person."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(32))
    changed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _TABLES.append(cls.__tablename__)
        with_person.load_with_person(cls.__tablename__, lambda: token_select(cls).scalar_subquery())


@cache
def token_select(model: type[VersionRow]) -> sa.Select:
    return sa.select(model.token).where(model.id == ROW_ID)


def token_of(model: type[VersionRow]) -> str | None:
    """The model's token as this request's transaction sees it; None before the data was first written."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return _read(model)
    tokens = request.environ.setdefault(_TOKENS_KEY, {})  # not `g`: an app context may outlive a request
    name = model.__tablename__
    if name not in tokens:
        loaded = with_person.loaded_with_person(name, None)
        tokens[name] = _read(model) if loaded is with_person.MISSING else loaded
    return tokens[name]


def _read(model: type[VersionRow]) -> str | None:
    return db.session.connection().execute(token_select(model)).scalar()


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_tokens(session: so.Session, transaction: so.SessionTransaction) -> None:
    if transaction.parent is None and has_request_context():
        request.environ.pop(_TOKENS_KEY, None)
        with_person.forget(_TABLES)


def new_version(connection: Connection, table: sa.Table) -> None:
    """Give the data a new token, on this connection (so in its transaction)."""
    values = {"token": secrets.token_hex(16), "changed_at": utcnow()}
    if not connection.execute(table.update().where(table.c.id == ROW_ID).values(values)).rowcount:
        connection.execute(table.insert().values(id=ROW_ID, **values))
