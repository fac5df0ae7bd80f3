"""The health check's heartbeat row

Revision ID: 0008_failsoft
Revises: 0007_sessionsui
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

revision = '0008_failsoft'
down_revision = '0007_sessionsui'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'heartbeats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('beat_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_heartbeats')),
    )


def downgrade():
    op.drop_table('heartbeats')
