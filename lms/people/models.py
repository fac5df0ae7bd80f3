"""People, the teams and areas they belong to, and the roles they hold."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from lms.extensions import db
from lms.timeutil import utcnow

#: iq_sergeant: an investigative-quality sergeant, who reviews investigation plans in the areas of their own team
ROLES = ("officer", "trainer", "supervisor", "admin", "iq_sergeant")
ROLE_LABELS = {"officer": "Officer", "trainer": "Trainer", "supervisor": "Supervisor", "admin": "Admin",
               "iq_sergeant": "Investigative-quality sergeant"}

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


def team_full_name(area: str, team: str) -> str:
    """How a team is named wherever it is listed with teams of other areas: "Northtown – Response Team A"."""
    return f"{area} – {team}"


def person_name(given_name: str, family_name: str) -> str:
    return f"{given_name} {family_name}"


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
        return team_full_name(self.area.name, self.name)

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class RoleGrant(db.Model):
    """One role held by one person; a person may hold several."""

    __tablename__ = "role_grants"
    __table_args__ = (sa.CheckConstraint(sa.text("role IN ('officer','trainer','supervisor','admin','iq_sergeant')"), name="role"),)
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
    #: the base32 secret of the authenticator app an admin enrolled for the second factor
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: the last time step a code was accepted for, so a code seen over someone's shoulder cannot be used again
    totp_last_step: so.Mapped[int | None]
    #: the identity provider's subject for this person, stored at their first single sign-on and matched from then on
    oidc_subject: so.Mapped[str | None] = so.mapped_column(sa.String(255), unique=True)
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: whether a supervisor gets the weekly digest of their teams by email (lms.reports.digest); theirs to turn off
    is_weekly_digest_on: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    team: so.Mapped[Team | None] = so.relationship(foreign_keys=[team_id])
    role_grants: so.Mapped[list[RoleGrant]] = so.relationship(cascade="all, delete-orphan", lazy="selectin")
    supervised_teams: so.Mapped[list[Team]] = so.relationship(
        secondary=team_supervisors, back_populates="supervisors", order_by=Team.name
    )

    #: the roles read with the person when they signed in for this request (lms.people.devices), so that checking a
    #: role needs no RoleGrant objects; None when loaded any other way
    roles_as_loaded = None

    @property
    def roles(self) -> set[str]:
        if self.roles_as_loaded is not None and "role_grants" not in self.__dict__:
            return set(self.roles_as_loaded)
        # role_grants loaded (as anything that changes roles loads them): they are the truth from then on
        return {grant.role for grant in self.role_grants}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def name(self) -> str:
        return person_name(self.given_name, self.family_name)

    @property
    def rank_name(self) -> str:
        return RANKS.get(self.rank, self.rank)

    @property
    def display_name(self) -> str:
        return f"{self.rank} {self.name}" if self.rank in RANKS and self.rank != "STAFF" else self.name

    # Flask-Login
    #: the random id of the device session this person was loaded through (set per request, never stored)
    session_token = None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str | None:
        """What the cookie holds: the device session's random id, never the person's id."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<Person {self.service_number}>"


class LoginCounter(db.Model):
    """Failed sign-ins in the current throttling window, for one account (the email typed) or one address.

    One row a key, changed only by single conditional statements, so parallel attempts on several app instances
    are counted exactly (people/throttle.py).
    """

    __tablename__ = "login_counters"
    #: "account", "address" or "code" (wrong second-factor codes, by person)
    scope: so.Mapped[str] = so.mapped_column(sa.String(10), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(254), primary_key=True)
    failures: so.Mapped[int] = so.mapped_column(default=0)
    window_started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class DeviceSession(db.Model):
    """One browser a person is signed in on. The cookie holds a random id; this table holds only its hash."""

    __tablename__ = "device_sessions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random id in the cookie: a copy of this table signs nobody in
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: how the person signed in: one of lms.people.devices.METHODS, e.g. "password+app"
    method: so.Mapped[str] = so.mapped_column(sa.String(20))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: updated at most once a minute (SESSION_TOUCH_SECONDS), so a signed-in page costs no write
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: "Firefox on Windows": enough for a person to recognise the device, not a fingerprint
    browser: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(64), default="")


class PasswordToken(db.Model):
    """A single-use emailed link to set a password: an invitation or a reset. Only the token's hash is kept."""

    __tablename__ = "password_tokens"
    __table_args__ = (sa.CheckConstraint("purpose IN ('invite','reset')", name="purpose"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: "invite" or "reset"
    purpose: so.Mapped[str] = so.mapped_column(sa.String(10))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]

    person: so.Mapped[Person] = so.relationship()


class ResetRequest(db.Model):
    """A "Forgotten your password?" request, kept for an hour to throttle by email address and by client address."""

    __tablename__ = "reset_requests"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: as typed (normalised), whether or not anyone has it
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: set when `notify send` has dealt with it (emailed a link, or found no account to email)
    is_handled: so.Mapped[bool] = so.mapped_column(default=False)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app once; only its hash is kept."""

    __tablename__ = "recovery_codes"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)


class RosterImport(db.Model):
    """One roster import that changed the site: what it did, so that its deactivations can be undone."""

    __tablename__ = "roster_imports"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: who imported it; None for the command line
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"))
    file_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    file_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    added: so.Mapped[int] = so.mapped_column(default=0)
    updated: so.Mapped[int] = so.mapped_column(default=0)
    unchanged: so.Mapped[int] = so.mapped_column(default=0)
    deactivated: so.Mapped[int] = so.mapped_column(default=0)
    reactivated: so.Mapped[int] = so.mapped_column(default=0)
    teams_created: so.Mapped[int] = so.mapped_column(default=0)

    actor: so.Mapped[Person | None] = so.relationship()


class RosterDeactivation(db.Model):
    """A person an import deactivated and nobody has reactivated since (reactivating deletes the row)."""

    __tablename__ = "roster_deactivations"
    import_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("roster_imports.id", ondelete="CASCADE"),
                                                 primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                                 index=True)


class RosterUpload(db.Model):
    """A roster file an admin uploaded and has previewed but not yet confirmed, found again by its SHA-256.

    Kept in the database rather than on disk, so nothing can swap it between the preview and the confirmation
    and every app instance sees it; the confirmation checks the hash of the content again.
    """

    __tablename__ = "roster_uploads"
    __table_args__ = (sa.UniqueConstraint("person_id", "sha256"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    file_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    content: so.Mapped[str] = so.mapped_column(sa.Text)
    #: the import options chosen with the file: {"deactivate_missing": bool, ...}
    options: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    uploaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
