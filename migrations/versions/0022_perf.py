"""The training data's version, so statuses worked out for a report can be kept until training data changes

Revision ID: 0022_perf
Revises: 0021_quality
Create Date: 2026-11-30

"""
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0022_perf'
down_revision = '0021_quality'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'training_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_training_versions')),
    )
    # The row every write updates from now on (none has to insert it, so two first writers cannot collide).
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16),
                            "changed_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade():
    guard_destructive_downgrade(revision)
    op.drop_table('training_versions')
