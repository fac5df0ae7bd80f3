"""The tables each report shows, as plain rows: the page renders them and the CSV writes them, so they agree.

A Block is one table: a title, a header and rows of plain values (text, whole numbers and, in the matrix's download,
dates). The page shows every cell as it is here; the download writes the same cells.
"""
from dataclasses import dataclass
from datetime import date, datetime

from lms import csvutil
from lms.completion.rule import Status
from lms.courses.models import Course
from lms.people.models import RANKS
from lms.reports.coverage import TargetCoverage
from lms.reports.dataset import Dataset, Row, Tally, TeamTally, total_tally
from lms.timeutil import format_date, to_london

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", None: "No one required"}
STATUS_OVERDUE = ("overdue", "refresher_due")


@dataclass
class Block:
    title: str
    header: list[str]
    rows: list[list]


def csv_table(block: Block) -> str:
    return csvutil.to_csv([block.header, *block.rows])


def csv_flat(blocks: list[Block], first_column: str) -> str:
    """Blocks with the same header as one table, each row led by its block's title."""
    header = [first_column] + (blocks[0].header if blocks else [])
    return csvutil.to_csv([header] + [[block.title] + row for block in blocks for row in block.rows])


def csv_sections(blocks: list[Block]) -> str:
    """Blocks one after another, each under its title, with a blank line between."""
    lines: list[list] = []
    for block in blocks:
        lines += [[block.title], block.header, *block.rows, []]
    return csvutil.to_csv(lines[:-1])


def percent_text(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


def _tally_cells(tally: Tally) -> list:
    return [tally.required, tally.done, percent_text(tally.percent), RAG_LABELS[tally.rag],
            tally.counts["overdue"] + tally.counts["refresher_due"], tally.counts["booked"]]


TEAM_HEADER = ["Team", "Area", "Officers required", "Complete", "Percent complete", "Against target",
               "Overdue or refresher due", "Booked"]
AREA_HEADER = ["Area"] + TEAM_HEADER[2:]


def team_status_blocks(dataset: Dataset, teams: list[TeamTally]) -> list[Block]:
    """Per course, a row per team (or area) and one for all of them."""
    areas = bool(teams) and teams[0].is_area
    blocks = []
    for index, course in enumerate(dataset.courses):
        rows = [[team.name, *([] if areas else [team.area_name]), *_tally_cells(team.courses[index])]
                for team in teams]
        rows.append(["All teams", *([] if areas else [""]), *_tally_cells(total_tally(dataset, index))])
        blocks.append(Block(course.title, AREA_HEADER if areas else TEAM_HEADER, rows))
    return blocks


PERSON_HEADER = ["Officer", "Service number", "Rank", "Team", "Area"]


def person_cells(row: Row) -> list:
    member = row.member
    return [member.name, member.service_number, RANKS.get(member.rank, member.rank), member.team_name, member.area_name]


MATRIX_TITLE = "Team matrix"
#: the columns the download gives each course: the status, its date, and the completion before the current cycle
MATRIX_COURSE_COLUMNS = ("{}", "{}: date", "{}: previously completed")


def matrix_block(dataset: Dataset, rows: list[Row]) -> Block:
    """The matrix as the downloads write it: each course's status and dates in columns of their own, the dates as
    dates, so a spreadsheet sorts and filters them (the page shows the status and date together)."""
    header = PERSON_HEADER + [column.format(course.title) for course in dataset.courses
                              for column in MATRIX_COURSE_COLUMNS]
    return Block(MATRIX_TITLE, header,
                 [person_cells(row) + [cell for status in row.statuses
                                        for cell in (status.label, status.day, status.previous_completed_on)]
                  for row in rows])


@dataclass
class OverdueLine:
    row: Row
    #: (course, status) of each course that is overdue or has its refresher due
    items: list[tuple[Course, Status]]
    since: date
    days: int
    booked_for: datetime | None
    last_nudged: datetime | None

    @property
    def can_nudge(self) -> bool:
        return self.last_nudged is None


def overdue_lines(dataset: Dataset, rows: list[Row], today: date, nudged: dict[int, datetime]) -> list[OverdueLine]:
    """Everyone with a course overdue or a refresher due, longest overdue first."""
    lines = []
    for row in rows:
        items = [(course, status) for course, status in zip(dataset.courses, row.statuses)
                 if status.code in STATUS_OVERDUE]
        if not items:
            continue
        since = min(status.due_on if status.code == "overdue" else status.refresher_due_on for _, status in items)
        booked = min((status.booked_for for _, status in items if status.booked_for), default=None)
        lines.append(OverdueLine(row, items, since, (today - since).days, booked, nudged.get(row.member.id)))
    return sorted(lines, key=lambda line: (line.since, line.row.place))


def london_day(value: date | datetime | None) -> date | str:
    """A date as a download writes it: the London day itself (ISO in CSV), blank for none."""
    if value is None:
        return ""
    return to_london(value).date() if isinstance(value, datetime) else value


def overdue_block(lines: list[OverdueLine], day=format_date) -> Block:
    """The overdue list; `day` writes its dates (in words on the page, `london_day` in a download)."""
    return Block("Overdue", PERSON_HEADER + ["Overdue", "Overdue since", "Days overdue", "Booked for",
                                             "Last nudged"],
                 [person_cells(line.row) + ["; ".join(f"{course.title} ({status.label.lower()})"
                                                      for course, status in line.items),
                                             day(line.since), line.days, day(line.booked_for),
                                             day(line.last_nudged)] for line in lines])


COVERAGE_HEADER = ["Group", "Officers", "Complete", "Percent complete", "Goal", "Percent of goal"]


def coverage_blocks(coverages: list[TargetCoverage]) -> list[Block]:
    blocks = []
    for item in coverages:
        rows = []
        for line in item.lines:
            goal = line.goal if line.goal is not None else ""
            rows.append([line.label, line.officers, line.complete, percent_text(line.percent), goal,
                         percent_text(line.percent_of_goal) if line.goal is not None else ""])
        blocks.append(Block(item.target.label, COVERAGE_HEADER, rows))
    return blocks
