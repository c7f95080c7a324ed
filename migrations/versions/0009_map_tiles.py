"""map version and the shared tile cache

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('map_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map_version'))
    )
    op.execute("INSERT INTO map_version (id, version) VALUES (1, 1)")
    op.create_table('map_tiles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('due_mark', sa.String(length=40), nullable=False),
    sa.Column('etag', sa.String(length=40), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_map_tiles'))
    )


def downgrade():
    op.drop_table('map_tiles')
    op.drop_table('map_version')
