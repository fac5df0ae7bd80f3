"""Single sign-on subject on people; exact login counters instead of one row per failed login

Revision ID: 0011_signin
Revises: 0010_roster
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0011_signin'
down_revision = '0010_roster'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_people_oidc_subject'), ['oidc_subject'])

    op.create_table('login_counters',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_login_counters'))
    )
    # Failed logins were only ever kept for throttling, which the counters now do: nothing of value is dropped.
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
        batch_op.drop_index(batch_op.f('ix_login_failures_address'))
    op.drop_table('login_failures')


def downgrade():
    guard_destructive_downgrade(revision)
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)
    op.drop_table('login_counters')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_people_oidc_subject'), type_='unique')
        batch_op.drop_column('oidc_subject')
