"""Demo step: give the Midshire force a training history, so the reports and the snapshot look like a real programme.

Officers read modules, take the quiz (most pass, some at the second or third go, some fail), attend small-group
sessions (a few do not turn up), and book sessions still to come. Most sergeants finished by their due date; a
few did not, and a pilot group from two years ago is due a refresher. A sergeant on leave has delegated their team.
Everything is inserted in bulk and follows from the demo seed. The courses come from `flask content sync`, which
must run first (`make run` does).
"""
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.audit.services import record
from lms.courses.models import (AttemptQuestion, Course, Module, ModuleRead, Question, QuizAttempt, QuizVersion,
                                option_bit)
from lms.courses.queries import live_courses
from lms.courses.scoring import question_credit, score_percent
from lms.courses.services import draw_questions
from lms.demo.context import DemoContext
from lms.demo.force import ADMIN, SUPERVISOR, TRAINER, TRAINING_TEAM
from lms.demo.holidays import is_working_day
from lms.demo.names import LOCAL_POLICING_AREAS
from lms.extensions import db
from lms.people.models import CONSTABLE_RANKS, SERGEANT_RANKS, Area, Person, RoleGrant, Team
from lms.reports.models import ProgrammeTarget, area_leads
from lms.reports.services import delegate
from lms.sessions.models import Attendance, Booking, TrainingSession, Venue, session_trainers
from lms.timeutil import from_london, to_london, utcnow

#: the programme started this long ago; sergeants went first
PROGRAMME_DAYS = 400
#: the demo programme's own due dates, in days from today, for courses with a session: sergeants went first and
#: their date has passed, so the reports show overdue people; the shipped content only gives days from joining,
#: which would make nobody in a freshly loaded demo overdue
DEMO_DUE_DAYS = {"PS": -30, "DS": -30, "default": 120}
#: officers who took the pilot two years ago: their refresher is now due
PILOT_SIZE = 12
GROUP = 7  # officers per small-group session (capacity 8)
#: what share of officers is where, by course kind and rank group: (state, share)
OUTCOMES = {
    ("session", "sergeant"): [("complete", .92), ("missed", .02), ("failed", .02), ("reading", .02), ("none", .02)],
    ("session", "constable"): [("complete", .44), ("booked", .12), ("missed", .03), ("failed", .06),
                               ("reading", .12), ("none", .23)],
    ("no session", "sergeant"): [("complete", .55), ("failed", .08), ("reading", .15), ("none", .22)],
    ("no session", "constable"): [("complete", .35), ("failed", .08), ("reading", .17), ("none", .40)],
}


@dataclass
class Learner:
    id: int
    rank: str
    team_id: int
    team_name: str
    area_id: int
    email: str


@dataclass
class Counts:
    reads: int = 0
    attempts: int = 0
    past_sessions: int = 0
    attended: int = 0
    absent: int = 0
    future_sessions: int = 0
    bookings: int = 0
    states: Counter = field(default_factory=Counter)


def load_training(demo: DemoContext) -> str:
    """Insert the training history; return one line saying what it holds."""
    courses = live_courses()
    if not courses:
        return ("No training history: no courses are published yet. Run `flask --app wsgi content sync`, then load "
                "the demo into an empty database.")
    history = History(demo, courses)
    history.run()
    counts = history.counts
    return (f"Training history: {counts.reads} module reads, {counts.attempts} quiz attempts, "
            f"{counts.past_sessions} past sessions ({counts.attended} attended, {counts.absent} did not attend), "
            f"{counts.future_sessions} sessions to come with {counts.bookings} bookings, "
            f"{counts.states['complete']} course completions, a pilot group due a refresher and a delegation")


