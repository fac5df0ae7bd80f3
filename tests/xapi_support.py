"""Helpers for the xAPI tests: an officer who has done one of everything, and the queue as the tests read it."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.xapi.models import XapiStatement
from tests.reports_support import ago, attempt, attend, read_modules


def queued(status: str | None = None) -> list[XapiStatement]:
    db.session.expire_all()
    query = sa.select(XapiStatement).order_by(XapiStatement.id)
    if status is not None:
        query = query.where(XapiStatement.status == status)
    return list(db.session.scalars(query))


def verbs_of(rows) -> list[str]:
    return sorted(row.body["verb"]["display"]["en-GB"] for row in rows)


def everything(person, course, at=None) -> None:
    """Modules read, a failed then a passed quiz, a session missed and one attended: the course is complete."""
    at = at or ago(3)
    read_modules(person, course, at - timedelta(days=3))
    attempt(person, course, passed=False, at=at - timedelta(days=2), wrong={1, 2, 3})
    attempt(person, course, at=at - timedelta(days=1))
    attend(person, course, at - timedelta(hours=12), status="absent", walk_in=True)  # one live booking a course
    attend(person, course, at)


@pytest.fixture
def xapi_on(app):
    """Statements queue (to a store nobody sends to in these tests)."""
    saved = app.config["XAPI_ENDPOINT"]
    app.config["XAPI_ENDPOINT"] = "http://127.0.0.1:9/xAPI"
    yield
    app.config["XAPI_ENDPOINT"] = saved
