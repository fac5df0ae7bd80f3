"""Benchmark the trainers' quiz analytics on 20,000 submitted attempts; print the timings.

    python bench/quiz_analytics.py                      # a throwaway SQLite file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench python bench/quiz_analytics.py

BENCH_DATABASE_URL is wiped: never point it at a database you want to keep. The quiz has a bank of 30 questions
(15 drawn per attempt, some "choose all that apply"); 8,000 attempts are on version 1, then one question is
reworded and 12,000 attempts are made on version 2, so version 2's figures pool 20,000 attempts' answers.
Goal: under 300 ms for the figures.
"""
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from config import TestConfig  # noqa: E402
from lms import create_app  # noqa: E402
from lms.content.sync import sync_content  # noqa: E402
from lms.courses.analytics import quiz_versions, version_figures  # noqa: E402
from lms.courses.models import AttemptQuestion, Course, QuizAttempt, QuizVersion, option_bit  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.people.devices import open_session  # noqa: E402
from lms.people.models import Person, RoleGrant  # noqa: E402

ATTEMPTS = (8_000, 12_000)
PEOPLE = 2_000
BANK, DRAW, OPTIONS = 30, 15, 4
RUNS = 7
SUBMITTED_AT = datetime(2026, 11, 1, 9, 0)


def write_content(root: Path, reworded: bool) -> None:
    folder = root / "courses" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.md").write_text("---\ntitle: Benchmark course\nsummary: S\naudience: Everyone\npass_mark: 80\n"
                                      "completion: [modules, quiz]\n---\nIntro.\n")
    (folder / "01-only.md").write_text("---\ntitle: Only module\nsummary: S\nminutes: 5\noutcomes: [O]\n---\nText.\n")
    questions = []
    for number in range(1, BANK + 1):
        text = f"Question {number}: which is right?" + (" (reworded)" if reworded and number == 1 else "")
        right = {1, 2} if number % 5 == 0 else {1}
        options = "\n".join(f"- [{'x' if option in right else ' '}] Option {option} of question {number}"
                            for option in range(1, OPTIONS + 1))
        questions.append(f"## {text}\n{options}\n> Because option 1 is right.\n")
    (folder / "quiz.md").write_text(f"---\ntitle: Benchmark quiz\ndraw: {DRAW}\nshuffle: true\n---\n"
                                    + "\n".join(questions))


def add_people() -> None:
    db.session.execute(sa.insert(Person), [
        {"id": number, "service_number": f"B{number}", "given_name": "Bench", "family_name": f"Person{number}",
         "email": f"bench{number}@example.police.uk", "rank": "PC"} for number in range(1, PEOPLE + 1)])
    db.session.execute(sa.insert(RoleGrant), [{"person_id": 1, "role": "trainer"}])


def add_attempts(version: QuizVersion, count: int, first_id: int, rng: random.Random) -> None:
    """Insert `count` submitted attempts on `version`, answering each question right with its own likelihood."""
    questions = version.questions
    attempts, items = [], []
    item_id = db.session.scalar(sa.select(sa.func.max(AttemptQuestion.id))) or 0
    for attempt_id in range(first_id, first_id + count):
        points = 0
        drawn = rng.sample(questions, DRAW)
        for position, question in enumerate(drawn, start=1):
            item_id += 1
            ease = 0.35 + 0.6 * (question.position % 7) / 6
            right = [option.id for option in question.options if option.is_correct]
            wrong = [option.id for option in question.options if not option.is_correct]
            chosen = right if rng.random() < ease else [rng.choice(wrong)]
            mask = sum(option_bit(option.position) for option in question.options if option.id in chosen)
            correct = chosen == right
            points += correct
            order = [option.id for option in question.options]
            rng.shuffle(order)
            items.append({"id": item_id, "attempt_id": attempt_id, "question_id": question.id,
                          "position": position, "option_order": order, "is_correct": correct,
                          "credit": float(correct), "chosen_mask": mask})
        percent = 100 * points // DRAW
        attempts.append({"id": attempt_id, "person_id": attempt_id % PEOPLE + 1, "course_id": version.course_id,
                         "version_id": version.id, "submitted_at": SUBMITTED_AT,
                         "points": float(points), "score_percent": percent, "is_passed": percent >= 80,
                         "pass_mark": 80})
    db.session.execute(sa.insert(QuizAttempt), attempts)
    db.session.execute(sa.insert(AttemptQuestion), items)


def current(course_id: int) -> QuizVersion:
    return db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course_id,
                                                          QuizVersion.is_current.is_(True)))


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        TESTING = False

    app = create_app(Config)
    rng = random.Random(2026)
    with app.app_context():
        db.drop_all()
        db.create_all()
        print(f"database: {db.engine.dialect.name}")
        started = time.perf_counter()
        write_content(workdir, reworded=False)
        assert sync_content(workdir).ok
        add_people()
        course = db.session.scalar(sa.select(Course))
        add_attempts(current(course.id), ATTEMPTS[0], 1, rng)
        write_content(workdir, reworded=True)
        assert sync_content(workdir).ok
        add_attempts(current(course.id), ATTEMPTS[1], ATTEMPTS[0] + 1, rng)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk load: statistics, and the visibility map for index-only scans.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        rows = {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (QuizAttempt, AttemptQuestion)}
        print(f"built in {time.perf_counter() - started:.1f} s: {rows}")
        course_id = course.id

        def figures():
            versions = quiz_versions(course_id)
            return version_figures(next(v for v in versions if v.is_current), versions, 5)

        timings = []
        for _ in range(RUNS + 1):
            db.session.expire_all()
            start = time.perf_counter()
            result = figures()
            timings.append((time.perf_counter() - start) * 1000)
        timings = timings[1:]  # the first run warms caches
        pooled = sum(item.answered for item in result.questions)
        print(f"figures for version {result.version.number}: {result.attempts} attempts on it, {pooled} answers "
              f"pooled across versions")
        print(f"analytics figures: median {statistics.median(timings):.0f} ms, best {min(timings):.0f} ms, "
              f"worst {max(timings):.0f} ms over {RUNS} runs (goal < 300 ms)")
        client = app.test_client()
        token, _ = open_session(db.session.get(Person, 1), "bench", browser="bench", address="127.0.0.1")
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
        page = []
        for _ in range(RUNS + 1):
            start = time.perf_counter()
            response = client.get("/courses/bench/analytics")
            page.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"whole analytics page (figures + template): median {statistics.median(page[1:]):.0f} ms")
        if os.environ.get("BENCH_KEEP"):
            return
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


if __name__ == "__main__":
    main()
