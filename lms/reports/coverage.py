"""Coverage against the programme's targets ("every sergeant", "800 constables"), in total, by rank and by area."""
from collections import defaultdict
from dataclasses import dataclass, field

from lms.people.models import RANKS
from lms.reports.dataset import Dataset, Row
from lms.reports.models import ProgrammeTarget


@dataclass
class CoverageLine:
    label: str
    officers: int = 0
    complete: int = 0
    #: how many must complete; None where the target sets no goal for the group (a number of the whole force)
    goal: int | None = None

    @property
    def percent(self) -> int | None:
        return round(100 * self.complete / self.officers) if self.officers else None

    @property
    def percent_of_goal(self) -> int | None:
        return round(100 * self.complete / self.goal) if self.goal else None


@dataclass
class TargetCoverage:
    target: ProgrammeTarget
    #: the total first, then one line per rank, then one per area
    lines: list[CoverageLine] = field(default_factory=list)

    @property
    def total(self) -> CoverageLine:
        return self.lines[0]


def coverage(dataset: Dataset, targets: list[ProgrammeTarget], whole_force: bool) -> list[TargetCoverage]:
    """How far the people in scope are towards each target. A number goal ("800 constables") is the whole
    force's, so it is only set against the whole force; "every" is a goal for every group."""
    found = []
    for target in targets:
        index = dataset.course_index(target.course_id)
        if index is None:
            continue  # the course has been retired
        every = target.goal is None
        total = CoverageLine("All" if whole_force else "All in your teams")
        ranks = {rank: CoverageLine(f"{RANKS.get(rank, rank)}s") for rank in target.ranks}
        areas: dict[str, CoverageLine] = defaultdict(lambda: CoverageLine(""))
        for row in dataset.rows:
            if row.member.rank not in ranks:
                continue
            for line in (total, ranks[row.member.rank], areas[row.member.area_name]):
                _count(line, row, index)
        for name, line in areas.items():
            line.label = name
        lines = [total, *ranks.values(), *(areas[name] for name in sorted(areas))]
        for line in lines:
            line.goal = line.officers if every else None
        if not every and whole_force:
            total.goal = target.goal
        found.append(TargetCoverage(target, lines))
    return found


def _count(line: CoverageLine, row: Row, index: int) -> None:
    line.officers += 1
    line.complete += row.statuses[index].is_done
