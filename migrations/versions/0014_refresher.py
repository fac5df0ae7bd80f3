"""Course cycles (refreshers and resets); quiz attempts closed as abandoned

Revision ID: 0014_refresher
Revises: 0013_perf
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0014_refresher'
down_revision = '0013_perf'
branch_labels = None
depends_on = None

OPEN_BEFORE = "submitted_at IS NULL"
OPEN_AFTER = "submitted_at IS NULL AND abandoned_at IS NULL"


def upgrade():
    op.create_table('course_cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('previous_completed_on', sa.Date(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_cycles_course_id_courses')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_course_cycles_person_id_people'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['people.id'], name=op.f('fk_course_cycles_started_by_id_people'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_cycles'))
    )
    with op.batch_alter_table('course_cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_cycles_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_cycles_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_course_cycles_current', ['person_id', 'course_id'], unique=True,
                              sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('abandoned_at', sa.DateTime(), nullable=True))
        batch_op.drop_index('uq_quiz_attempts_in_progress', sqlite_where=sa.text(OPEN_BEFORE),
                            postgresql_where=sa.text(OPEN_BEFORE))
        batch_op.create_index('uq_quiz_attempts_in_progress', ['person_id', 'course_id'], unique=True,
                              sqlite_where=sa.text(OPEN_AFTER), postgresql_where=sa.text(OPEN_AFTER))


def downgrade():
    guard_destructive_downgrade(revision)
    # Under the old index an abandoned attempt would be in progress again; it holds no score, so it goes.
    op.execute("DELETE FROM quiz_attempt_questions WHERE attempt_id IN "
               "(SELECT id FROM quiz_attempts WHERE abandoned_at IS NOT NULL)")
    op.execute("DELETE FROM quiz_attempts WHERE abandoned_at IS NOT NULL")
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempts_in_progress', sqlite_where=sa.text(OPEN_AFTER),
                            postgresql_where=sa.text(OPEN_AFTER))
        batch_op.create_index('uq_quiz_attempts_in_progress', ['person_id', 'course_id'], unique=True,
                              sqlite_where=sa.text(OPEN_BEFORE), postgresql_where=sa.text(OPEN_BEFORE))
        batch_op.drop_column('abandoned_at')

    with op.batch_alter_table('course_cycles', schema=None) as batch_op:
        batch_op.drop_index('uq_course_cycles_current', sqlite_where=sa.text('is_current'),
                            postgresql_where=sa.text('is_current'))
        batch_op.drop_index(batch_op.f('ix_course_cycles_person_id'))
        batch_op.drop_index(batch_op.f('ix_course_cycles_course_id'))

    op.drop_table('course_cycles')
