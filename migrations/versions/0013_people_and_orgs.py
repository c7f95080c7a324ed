"""users who must change their password, organisations that can be deactivated

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # An administrator's reset forces the user to pick their own password at next sign-in.
    op.add_column(
        'users',
        sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # A ceased party stays for history but takes no new work.
    op.add_column(
        'organisations',
        sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of `organisations` would fail on the
    # foreign keys that point at it.
    op.drop_column('organisations', 'is_active')
    op.drop_column('users', 'must_change_password')
