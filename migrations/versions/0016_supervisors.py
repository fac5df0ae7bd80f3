"""A supervisor's weekly digest email, on unless they turn it off

Revision ID: 0016_supervisors
Revises: 0015_findit
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0016_supervisors'
down_revision = '0015_findit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_weekly_digest_on', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('is_weekly_digest_on')
