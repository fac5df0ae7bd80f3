"""Demo plan reviews, outcome figures and audits: an investigative-quality sergeant in every local policing area, a
year of practice plans scored on the rubric (better once the officer has done the masterclass, and better again at a
second attempt), an outcome file for every local team whose positive outcome rate (5-20%) rises a little as the
team's training coverage rises, and quality audit visits whose case scores improve between visits."""
import math
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from lms.completion.load import london_day
from lms.content.render import render_written
from lms.courses.queries import live_courses
from lms.demo.context import DemoContext
from lms.demo.force import REVIEWER, SUPERVISOR
from lms.demo.names import LOCAL_POLICING_AREAS
from lms.extensions import db
from lms.people.models import Area, Person, RoleGrant, Team, team_supervisors
from lms.quality.models import (AuditAction, AuditCase, AuditVisit, Plan, PlanAttempt, PlanReview,
                                RubricVersion)
from lms.quality.outcomes import import_outcomes, read_file
from lms.quality.services import current_rubric
from lms.reports.dataset import load_dataset
from lms.reports.snapshot import month_ends
from lms.timeutil import utcnow

#: the share of local officers who wrote a practice plan in the year, and of those who tried a second time
PLAN_SHARE, SECOND_ATTEMPT_SHARE = 0.3, 0.45
#: crimes a team finalises in a month, by kind of team
FINALISED = {"RESPONSE": (60, 120), "NEIGHBOURHOOD": (25, 60), "SPECIALIST": (15, 35), "LOCAL_CID": (20, 45)}
OUTCOME_HEADER = "area,team,month,finalised,charge_summons,outcome_16,outcome_14_15,other\n"
DEMO_PLAN = ("## Hypotheses\n- Entry by a stranger through the rear door\n- Someone with a key\n\n"
             "## Lines of enquiry\n- CCTV on the high street: seize within 7 days, because it is overwritten\n"
             "- House-to-house on both sides of the street\n\n## Victim\n- Needs assessment done; updates weekly\n")
SCENARIOS = ("Scenario 1: a burglary at a corner shop", "Scenario 2: a street robbery of a student",
             "Scenario 3: a domestic assault the victim later withdraws from", "Scenario 4: a theft of a van")


def load_quality(demo: DemoContext) -> str:
    """Insert reviewers, reviews and outcome figures; return one line saying what they hold."""
    version = current_rubric()
    courses = live_courses()
    if version is None or not courses:
        return "No plan reviews or outcome figures: run `flask --app wsgi content sync` before loading the demo."
    reviewers = _reviewers(demo)
    teams = {team.id: team for team in db.session.scalars(
        sa.select(Team).join(Area).where(Area.name.in_(LOCAL_POLICING_AREAS), Team.team_type.in_(FINALISED)))}
    now = utcnow().replace(second=0, microsecond=0)
    dataset = load_dataset(frozenset(teams), now, courses[:1])
    trained = {row.member.id: row.statuses[0].completed_on for row in dataset.rows}
    plans, reviews = _plans(demo, version, dataset, trained, reviewers, now)
    files = _outcome_files(demo, teams, dataset, now)
    audit = current_rubric("quality-audit")
    visits = _audits(demo, audit, teams, reviewers, now) if audit else 0
    return (f"Quality: {len(reviewers)} investigative-quality sergeants, {plans} practice plans with {reviews} "
            f"reviews, outcome figures for {files} teams over 12 months, {visits} quality audit visits")


def _reviewers(demo: DemoContext) -> dict[int, int]:
    """An investigative-quality sergeant per local area (the CID's detective sergeant); area id -> person id."""
    rows = db.session.execute(
        sa.select(Team.area_id, Person.id).join(Team, Team.id == Person.team_id).join(Area, Area.id == Team.area_id)
        .where(Area.name.in_(LOCAL_POLICING_AREAS), Team.team_type == "LOCAL_CID", Person.rank == "DS")
        .order_by(Person.id))
    chosen: dict[int, int] = {}
    own = demo.people.get(REVIEWER.email)
    for area_id, person_id in rows:
        if person_id == own or area_id not in chosen:
            chosen[area_id] = person_id
    grants = [{"person_id": person_id, "role": "iq_sergeant"} for person_id in chosen.values() if person_id != own]
    if grants:
        db.session.execute(sa.insert(RoleGrant), grants)
    return chosen


