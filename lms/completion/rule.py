"""Decide an officer's status on a course from what they have done, the course's rule and its due dates.

`decide` is the only place that says "complete", "overdue" or "refresher due"; every page, report, export and
email asks it (through lms.completion.load), so the numbers agree everywhere.
"""
import calendar
import functools
from datetime import date, datetime, timedelta
from typing import NamedTuple

from lms.courses.models import Course
from lms.timeutil import format_date, to_london

LABELS = {
    "overdue": "Overdue",
    "refresher_due": "Refresher due",
    "not_started": "Not started",
    "in_progress": "In progress",
    "booked": "Booked",
    "complete": "Complete",
    "not_required": "Not required",
}
#: worst first: the order a supervisor sorts by and reads a list in
SEVERITY = {code: place for place, code in enumerate(LABELS)}
TAG_COLOURS = {"overdue": "red", "refresher_due": "orange", "not_started": "grey", "in_progress": "light-blue",
               "booked": "blue", "complete": "green", "not_required": "grey"}
#: the words before a status's date in a matrix cell; "due " for the statuses not listed ("due 31 January 2026")
WHEN_WORDS = {"complete": "", "not_required": "", "booked": "", "refresher_due": "since "}
#: the statuses that count as having the training, for percentages and targets
DONE = frozenset({"complete"})


class Learner(NamedTuple):
    """Who the rule is about: what decides whether a course is required of them and when it is due."""

    id: int
    rank: str
    team_type: str | None
    #: when they joined (their account was made): the clock for due_within_days
    joined_on: date


class Facts(NamedTuple):
    """What one officer has done on one course: the rule's only inputs besides the course and the date."""

    #: the day the last live module was read, once all are; None until then
    modules_done_on: date | None = None
    #: the day of the latest passing attempt
    quiz_passed_on: date | None = None
    #: the day of the latest session attended
    attended_on: date | None = None
    #: anything done at all: a module read, a quiz attempt, a session, a booking or waiting-list place
    has_started: bool = False
    #: the start of a session still to come on which they hold a seat
    booked_for: datetime | None = None
    #: on the waiting list for a session still to come
    is_waiting: bool = False
    #: the completion before the current cycle (a refresher or reset) began; the other facts are of this cycle
    previous_completed_on: date | None = None

    def done_on(self, part: str) -> date | None:
        return self[PART_FIELDS[part]]


#: where each part of a completion rule is in Facts
PART_FIELDS = {"modules": 0, "quiz": 1, "session": 2}


class Status(NamedTuple):
    """The status decided (tuples: thousands are made per report, and they never change)."""

    code: str
    #: when the last part of the rule was (most recently) done
    completed_on: date | None = None
    due_on: date | None = None
    refresher_due_on: date | None = None
    booked_for: datetime | None = None
    #: the completion before the current cycle began, shown beside the current one
    previous_completed_on: date | None = None

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def colour(self) -> str:
        return TAG_COLOURS[self.code]

    @property
    def is_done(self) -> bool:
        return self.code in DONE

    @property
    def is_required(self) -> bool:
        return self.code != "not_required"

    @property
    def day(self) -> date | None:
        """The date that goes with the status (completed, due, refresher due, or the booked session's London date):
        what a download writes in the column beside the status."""
        if self.code in ("complete", "not_required"):
            return self.completed_on
        if self.code == "refresher_due":
            return self.refresher_due_on
        if self.code == "booked":
            return to_london(self.booked_for).date() if self.booked_for else None
        return self.due_on

    @property
    def when(self) -> str:
        """The date that goes with the status, in words: what a matrix cell shows after the label."""
        words = WHEN_WORDS.get(self.code, "due ")
        return f"{words}{format_date(self.day)}" if self.day else ""

    @property
    def earlier(self) -> str:
        """The completion before the current cycle, in words; "" in a first cycle."""
        return f"previously completed {format_date(self.previous_completed_on)}" if self.previous_completed_on else ""

    @property
    def text(self) -> str:
        text = f"{self.label} {self.when}".strip()
        return f"{text} ({self.earlier})" if self.earlier else text


