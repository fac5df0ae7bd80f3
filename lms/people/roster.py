"""Read and check the HR roster CSV. Pure functions, no database: every rule can be tested on a string."""
import difflib
import re
from dataclasses import dataclass

from lms.csvutil import UnreadableCsv, numbered_rows
from lms.inputs import control_character_reasons
from lms.people.models import CONSTABLE_RANKS, RANKS, ROLES, TEAM_TYPES

REQUIRED_COLUMNS = ("service_number", "given_name", "family_name", "email", "rank", "team", "area")
OPTIONAL_COLUMNS = ("team_type", "is_student_officer", "roles", "supervises")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
#: The longest value each column's database field holds.
MAX_LENGTHS = {"service_number": 20, "given_name": 80, "family_name": 80, "email": 254, "team": 120, "area": 120}

EMAIL_RE = re.compile(r"^[^@\s,;<>\"']+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

#: How HR systems and people write ranks, besides the code and the full name.
RANK_ALIASES = {
    "PC": ("constable", "pol con"),
    "DC": ("det con", "d con"),
    "PS": ("sergeant", "sgt", "pol sgt", "p sgt"),
    "DS": ("det sgt", "d sgt", "detective sgt"),
    "INSP": ("insp", "police inspector", "pol insp"),
    "DI": ("det insp", "d insp", "detective insp"),
    "CI": ("ch insp", "c insp", "chief insp"),
    "DCI": ("det ch insp", "det chief insp", "d ch insp"),
    "SUPT": ("supt",),
    "DSUPT": ("det supt", "d supt"),
    "CH_SUPT": ("ch supt", "c supt", "chief supt", "chsupt"),
    "PCSO": ("community support officer",),
    "SPECIAL": ("special", "sc", "spc", "special constabulary"),
    "STAFF_INVESTIGATOR": ("psi", "staff investigator", "investigation officer"),
    "STAFF": ("staff", "civilian"),
}
TEAM_TYPE_ALIASES = {"LOCAL_CID": ("cid",), "NEIGHBOURHOOD": ("npt",), "CONTACT_CENTRE": ("control room",)}
#: Words in a new team's name that say what kind of team it is, when the file gives no team_type.
TEAM_TYPE_HINTS = (
    ("response", "RESPONSE"), ("neighbourhood", "NEIGHBOURHOOD"), ("npt", "NEIGHBOURHOOD"),
    ("public protection", "PPU"), ("ppu", "PPU"), ("cid", "LOCAL_CID"), ("contact", "CONTACT_CENTRE"),
    ("control room", "CONTACT_CENTRE"), ("crime admin", "CRIME_ADMIN"), ("resolution", "CRIME_ADMIN"),
    ("standards", "INVESTIGATION_STANDARDS"), ("command", "LEADERSHIP"), ("leadership", "LEADERSHIP"),
)


def _key(text: str) -> str:
    """Fold case, punctuation and spacing, so "Det. Sgt", "det sgt" and "DET_SGT" compare equal."""
    return " ".join(re.sub(r"[._/\-]+", " ", text).split()).casefold()


def _lookup(labels: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {}
    for code, label in labels.items():
        for form in (code, label, *aliases.get(code, ())):
            table[_key(form)] = code
    return table


_RANKS = _lookup(RANKS, RANK_ALIASES)
_TEAM_TYPES = _lookup(TEAM_TYPES, TEAM_TYPE_ALIASES)


def name_key(name: str) -> str:
    """How team and area names are matched: "Response team A" in the file is the existing "Response Team A"."""
    return " ".join(name.split()).casefold()


def parse_rank(text: str) -> str | None:
    """Return the rank code for a code, a full name or a common short form; None if it is not a rank."""
    return _RANKS.get(_key(text))


def parse_team_type(text: str) -> str | None:
    return _TEAM_TYPES.get(_key(text))


def guess_team_type(team_name: str) -> str:
    """Guess a new team's type from its name; a name that says nothing is a specialist team."""
    key = _key(team_name)
    return next((team_type for word, team_type in TEAM_TYPE_HINTS if word in key), "SPECIALIST")


def _rank_problem(text: str) -> str:
    close = difflib.get_close_matches(_key(text), _RANKS, n=1, cutoff=0.75)
    hint = f' Did you mean {_RANKS[close[0]]}?' if close else ""
    return f'unknown rank "{text}".{hint} Use a code such as PC, DC, PS, DS, INSP or PCSO (see docs/ROSTER.md).'


class NotARoster(ValueError):
    """The file is not a CSV roster at all (not text, not UTF-8); the message says what to do."""


def decode_roster(data: bytes, name: str) -> str:
    """Return the text of a roster file saved as UTF-8, with or without the byte order mark Excel writes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotARoster(f'{name} is not UTF-8 text. In Excel, save it as "CSV UTF-8".') from None
    if "\x00" in text:
        # UTF-8 text never holds NUL; a spreadsheet or other binary file saved under a .csv name does.
        raise NotARoster(f'{name} is not a CSV file. In Excel, save it as "CSV UTF-8".')
    return text


@dataclass(frozen=True)
class Problem:
    """Why a roster cannot be imported; line None means the file as a whole."""

    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


@dataclass(frozen=True)
class RosterRow:
    line: int
    service_number: str
    given_name: str
    family_name: str
    email: str
    rank: str
    team: str
    area: str
    #: None: keep an existing team's type, guess a new team's from its name
    team_type: str | None = None
    #: None: the column is not in the file, so leave the flag as it is
    is_student_officer: bool | None = None
    #: None: leave the person's roles as they are (a new person gets the default for their rank)
    roles: frozenset[str] | None = None
    #: names of teams in the same area; None: leave the supervised teams as they are
    supervises: tuple[str, ...] | None = None

    @property
    def team_key(self) -> tuple[str, str]:
        return name_key(self.area), name_key(self.team)


@dataclass
class Roster:
    rows: list[RosterRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def team_keys(self) -> set[tuple[str, str]]:
        return {row.team_key for row in self.rows}


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _read_header(cells: list[str], line: int) -> tuple[list[str], list[Problem]]:
    columns = [re.sub(r"[\s\-]+", "_", cell.strip().lower()) for cell in cells]
    problems = []
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        problems.append(Problem(line, f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. "
                                      f"The columns are: {', '.join(COLUMNS)}."))
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        problems.append(Problem(line, f"column {', '.join(repeated)} appears more than once"))
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        problems.append(Problem(line, f"missing required column{'s' if len(missing) > 1 else ''} "
                                      f"{', '.join(missing)}"))
    return columns, problems


def _read_row(values: dict[str, str], line: int) -> tuple[RosterRow | None, list[str]]:
    """Check one row's values on their own; return the row, or None and the reasons it is wrong."""
    reasons = [f"missing {column.replace('_', ' ')}" for column in REQUIRED_COLUMNS if not values[column]]
    reasons += control_character_reasons(values)
    reasons += [f"{column.replace('_', ' ')} is longer than {limit} characters"
                for column, limit in MAX_LENGTHS.items() if len(values[column]) > limit]
    email = values["email"].lower()
    if email and not EMAIL_RE.match(email):
        reasons.append(f'"{values["email"]}" is not an email address')
    rank = parse_rank(values["rank"]) if values["rank"] else None
    if values["rank"] and rank is None:
        reasons.append(_rank_problem(values["rank"]))

    team_type = None
    if values.get("team_type"):
        team_type = parse_team_type(values["team_type"])
        if team_type is None:
            reasons.append(f'unknown team type "{values["team_type"]}"; use one of {", ".join(TEAM_TYPES)}')

    student = None
    if "is_student_officer" in values:
        flag = values["is_student_officer"].lower()
        student = flag in YES
        if flag not in YES | NO:
            reasons.append(f'is_student_officer must be yes or no, not "{values["is_student_officer"]}"')
        elif student and rank and rank not in CONSTABLE_RANKS:
            reasons.append(f"only constables can be student officers, and {rank} is not a constable rank")

    roles = None
    if values.get("roles"):
        roles = frozenset(role.lower() for role in _split_list(values["roles"]))
        unknown = sorted(roles - set(ROLES))
        if unknown:
            reasons.append(f"unknown role {', '.join(unknown)}; roles are {', '.join(ROLES)}, separated by ;")
    supervises = tuple(_split_list(values["supervises"])) if values.get("supervises") else None

    if reasons:
        return None, reasons
    return RosterRow(
        line=line, service_number=values["service_number"].upper(), given_name=values["given_name"],
        family_name=values["family_name"], email=email, rank=rank, team=" ".join(values["team"].split()),
        area=" ".join(values["area"].split()), team_type=team_type, is_student_officer=student, roles=roles,
        supervises=supervises,
    ), []


def _duplicates(entries: list[tuple[int, dict[str, str]]]) -> list[Problem]:
    """Find service numbers and emails given on more than one row, whatever else is wrong with those rows."""
    problems = []
    for column, label, normalise in (("service_number", "service number", str.upper), ("email", "email", str.lower)):
        first: dict[str, int] = {}
        for line, values in entries:
            value = normalise(values[column])
            if value and value in first:
                problems.append(Problem(line, f"{label} {value} is also on line {first[value]}"))
            first.setdefault(value, line)
    return problems


def _team_type_conflicts(rows: list[RosterRow]) -> list[Problem]:
    problems = []
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for row in rows:
        if row.team_type:
            earlier_type, earlier_line = first.setdefault(row.team_key, (row.team_type, row.line))
            if earlier_type != row.team_type:
                problems.append(Problem(row.line, f'team "{row.team}" in {row.area} is {row.team_type} here but '
                                                  f"{earlier_type} on line {earlier_line}"))
    return problems


def parse_roster(text: str) -> Roster:
    """Read and check every row of a roster; the roster is importable only if it has no problems at all."""
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    columns: list[str] | None = None
    entries: list[tuple[int, dict[str, str]]] = []
    try:
        for start, cells in numbered_rows(text):
            if columns is None:
                columns, header_problems = _read_header(cells, start)
                if header_problems:
                    return Roster([], header_problems)
                continue
            if len(cells) != len(columns):
                problems.append(Problem(start, f"has {len(cells)} values but the header has {len(columns)} columns "
                                               f"(a comma inside a name must be in double quotes)"))
                continue
            values = {column: cell.strip() for column, cell in zip(columns, cells)}
            entries.append((start, values))
            row, reasons = _read_row(values, start)
            problems += [Problem(start, reason) for reason in reasons]
            if row:
                rows.append(row)
    except UnreadableCsv as error:
        return Roster([], [Problem(error.line, str(error))])
    if columns is None:
        return Roster([], [Problem(None, "the file is empty; the first line must be the header row")])
    if not rows and not problems:
        return Roster([], [Problem(None, "the file has a header row but no people")])
    problems += _duplicates(entries) + _team_type_conflicts(rows)
    return Roster(rows, sorted(problems, key=lambda problem: problem.line or 0))


def check_against_database(roster: Roster, *, owner_of_email: dict[str, str],
                           existing_teams: set[tuple[str, str]]) -> list[Problem]:
    """Find rows that clash with people or teams already on the system.

    `owner_of_email` maps each email in the database to its holder's service number; `existing_teams` holds
    (area, team) name keys.
    """
    problems = []
    known_teams = existing_teams | roster.team_keys()
    for row in roster.rows:
        owner = owner_of_email.get(row.email)
        if owner is not None and owner != row.service_number:
            problems.append(Problem(row.line, f"email {row.email} belongs to someone else already on the system "
                                              f"(service number {owner})"))
        for team in row.supervises or ():
            if (name_key(row.area), name_key(team)) not in known_teams:
                problems.append(Problem(row.line, f'supervises "{team}", which is not a team in {row.area} '
                                                  f"(in this file or already on the system)"))
    return problems