class History:
    def __init__(self, demo: DemoContext, courses: list[Course]):
        self.demo, self.rng, self.courses = demo, demo.rng, courses
        self.now = utcnow().replace(second=0, microsecond=0)
        self.counts = Counts()
        self.learners = self._learners()
        self.ranks = {learner.id: learner.rank for learner in self.learners}
        self.trainers = self._trainers()
        self.venues = self._venues()

    def _learners(self) -> list[Learner]:
        rows = db.session.execute(
            sa.select(Person.id, Person.rank, Team.id, Team.name, Team.area_id, Person.email)
            .join(Team, Team.id == Person.team_id)
            .where(Person.is_demo.is_(True), Person.role_grants.any(RoleGrant.role == "officer"))
            .order_by(Person.id))
        return [Learner(*row) for row in rows]

    def _trainers(self) -> list[int]:
        ids = list(db.session.scalars(
            sa.select(Person.id).join(Team, Team.id == Person.team_id)
            .where(Team.name == TRAINING_TEAM, Person.role_grants.any(RoleGrant.role == "trainer"))
            .order_by(Person.id)))
        own = self.demo.people.get(TRAINER.email)
        return [own] + [person_id for person_id in ids if person_id != own] if own else ids

    def _venues(self) -> dict[int, Venue]:
        """A training room in each local policing area; force-wide commands use the nearest one."""
        venues = {}
        for area in db.session.scalars(sa.select(Area).where(Area.name.in_(LOCAL_POLICING_AREAS)).order_by(Area.id)):
            venues[area.id] = Venue(name=f"{area.name} training room", address=f"Police station, {area.name}",
                                    capacity=12, area_id=area.id)
        db.session.add_all(venues.values())
        db.session.flush()
        return venues

    def run(self) -> None:
        for course in self.courses:
            self._course(course)
        self._scope()
        record(None, "demo.training_loaded", "demo", self.demo.seed,
               f"Loaded the demo training history ({self.counts.attempts} quiz attempts)")

    # -- who is where on each course

    def _states(self, course: Course) -> dict[int, str]:
        kind = "session" if course.requires("session") else "no session"
        states = {}
        for learner in self.learners:
            if not course.is_required_of(learner.rank):
                continue
            group = "sergeant" if learner.rank in SERGEANT_RANKS else "constable"
            if learner.rank not in SERGEANT_RANKS + CONSTABLE_RANKS and self.rng.random() < 0.6:
                continue  # others a course applies to are mostly yet to start
            states[learner.id] = self._draw(OUTCOMES[(kind, group)])
        by_email = self.demo.people
        if SUPERVISOR.email in by_email and by_email[SUPERVISOR.email] in states:
            states[by_email[SUPERVISOR.email]] = "complete"
        return states

    def _draw(self, shares: list[tuple[str, float]]) -> str:
        pick, total = self.rng.random(), 0.0
        for state, share in shares:
            total += share
            if pick < total:
                return state
        return shares[-1][0]

    def _course(self, course: Course) -> None:
        if course.requires("session"):
            today = self.now.date()
            course.due_dates = {key: (today + timedelta(days=days)).isoformat() for key, days in DEMO_DUE_DAYS.items()}
            course.due_within_days = None
        states = self._states(course)
        if course == self.courses[0]:
            self._story(states)
        self.counts.states.update(states.values())
        version = db.session.scalar(
            sa.select(QuizVersion).where(QuizVersion.course_id == course.id, QuizVersion.is_current.is_(True))
            .options(so.selectinload(QuizVersion.questions).selectinload(Question.options)))
        modules = list(db.session.scalars(sa.select(Module.id).where(Module.course_id == course.id,
                                                                     Module.is_retired.is_(False))
                                          .order_by(Module.number)))
        span = timedelta(days=PROGRAMME_DAYS - 21)
        start = self.now - timedelta(days=PROGRAMME_DAYS)
        finished: dict[int, datetime] = {}
        for person_id, state in states.items():
            if state in ("complete", "missed", "booked", "failed"):
                share = self.rng.random() if self._is_sergeant(person_id) else math.sqrt(self.rng.random())
                finished[person_id] = start + span * share * (0.85 if self._is_sergeant(person_id) else 1)
            if state == "pilot":
                finished[person_id] = self.now - timedelta(days=760 + self.rng.randint(0, 40))
        if course.requires("session"):
            finished = self._past_sessions(course, states, finished)
            self._future_sessions(course, [pid for pid, state in states.items() if state == "booked"])
        reads, attempts = [], []
        for person_id, state in states.items():
            done_at = finished.get(person_id)
            reads += self._reads(person_id, modules, state, done_at)
            if version is not None and state in ("complete", "pilot", "booked", "missed", "failed"):
                attempts += self._attempts(person_id, course, version, state, done_at)
        if reads:
            db.session.execute(sa.insert(ModuleRead), reads)
        self._insert_attempts(attempts)
        self.counts.reads += len(reads)

    def _story(self, states: dict[int, str]) -> None:
        """The people the demo logins meet: the officer is part way through, the sergeant's team has someone due
        a refresher, and a few others took the pilot two years ago."""
        people = self.demo.people
        officer = people.get("officer@demo.police.uk")
        if officer in states:
            states[officer] = "reading-3"
        sergeant = people.get(SUPERVISOR.email)
        team = next((learner.team_id for learner in self.learners if learner.id == sergeant), None)
        mates = [learner.id for learner in self.learners if learner.team_id == team and learner.id not in
                 (sergeant, officer) and learner.id in states]
        pilots = mates[:1] + self.rng.sample([pid for pid in states if pid not in (sergeant, officer)], PILOT_SIZE)
        for person_id in pilots:
            states[person_id] = "pilot"

    def _is_sergeant(self, person_id: int) -> bool:
        return self.ranks[person_id] in SERGEANT_RANKS

    # -- module reads and quiz attempts

    def _reads(self, person_id: int, modules: list[int], state: str, done_at: datetime | None) -> list[dict]:
        if state == "none" or not modules:
            return []
        if state.startswith("reading"):
            count = int(state.split("-")[1]) if "-" in state else self.rng.randint(1, max(len(modules) - 1, 1))
            last = self.now - timedelta(days=self.rng.randint(2, 60))
        else:
            count, last = len(modules), done_at - timedelta(days=self.rng.randint(3, 20))
        # In order, a day or two apart, the last on `last`.
        gaps = [timedelta(days=self.rng.uniform(0.2, 2.5)) for _ in range(count)]
        return [{"person_id": person_id, "module_id": module_id, "read_at": last - sum(gaps[place:], timedelta())}
                for place, module_id in enumerate(modules[:count], start=1)]

    def _attempts(self, person_id: int, course: Course, version: QuizVersion, state: str,
                  done_at: datetime) -> list[tuple[dict, list[dict]]]:
        """The attempts of one officer: fails first, then (unless they failed) the pass, a day or more apart."""
        allowed = course.max_attempts or 3
        if state == "failed":
            fails, passes = self.rng.choice([1, 1, 1, 2, 2, allowed]), False
        else:
            tries = self.rng.choices([1, 2, 3], weights=[78, 18, 4])[0]
            fails, passes = min(tries, allowed) - 1, True
        pass_at = (done_at - timedelta(days=self.rng.uniform(1, 2.5)) if course.requires("session") and done_at
                   else done_at or self.now - timedelta(days=self.rng.randint(2, 40)))
        if state == "failed":
            pass_at = self.now - timedelta(hours=self.rng.randint(2, 24 * 40))
        ability = min(max(self.rng.gauss(0.80, 0.09), 0.45), 0.99)
        made = []
        for number in range(fails + passes):
            submitted = pass_at - timedelta(days=(fails + passes - 1 - number) * self.rng.uniform(1.1, 6))
            is_pass = passes and number == fails
            made.append(self._attempt(person_id, course, version, ability, is_pass, submitted))
        return made

    def _attempt(self, person_id: int, course: Course, version: QuizVersion, ability: float, must_pass: bool,
                 submitted: datetime) -> tuple[dict, list[dict]]:
        # The real draw, so the demo's papers keep to the quiz's blueprint like everyone else's.
        drawn = draw_questions(version, Counter(), self.rng)
        drawn.sort(key=lambda question: question.position)
        right = [self.rng.random() < min(ability + _ease(question), 0.99) for question in drawn]
        needed = math.ceil(course.pass_mark * len(drawn) / 100)
        wrong = [place for place, ok in enumerate(right) if not ok]
        while must_pass and sum(right) < needed:
            right[wrong.pop(self.rng.randrange(len(wrong)))] = True
        correct = [place for place, ok in enumerate(right) if ok]
        while not must_pass and sum(right) >= needed:
            right[correct.pop(self.rng.randrange(len(correct)))] = False
        items, points = [], 0.0
        for position, (question, ok) in enumerate(zip(drawn, right), start=1):
            chosen = self._choice(question, ok)
            credit = question_credit(question, chosen, partial_credit=version.is_partial_credit)
            points += credit
            items.append({"question_id": question.id, "position": position,
                          "option_order": [option.id for option in question.options], "is_correct": credit == 1.0,
                          "credit": credit, "chosen_mask": sum(option_bit(option.position)
                                                               for option in question.options
                                                               if option.id in chosen)})
        percent = score_percent(round(points, 4), len(drawn))
        attempt = {"person_id": person_id, "course_id": course.id, "version_id": version.id,
                   "started_at": submitted - timedelta(minutes=self.rng.randint(8, 30)), "submitted_at": submitted,
                   "points": round(points, 4), "score_percent": percent, "is_passed": percent >= course.pass_mark,
                   "pass_mark": course.pass_mark}
        return attempt, items

    def _choice(self, question: Question, ok: bool) -> set[int]:
        right = [option.id for option in question.options if option.is_correct]
        wrong = [option.id for option in question.options if not option.is_correct]
        if ok:
            return set(right)
        if question.is_multiple and len(right) > 1 and self.rng.random() < 0.6:
            return set(right[:-1])  # the classic part-right answer: one right option missed
        # Most who go wrong fall for the same myth: the first wrong option draws most of the wrong answers.
        return {wrong[0] if self.rng.random() < 0.6 else self.rng.choice(wrong)}

    def _insert_attempts(self, attempts: list[tuple[dict, list[dict]]]) -> None:
        if not attempts:
            return
        ids = db.session.scalars(sa.insert(QuizAttempt).returning(QuizAttempt.id, sort_by_parameter_order=True),
                                 [attempt for attempt, _ in attempts]).all()
        rows = [dict(item, attempt_id=attempt_id) for attempt_id, (_, items) in zip(ids, attempts) for item in items]
        db.session.execute(sa.insert(AttemptQuestion), rows)
        self.counts.attempts += len(ids)

    # -- sessions

    def _session(self, course: Course, starts: datetime, area_id: int, seats: int) -> TrainingSession:
        venue = self.venues.get(area_id) or self.rng.choice(list(self.venues.values()))
        day = to_london(starts).date()
        while not is_working_day(day):  # no sessions at weekends or on bank holidays
            day -= timedelta(days=1)
        starts_at = from_london(day, time(9, 30) if self.rng.random() < 0.6 else time(14, 0))
        session = TrainingSession(course_id=course.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
                                  venue_id=venue.id, capacity=8, seats_taken=seats, created_by_id=self.trainers[0],
                                  created_at=starts_at - timedelta(days=45))
        db.session.add(session)
        return session

    def _groups(self, people: list[int], size: int) -> list[list[int]]:
        return [people[at:at + size] for at in range(0, len(people), size)]

    def _past_sessions(self, course: Course, states: dict[int, str],
                       finished: dict[int, datetime]) -> dict[int, datetime]:
        """Put everyone who went (or was meant to go) into small groups in time order; the group's session date
        becomes the day they completed. Returns each person's completion time."""
        area_of = {learner.id: learner.area_id for learner in self.learners}
        goers = sorted((pid for pid, state in states.items() if state in ("complete", "missed", "pilot")),
                       key=lambda pid: finished[pid])
        groups = self._groups(goers, GROUP)
        sessions = [self._session(course, finished[group[len(group) // 2]],
                                  Counter(area_of[pid] for pid in group).most_common(1)[0][0], len(group))
                    for group in groups]
        db.session.flush()
        bookings, marks, trainers, done = [], [], [], {}
        for number, (group, session) in enumerate(zip(groups, sessions)):
            trainer = self.trainers[number % len(self.trainers)] if self.trainers else None
            if trainer:
                trainers.append({"session_id": session.id, "person_id": trainer})
            for pid in group:
                status = "absent" if states[pid] == "missed" else "attended"
                if status == "absent" and self.rng.random() < 0.3:
                    status = "excused"
                bookings.append({"session_id": session.id, "person_id": pid, "course_id": course.id,
                                 "status": "booked", "booked_by_id": pid, "cancel_reason": "",
                                 "created_at": session.starts_at - timedelta(days=self.rng.randint(7, 40))})
                marks.append({"session_id": session.id, "person_id": pid, "status": status, "is_walk_in": False,
                              "is_self_checked_in": self.rng.random() < 0.4, "marked_by_id": trainer,
                              "marked_at": session.ends_at})
                self.counts.attended += status == "attended"
                self.counts.absent += status != "attended"
                if status == "attended":
                    done[pid] = session.ends_at
        if trainers:
            db.session.execute(sa.insert(session_trainers), trainers)
        if bookings:
            db.session.execute(sa.insert(Booking), bookings)
            db.session.execute(sa.insert(Attendance), marks)
        self.counts.past_sessions += len(sessions)
        return {pid: done.get(pid, finished[pid]) for pid in finished}

    def _future_sessions(self, course: Course, people: list[int]) -> None:
        """Sessions over the next ten weeks, each with a few seats still free, for those who have booked."""
        area_of = {learner.id: learner.area_id for learner in self.learners}
        people = sorted(people, key=lambda pid: area_of[pid])
        groups = self._groups(people, 6)
        sessions = [self._session(course, self.now + timedelta(days=7 + 63 * number / max(len(groups), 1)),
                                  Counter(area_of[pid] for pid in group).most_common(1)[0][0], len(group))
                    for number, group in enumerate(groups)]
        db.session.flush()
        rows, trainers = [], []
        for number, (group, session) in enumerate(zip(groups, sessions)):
            if self.trainers:
                trainers.append({"session_id": session.id, "person_id": self.trainers[number % len(self.trainers)]})
            rows += [{"session_id": session.id, "person_id": pid, "course_id": course.id, "status": "booked",
                      "booked_by_id": pid, "cancel_reason": "",
                      "created_at": self.now - timedelta(days=self.rng.randint(1, 20))} for pid in group]
        if trainers:
            db.session.execute(sa.insert(session_trainers), trainers)
        if rows:
            db.session.execute(sa.insert(Booking), rows)
        self.counts.future_sessions += len(sessions)
        self.counts.bookings += len(rows)

    # -- who sees what

    def _scope(self) -> None:
        """Area leads (each local area's chief inspector), the programme's targets, and a delegation."""
        local = db.session.execute(
            sa.select(Person.id, Team.area_id).join(Team, Team.id == Person.team_id)
            .where(Person.is_demo.is_(True), Person.rank == "CI", Team.name == "Command Team")).all()
        if local:
            db.session.execute(sa.insert(area_leads), [{"person_id": pid, "area_id": area} for pid, area in local])
        first = self.courses[0]
        admin = db.session.get(Person, self.demo.people[ADMIN.email]) if ADMIN.email in self.demo.people else None
        targets = [("Every sergeant", first, ["DS", "PS"], None), ("800 constables", first, ["DC", "PC"], 800)]
        targets += [(f"Every sergeant: {course.title}", course, ["DS", "PS"], None) for course in self.courses[1:2]]
        for label, course, ranks, goal in targets:
            target = ProgrammeTarget(label=label, course_id=course.id, ranks=ranks, goal=goal)
            db.session.add(target)
            db.session.flush()
            record(admin, "programme_target.added", "programme_target", target.id,
                   f"Added the target '{label}' ({course.title})", {"ranks": [None, ranks], "goal": [None, goal]})
        self._delegation()

    def _delegation(self) -> None:
        """The sergeant of the next response team is on leave and has lent their team to the demo supervisor."""
        sergeant_id = self.demo.people.get(SUPERVISOR.email)
        if sergeant_id is None:
            return
        sergeant = db.session.get(Person, sergeant_id)
        away = db.session.scalar(
            sa.select(Person).join(Team, Team.id == Person.team_id)
            .where(Team.area_id == sergeant.team.area_id, Team.name == "Response Team B", Person.rank == "PS"))
        if away is not None:
            today = to_london(self.now).date()
            delegate(away, sergeant, today, today + timedelta(days=13), "Annual leave", today)


def _ease(question: Question) -> float:
    """Some questions are harder than others, the same for everyone: the myths the sessions tackle."""
    return (question.position * 37 % 11 - 6) / 40
