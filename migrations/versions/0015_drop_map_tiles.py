"""drop the vector tile cache: the supervisor map reads GeoJSON (measured faster in the browser)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 03:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('map_tiles')


def downgrade():
    op.create_table('map_tiles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('due_mark', sa.String(length=40), nullable=False),
    sa.Column('etag', sa.String(length=40), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_map_tiles'))
    )
