"""Plan the Midshire Police demo force: areas, teams and people as plain data, the same for the same seed.

The shape follows DOMAIN.md sections 1 and 6: ten local policing areas, each with a command team, four or five
response teams, a neighbourhood team, a proactive team and a local CID, plus force-wide commands (public
protection, crime, operational support, contact and resolution, headquarters with Investigation Standards and
Learning and Development). At full size that is about 2,000 warranted officers.
"""
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from lms.demo.names import FAMILY_NAMES, GIVEN_NAMES, LOCAL_POLICING_AREAS
from lms.people.models import CONSTABLE_RANKS, SERGEANT_RANKS, default_roles

EMAIL_DOMAIN = "midshire.police.uk"
STUDENT_SHARE = 0.28
#: Where student officers work, and how likely each kind of post is to hold one: most are on response.
STUDENT_WEIGHTS = {("PC", "RESPONSE"): 6, ("PC", "NEIGHBOURHOOD"): 2, ("DC", "LOCAL_CID"): 1, ("DC", "PPU"): 1}
INSPECTING_RANKS = ("INSP", "DI", "CI", "DCI")
TRAINING_TEAM = "Learning and Development"


@dataclass(frozen=True)
class Login:
    """A demo login: a fixed email and name, explicit roles, placed in a known team."""

    email: str
    given_name: str
    family_name: str
    rank: str
    roles: frozenset[str]


ADMIN = Login("admin@demo.police.uk", "Priya", "Desai", "PC", frozenset({"admin", "officer"}))
TRAINER = Login("trainer@demo.police.uk", "Gareth", "Lloyd", "PC", frozenset({"trainer", "officer"}))
SUPERVISOR = Login("supervisor@demo.police.uk", "Claire", "Doyle", "PS", frozenset({"supervisor", "officer"}))
OFFICER = Login("officer@demo.police.uk", "Sam", "Turner", "PC", frozenset({"officer"}))
REVIEWER = Login("reviewer@demo.police.uk", "Nadia", "Okafor", "DS", frozenset({"iq_sergeant", "officer"}))
LOGINS = (ADMIN, TRAINER, SUPERVISOR, OFFICER, REVIEWER)


@dataclass
class PersonPlan:
    rank: str
    login: Login | None = None
    roles: set[str] = field(default_factory=set)
    is_student_officer: bool = False
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    service_number: str = ""


@dataclass
class TeamPlan:
    area: str
    name: str
    team_type: str
    members: list[PersonPlan] = field(default_factory=list)
    #: the people who supervise this team, filled by _assign_roles
    supervisors: list[PersonPlan] = field(default_factory=list)


@dataclass
class ForcePlan:
    teams: list[TeamPlan]

    @property
    def people(self) -> list[PersonPlan]:
        return [person for team in self.teams for person in team.members]

    def rank_counts(self) -> Counter:
        return Counter(person.rank for person in self.people)


