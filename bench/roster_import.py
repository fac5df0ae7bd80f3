"""How long a 20,000-row roster import holds the write lock, and what a user's write meanwhile waits.

    python bench/roster_import.py                       # SQLite (a fresh file, WAL)
    python bench/roster_import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench
    python bench/roster_import.py --rows 5000

It runs `flask users import` (the real command, so the same script measures any version of the code) twice:
a first import of every row into an empty site, then a re-import in which a tenth of the people changed team,
a fortieth are new and a fortieth have left (`--deactivate-missing --allow-mass-deactivation` when the code
has the guard). Meanwhile a second thread, on its own connection, writes one row every 20 ms as a user's
request would and records how long each write waited and whether it failed.

"Write lock held" is the longest span from the start of a transaction that writes (SQLite's BEGIN IMMEDIATE,
or the first INSERT/UPDATE/DELETE on PostgreSQL) to its COMMIT or ROLLBACK. Every table in the database named
by the URL is dropped and created afresh.
"""
import argparse
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = "service_number,given_name,family_name,email,rank,team,area,is_student_officer,roles,supervises"
WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)


def roster_lines(rows: int, *, changed: int = 0, new: int = 0, left: int = 0) -> list[str]:
    """The roster of `rows` people; `changed` move team, `left` are dropped, `new` are appended."""
    lines = [HEADER]
    for n in range(left, rows):
        team = f"Response Team {'B' if n < left + changed else 'A'}{n % 40}"
        lines.append(f"B{n:05d},Given{n},Family{n},officer{n}@example.police.uk,PC,{team},Area {n % 12},no,,")
    lines.append("ADMIN1,Ada,Admin,admin@example.police.uk,INSP,Command Team,Area 0,no,officer;admin,")
    for n in range(rows, rows + new):
        lines.append(f"B{n:05d},Given{n},Family{n},officer{n}@example.police.uk,DC,CID,Area {n % 12},no,,")
    return lines


class LockClock:
    """Time every transaction that writes, from its start to its end, on every connection of the app's engine."""

    def __init__(self, engine: sa.Engine):
        self.spans: list[float] = []
        self.started: dict[int, float] = {}
        sa.event.listen(engine, "before_cursor_execute", self.statement)
        sa.event.listen(engine, "commit", self.end)
        sa.event.listen(engine, "rollback", self.end)

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN IMMEDIATE") or WRITES.match(statement):
            self.started.setdefault(id(conn.connection.dbapi_connection), time.perf_counter())

    def end(self, conn):
        started = self.started.pop(id(conn.connection.dbapi_connection), None)
        if started is not None:
            self.spans.append(time.perf_counter() - started)


class UserWrites(threading.Thread):
    """A user's small write every 20 ms on a connection of its own, as a request in another worker would make."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = sa.create_engine(url)
        self.waits: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                with self.engine.begin() as connection:
                    connection.execute(sa.text("INSERT INTO login_failures (email, address, at) "
                                               "VALUES ('bench@example.police.uk', '127.0.0.1', CURRENT_TIMESTAMP)"))
            except sa.exc.OperationalError as error:
                self.failures.append(str(error.orig).splitlines()[0])
            self.waits.append(time.perf_counter() - started)
            time.sleep(0.02)
        self.engine.dispose()


def run_import(app, clock: LockClock, url: str, path: Path, *options: str) -> dict:
    runner = app.test_cli_runner()
    writer = UserWrites(url)
    clock.spans.clear()
    writer.start()
    time.sleep(0.1)
    started = time.perf_counter()
    result = runner.invoke(args=["users", "import", str(path), *options])
    elapsed = time.perf_counter() - started
    time.sleep(0.1)
    writer.stop.set()
    writer.join()
    if result.exit_code != 0:
        raise SystemExit(f"the import failed:\n{result.output}")
    return {"elapsed": elapsed, "held": max(clock.spans, default=0.0), "output": result.output.strip().splitlines()[-1],
            "wait": max(writer.waits), "writes": len(writer.waits), "failures": writer.failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/roster.db"
        os.environ["DATABASE_URL"] = url
        from lms import create_app
        from lms.extensions import db

        app = create_app()
        with app.app_context():
            db.drop_all()
            db.create_all()
            db.session.commit()
            clock = LockClock(db.engine)
            first, second = Path(folder) / "first.csv", Path(folder) / "second.csv"
            first.write_text("\n".join(roster_lines(args.rows)) + "\n")
            second.write_text("\n".join(roster_lines(args.rows, changed=args.rows // 10, new=args.rows // 40,
                                                     left=args.rows // 40)) + "\n")
            guard = ["--allow-mass-deactivation"] if "allow-mass-deactivation" in str(
                app.cli.commands["users"].commands["import"].params) else []
            results = [("first import", run_import(app, clock, url, first)),
                       ("re-import", run_import(app, clock, url, second, "--deactivate-missing", *guard))]
            db.session.remove()
            db.drop_all()
            db.engine.dispose()

    print(f"database: {url.split('://')[0]}, {args.rows} rows")
    for name, figures in results:
        print(f"{name}: {figures['output']}")
        print(f"  import took {figures['elapsed']:.2f} s; write lock held {figures['held']:.2f} s")
        print(f"  a user's write meanwhile: {figures['writes']} writes, longest wait {figures['wait']:.2f} s, "
              f"{len(figures['failures'])} failed {sorted(set(figures['failures']))}")


if __name__ == "__main__":
    main()
