"""Benchmark the completion reports for the whole force at 500 and at 5,000 officers; print the timings and ratio.

    python bench/reports.py                      # a throwaway SQLite file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench python bench/reports.py

BENCH_DATABASE_URL is wiped: never point it at a database you want to keep. Three courses (two with a session);
officers in teams of ten, ten teams to an area; each officer's state on each course is drawn at random (complete,
booked, in progress with reads and failed attempts, not started), with real quiz answers, sessions and registers.
The pages are fetched through the app as an admin sees them (the whole force), so the time includes the queries,
the rule for every officer and course, and rendering. On PostgreSQL the tables are analysed after each bulk load,
as autovacuum would. Goals: 5,000-officer matrix under 0.5 s; 5,000 / 500 <= 10.
"""
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from config import TestConfig  # noqa: E402
from lms import create_app  # noqa: E402
from lms.content.sync import sync_content  # noqa: E402
from lms.courses.models import (AttemptQuestion, Course, Module, ModuleRead, Question, QuizAttempt,  # noqa: E402
                                QuizVersion, option_bit)
from lms.extensions import db  # noqa: E402
from lms.people.models import Area, Person, RoleGrant, Team  # noqa: E402
from lms.people.passwords import hash_password  # noqa: E402
from lms.sessions.models import Attendance, Booking, TrainingSession  # noqa: E402
from lms.timeutil import utcnow  # noqa: E402

SIZES = (500, 5_000)
TEAM_SIZE, TEAMS_PER_AREA = 10, 10
PAGES = ("/reports/matrix", "/reports/coverage", "/reports/snapshot")
EXTRA = ("/reports/", "/reports/overdue", "/reports/matrix.csv")
RUNS = 5
PASSWORD = "bench password"
COURSES = {"alpha": "[modules, quiz, session]", "bravo": "[modules, quiz]", "charlie": "[modules, quiz, session]"}


def write_content(root: Path) -> None:
    for number, (slug, completion) in enumerate(COURSES.items(), start=1):
        folder = root / "courses" / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "course.md").write_text(
            f"---\ntitle: Course {slug}\nsummary: S\naudience: Everyone\npass_mark: 70\nmax_attempts: 3\n"
            f"completion: {completion}\nvalid_for_months: 24\ndue:\n  default: 2027-06-30\n  PS: 2026-06-30\n"
            f"order: {number}\n---\nIntro.\n")
        for module in range(1, 6):
            (folder / f"0{module}-part-{module}.md").write_text(
                f"---\ntitle: Part {module}\nsummary: S\nminutes: 10\noutcomes: [O]\n---\nText.\n")
        questions = [f"## {slug} question {q}?\n- [x] Right {q}\n- [ ] Wrong {q}a\n- [ ] Wrong {q}b\n"
                     f"> Because.\n" for q in range(1, 21)]
        (folder / "quiz.md").write_text("---\ntitle: Quiz\ndraw: 10\n---\n" + "\n".join(questions))


