"""Measure what the signed-in check costs a request: queries, time to load the person, writes for "last seen".

    python bench/signed_in.py                      # a throwaway SQLite file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench python bench/signed_in.py

BENCH_DATABASE_URL is wiped: never point it at a database you want to keep. 2,000 people each hold 2 device
sessions (4,000 rows); one of them, with three roles, is loaded from the cookie's id again and again.
"""
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask import g  # noqa: E402

from config import TestConfig  # noqa: E402
from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.people.auth import load_person  # noqa: E402
from lms.people.devices import open_session  # noqa: E402
from lms.people.models import DeviceSession, Person, RoleGrant  # noqa: E402

PEOPLE = 2_000
LOADS = 2_000
PAGES = 300


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add_all(Person(service_number=f"B{n}", given_name="Bench", family_name=f"Person{n}",
                                  email=f"bench{n}@example.police.uk", rank="PC",
                                  role_grants=[RoleGrant(role="officer")]) for n in range(PEOPLE))
        db.session.flush()
        people = list(db.session.scalars(sa.select(Person)))
        people[0].role_grants = [RoleGrant(role=role) for role in ("officer", "supervisor", "admin")]
        tokens = [open_session(person, "bench", browser="bench", address="127.0.0.1")[0]
                  for person in people for _ in range(2)]
        db.session.commit()
        token = tokens[0]

        statements = []

        def count(conn, cursor, statement, *args):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", statement, re.I):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        with app.test_request_context():
            load_person(token)
            db.session.rollback()
        print(f"{db.engine.dialect.name}: {len(statements)} query to load the signed-in person, their roles and "
              f"the session ({db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession))} sessions)")

        def by_person_id():
            """What the person-wide nonce design cost: the person by primary key, then their roles."""
            return db.session.scalar(sa.select(Person).where(Person.id == people[0].id))

        with app.test_request_context():
            for label, load in (("load_person (session + person + roles)", lambda: load_person(token)),
                                ("person by id, then roles (before)", by_person_id)):
                timings = []
                for _ in range(LOADS):
                    db.session.expire_all()
                    start = time.perf_counter()
                    person = load()
                    assert person.has_role("admin")
                    timings.append((time.perf_counter() - start) * 1e6)
                    db.session.rollback()
                print(f"{label}: median {statistics.median(timings):.0f} µs, p95 "
                      f"{statistics.quantiles(timings, n=20)[-1]:.0f} µs over {LOADS} loads")

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        statements.clear()
        for _ in range(PAGES):
            db.session.remove()  # each request gets a fresh session, as under gunicorn
            g.pop("_login_user", None)
            assert client.get("/account/devices").status_code == 200
        writes = [s for s in statements if re.match(r"\s*(UPDATE|INSERT|DELETE)", s, re.I)]
        print(f"{PAGES} signed-in pages in a row: {len(writes)} write(s) for 'last seen' (at most one a minute)")
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


if __name__ == "__main__":
    main()
