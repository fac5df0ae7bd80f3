"""A booking whose session is over can be superseded, so the person can book the course again

Revision ID: 0007_sessionsui
Revises: 0006_reports
Create Date: 2026-11-25

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0007_sessionsui'
down_revision = '0006_reports'
branch_labels = None
depends_on = None

OLD_WHERE = sa.text("status IN ('booked','waiting')")
NEW_WHERE = sa.text("status IN ('booked','waiting') AND superseded_at IS NULL")


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True))
        batch_op.drop_index('uq_bookings_live_person_course', sqlite_where=OLD_WHERE, postgresql_where=OLD_WHERE)
        batch_op.create_index('uq_bookings_live_person_course', ['person_id', 'course_id'], unique=True,
                              sqlite_where=NEW_WHERE, postgresql_where=NEW_WHERE)


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_live_person_course', sqlite_where=NEW_WHERE, postgresql_where=NEW_WHERE)
        batch_op.create_index('uq_bookings_live_person_course', ['person_id', 'course_id'], unique=True,
                              sqlite_where=OLD_WHERE, postgresql_where=OLD_WHERE)
        batch_op.drop_column('superseded_at')
