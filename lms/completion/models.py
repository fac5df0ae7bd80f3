"""The training data's version: one row given a new token in the same transaction as any write that can change a status.

Statuses are worked out from people and their teams, the courses' rules and modules, what officers read and
attempted, and the sessions they booked and attended (lms.completion.load). A report over a whole force takes tens
of milliseconds to work out, so lms.completion.cache keeps it under this token. The token changes with any INSERT,
UPDATE or DELETE statement on those tables, whoever runs it: ORM flushes, ORM bulk statements and Core statements
(the roster import) alike, seen on the connection rather than on the ORM session. It is written as the last
statement before COMMIT, so a write's row lock on it is held for no longer than the commit, and every writer takes
it last (no deadlock between two writers). Statements written as text SQL are not seen: none of them writes these
tables.
"""
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lms.extensions import db
from lms.versions import VersionRow, new_version, token_of

#: What a status depends on (see lms.completion.load and lms.reports.queries.members).
TRAINING_TABLES = frozenset({"people", "role_grants", "teams", "areas", "courses", "course_modules", "quiz_versions",
                             "module_reads", "quiz_attempts", "course_cycles", "sessions", "bookings", "attendances"})
#: An execution option that turns the tracking off on a connection: migrations run before the table may exist.
UNTRACKED = "lms_training_version_untracked"
_CHANGED = "lms_training_data_changed"


class TrainingVersion(VersionRow, db.Model):
    """A token that is new whenever training data changes (lms.versions)."""

    __tablename__ = "training_versions"


def current_token() -> str | None:
    """The training data's version token as this transaction sees it; None before any training data was written."""
    return token_of(TrainingVersion)


def has_unsaved_changes() -> bool:
    """Whether this request's transaction has written training data (or holds ORM changes not yet flushed): what
    it reads then is not what everyone else sees, and must not be kept."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return True
    return session.in_transaction() and bool(session.connection().info.get(_CHANGED))


def _written_table(statement) -> str | None:
    if isinstance(statement, (sa.Insert, sa.Update, sa.Delete)):
        return getattr(statement.table, "name", None)
    return None


@sa.event.listens_for(Engine, "before_execute")
def _note_training_write(conn: Connection, statement, multiparams, params, execution_options) -> None:
    if _written_table(statement) in TRAINING_TABLES and not execution_options.get(UNTRACKED):
        conn.info[_CHANGED] = True


@sa.event.listens_for(Engine, "commit")
def _new_version_on_commit(conn: Connection) -> None:
    """Give the training data a new version just before a transaction that wrote any of it commits."""
    if conn.info.pop(_CHANGED, False):
        new_version(conn, TrainingVersion.__table__)


@sa.event.listens_for(Engine, "begin")
@sa.event.listens_for(Engine, "rollback")
def _forget_unsaved(conn: Connection) -> None:
    # conn.info belongs to the pooled driver connection and outlives the transaction (a pool's reset on return
    # rolls back without this event, hence "begin" too)
    conn.info.pop(_CHANGED, None)
