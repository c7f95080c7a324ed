"""map cell totals (the unfiltered map's aggregate) and level 16 cells

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Kept in step with backend/maps/cells.py (migrations do not import app code).
LEVELS = (8, 10, 12, 14, 16)
OLD_LEVELS = (8, 10, 12, 14)
OPEN = "('dispatched','accepted','rectified','rework','disputed')"
UNIT = "('dispatched','accepted','rework')"
DETAIL = "e.street_id, t.responsible_org_id, t.area, t.severity, t.state"
TOTAL = "e.street_id, t.severity"


def upgrade():
    op.create_table('map_cell_totals',
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sx', sa.BigInteger(), nullable=False),
    sa.Column('sy', sa.BigInteger(), nullable=False),
    sa.Column('n_late', sa.Integer(), nullable=False),
    sa.Column('sx_late', sa.BigInteger(), nullable=False),
    sa.Column('sy_late', sa.BigInteger(), nullable=False),
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('cx', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cy', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('street_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('level', 'cx', 'cy', 'street_id', 'severity', name=op.f('pk_map_cell_totals'))
    )
    op.execute("DELETE FROM map_cells")
    _fill("map_cells", "street_id, org_id, area, severity, state", DETAIL, LEVELS)
    _fill("map_cell_totals", "street_id, severity", TOTAL, LEVELS)


def _fill(table, columns, dimensions, levels):
    """Aggregate the open tickets as of the stored watermark (the app keeps it in step after)."""
    pg = op.get_bind().dialect.name == "postgresql"
    floor = "floor({})::integer" if pg else "CAST({} AS INTEGER)"
    for level in levels:
        cell = 360.0 / (2**level) * 60 / 256
        cx = floor.format(f"(ST_X(t.position) + 180.0) / {cell!r}")
        cy = floor.format(f"(ST_Y(t.position) + 90.0) / {cell!r}")
        late = f"CASE WHEN t.state IN {UNIT} AND t.due_at < (SELECT late_as_of FROM map_cell_clock) THEN 1 ELSE 0 END"
        sx = "CAST(round(ST_X(t.position) * 10000000.0) AS BIGINT)"
        sy = "CAST(round(ST_Y(t.position) * 10000000.0) AS BIGINT)"
        op.execute(
            f"INSERT INTO {table} (level, cx, cy, {columns}, n, sx, sy, n_late, sx_late, sy_late) "
            f"SELECT {level}, {cx}, {cy}, {dimensions}, count(*), sum({sx}), sum({sy}), "
            f"sum({late}), sum({sx} * {late}), sum({sy} * {late}) "
            f"FROM tickets t JOIN estates e ON e.id = t.estate_id "
            f"WHERE t.position IS NOT NULL AND t.state IN {OPEN} "
            f"GROUP BY 2, 3, {dimensions}"
        )


def downgrade():
    op.drop_table('map_cell_totals')
    op.execute("DELETE FROM map_cells")
    _fill("map_cells", "street_id, org_id, area, severity, state", DETAIL, OLD_LEVELS)
