"""People, the teams and areas they belong to, and the roles they hold."""
import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from lms.extensions import db
from lms.timeutil import utcnow

ROLES = ("officer", "trainer", "supervisor", "admin")

#: Rank codes (DOMAIN.md section 6) and how people write them.
RANKS = {
    "PC": "Police Constable",
    "DC": "Detective Constable",
    "PS": "Police Sergeant",
    "DS": "Detective Sergeant",
    "INSP": "Inspector",
    "DI": "Detective Inspector",
    "CI": "Chief Inspector",
    "DCI": "Detective Chief Inspector",
    "SUPT": "Superintendent",
    "DSUPT": "Detective Superintendent",
    "CH_SUPT": "Chief Superintendent",
    "ACC": "Assistant Chief Constable",
    "DCC": "Deputy Chief Constable",
    "CC": "Chief Constable",
    "PCSO": "Police Community Support Officer",
    "SPECIAL": "Special Constable",
    "STAFF_INVESTIGATOR": "Police Staff Investigator",
    "STAFF": "Police Staff",
}
CONSTABLE_RANKS = ("PC", "DC")
SERGEANT_RANKS = ("PS", "DS")
#: Ranks that hold the office of constable (specials included); PCSOs and police staff do not.
WARRANTED_RANKS = frozenset(RANKS) - {"PCSO", "STAFF_INVESTIGATOR", "STAFF"}


def default_roles(rank: str) -> set[str]:
    """The roles a new person starts with: every warranted officer is an officer (a learner)."""
    return {"officer"} if rank in WARRANTED_RANKS else set()


TEAM_TYPES = {
    "RESPONSE": "Response",
    "NEIGHBOURHOOD": "Neighbourhood",
    "LOCAL_CID": "Local CID",
    "PPU": "Public Protection Unit",
    "CONTACT_CENTRE": "Contact centre",
    "CRIME_ADMIN": "Crime admin",
    "INVESTIGATION_STANDARDS": "Investigation standards",
    "SPECIALIST": "Specialist",
    "LEADERSHIP": "Leadership",
}

team_supervisors = sa.Table(
    "team_supervisors",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Area(db.Model):
    """A local policing area (an LPT) or a force-wide command."""

    __tablename__ = "areas"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)

    teams: so.WriteOnlyMapped["Team"] = so.relationship(back_populates="area")

    def __repr__(self) -> str:
        return f"<Area {self.name}>"


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("area_id", "name"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("areas.id"), index=True)
    #: one of TEAM_TYPES
    team_type: so.Mapped[str] = so.mapped_column(sa.String(30), default="RESPONSE")

    area: so.Mapped[Area] = so.relationship(back_populates="teams")
    supervisors: so.Mapped[list["Person"]] = so.relationship(
        secondary=team_supervisors, back_populates="supervised_teams", order_by="Person.family_name"
    )

    @property
    def full_name(self) -> str:
        return f"{self.area.name} – {self.name}"

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class RoleGrant(db.Model):
    """One role held by one person; a person may hold several."""

    __tablename__ = "role_grants"
    __table_args__ = (sa.CheckConstraint(sa.text("role IN ('officer','trainer','supervisor','admin')"), name="role"),)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)


class Person(UserMixin, db.Model):
    __tablename__ = "people"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the HR service (collar) number; the roster import matches on it
    service_number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    given_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    family_name: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    #: one of RANKS
    rank: so.Mapped[str] = so.mapped_column(sa.String(20))
    is_student_officer: so.Mapped[bool] = so.mapped_column(default=False)
    team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    is_active_account: so.Mapped[bool] = so.mapped_column(default=True)
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    #: the identity provider's subject for this person, stored at their first single sign-on and matched from then on
    oidc_subject: so.Mapped[str | None] = so.mapped_column(sa.String(255), unique=True)
    #: part of the login cookie; changing it signs the person out everywhere (logout, deactivation)
    session_nonce: so.Mapped[str] = so.mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    team: so.Mapped[Team | None] = so.relationship(foreign_keys=[team_id])
    role_grants: so.Mapped[list[RoleGrant]] = so.relationship(cascade="all, delete-orphan", lazy="selectin")
    supervised_teams: so.Mapped[list[Team]] = so.relationship(
        secondary=team_supervisors, back_populates="supervisors", order_by=Team.name
    )

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.role_grants}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def rank_name(self) -> str:
        return RANKS.get(self.rank, self.rank)

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.name}" if self.rank in RANKS and self.rank != "STAFF" else self.name

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def __repr__(self) -> str:
        return f"<Person {self.service_number}>"


class LoginCounter(db.Model):
    """Failed sign-ins in the current throttling window, for one account (the email typed) or one address.

    One row a key, changed only by single conditional statements, so parallel attempts on several app instances
    are counted exactly (people/throttle.py).
    """

    __tablename__ = "login_counters"
    #: "account" or "address"
    scope: so.Mapped[str] = so.mapped_column(sa.String(10), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(254), primary_key=True)
    failures: so.Mapped[int] = so.mapped_column(default=0)
    window_started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
