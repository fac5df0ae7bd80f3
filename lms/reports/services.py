"""Operations of the reports domain: nudge an overdue officer, delegate teams, set targets and area leads.
They flush and never commit; a broken rule raises ReportRuleError with a message for the person."""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from lms.audit.services import record
from lms.completion.rule import Status
from lms.courses.models import Course
from lms.extensions import db
from lms.notify.services import queue
from lms.people.models import Area, Person
from lms.reports import queries
from lms.reports.models import Delegation, Nudge, ProgrammeTarget, area_leads
from lms.reports.scope import own_teams
from lms.sessions.rules import lock_rows
from lms.timeutil import format_date, to_london, utcnow

log = logging.getLogger(__name__)


class ReportRuleError(Exception):
    """A rule stopped the change; the message says why in plain words."""


def next_nudge_at(last_sent_at: datetime) -> datetime:
    return last_sent_at + timedelta(days=current_app.config["NUDGE_INTERVAL_DAYS"])


def nudged_since(person_ids: list[int], now: datetime) -> dict[int, datetime]:
    """Who of these people was reminded within NUDGE_INTERVAL_DAYS of `now`, and when (one query): the once-per-
    interval rule, for one reminder or a round of them."""
    return queries.last_nudges(person_ids, now - timedelta(days=current_app.config["NUDGE_INTERVAL_DAYS"]))


def reminded_recently(last: datetime) -> str:
    return f"was reminded on {format_date(last)}. You can remind them again from {format_date(next_nudge_at(last))}."


def nudge(actor: Person, person: Person, items: list[tuple[Course, Status]], now: datetime | None = None) -> Nudge:
    """Email `person` a reminder of what is overdue, through the outbox: at most once in NUDGE_INTERVAL_DAYS,
    whoever sends it (the person's row is locked so two supervisors at once cannot both send one)."""
    now = now or utcnow()
    if not items:
        raise ReportRuleError(f"{person.name} has nothing overdue.")
    lock_rows(Person, [person.id])
    last = nudged_since([person.id], now).get(person.id)
    if last is not None:
        raise ReportRuleError(f"{person.name} {reminded_recently(last)}")
    return _send_nudge(actor, person, items, now)


#: why the sender is left out of their own round of reminders, after their name
SELF = "is you: the reminders go to the officers you supervise."


@dataclass
class NudgeRound:
    """What "remind everyone overdue" came to."""

    reminded: list[Person] = field(default_factory=list)
    #: (person, why not)
    not_reminded: list[tuple[Person, str]] = field(default_factory=list)


def nudge_all(actor: Person, overdue: list[tuple[Person, list[tuple[Course, Status]]]],
              now: datetime | None = None) -> NudgeRound:
    """Remind everyone in `overdue` (each with what they have overdue) by the same rule as one reminder: anyone
    reminded within NUDGE_INTERVAL_DAYS, whoever sent it, is left out and said why, as is the sender. The rows are
    locked together (in id order) so a reminder sent meanwhile by someone else is seen."""
    now = now or utcnow()
    lock_rows(Person, [person.id for person, _ in overdue])
    last = nudged_since([person.id for person, _ in overdue], now)
    done = NudgeRound()
    for person, items in overdue:
        if person.id == actor.id:
            done.not_reminded.append((person, SELF))
        elif person.id in last:
            done.not_reminded.append((person, reminded_recently(last[person.id])))
        else:
            _send_nudge(actor, person, items, now)
            done.reminded.append(person)
    return done


def _send_nudge(actor: Person, person: Person, items: list[tuple[Course, Status]], now: datetime) -> Nudge:
    sent = Nudge(person_id=person.id, sent_by_id=actor.id, sent_at=now, courses=[course.slug for course, _ in items])
    db.session.add(sent)
    db.session.flush()
    url = current_app.config["SITE_URL"] + url_for("training.my_training")
    queue("nudge", person, topic=f"nudge:{person.id}", sender=actor, items=items, url=url)
    titles = ", ".join(course.title for course, _ in items)
    record(actor, "nudge.sent", "person", person.id, f"{actor.name} reminded {person.name} about {titles}",
           {"courses": [None, sent.courses]})
    log.info("nudge %s to %s by %s", sent.id, person.id, actor.id)
    return sent


