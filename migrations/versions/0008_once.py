"""Every outbox message has a Message-ID fixed when it is queued, so a resend is recognisably the same email

Revision ID: 0008_once
Revises: 0007_sessionsui
Create Date: 2026-11-30

"""
import secrets

import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0008_once'
down_revision = '0007_sessionsui'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=200), nullable=True))
    outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('message_id', sa.String))
    connection = op.get_bind()
    ids = connection.execute(sa.select(outbox.c.id)).scalars().all()
    if ids:
        connection.execute(
            sa.update(outbox).where(outbox.c.id == sa.bindparam('row_id')).values(message_id=sa.bindparam('new_id')),
            [{'row_id': row_id, 'new_id': f"<outbox-{row_id}-{secrets.token_hex(12)}@masterclass.invalid>"}
             for row_id in ids])
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=200), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_message_id'), ['message_id'])


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_message_id'), type_='unique')
        batch_op.drop_column('message_id')
