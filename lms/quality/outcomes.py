"""Read, check and import teams' monthly outcome counts (CSV). Reading is pure; the import is all or nothing.

The file holds counts only, never a case: team, area, month, finalised crimes and how they were finalised.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from lms.audit.services import record
from lms.csvutil import UnreadableCsv, numbered_rows
from lms.extensions import db
from lms.inputs import control_character_reasons
from lms.people.models import Area, Person, Team
from lms.people.roster import Problem, name_key
from lms.quality.models import EARLIEST_YEAR, OutcomeImport, OutcomeMonth
from lms.timeutil import today_london

COUNTS = ("finalised", "charge_summons", "outcome_16", "outcome_14_15", "other")
COLUMNS = ("area", "team", "month") + COUNTS
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
#: more than any team finalises in a month; a bigger number is a slip of the keyboard
MAX_COUNT = 100_000


@dataclass(frozen=True)
class OutcomeRow:
    line: int
    team_id: int
    month: date
    counts: dict[str, int]


@dataclass
class OutcomeFile:
    rows: list[OutcomeRow]
    problems: list[Problem]


def _column(cell: str) -> str:
    """"Outcome 14/15" and "Charge/summons" in a spreadsheet's header are outcome_14_15 and charge_summons."""
    return re.sub(r"[\s\-/]+", "_", cell.strip().lower())


def _month(text: str, this_month: date) -> tuple[date | None, str | None]:
    match = MONTH_RE.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None, f'month must be written YYYY-MM, such as 2026-03, not "{text}"'
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if month > this_month:
        return None, f"month {text} has not ended yet"
    if month.year < EARLIEST_YEAR:
        return None, f"month {text} is before {EARLIEST_YEAR}: check the year"
    return month, None


def _counts(values: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    counts, reasons = {}, []
    for column in COUNTS:
        text = values[column].replace(",", "")
        if not text.isdigit() or int(text) > MAX_COUNT:
            reasons.append(f'{column.replace("_", " ")} must be a whole number from 0 to {MAX_COUNT:,}, '
                           f'not "{values[column]}"')
        else:
            counts[column] = int(text)
    if not reasons and counts["finalised"] != sum(counts[column] for column in COUNTS[1:]):
        reasons.append(f"charge/summons, outcome 16, outcome 14/15 and other add up to "
                       f"{sum(counts[column] for column in COUNTS[1:])}, not the {counts['finalised']} finalised")
    return counts, reasons


def parse_outcomes(text: str, teams: dict[tuple[str, str], int], this_month: date) -> OutcomeFile:
    """Check every row against the teams on the system (by area and team name); importable only with no problems."""
    rows, problems, columns = [], [], None
    first: dict[tuple[int, date], int] = {}
    try:
        for start, cells in numbered_rows(text):
            if columns is None:
                columns = [_column(cell) for cell in cells]
                missing = [column for column in COLUMNS if column not in columns]
                unknown = [column for column in columns if column not in COLUMNS]
                if missing or unknown or len(set(columns)) != len(columns):
                    return OutcomeFile([], [Problem(start, f"the header must be the columns {', '.join(COLUMNS)} "
                                                           f"(each once, in any order)")])
                continue
            if len(cells) != len(columns):
                problems.append(Problem(start, f"has {len(cells)} values but the header has {len(columns)} columns"))
                continue
            values = {column: cell.strip() for column, cell in zip(columns, cells)}
            reasons = [f"missing {column}" for column in ("area", "team", "month") if not values[column]]
            reasons += control_character_reasons(values)
            team_id = teams.get((name_key(values["area"]), name_key(values["team"])))
            if values["area"] and values["team"] and team_id is None:
                reasons.append(f'no team "{values["team"]}" in area "{values["area"]}" on the system')
            month, why = _month(values["month"], this_month) if values["month"] else (None, None)
            reasons += [why] if why else []
            counts, count_reasons = _counts(values)
            reasons += count_reasons
            if team_id is not None and month is not None:
                earlier = first.setdefault((team_id, month), start)
                if earlier != start:
                    reasons.append(f"{values['team']} for {values['month']} is also on line {earlier}")
            problems += [Problem(start, reason) for reason in reasons]
            if not reasons:
                rows.append(OutcomeRow(start, team_id, month, counts))
    except UnreadableCsv as error:
        return OutcomeFile([], [Problem(error.line, str(error))])
    if columns is None:
        return OutcomeFile([], [Problem(None, "the file is empty; the first line must be the header row")])
    if not rows and not problems:
        return OutcomeFile([], [Problem(None, "the file has a header row but no months")])
    return OutcomeFile(rows, problems)


def team_keys() -> dict[tuple[str, str], int]:
    """(area, team) name keys of every team, as the file names them."""
    return {(name_key(area), name_key(team)): team_id for team_id, team, area in db.session.execute(
        sa.select(Team.id, Team.name, Area.name).join(Area, Area.id == Team.area_id))}


def read_file(text: str) -> OutcomeFile:
    today = today_london()
    return parse_outcomes(text, team_keys(), date(today.year, today.month, 1))


def import_outcomes(outcomes: OutcomeFile, *, actor: Person | None, file_name: str, content: str) -> OutcomeImport:
    """Store a checked file: each team's month replaces what an earlier file said about it. Flushes; caller commits."""
    if outcomes.problems:
        raise ValueError("a file with problems is never imported")
    pairs = {(row.team_id, row.month) for row in outcomes.rows}
    earlier = [outcome for outcome in db.session.scalars(sa.select(OutcomeMonth).where(
        OutcomeMonth.team_id.in_({team for team, _ in pairs}), OutcomeMonth.month.in_({month for _, month in pairs})))
        if (outcome.team_id, outcome.month) in pairs]
    if earlier:
        db.session.execute(sa.delete(OutcomeMonth).where(OutcomeMonth.id.in_([outcome.id for outcome in earlier])))
    batch = OutcomeImport(file_name=file_name[:255], sha256=hashlib.sha256(content.encode()).hexdigest(),
                          rows=len(outcomes.rows), replaced=len(earlier), imported_by_id=actor.id if actor else None)
    db.session.add(batch)
    db.session.flush()
    db.session.execute(sa.insert(OutcomeMonth), [
        {"team_id": row.team_id, "month": row.month, "import_id": batch.id, **row.counts} for row in outcomes.rows])
    months = sorted({row.month for row in outcomes.rows})
    record(actor, "outcomes.imported", "outcome_import", batch.id,
           f"Outcome counts imported from {file_name}: {len(outcomes.rows)} team months from "
           f"{months[0]:%B %Y} to {months[-1]:%B %Y}, replacing {len(earlier)}")
    return batch


def summary(batch: OutcomeImport) -> str:
    return (f"{batch.rows} team month{'s' * (batch.rows != 1)} imported"
            f"{f', {batch.replaced} replacing earlier figures' if batch.replaced else ''}")