def delegate(actor: Person, to_person: Person | None, starts_on: date, ends_on: date, reason: str,
             today: date) -> Delegation:
    """Lend the actor's teams to an acting supervisor from `starts_on` to `ends_on` (both included)."""
    longest = current_app.config["DELEGATION_MAX_DAYS"]
    if to_person is None:
        raise ReportRuleError("Choose the acting supervisor: find them by name, then choose them from the list.")
    if to_person.id == actor.id:
        raise ReportRuleError("You cannot delegate your teams to yourself.")
    if not to_person.is_active_account:
        raise ReportRuleError(f"{to_person.name}'s account is deactivated.")
    if ends_on < starts_on:
        raise ReportRuleError("The last day must be the same as or after the first day.")
    if starts_on < today:
        raise ReportRuleError("The first day cannot be in the past.")
    if (ends_on - starts_on).days + 1 > longest:
        raise ReportRuleError(f"A delegation can last at most {longest} days. Make another when it ends.")
    if not actor.has_role("supervisor") or db.session.scalar(
            sa.select(sa.func.count()).select_from(own_teams([actor.id]).subquery())) == 0:
        raise ReportRuleError("You do not supervise any teams to delegate.")
    delegation = Delegation(from_person_id=actor.id, to_person_id=to_person.id, starts_on=starts_on,
                            ends_on=ends_on, reason=reason.strip(), created_by_id=actor.id, created_at=utcnow())
    db.session.add(delegation)
    db.session.flush()
    record(actor, "delegation.created", "delegation", delegation.id,
           f"{actor.name} made {to_person.name} acting supervisor of their teams from {format_date(starts_on)} "
           f"to {format_date(ends_on)}",
           {"acting supervisor": [None, to_person.name], "starts_on": [None, starts_on.isoformat()],
            "ends_on": [None, ends_on.isoformat()]})
    return delegation


def cancel_delegation(actor: Person, delegation: Delegation, now: datetime | None = None) -> None:
    """End a delegation now (or before it starts); the acting supervisor loses the teams at once."""
    now = now or utcnow()
    if delegation.cancelled_at is not None:
        raise ReportRuleError("That delegation has already been cancelled.")
    if delegation.ends_on < to_london(now).date():
        raise ReportRuleError("That delegation has already ended.")
    delegation.cancelled_at = now
    db.session.flush()
    record(actor, "delegation.cancelled", "delegation", delegation.id,
           f"{actor.name} ended {delegation.to_person.name}'s delegation from {delegation.from_person.name}",
           {"cancelled_at": [None, now.isoformat(timespec="seconds")]})


def add_target(actor: Person, label: str, course: Course, ranks: list[str], goal: int | None) -> ProgrammeTarget:
    target = ProgrammeTarget(label=label.strip(), course_id=course.id, ranks=sorted(set(ranks)), goal=goal)
    db.session.add(target)
    db.session.flush()
    record(actor, "programme_target.added", "programme_target", target.id,
           f"{actor.name} added the target '{target.label}' ({course.title})",
           {"ranks": [None, target.ranks], "goal": [None, goal]})
    return target


def remove_target(actor: Person, target: ProgrammeTarget) -> None:
    record(actor, "programme_target.removed", "programme_target", target.id,
           f"{actor.name} removed the target '{target.label}'",
           {"ranks": [target.ranks, None], "goal": [target.goal, None]})
    db.session.delete(target)
    db.session.flush()


def _is_area_lead(person: Person, area: Area) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(area_leads).where(
        area_leads.c.person_id == person.id, area_leads.c.area_id == area.id)) > 0


def add_area_lead(actor: Person, person: Person | None, area: Area) -> None:
    """Make a supervisor (an inspector or above, usually) the lead of an area: they see all its teams."""
    if person is None:
        raise ReportRuleError("No one has that email address or service number.")
    if not person.has_role("supervisor"):
        raise ReportRuleError(f"{person.name} does not hold the supervisor role. Give them the role first.")
    if _is_area_lead(person, area):
        raise ReportRuleError(f"{person.name} already leads {area.name}.")
    db.session.execute(sa.insert(area_leads).values(person_id=person.id, area_id=area.id))
    record(actor, "area_lead.added", "person", person.id, f"{actor.name} made {person.name} a lead of {area.name}",
           {"leads": [None, area.name]})


def remove_area_lead(actor: Person, person: Person, area: Area) -> None:
    if not _is_area_lead(person, area):
        raise ReportRuleError(f"{person.name} does not lead {area.name}.")
    db.session.execute(sa.delete(area_leads).where(area_leads.c.person_id == person.id,
                                                   area_leads.c.area_id == area.id))
    record(actor, "area_lead.removed", "person", person.id,
           f"{actor.name} removed {person.name} as a lead of {area.name}", {"leads": [area.name, None]})
