"""回访: residents' short links and their answers on closed tickets; the firm scorecard cache is
emptied (its rows lack 满意率 until the next refresh)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revisit_links',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_revisit_links_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_revisit_links')),
    sa.UniqueConstraint('token', name=op.f('uq_revisit_links_token'))
    )
    op.create_table('revisit_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('closure_event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('channel', sa.Enum('link', 'open311', name='revisit_channel', native_enum=False, length=16), nullable=False),
    sa.Column('channel_name', sa.String(length=64), nullable=True),
    sa.Column('reopened', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_revisit_answers_rating_range')),
    sa.ForeignKeyConstraint(['closure_event_id'], ['ticket_events.id'], name=op.f('fk_revisit_answers_closure_event_id_ticket_events')),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_revisit_answers_estate_id_estates')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_revisit_answers_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_revisit_answers_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisit_answers')),
    sa.UniqueConstraint('closure_event_id', name=op.f('uq_revisit_answers_closure_event_id'))
    )
    with op.batch_alter_table('revisit_answers', schema=None) as batch_op:
        batch_op.create_index('ix_revisit_answers_org_answered', ['organisation_id', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_answers_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_answers_ticket_id'), ['ticket_id'], unique=False)
    # Stored firm scorecards were computed without 满意率: drop them (the next refresh, or a
    # live computation meanwhile, gives the full rows).
    op.execute("DELETE FROM scorecard_cache")


def downgrade():
    with op.batch_alter_table('revisit_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_answers_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_answers_estate_id'))
        batch_op.drop_index('ix_revisit_answers_org_answered')
    op.drop_table('revisit_answers')
    op.drop_table('revisit_links')
    op.execute("DELETE FROM scorecard_cache")