@functools.lru_cache(maxsize=4096)  # a report asks for the same few hundred completion dates thousands of times
def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 January + 1 = 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class CourseRule(NamedTuple):
    """A course's completion settings, read once per report rather than once per officer."""

    parts: tuple[str, ...]
    #: the parts' places in Facts, so deciding for thousands of officers is a tuple lookup per part
    part_fields: tuple[int, ...]
    required_ranks: frozenset[str]
    #: {"default" | rank code | team type: date}
    due_dates: dict[str, date]
    due_within_days: int | None
    valid_for_months: int | None

    @classmethod
    def of(cls, course: Course) -> "CourseRule":
        parts = tuple(course.completion or ())
        return cls(parts, tuple(PART_FIELDS[part] for part in parts), frozenset(course.required_ranks or ()),
                   {key: date.fromisoformat(day) for key, day in (course.due_dates or {}).items()},
                   course.due_within_days, course.valid_for_months)

    def is_required_of(self, rank: str) -> bool:
        return not self.required_ranks or rank in self.required_ranks


def due_on(rule: CourseRule, learner: Learner) -> date | None:
    """The learner's due date: their rank's date, else their team type's, else the default; a later joiner gets
    due_within_days from joining when that is later."""
    dates = rule.due_dates
    fixed = dates.get(learner.rank) or dates.get(learner.team_type or "") or dates.get("default")
    if rule.due_within_days is None:
        return fixed
    own = learner.joined_on + timedelta(days=rule.due_within_days)
    return max(fixed, own) if fixed else own


def decide(rule: CourseRule, learner: Learner, facts: Facts, today: date) -> Status:
    """The status of `learner` on a course (its `rule`) on `today`. Complete means every part of the rule is done;
    its date is when the last part was most recently done, so doing a part again renews it.

    The facts are of the learner's current cycle. In a refresher or after a reset (`previous_completed_on` set) the
    course is complete again only when every part is done again; until then the refresher is due from the earlier
    completion, and the first due date no longer makes it overdue."""
    dates = [facts[field] for field in rule.part_fields]
    completed_on = max(dates) if dates and all(dates) else None
    due = due_on(rule, learner)
    latest = completed_on or facts.previous_completed_on
    refresher = add_months(latest, rule.valid_for_months) if latest and rule.valid_for_months else None
    booked_for = facts.booked_for if "session" in rule.parts else None
    if not rule.is_required_of(learner.rank):
        code = "not_required"
    elif latest and refresher and today >= refresher:
        code = "refresher_due"
    elif completed_on:
        code = "complete"
    elif due and today > due and not facts.previous_completed_on:
        code = "overdue"
    elif booked_for:
        code = "booked"
    else:
        code = "in_progress" if facts.has_started else "not_started"
    return Status(code, completed_on, due, refresher, booked_for, facts.previous_completed_on)


def was_complete_on(rule: CourseRule, status: Status, day: date, cycle_started_on: date | None = None) -> bool:
    """Whether the officer whose status today is `status` was complete on `day` (today or earlier), by the rule that
    decided it: a completion on or before `day` whose refresher was not yet due; for the completion before the
    current cycle (`cycle_started_on`), also a day before that cycle began. On today this agrees with
    `status.is_done`, so a chart over time ends at the figure every other page shows.

    Only the latest completion of each cycle is known: someone who did a part again counts from the renewal."""
    if not status.is_required:
        return False

    def held(done_on: date | None, ends_on: date | None) -> bool:
        return done_on is not None and done_on <= day and (ends_on is None or day < ends_on)

    def lapses(done_on: date | None) -> date | None:
        return add_months(done_on, rule.valid_for_months) if done_on and rule.valid_for_months else None

    previous = status.previous_completed_on
    ends = min((end for end in (lapses(previous), cycle_started_on) if end is not None), default=None)
    return held(status.completed_on, lapses(status.completed_on)) or held(previous, ends)
