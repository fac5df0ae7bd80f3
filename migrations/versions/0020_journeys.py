"""Long quizzes a screen at a time: each question's answer is kept on the attempt while the officer moves between
screens, until the attempt is submitted

Revision ID: 0020_journeys
Revises: 0019_guidance
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0020_journeys'
down_revision = "0019_guidance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('saved_places', sa.JSON(), nullable=True))


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('quiz_attempt_questions', schema=None) as batch_op:
        batch_op.drop_column('saved_places')
