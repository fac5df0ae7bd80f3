"""Benchmark the quality view for the whole force at 500 and 5,000 officers, with two years of monthly outcome
figures and quarterly audit visits (five cases each) for every team and a plan review a year for each officer, each
scored criterion by criterion; print the timings, ratio and query counts.

    python bench/quality.py                      # a throwaway SQLite file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench python bench/quality.py

BENCH_DATABASE_URL is wiped: never point it at a database you want to keep. The force and its training come from
bench/reports.py; the page is fetched as an admin sees it (the whole force). Goal: 5,000 officers under 1 s, the same
number of queries at both sizes.
"""
import gc
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench.reports import PASSWORD, Force, timed, write_content  # noqa: E402
from config import TestConfig  # noqa: E402
from lms import create_app  # noqa: E402
from lms.content.sync import sync_content  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.people.models import Person, RoleGrant, Team  # noqa: E402
from lms.people.passwords import hash_password  # noqa: E402
from lms.quality.models import (AuditCase, AuditVisit, OutcomeImport, OutcomeMonth, Plan, PlanAttempt,  # noqa: E402
                                PlanReview)
from lms.quality.services import current_rubric  # noqa: E402
from lms.timeutil import today_london, utcnow  # noqa: E402

SIZES = (500, 5_000)
PAGES = ("/quality/", "/quality.csv")
MONTHS = 24
#: an audit visit to every team each quarter, this many cases sampled on each
AUDIT_EVERY, CASES = 3, 5


def rubric(use: str) -> str:
    return (f"---\ntitle: {use}\nsummary: S\nuse: {use}\n---\n" +
            "".join(f"## Criterion {n}\n- 0 No: n.\n- 1 Partly: p.\n- 2 Yes: y.\n\n" for n in range(1, 7)))


def scored(rng: random.Random, criteria: list[dict]) -> list[dict]:
    return [{"key": item["key"], "score": rng.randint(0, 2), "comment": ""} for item in criteria]


def add_quality(rng: random.Random, done: set[int], batch: int) -> None:
    """Outcome figures and audit visits for every team not yet given them, and one reviewed plan for each officer
    not yet given one."""
    version, audit = current_rubric("plan-review"), current_rubric("quality-audit")
    teams = [team_id for team_id in db.session.scalars(sa.select(Team.id)) if team_id not in done]
    today = today_london()
    months = [date((index := today.year * 12 + today.month - 1 - back) // 12, index % 12 + 1, 1)
              for back in range(1, MONTHS + 1)]
    rows = []
    for team_id in teams:
        for month in months:
            charged = rng.randint(5, 20)
            rows.append({"team_id": team_id, "month": month, "finalised": 100, "charge_summons": charged,
                         "outcome_16": 20, "outcome_14_15": 30, "other": 50 - charged, "import_id": batch})
        for month in months[::AUDIT_EVERY]:
            visit = AuditVisit(team_id=team_id, visited_on=month.replace(day=rng.randint(1, 28)), auditors="Bench",
                               rubric_version_id=audit.id)
            for case in range(CASES):
                scores = scored(rng, audit.criteria)
                visit.cases.append(AuditCase(crime_reference=f"{month:%y}/{team_id}/{case}", scores=scores,
                                             total=sum(item["score"] for item in scores), max_score=audit.max_score))
            db.session.add(visit)
    db.session.execute(sa.insert(OutcomeMonth), rows)
    done.update(teams)
    reviewed = sa.select(Plan.person_id)
    officers = db.session.execute(sa.select(Person.id, Person.team_id).where(
        Person.team_id.is_not(None), Person.id.not_in(reviewed))).all()
    now = utcnow()
    for person_id, team_id in officers:
        at = now - timedelta(days=rng.uniform(1, 360))
        plan = Plan(person_id=person_id, team_id=team_id, kind="practice", scenario="S", status="reviewed")
        attempt = PlanAttempt(number=1, body="b", body_html="<p>b</p>", submitted_at=at)
        scores = scored(rng, version.criteria)
        attempt.review = PlanReview(rubric_version_id=version.id, scores=scores,
                                    total=sum(item["score"] for item in scores), max_score=version.max_score,
                                    reviewed_at=at)
        plan.attempts.append(attempt)
        db.session.add(plan)
    db.session.commit()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    scratch = tempfile.TemporaryDirectory()
    content = Path(scratch.name) / "content"
    write_content(content)
    (content / "rubrics").mkdir()
    for use in ("plan-review", "quality-audit"):
        (content / "rubrics" / f"{use}.md").write_text(rubric(use))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{scratch.name}/bench.db"
        CONTENT_DIR = str(content)

    app = create_app(Config)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        assert sync_content(content).ok
        admin = Person(service_number="ADMIN", given_name="Bench", family_name="Admin", rank="SUPT",
                       email="admin@example.police.uk", password_hash=hash_password(PASSWORD),
                       role_grants=[RoleGrant(role="admin")])
        db.session.add(admin)
        batch = OutcomeImport(file_name="bench.csv", sha256="0" * 64, rows=0)
        db.session.add(batch)
        db.session.commit()
        force, rng, done = Force(random.Random(7)), random.Random(8), set()
        client = app.test_client()
        client.post("/login", data={"email": admin.email, "password": PASSWORD})
        print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; median of 5 requests")
        for size in SIZES:
            force.grow_to(size)
            add_quality(rng, done, batch.id)
            if db.engine.dialect.name == "postgresql":
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            gc.collect()
            for path in PAGES:
                client.get(path)
            queries = []

            def count(*args):
                queries.append(args[2])

            sa.event.listen(db.engine, "before_cursor_execute", count)
            client.get(PAGES[0])
            sa.event.remove(db.engine, "before_cursor_execute", count)
            results[size] = {path: timed(client, path) for path in PAGES}
            counts = [db.session.scalar(sa.select(sa.func.count()).select_from(table))
                      for table in (OutcomeMonth, PlanReview, AuditCase)]
            print(f"{size:>6} officers, {counts[0]:>6} team months, {counts[1]:>5} reviews, {counts[2]:>5} audited "
                  f"cases: "
                  + "  ".join(f"{path} {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU)"
                              for path, (wall, cpu) in results[size].items())
                  + f"; {len(queries)} queries")
        small, large = SIZES
        print("ratio: " + "  ".join(f"{path} {results[large][path][0] / results[small][path][0]:.1f}x"
                                    for path in PAGES))
        wall, cpu = results[large][PAGES[0]]
        print(f"Goal: the {large:,}-officer view under 1 s: {wall:.3f} s wall, {cpu:.3f} s CPU, and the same number "
              f"of queries at both sizes.")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    scratch.cleanup()


if __name__ == "__main__":
    main()
