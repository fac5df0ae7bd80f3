"""Refuse a migration downgrade that would destroy data unless the operator forces it, after taking a backup."""
import os

from alembic.util import CommandError

#: set to "yes" to let `flask db downgrade` drop tables and columns (docs/OPERATIONS.md: back up first)
FORCE_VARIABLE = "LMS_ALLOW_DESTRUCTIVE_DOWNGRADE"


def guard_destructive_downgrade(revision: str) -> None:
    """Called first in every downgrade that drops data, so a refused downgrade has changed nothing.

    Flask-Migrate prints a CommandError as "Error: …" and exits 1, on PostgreSQL and SQLite alike.
    """
    if os.environ.get(FORCE_VARIABLE, "").strip().lower() == "yes":
        return
    raise CommandError(
        f"Refusing to downgrade {revision}: it deletes tables or columns and the data in them. Back up the database "
        f"first (docs/OPERATIONS.md), then run the downgrade again with {FORCE_VARIABLE}=yes.")