def _scores(demo: DemoContext, version: RubricVersion, skill: float) -> list[dict]:
    scores = []
    for criterion in version.criteria:
        top = criterion["levels"][-1]["score"]
        level = min(top, max(0, round(top * min(1.0, max(0.0, demo.rng.gauss(skill, 0.18))))))
        scores.append({"key": criterion["key"], "score": level, "comment": ""})
    return scores


def _plans(demo: DemoContext, version: RubricVersion, dataset, trained: dict, reviewers: dict[int, int],
           now: datetime) -> tuple[int, int]:
    rng = demo.rng
    html = render_written(DEMO_PLAN)
    authors = [row.member for row in dataset.rows if row.member.rank in ("PC", "DC") and rng.random() < PLAN_SHARE]
    count = 0
    for member in authors:
        reviewer = reviewers.get(member.area_id)
        if reviewer is None or reviewer == member.id:
            continue
        submitted = now - timedelta(days=rng.uniform(20, 360))
        done_on = trained.get(member.id)
        # Trained officers write better plans: the link the quality view is built to look for.
        skill = 0.62 if done_on and done_on <= london_day(submitted) else 0.38
        plan = Plan(person_id=member.id, team_id=member.team_id, kind="practice", scenario=rng.choice(SCENARIOS),
                    status="reviewed", created_at=submitted - timedelta(days=1))
        attempts = 2 if rng.random() < SECOND_ATTEMPT_SHARE else 1
        for number in range(1, attempts + 1):
            reviewed = submitted + timedelta(days=rng.uniform(1, 6))
            scores = _scores(demo, version, skill + 0.15 * (number - 1))
            attempt = PlanAttempt(number=number, body=DEMO_PLAN, body_html=html, saved_at=submitted,
                                  submitted_at=submitted)
            attempt.review = PlanReview(reviewer_id=reviewer, rubric_version_id=version.id, scores=scores,
                                        total=sum(item["score"] for item in scores), max_score=version.max_score,
                                        reviewed_at=reviewed)
            plan.attempts.append(attempt)
            submitted = reviewed + timedelta(days=rng.uniform(3, 15))
        if submitted > now:
            continue
        db.session.add(plan)
        count += 1
    count += _waiting(demo, [member for member in authors if member.area_id == min(reviewers)], now)
    db.session.flush()
    reviews = db.session.scalar(sa.select(sa.func.count()).select_from(PlanReview))
    return count, reviews


def _waiting(demo: DemoContext, members: list, now: datetime, count: int = 4) -> int:
    """A few plans submitted in the last days, so the first area's reviewer has a queue to work through."""
    for member in members[:count]:
        submitted = now - timedelta(hours=demo.rng.uniform(2, 72))
        plan = Plan(person_id=member.id, team_id=member.team_id, kind="practice", status="waiting",
                    scenario=demo.rng.choice(SCENARIOS), waiting_since=submitted, created_at=submitted)
        plan.attempts.append(PlanAttempt(number=1, body=DEMO_PLAN, body_html=render_written(DEMO_PLAN),
                                         saved_at=submitted, submitted_at=submitted))
        db.session.add(plan)
    return min(count, len(members))


