"""Sessions per device, emailed single-use links to set a password, and the admins' second factor

The person-wide session nonce goes: a cookie now names a device session, which can end on its own.

Revision ID: 0009_accounts
Revises: 0008_once
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0009_accounts'
down_revision = '0008_once'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('browser', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_device_sessions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_device_sessions_token_hash'))
    )
    with op.batch_alter_table('device_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_sessions_person_id'), ['person_id'], unique=False)

    op.create_table('password_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("purpose IN ('invite','reset')", name=op.f('ck_password_tokens_purpose')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_password_tokens_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_tokens_token_hash'))
    )
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_tokens_person_id'), ['person_id'], unique=False)

    op.create_table('reset_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('is_handled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reset_requests'))
    )
    with op.batch_alter_table('reset_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reset_requests_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_reset_requests_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reset_requests_email'), ['email'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_recovery_codes_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.drop_column('session_nonce')



def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('people', schema=None) as batch_op:
        # Every cookie issued before the upgrade is void anyway: one random nonce each keeps the old rule working.
        random_hex = ("lower(hex(randomblob(16)))" if op.get_bind().dialect.name == "sqlite"
                      else "md5(random()::text || id::text)")
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=True))
    op.execute(f"UPDATE people SET session_nonce = substr({random_hex}, 1, 32)")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_person_id'))

    op.drop_table('recovery_codes')
    op.drop_table('reset_requests')
    with op.batch_alter_table('password_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_tokens_person_id'))

    op.drop_table('password_tokens')
    with op.batch_alter_table('device_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_sessions_person_id'))

    op.drop_table('device_sessions')
