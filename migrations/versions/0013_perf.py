"""The published content's version, so what content renders to can be kept until it changes

Revision ID: 0013_perf
Revises: 0012_failsoft
Create Date: 2026-11-30

"""
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0013_perf'
down_revision = '0012_failsoft'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions')),
    )
    # A version for the content already there, so it is kept rendered from the start, not after the next change.
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16),
                            "changed_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade():
    guard_destructive_downgrade(revision)
    op.drop_table('content_versions')
