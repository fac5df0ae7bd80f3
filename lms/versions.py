"""Version tokens: a one-row table per kind of data, given a new token in the same transaction as any change to that
data, so what is worked out from it can be kept in a worker process until then (lms.content.cache for published
content, lms.completion.cache for training data). Random rather than counted, so a database emptied and filled
again (as every test does) never repeats a token that a process still keeps work under."""
import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.engine import Connection

from lms.extensions import db
from lms.timeutil import utcnow

ROW_ID = 1


class VersionRow:
    """The columns of a version table (a mixin for its model)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(32))
    changed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


def token_select(model: type[VersionRow]) -> sa.Select:
    return sa.select(model.token).where(model.id == ROW_ID)


def read_token(select: sa.Select) -> str | None:
    """The token as this request's transaction sees it; None before the data was first written."""
    return db.session.connection().execute(select).scalar()


def new_version(connection: Connection, table: sa.Table) -> None:
    """Give the data a new token, on this connection (so in its transaction)."""
    values = {"token": secrets.token_hex(16), "changed_at": utcnow()}
    if not connection.execute(table.update().where(table.c.id == ROW_ID).values(values)).rowcount:
        connection.execute(table.insert().values(id=ROW_ID, **values))
