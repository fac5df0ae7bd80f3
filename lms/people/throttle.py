"""Count failed sign-ins by account and by address, exactly, however many app instances try at once.

Each change is one conditional statement on a counter row (an upsert that only counts while the limit is not
reached), so a limit of 5 lets exactly 5 attempts through even when 15 arrive at the same instant: the row lock
(PostgreSQL) or the write lock (SQLite) orders them, and each one sees the count the one before it left.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.people.models import LoginCounter
from lms.timeutil import utcnow

ACCOUNT = "account"
ADDRESS = "address"
#: wrong second-factor codes, by person id: apart from ACCOUNT, so a right password does not reset it
CODE = "code"

_counters = LoginCounter.__table__


def _window_start():
    return utcnow() - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def count_failure(scope: str, key: str, below: int | None = None) -> int | None:
    """Add one failure to the key's window (a window past its length starts again at 1) and return the new count.

    With `below`, count only while the window holds fewer failures than that, and return None when it is full: the
    check and the count are one statement, so no two attempts can both take the last place.
    """
    now = utcnow()
    expired = _counters.c.window_started_at < _window_start()
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(_counters).values(scope=scope, key=key, failures=1, window_started_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[_counters.c.scope, _counters.c.key],
        set_={"failures": sa.case((expired, 1), else_=_counters.c.failures + 1),
              "window_started_at": sa.case((expired, now), else_=_counters.c.window_started_at)},
        where=None if below is None else sa.or_(expired, _counters.c.failures < below),
    ).returning(_counters.c.failures)
    return db.session.execute(statement).scalar_one_or_none()


def failures(scope: str, key: str) -> int:
    """The failures counted for the key in its current window."""
    return db.session.scalar(sa.select(_counters.c.failures).where(
        _counters.c.scope == scope, _counters.c.key == key, _counters.c.window_started_at >= _window_start())) or 0


def forgive(scope: str, key: str, everything: bool = False) -> None:
    """Take back one counted failure (an attempt counted up front that succeeded), or all of them."""
    db.session.execute(sa.update(_counters).where(
        _counters.c.scope == scope, _counters.c.key == key, _counters.c.failures > 0,
    ).values(failures=0 if everything else _counters.c.failures - 1))