#: Force-wide commands at full size: (area, team, team type, {rank: how many}).
FORCE_UNITS = (
    ("Force Headquarters", "Chief Officer Group", "LEADERSHIP",
     {"CC": 1, "DCC": 1, "ACC": 2, "CH_SUPT": 5, "SUPT": 4, "CI": 2, "STAFF": 3}),
    ("Force Headquarters", "Investigation Standards", "INVESTIGATION_STANDARDS",
     {"DCI": 1, "INSP": 2, "PS": 6, "DS": 6, "STAFF_INVESTIGATOR": 3, "STAFF": 1}),
    ("Force Headquarters", TRAINING_TEAM, "SPECIALIST", {"INSP": 1, "PS": 2, "PC": 4, "STAFF": 2}),
    ("Force Headquarters", "Professional Standards", "SPECIALIST",
     {"SUPT": 1, "CI": 1, "DI": 2, "DS": 5, "DC": 12, "STAFF": 3}),
    ("Public Protection", "Public Protection Command", "LEADERSHIP", {"DSUPT": 1, "DCI": 4, "DI": 4}),
    *(("Public Protection", f"Domestic Abuse Investigation {hub}", "PPU",
       {"DI": 1, "DS": 6, "DC": 36, "PC": 8, "STAFF_INVESTIGATOR": 3}) for hub in ("North", "South")),
    ("Public Protection", "Child Abuse Investigation", "PPU", {"DI": 1, "DS": 6, "DC": 36, "STAFF_INVESTIGATOR": 2}),
    ("Public Protection", "Rape and Serious Sexual Offences", "PPU",
     {"DI": 1, "DS": 6, "DC": 40, "STAFF_INVESTIGATOR": 2}),
    ("Public Protection", "Exploitation and Missing Persons", "PPU", {"DI": 1, "DS": 4, "DC": 18, "PC": 16}),
    ("Public Protection", "Management of Offenders", "PPU", {"DI": 1, "DS": 4, "DC": 12, "PC": 16, "STAFF": 2}),
    ("Public Protection", "Online Child Abuse Investigation", "PPU", {"DS": 3, "DC": 14}),
    ("Public Protection", "Safeguarding Referral Hub", "PPU", {"DS": 3, "DC": 10, "PC": 12, "STAFF": 6}),
    ("Crime", "Crime Command", "LEADERSHIP", {"DSUPT": 2, "DCI": 5, "DI": 3}),
    ("Crime", "Major Investigation Team", "SPECIALIST", {"DI": 2, "DS": 10, "DC": 50, "STAFF_INVESTIGATOR": 4}),
    *(("Crime", f"Force CID {hub}", "SPECIALIST", {"DI": 1, "DS": 7, "DC": 40}) for hub in ("North", "South")),
    ("Crime", "Serious and Organised Crime", "SPECIALIST", {"DI": 2, "DS": 8, "DC": 48, "PC": 10}),
    ("Crime", "Economic Crime and Cyber", "SPECIALIST", {"DI": 1, "DS": 3, "DC": 16, "STAFF_INVESTIGATOR": 4}),
    ("Crime", "Intelligence Hub", "SPECIALIST", {"DI": 1, "DS": 4, "DC": 12, "PC": 24, "STAFF": 6}),
    ("Operational Support", "Operations Command", "LEADERSHIP", {"SUPT": 2, "CI": 4, "INSP": 10}),
    *(("Operational Support", f"Roads Policing Unit {n}", "SPECIALIST", {"PS": 2, "PC": 16}) for n in range(1, 7)),
    *(("Operational Support", f"Armed Response {n}", "SPECIALIST", {"PS": 2, "PC": 16}) for n in range(1, 6)),
    ("Operational Support", "Dog Section", "SPECIALIST", {"PS": 2, "PC": 16}),
    ("Operational Support", "Tactical Support Group", "SPECIALIST", {"PS": 5, "PC": 40}),
    ("Operational Support", "Public Order and Events", "SPECIALIST", {"PS": 3, "PC": 24}),
    *(("Operational Support", f"Custody {suite}", "SPECIALIST", {"INSP": 3, "PS": 26, "PC": 10, "STAFF": 12})
      for suite in ("North", "South")),
    ("Operational Support", "Rural and Wildlife Crime", "SPECIALIST", {"PS": 1, "PC": 8}),
    ("Contact and Resolution", "Contact Command", "LEADERSHIP", {"SUPT": 1, "CI": 3, "INSP": 12}),
    *(("Contact and Resolution", f"Force Contact Centre Team {n}", "CONTACT_CENTRE", {"PS": 4, "PC": 6, "STAFF": 12})
      for n in range(1, 6)),
    ("Contact and Resolution", "Crime Admin Bureau", "CRIME_ADMIN",
     {"INSP": 1, "PS": 8, "PC": 55, "STAFF_INVESTIGATOR": 10, "STAFF": 8}),
    ("Contact and Resolution", "Resolution Centre", "CRIME_ADMIN",
     {"INSP": 1, "PS": 7, "PC": 50, "STAFF_INVESTIGATOR": 6}),
)


def _local_teams(area: str, rng: random.Random) -> list[TeamPlan]:
    """One local policing area: a command team, 4-5 response teams, neighbourhood, proactive and CID teams."""
    teams = [TeamPlan(area, "Command Team", "LEADERSHIP", _members({"CI": 1, "INSP": 4}))]
    for letter in "ABCDE"[:rng.randint(4, 5)]:
        teams.append(TeamPlan(area, f"Response Team {letter}", "RESPONSE",
                              _members({"PS": 1, "PC": rng.randint(7, 10)})))
    teams.append(TeamPlan(area, "Neighbourhood Team", "NEIGHBOURHOOD", _members({
        "PS": rng.randint(1, 2), "PC": rng.randint(6, 10), "PCSO": rng.randint(12, 20), "SPECIAL": rng.randint(8, 14),
    })))
    teams.append(TeamPlan(area, "Proactive Team", "SPECIALIST", _members({"PS": 1, "PC": rng.randint(8, 10)})))
    investigators = rng.randint(5, 8)
    staff_investigators = rng.randint(0, 2)
    teams.append(TeamPlan(area, "CID", "LOCAL_CID", _members({
        "DS": 1, "DC": investigators - staff_investigators, "STAFF_INVESTIGATOR": staff_investigators,
    })))
    return teams


def _members(counts: dict[str, int]) -> list[PersonPlan]:
    return [PersonPlan(rank) for rank, count in counts.items() for _ in range(count)]


