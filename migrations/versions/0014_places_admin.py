"""places that can be deactivated: districts, streets, communities, grids

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 02:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ('districts', 'streets', 'communities', 'grids')


def upgrade():
    # A place no longer in use stays for history (estates, tickets, reports name it) but takes
    # nothing new. A plain ADD COLUMN with a default works on SpatiaLite and PostGIS alike.
    for table in TABLES:
        op.add_column(
            table, sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy would fail on the foreign keys to these.
    for table in reversed(TABLES):
        op.drop_column(table, 'is_active')
