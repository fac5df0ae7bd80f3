"""Roster imports remembered (so their deactivations can be undone) and roster uploads awaiting confirmation

Revision ID: 0010_roster
Revises: 0009_accounts
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0010_roster'
down_revision = '0009_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roster_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('deactivated', sa.Integer(), nullable=False),
        sa.Column('reactivated', sa.Integer(), nullable=False),
        sa.Column('teams_created', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['people.id'], name=op.f('fk_roster_imports_actor_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_imports')),
    )
    with op.batch_alter_table('roster_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_imports_at'), ['at'], unique=False)

    op.create_table(
        'roster_deactivations',
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['roster_imports.id'], ondelete='CASCADE',
                                name=op.f('fk_roster_deactivations_import_id_roster_imports')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE',
                                name=op.f('fk_roster_deactivations_person_id_people')),
        sa.PrimaryKeyConstraint('import_id', 'person_id', name=op.f('pk_roster_deactivations')),
    )
    with op.batch_alter_table('roster_deactivations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_deactivations_person_id'), ['person_id'], unique=False)

    op.create_table(
        'roster_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE',
                                name=op.f('fk_roster_uploads_person_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_uploads')),
        sa.UniqueConstraint('person_id', 'sha256', name=op.f('uq_roster_uploads_person_id_sha256')),
    )
    with op.batch_alter_table('roster_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_uploads_uploaded_at'), ['uploaded_at'], unique=False)


def downgrade():
    guard_destructive_downgrade(revision)
    op.drop_table('roster_uploads')
    op.drop_table('roster_deactivations')
    op.drop_table('roster_imports')
