"""The programme beyond training: rubrics and their versions, investigation plans with attempts and reviews, teams'
monthly outcome counts, quality audit visits with their cases and actions, and the investigative-quality sergeant
role

Revision ID: 0021_quality
Revises: 0020_journeys
Create Date: 2026-11-30 04:15:33.782032

"""
import sqlalchemy as sa
from alembic import op

from lms.migration_guard import guard_destructive_downgrade

revision = '0021_quality'
down_revision = "0020_journeys"
branch_labels = None
depends_on = None


OLD_ROLES = "role IN ('officer','trainer','supervisor','admin')"
NEW_ROLES = "role IN ('officer','trainer','supervisor','admin','iq_sergeant')"


def upgrade():
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', sa.text(NEW_ROLES))
    op.create_table('rubrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('use', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_path', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubrics')),
    sa.UniqueConstraint('slug', name=op.f('uq_rubrics_slug'))
    )
    with op.batch_alter_table('rubrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubrics_use'), ['use'], unique=False)

    op.create_table('rubric_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('criteria_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubrics.id'], name=op.f('fk_rubric_versions_rubric_id_rubrics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_versions')),
    sa.UniqueConstraint('rubric_id', 'number', name=op.f('uq_rubric_versions_rubric_id_number'))
    )
    op.create_table('outcome_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('replaced', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['people.id'], name=op.f('fk_outcome_imports_imported_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_imports'))
    )
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('scenario', sa.String(length=200), nullable=False),
    sa.Column('crime_reference', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('waiting_since', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind = 'practice' OR crime_reference IS NOT NULL", name=op.f('ck_plans_live_has_reference')),
    sa.CheckConstraint("kind IN ('practice','live')", name=op.f('ck_plans_kind')),
    sa.CheckConstraint("status IN ('draft','waiting','reviewed')", name=op.f('ck_plans_status')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_plans_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_plans_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_plans_status_waiting_since', ['status', 'waiting_since'], unique=False)
        batch_op.create_index(batch_op.f('ix_plans_team_id'), ['team_id'], unique=False)

    op.create_table('outcome_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('finalised', sa.Integer(), nullable=False),
    sa.Column('charge_summons', sa.Integer(), nullable=False),
    sa.Column('outcome_16', sa.Integer(), nullable=False),
    sa.Column('outcome_14_15', sa.Integer(), nullable=False),
    sa.Column('other', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('charge_summons >= 0 AND outcome_16 >= 0 AND outcome_14_15 >= 0 AND other >= 0', name=op.f('ck_outcome_months_counts_not_negative')),
    sa.CheckConstraint('finalised = charge_summons + outcome_16 + outcome_14_15 + other', name=op.f('ck_outcome_months_counts_add_up')),
    sa.ForeignKeyConstraint(['import_id'], ['outcome_imports.id'], name=op.f('fk_outcome_months_import_id_outcome_imports')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_outcome_months_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_months')),
    sa.UniqueConstraint('team_id', 'month', name=op.f('uq_outcome_months_team_id_month'))
    )
    with op.batch_alter_table('outcome_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_months_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_months_month'), ['month'], unique=False)

    op.create_table('plan_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_attempts_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_attempts')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_plan_attempts_plan_id_number'))
    )
    op.create_table('plan_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('rubric_version_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total BETWEEN 0 AND max_score', name=op.f('ck_plan_reviews_total_in_range')),
    sa.ForeignKeyConstraint(['attempt_id'], ['plan_attempts.id'], name=op.f('fk_plan_reviews_attempt_id_plan_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['people.id'], name=op.f('fk_plan_reviews_reviewer_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rubric_version_id'], ['rubric_versions.id'], name=op.f('fk_plan_reviews_rubric_version_id_rubric_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_reviews')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_plan_reviews_attempt_id'))
    )
    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_reviews_reviewed_at'), ['reviewed_at'], unique=False)

    op.create_table('audit_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('auditors', sa.String(length=300), nullable=False),
    sa.Column('rubric_version_id', sa.Integer(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_audit_visits_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rubric_version_id'], ['rubric_versions.id'], name=op.f('fk_audit_visits_rubric_version_id_rubric_versions')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_audit_visits_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_visits'))
    )
    with op.batch_alter_table('audit_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_visits_team_id'), ['team_id'], unique=False)

    op.create_table('audit_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status = 'open' OR closing_note <> ''", name=op.f('ck_audit_actions_closed_with_note')),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_audit_actions_status')),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_audit_actions_owner_id_people')),
    sa.ForeignKeyConstraint(['visit_id'], ['audit_visits.id'], name=op.f('fk_audit_actions_visit_id_audit_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_actions'))
    )
    with op.batch_alter_table('audit_actions', schema=None) as batch_op:
        batch_op.create_index('ix_audit_actions_owner_id_status_due_on', ['owner_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_actions_visit_id'), ['visit_id'], unique=False)

    op.create_table('audit_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('crime_reference', sa.String(length=30), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.CheckConstraint('total BETWEEN 0 AND max_score', name=op.f('ck_audit_cases_total_in_range')),
    sa.ForeignKeyConstraint(['visit_id'], ['audit_visits.id'], name=op.f('fk_audit_cases_visit_id_audit_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_cases')),
    sa.UniqueConstraint('visit_id', 'crime_reference', name=op.f('uq_audit_cases_visit_id_crime_reference'))
    )


def downgrade():
    guard_destructive_downgrade(revision)
    op.drop_table('audit_cases')
    with op.batch_alter_table('audit_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_actions_visit_id'))
        batch_op.drop_index('ix_audit_actions_owner_id_status_due_on')

    op.drop_table('audit_actions')
    with op.batch_alter_table('audit_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_visits_team_id'))

    op.drop_table('audit_visits')

    with op.batch_alter_table('plan_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_reviews_reviewed_at'))

    op.drop_table('plan_reviews')
    op.drop_table('plan_attempts')
    with op.batch_alter_table('outcome_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_months_month'))
        batch_op.drop_index(batch_op.f('ix_outcome_months_import_id'))

    op.drop_table('outcome_months')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_team_id'))
        batch_op.drop_index('ix_plans_status_waiting_since')
        batch_op.drop_index(batch_op.f('ix_plans_person_id'))

    op.drop_table('plans')
    op.drop_table('outcome_imports')
    op.drop_table('rubric_versions')
    with op.batch_alter_table('rubrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubrics_use'))

    op.drop_table('rubrics')
    op.execute("DELETE FROM role_grants WHERE role = 'iq_sergeant'")
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', sa.text(OLD_ROLES))