def _outcome_files(demo: DemoContext, teams: dict[int, Team], dataset, now: datetime) -> int:
    """One CSV per team, read and imported as an admin's file would be (so the demo proves the format)."""
    rng = demo.rng
    ends = month_ends(london_day(now), 13)[:-1]  # the 12 whole months before this one
    completed = defaultdict(list)
    for row in dataset.rows:
        if row.statuses[0].is_required:
            completed[row.member.team_id].append(row.statuses[0].completed_on)
    for team_id, team in sorted(teams.items()):
        base = rng.uniform(0.05, 0.12)
        low, high = FINALISED[team.team_type]
        lines = []
        for end in ends:
            dates = completed[team_id]
            coverage = sum(1 for day in dates if day and day <= end) / len(dates) if dates else 0
            rate = min(0.20, max(0.05, base + 0.06 * coverage + rng.gauss(0, 0.012)))
            finalised = rng.randint(low, high)
            # Kept within 5-20% of what was finalised after rounding, as the real range is.
            charged = min(max(round(finalised * rate), math.ceil(0.05 * finalised)), math.floor(0.2 * finalised))
            o16 = round(finalised * rng.uniform(0.12, 0.22))
            o1415 = round(finalised * rng.uniform(0.15, 0.28))
            other = finalised - charged - o16 - o1415
            lines.append(f'"{team.area.name}","{team.name}",{date(end.year, end.month, 1):%Y-%m},'
                         f"{finalised},{charged},{o16},{o1415},{other}\n")
        text = OUTCOME_HEADER + "".join(lines)
        outcomes = read_file(text)
        import_outcomes(outcomes, actor=None, file_name=f"demo-outcomes-{team_id}.csv", content=text)
    return len(teams)


def _audits(demo: DemoContext, version: RubricVersion, teams: dict[int, Team], reviewers: dict[int, int],
            now: datetime) -> int:
    """Two visits a year to about half of each area's response teams (always the demo supervisor's, so their quality
    view has audit scores), five cases each, and an action for the team's sergeant: closed when long past due,
    mostly; the demo supervisor's team has one overdue, to show on their home page."""
    rng, today = demo.rng, london_day(now)
    sergeants = dict(db.session.execute(
        sa.select(team_supervisors.c.team_id, sa.func.min(team_supervisors.c.person_id))
        .group_by(team_supervisors.c.team_id)).all())
    supervisor = demo.people.get(SUPERVISOR.email)
    own_team = db.session.scalar(sa.select(Person.team_id).where(Person.id == supervisor)) if supervisor else None
    visits = 0
    for team in sorted((team for team in teams.values() if team.team_type == "RESPONSE"), key=lambda t: t.id):
        reviewer, owner = reviewers.get(team.area_id), sergeants.get(team.id)
        if reviewer is None or owner is None or (team.id != own_team and rng.random() > 0.5):
            continue
        for months_ago in (9, 3):
            visited = today - timedelta(days=30 * months_ago + rng.randint(0, 20))
            visit = AuditVisit(team_id=team.id, visited_on=visited, auditors="Area investigative-quality sergeant",
                               rubric_version_id=version.id, created_by_id=reviewer,
                               findings="Plans are recorded early; supervisory direction is often missing.")
            for case in range(5):
                scores = _scores(demo, version, 0.45 if months_ago == 9 else 0.6)
                visit.cases.append(AuditCase(crime_reference=f"{visited:%y}/{rng.randint(10000, 99999)}/{case}",
                                             scores=scores, total=sum(item["score"] for item in scores),
                                             max_score=version.max_score))
            due = visited + timedelta(days=30)
            closed = due < today and rng.random() < 0.8
            visit.actions.append(AuditAction(
                description="Every open investigation has a supervisor's review with recorded direction",
                owner_id=owner, due_on=due,
                status="closed" if closed else "open", closing_note="Reviews checked at each handover" if closed else "",
                closed_at=now if closed else None))
            db.session.add(visit)
            visits += 1
    if supervisor is not None:
        own = db.session.get(Team, own_team)
        visit = AuditVisit(team_id=own.id, visited_on=today - timedelta(days=45), rubric_version_id=version.id,
                           auditors="Area investigative-quality sergeant", created_by_id=reviewers.get(own.area_id),
                           findings="Victim updates are not recorded.")
        visit.actions.append(AuditAction(description="Record the agreed frequency of victim updates in every plan",
                                         owner_id=supervisor, due_on=today - timedelta(days=5)))
        db.session.add(visit)
        visits += 1
    db.session.flush()
    return visits