def _scaled(counts: dict[str, int], share: float) -> dict[str, int]:
    """Shrink a force-wide unit with the force, keeping at least one of every rank it has."""
    return {rank: max(1, round(count * share)) for rank, count in counts.items()}


def _place_logins(teams: list[TeamPlan]) -> None:
    """Put the demo logins where they make sense: the supervisor leads the officer's response team, and the
    investigative-quality sergeant reviews plans in the same area from its CID."""
    by_name = {(team.area, team.name): team for team in teams}
    response = by_name[(LOCAL_POLICING_AREAS[0], "Response Team A")]
    sergeant = next(person for person in response.members if person.rank == "PS")
    sergeant.login = SUPERVISOR
    response.members.insert(1, PersonPlan(OFFICER.rank, login=OFFICER))
    by_name[(LOCAL_POLICING_AREAS[0], "CID")].members.append(PersonPlan(REVIEWER.rank, login=REVIEWER))
    by_name[("Force Headquarters", "Investigation Standards")].members.append(PersonPlan(ADMIN.rank, login=ADMIN))
    by_name[("Force Headquarters", TRAINING_TEAM)].members.append(PersonPlan(TRAINER.rank, login=TRAINER))


def _assign_roles(teams: list[TeamPlan]) -> None:
    """Officers learn; sergeants supervise their team, inspectors every team of their area; trainers train."""
    area_teams: dict[str, list[TeamPlan]] = {}
    for team in teams:
        area_teams.setdefault(team.area, []).append(team)
    for team in teams:
        for person in team.members:
            if person.login:
                person.roles = set(person.login.roles)
                if "supervisor" in person.roles:
                    team.supervisors.append(person)
                continue
            person.roles = default_roles(person.rank)
            if person.rank in SERGEANT_RANKS:
                person.roles.add("supervisor")
                team.supervisors.append(person)
            elif person.rank in INSPECTING_RANKS:
                person.roles.add("supervisor")
                for other in area_teams[team.area]:
                    other.supervisors.append(person)
            if team.name == TRAINING_TEAM:
                person.roles.add("trainer")
    standards = next(team for team in teams if team.name == "Investigation Standards")
    programme_staff = next(person for person in standards.members if person.rank == "STAFF")
    programme_staff.roles.add("admin")  # the programme's content owner, beside the demo admin


def _choose_students(teams: list[TeamPlan], rng: random.Random) -> None:
    """Make about STUDENT_SHARE of constables student officers, mostly on response (weighted sampling)."""
    posts = [(team, person) for team in teams for person in team.members]
    constables = sum(person.rank in CONSTABLE_RANKS for _, person in posts)
    keyed = [(rng.random() ** (1 / weight), index) for index, (team, person) in enumerate(posts)
             if not person.login and (weight := STUDENT_WEIGHTS.get((person.rank, team.team_type)))]
    for _, index in sorted(keyed, reverse=True)[:round(constables * STUDENT_SHARE)]:
        posts[index][1].is_student_officer = True


def _email_part(name: str) -> str:
    return re.sub(r"[^a-z-]", "", name.lower())


def _name_people(people: list[PersonPlan], rng: random.Random) -> None:
    """Give everyone a name, a unique email (firstname.lastname, then a number) and a unique service number."""
    numbers = rng.sample(range(10000, 100000), len(people))
    taken: Counter = Counter()
    for person, number in zip(people, numbers):
        person.service_number = f"MP{number}"
        if person.login:
            person.given_name, person.family_name = person.login.given_name, person.login.family_name
            person.email = person.login.email
            continue
        person.given_name, person.family_name = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        local = f"{_email_part(person.given_name)}.{_email_part(person.family_name)}"
        taken[local] += 1
        person.email = f"{local}{taken[local] if taken[local] > 1 else ''}@{EMAIL_DOMAIN}"


def plan_force(areas: int = len(LOCAL_POLICING_AREAS), seed: int = 2022) -> ForcePlan:
    """Plan the force with `areas` local policing areas (1-10); force-wide units shrink in proportion."""
    if not 1 <= areas <= len(LOCAL_POLICING_AREAS):
        raise ValueError(f"areas must be between 1 and {len(LOCAL_POLICING_AREAS)}")
    rng = random.Random(seed)
    teams = [team for area in LOCAL_POLICING_AREAS[:areas] for team in _local_teams(area, rng)]
    share = areas / len(LOCAL_POLICING_AREAS)
    teams += [TeamPlan(area, name, team_type, _members(_scaled(counts, share)))
              for area, name, team_type, counts in FORCE_UNITS]
    _place_logins(teams)
    _assign_roles(teams)
    _choose_students(teams, rng)
    _name_people([person for team in teams for person in team.members], rng)
    return ForcePlan(teams)
