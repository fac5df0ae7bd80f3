"""The health check's heartbeat row; calendar feed tokens kept only as a hash

Revision ID: 0012_failsoft
Revises: 0011_signin
Create Date: 2026-11-30

"""
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0012_failsoft'
down_revision = '0011_signin'
branch_labels = None
depends_on = None

feeds = sa.table('calendar_feeds', sa.column('id', sa.Integer), sa.column('person_id', sa.Integer),
                 sa.column('token', sa.String), sa.column('token_hash', sa.String),
                 sa.column('revoked_at', sa.DateTime))
people = sa.table('people', sa.column('id', sa.Integer), sa.column('is_active_account', sa.Boolean))


def upgrade():
    op.create_table(
        'heartbeats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('beat_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_heartbeats')),
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    # Existing addresses keep working: their hash is what is looked up from now on.
    for feed_id, token in connection.execute(sa.select(feeds.c.id, feeds.c.token)).all():
        connection.execute(feeds.update().where(feeds.c.id == feed_id)
                           .values(token_hash=hashlib.sha256(token.encode()).hexdigest()))
    # A deactivated person's address was only hidden; revoke it so reactivation does not bring it back.
    inactive = sa.select(people.c.id).where(people.c.is_active_account.is_(False))
    connection.execute(feeds.update().where(feeds.c.person_id.in_(inactive), feeds.c.revoked_at.is_(None))
                       .values(revoked_at=sa.func.current_timestamp()))
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint('uq_calendar_feeds_token', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feeds_token_hash'), ['token_hash'])
        batch_op.drop_column('token')


def downgrade():
    guard_destructive_downgrade(revision)
    # The addresses cannot be recovered from their hashes: every feed comes back revoked, with a random token.
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (feed_id,) in connection.execute(sa.select(feeds.c.id)).all():
        connection.execute(feeds.update().where(feeds.c.id == feed_id)
                           .values(token=secrets.token_urlsafe(32), revoked_at=sa.func.current_timestamp()))
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.alter_column('token', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint('uq_calendar_feeds_token_hash', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_calendar_feeds_token'), ['token'])
        batch_op.drop_column('token_hash')
    op.drop_table('heartbeats')
