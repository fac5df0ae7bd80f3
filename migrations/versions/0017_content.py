"""Quiz blueprints: each question knows the module it tests, and a quiz version how many questions every attempt
draws from each module; the facilitator pack for the trainers' area

Revision ID: 0017_content
Revises: 0016_supervisors
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0017_content'
down_revision = '0016_supervisors'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('at_least_per_module', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('module_slug', sa.String(length=100), nullable=False, server_default=''))
    # Banks sorted by module are published as new quiz versions at the next `flask content sync`.
    op.create_table('facilitator_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=400), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('toc', sa.JSON(), nullable=False),
    sa.Column('source_path', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilitator_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_facilitator_pages_slug'))
    )
    with op.batch_alter_table('facilitator_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitator_pages_is_retired'), ['is_retired'], unique=False)


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('facilitator_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitator_pages_is_retired'))
    op.drop_table('facilitator_pages')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_column('module_slug')
    with op.batch_alter_table('quiz_versions', schema=None) as batch_op:
        batch_op.drop_column('at_least_per_module')