class Force:
    """Adds officers in teams and areas, with their training, in bulk."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.people = 0
        self.now = utcnow().replace(microsecond=0)
        self.courses = list(db.session.scalars(sa.select(Course).order_by(Course.position)))
        self.modules = {course.id: list(db.session.scalars(sa.select(Module.id).where(Module.course_id == course.id)
                                                           .order_by(Module.number))) for course in self.courses}
        self.versions = {course.id: db.session.scalar(
            sa.select(QuizVersion).where(QuizVersion.course_id == course.id, QuizVersion.is_current.is_(True))
            .options(sa.orm.selectinload(QuizVersion.questions).selectinload(Question.options)))
            for course in self.courses}
        self.hash = hash_password(PASSWORD)
        self.areas: dict[str, Area] = {}

    def grow_to(self, total: int) -> None:
        added = total - self.people
        teams = []
        for number in range(self.people // TEAM_SIZE, total // TEAM_SIZE):
            name = f"Area {number // TEAMS_PER_AREA + 1}"
            area = self.areas.get(name) or self.areas.setdefault(name, Area(name=name))
            teams.append(Team(name=f"Team {number + 1}", area=area))
        db.session.add_all(teams)
        db.session.flush()
        rows = []
        for index in range(added):
            number = self.people + index
            rows.append(dict(service_number=f"B{number:05d}", given_name="Bench", family_name=f"Officer{number:05d}",
                             email=f"bench{number}@example.police.uk", rank="PS" if number % TEAM_SIZE == 0 else "PC",
                             team_id=teams[index // TEAM_SIZE].id, password_hash=self.hash))
        ids = db.session.scalars(sa.insert(Person).returning(Person.id, sort_by_parameter_order=True), rows).all()
        db.session.execute(sa.insert(RoleGrant), [{"person_id": person_id, "role": "officer"} for person_id in ids])
        for course in self.courses:
            self._training(course, ids)
        self.people = total
        db.session.commit()

    def _training(self, course: Course, ids: list[int]) -> None:
        reads, attempts, goers, booked = [], [], [], []
        for person_id in ids:
            state = self.rng.choices(["complete", "booked", "started", "none"], weights=[50, 10, 20, 20])[0]
            if state == "none":
                continue
            modules = self.modules[course.id]
            count = len(modules) if state != "started" else self.rng.randint(1, len(modules))
            when = self.now - timedelta(days=self.rng.randint(20, 360))
            reads += [{"person_id": person_id, "module_id": module, "read_at": when - timedelta(days=place)}
                      for place, module in enumerate(modules[:count])]
            if state != "started" or self.rng.random() < 0.5:
                tries = [False] * self.rng.choice([0, 0, 1, 2]) + ([True] if state != "started" else [])
                attempts += [self._attempt(person_id, course, passed, when + timedelta(days=place))
                             for place, passed in enumerate(tries or [False])]
            if course.requires("session"):
                (goers if state == "complete" else booked if state == "booked" else []).append(person_id)
        db.session.execute(sa.insert(ModuleRead), reads)
        attempt_ids = db.session.scalars(sa.insert(QuizAttempt).returning(QuizAttempt.id,
                                                                          sort_by_parameter_order=True),
                                         [attempt for attempt, _ in attempts]).all()
        db.session.execute(sa.insert(AttemptQuestion), [dict(item, attempt_id=attempt_id) for attempt_id, (_, items)
                                                        in zip(attempt_ids, attempts) for item in items])
        self._sessions(course, goers, past=True)
        self._sessions(course, booked, past=False)

    def _attempt(self, person_id: int, course: Course, passed: bool, when: datetime):
        version = self.versions[course.id]
        drawn = self.rng.sample(version.questions, version.questions_per_attempt)
        right = 8 if passed else self.rng.randint(3, 6)
        items = []
        for position, question in enumerate(drawn, start=1):
            correct = position <= right
            option = question.options[0 if correct else self.rng.choice([1, 2])]
            items.append({"question_id": question.id, "position": position, "credit": float(correct),
                          "option_order": [o.id for o in question.options], "is_correct": correct,
                          "chosen_mask": option_bit(option.position)})
        percent = right * 10
        return ({"person_id": person_id, "course_id": course.id, "version_id": version.id, "started_at": when,
                 "submitted_at": when, "points": float(right), "score_percent": percent,
                 "is_passed": percent >= course.pass_mark, "pass_mark": course.pass_mark}, items)

    def _sessions(self, course: Course, people: list[int], past: bool) -> None:
        for start in range(0, len(people), 8):
            group = people[start:start + 8]
            starts = self.now + timedelta(days=self.rng.randint(-300, -2) if past else self.rng.randint(2, 60))
            session = TrainingSession(course_id=course.id, starts_at=starts, ends_at=starts + timedelta(hours=3),
                                      online_url="https://meet.example/bench", capacity=8, seats_taken=len(group))
            db.session.add(session)
            db.session.flush()
            db.session.execute(sa.insert(Booking), [
                {"session_id": session.id, "person_id": person_id, "course_id": course.id, "status": "booked",
                 "cancel_reason": ""} for person_id in group])
            if past:
                db.session.execute(sa.insert(Attendance), [
                    {"session_id": session.id, "person_id": person_id,
                     "status": "absent" if self.rng.random() < 0.05 else "attended"} for person_id in group])


def timed(client, path: str) -> tuple[float, float]:
    """The median wall time and the median CPU time of this process (the app, and SQLite, which runs in it)."""
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    scratch = tempfile.TemporaryDirectory()
    content = Path(scratch.name) / "content"
    write_content(content)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{scratch.name}/bench.db"
        CONTENT_DIR = str(content)

    app = create_app(Config)
    results: dict[int, dict[str, float]] = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        report = sync_content(content)
        db.session.commit()
        assert report.ok, report.errors
        admin = Person(service_number="ADMIN", given_name="Bench", family_name="Admin", rank="SUPT",
                       email="admin@example.police.uk", password_hash=hash_password(PASSWORD),
                       role_grants=[RoleGrant(role="admin")])
        db.session.add(admin)
        db.session.commit()
        force = Force(random.Random(7))
        client = app.test_client()
        client.post("/login", data={"email": admin.email, "password": PASSWORD})
        print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
              f"each figure is the median of {RUNS} requests: wall ms (CPU ms of this process)")
        print(f"{'officers':>8}  " + "  ".join(f"{path:>21}" for path in PAGES + EXTRA))
        for size in SIZES:
            started = time.perf_counter()
            force.grow_to(size)
            if db.engine.dialect.name == "postgresql":
                # As autovacuum would within a minute of a bulk load: without statistics the planner guesses
                # a dozen rows where there are thousands and nests loops it should hash.
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            built = time.perf_counter() - started
            gc.collect()  # what the bulk load left behind is not what a server process carries
            for path in PAGES + EXTRA:
                client.get(path)  # warm
            results[size] = {path: timed(client, path) for path in PAGES + EXTRA}
            print(f"{size:>8}  " + "  ".join(f"{wall * 1000:>10.0f} ({cpu * 1000:>6.0f}) ms"
                                            for wall, cpu in results[size].values())
                  + f"   (built in {built:.1f} s)")
        small, large = SIZES
        print(f"{'ratio':>8}  " + "  ".join(f"{results[large][path][0] / results[small][path][0]:>10.1f}x"
                                            f" ({results[large][path][1] / results[small][path][1]:>5.1f}x)   "
                                            for path in PAGES + EXTRA))
        wall, cpu = results[large]["/reports/matrix"]
        print(f"Goal: the {large:,}-officer matrix under 0.5 s: {wall:.3f} s wall, {cpu:.3f} s CPU; "
              f"every ratio at most 10.")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    scratch.cleanup()


if __name__ == "__main__":
    main()
