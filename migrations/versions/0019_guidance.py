"""Guidance you can stand behind: permanent versions, change notes, acknowledgements, feedback and reviews

Revision ID: 0019_guidance
Revises: 0018_records
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0019_guidance'
down_revision = "0018_records"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guidance_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=400), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('toc', sa.JSON(), nullable=False),
    sa.Column('is_major', sa.Boolean(), nullable=False),
    sa.Column('change_note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_guidance_versions_number_positive')),
    sa.ForeignKeyConstraint(['page_id'], ['guidance_pages.id'], name=op.f('fk_guidance_versions_page_id_guidance_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_versions')),
    sa.UniqueConstraint('page_id', 'number', name=op.f('uq_guidance_versions_page_id_number'))
    )
    with op.batch_alter_table('guidance_versions', schema=None) as batch_op:
        batch_op.create_index('ix_guidance_versions_page_id_starts_at', ['page_id', 'starts_at'], unique=False)

    with op.batch_alter_table('guidance_pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_major_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_major_note', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_major_version', sa.Integer(), nullable=True))

    op.create_table('guidance_audiences',
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['guidance_pages.id'], name=op.f('fk_guidance_audiences_page_id_guidance_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('page_id', 'name', name=op.f('pk_guidance_audiences'))
    )
    op.create_table('guidance_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['guidance_pages.id'], name=op.f('fk_guidance_acknowledgements_page_id_guidance_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_guidance_acknowledgements_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_acknowledgements')),
    sa.UniqueConstraint('page_id', 'person_id', 'version', name=op.f('uq_guidance_acknowledgements_page_id_person_id_version'))
    )
    with op.batch_alter_table('guidance_acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_acknowledgements_person_id'), ['person_id'], unique=False)

    op.create_table('guidance_owner_members',
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_guidance_owner_members_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner', 'person_id', name=op.f('pk_guidance_owner_members'))
    )
    with op.batch_alter_table('guidance_owner_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_owner_members_person_id'), ['person_id'], unique=False)

    op.create_table('guidance_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_useful', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reply_note', sa.Text(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'done')", name=op.f('ck_guidance_feedback_status_known')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['people.id'], name=op.f('fk_guidance_feedback_handled_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['guidance_pages.id'], name=op.f('fk_guidance_feedback_page_id_guidance_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_guidance_feedback_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_feedback'))
    )
    with op.batch_alter_table('guidance_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_feedback_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_feedback_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_feedback_person_id'), ['person_id'], unique=False)

    op.create_table('guidance_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['guidance_pages.id'], name=op.f('fk_guidance_reviews_page_id_guidance_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_guidance_reviews_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_reviews'))
    )
    with op.batch_alter_table('guidance_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_reviews_page_id'), ['page_id'], unique=False)

    with op.batch_alter_table('guidance_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=True))

    # Each page's text as it stands becomes its version 1, in force from its last import: what officers read
    # before that was never kept, and the site says so rather than guess.
    op.execute("INSERT INTO guidance_versions (page_id, number, starts_at, title, summary, source, html, toc, "
               "is_major, change_note) SELECT id, 1, updated_at, title, summary, source, html, toc, false, '' "
               "FROM guidance_pages")
    op.execute("UPDATE guidance_pages SET version = 1")


def downgrade():
    guard_destructive_downgrade(revision)
    with op.batch_alter_table('guidance_revisions', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('guidance_pages', schema=None) as batch_op:
        batch_op.drop_column('last_major_version')
        batch_op.drop_column('last_major_note')
        batch_op.drop_column('last_major_at')
        batch_op.drop_column('version')
    with op.batch_alter_table('guidance_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_reviews_page_id'))
    op.drop_table('guidance_reviews')
    with op.batch_alter_table('guidance_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_feedback_person_id'))
        batch_op.drop_index(batch_op.f('ix_guidance_feedback_page_id'))
        batch_op.drop_index(batch_op.f('ix_guidance_feedback_created_at'))
    op.drop_table('guidance_feedback')
    with op.batch_alter_table('guidance_owner_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_owner_members_person_id'))
    op.drop_table('guidance_owner_members')
    with op.batch_alter_table('guidance_acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_acknowledgements_person_id'))
    op.drop_table('guidance_acknowledgements')
    op.drop_table('guidance_audiences')
    with op.batch_alter_table('guidance_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_guidance_versions_page_id_starts_at')
    op.drop_table('guidance_versions')
