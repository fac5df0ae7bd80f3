"""Many officers press "Book" on the last seats at once, through gunicorn with several worker processes.

    python bench/booking_race.py                       # SQLite (a fresh file, WAL), 40 officers, 8 seats, 4 workers
    python bench/booking_race.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench
    python bench/booking_race.py --officers 60 --seats 10 --workers 8

Each officer signs in through the real login form and books through the real POST (CSRF on), all released at
the same instant from their own threads; the requests land on separate gunicorn worker processes. It prints how
many were booked and waiting, whether capacity held, the waiting-list order, any error responses, and timings.
The PostgreSQL database named in the URL is dropped and created afresh.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import Browser, free_port, fresh_database, start_gunicorn, stop  # noqa: E402

PASSWORD = "booking race password"


def seed(url: str, officers: int, seats: int) -> int:
    """Migrate and add a course, a session with `seats` seats and the officers; return the session id."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from lms import create_app
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.people.models import Person, RoleGrant
    from lms.people.passwords import hash_password
    from lms.sessions.models import TrainingSession
    from lms.timeutil import utcnow

    app = create_app()
    with app.app_context():
        upgrade()
        course = Course(slug="race", title="Investigation Masterclass", summary="", audience="")
        starts = utcnow().replace(microsecond=0) + timedelta(days=3)
        session = TrainingSession(course=course, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                  capacity=seats, online_url="https://meet.example/race")
        password = hash_password(PASSWORD)
        db.session.add_all([course, session] + [
            Person(service_number=f"R{n:04d}", given_name="Racer", family_name=f"{n:04d}",
                   email=f"racer{n}@example.police.uk", rank="PC", password_hash=password,
                   role_grants=[RoleGrant(role="officer")]) for n in range(officers)])
        db.session.commit()
        session_id = session.id
        db.engine.dispose()
    return session_id


class Officer(Browser):
    """One officer's browser, signed in, holding the CSRF token of the session page."""

    def __init__(self, base: str, number: int):
        super().__init__(base)
        self.email = f"racer{number}@example.police.uk"
        self.token = ""

    def sign_in_for(self, session_id: int) -> None:
        self.sign_in(self.email, PASSWORD)
        self.token = self.csrf(f"/sessions/{session_id}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--seats", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database_url, f"{folder}/race.db")
        session_id = seed(url, args.officers, args.seats)
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-" + os.urandom(8).hex(),
                   LOGIN_MAX_FAILURES_PER_ADDRESS="1000")
        log = open(Path(folder) / "gunicorn.log", "w+")
        server = start_gunicorn("wsgi:app", port, args.workers, env, log)
        try:
            base = f"http://127.0.0.1:{port}"
            officers = [Officer(base, n) for n in range(args.officers)]
            for officer in officers:
                officer.sign_in_for(session_id)
            barrier = threading.Barrier(len(officers))
            results: list[tuple[int, float]] = []

            def press_book(officer: Officer) -> None:
                barrier.wait()
                started = time.perf_counter()
                status = officer.post(f"/sessions/{session_id}/book", {"csrf_token": officer.token})
                results.append((status, time.perf_counter() - started))

            threads = [threading.Thread(target=press_book, args=(officer,)) for officer in officers]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            stop(server)
        log.seek(0)
        server_errors = [line for line in log if "Traceback" in line or "database is locked" in line
                         or "ERROR" in line]

        engine = sa.create_engine(url)
        with engine.connect() as connection:
            counts = dict(connection.execute(sa.text(
                "SELECT status, count(*) FROM bookings WHERE session_id = :id GROUP BY status"),
                {"id": session_id}).all())
            seats_taken, capacity = connection.execute(sa.text(
                "SELECT seats_taken, capacity FROM sessions WHERE id = :id"), {"id": session_id}).one()
            queue = [row[0] for row in connection.execute(sa.text(
                "SELECT id FROM bookings WHERE session_id = :id AND status = 'waiting' ORDER BY created_at, id"),
                {"id": session_id})]
            per_person = connection.execute(sa.text(
                "SELECT max(n) FROM (SELECT count(*) AS n FROM bookings WHERE status IN ('booked','waiting') "
                "GROUP BY person_id) AS live")).scalar()
        engine.dispose()

    statuses = [status for status, _ in results]
    latencies = sorted(latency for _, latency in results)
    print(f"database:        {url.split('://')[0]}  ({args.workers} gunicorn sync workers)")
    print(f"officers:        {args.officers} pressed Book at once on {args.seats} seats")
    print(f"booked:          {counts.get('booked', 0)} (seats_taken {seats_taken} of {capacity})")
    print(f"waiting:         {counts.get('waiting', 0)}, queue positions 1..{len(queue)} (distinct: "
          f"{len(set(queue)) == len(queue)})")
    print(f"oversold:        {max(counts.get('booked', 0) - capacity, 0)}; "
          f"most live bookings per officer: {per_person}")
    print(f"responses:       {statuses.count(302)} redirects (success), "
          f"{len(statuses) - statuses.count(302)} errors {sorted(set(statuses) - {302})}")
    print(f"server errors:   {len(server_errors)} log lines with a traceback or 'database is locked'")
    print(f"time:            {elapsed:.2f}s for all; per request median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")
    ok = (counts.get("booked", 0) == args.seats and counts.get("waiting", 0) == args.officers - args.seats
          and statuses.count(302) == args.officers and not server_errors)
    print("result:          " + ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
