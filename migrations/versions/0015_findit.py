"""Search that forgives: the index's vocabulary for spelling suggestions, and the glossary of police terms

Revision ID: 0015_findit
Revises: 0014_refresher
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0015_findit'
down_revision = '0014_refresher'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_words',
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('length', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_words_length'), ['length'], unique=False)

    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('term', sa.String(length=60), nullable=False),
    sa.Column('expansion', sa.String(length=200), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.Column('definition_html', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
    sa.UniqueConstraint('slug', name=op.f('uq_glossary_terms_slug'))
    )
    # Pages are rendered again with glossary links and indexed with line breaks at the next sync
    # (`flask content sync`), which also fills the vocabulary.


def downgrade():
    guard_destructive_downgrade(revision)
    op.drop_table('glossary_terms')
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_words_length'))
    op.drop_table('search_words')
