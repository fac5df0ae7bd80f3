"""Forms that make something remember their token, so a form sent twice makes one thing

Revision ID: 0023_once
Revises: 0022_perf
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0023_once'
down_revision = '0022_perf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submissions',
        sa.Column('token', sa.String(length=43), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('done_url', sa.String(length=500), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_form_submissions_person_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submissions')),
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submissions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submissions_made_at'), ['made_at'], unique=False)


def downgrade():
    guard_destructive_downgrade(revision)
    op.drop_table('form_submissions')
