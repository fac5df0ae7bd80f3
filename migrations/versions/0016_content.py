"""Quiz blueprints: each question knows the module it tests, and a quiz version how many questions every attempt
draws from each module

Revision ID: 0016_content
Revises: 0015_findit
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0016_content'
down_revision = '0015_findit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('at_least_per_module', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('module_slug', sa.String(length=100), nullable=False, server_default=''))
    # Banks sorted by module are published as new quiz versions at the next `flask content sync`.


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_column('module_slug')
    with op.batch_alter_table('quiz_versions', schema=None) as batch_op:
        batch_op.drop_column('at_least_per_module')
