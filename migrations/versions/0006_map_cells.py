"""map cells: open-ticket aggregates per grid cell, the overdue watermark, filter indexes; scorecard cache

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Kept in step with backend/maps/cells.py (migrations do not import app code).
LEVELS = (8, 10, 12, 14)
OPEN = "('dispatched','accepted','rectified','rework','disputed')"
UNIT = "('dispatched','accepted','rework')"


def upgrade():
    op.create_table('map_cell_clock',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('late_as_of', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map_cell_clock'))
    )
    op.create_table('map_cells',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('cx', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cy', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('street_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('org_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sx', sa.BigInteger(), nullable=False),
    sa.Column('sy', sa.BigInteger(), nullable=False),
    sa.Column('n_late', sa.Integer(), nullable=False),
    sa.Column('sx_late', sa.BigInteger(), nullable=False),
    sa.Column('sy_late', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'cx', 'cy', 'street_id', 'org_id', 'area', 'severity', 'state', name=op.f('pk_map_cells'))
    )
    with op.batch_alter_table('map_cells', schema=None) as batch_op:
        batch_op.create_index('ix_map_cells_level_cx_cy', ['level', 'cx', 'cy'], unique=False)
    op.create_table('scorecard_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scope_key', sa.String(length=200), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_cache')),
    sa.UniqueConstraint('kind', 'period_start', 'period_end', 'scope_key', name=op.f('uq_scorecard_cache_kind'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        # Supervisors' scope (estate) with state and deadline; severity/area filters in scope.
        batch_op.create_index('ix_tickets_estate_state_due', ['estate_id', 'state', 'due_at'], unique=False)
        batch_op.create_index('ix_tickets_severity_area_state', ['severity', 'area', 'state'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Open tickets are ~10% of all: a bbox of open tickets should not walk the closed ones.
        # PostGIS only (SpatiaLite's R*Tree indexes cannot be partial); named idx_ like the
        # other spatial indexes, which model comparison leaves to the database.
        op.execute(
            f"CREATE INDEX idx_tickets_open_position ON tickets USING gist (position) "
            f"WHERE state IN {OPEN}"
        )
    _fill()


def _fill():
    """Aggregate the tickets that exist already (the app keeps the table in step afterwards)."""
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    now = sa.func.now() if pg else sa.text("strftime('%Y-%m-%d %H:%M:%f', 'now')")
    floor = "floor({})::integer" if pg else "CAST({} AS INTEGER)"
    op.execute(sa.insert(sa.table('map_cell_clock', sa.column('id'), sa.column('late_as_of')))
               .values(id=1, late_as_of=now))
    for level in LEVELS:
        cell = 360.0 / (2**level) * 60 / 256
        cx = floor.format(f"(ST_X(t.position) + 180.0) / {cell!r}")
        cy = floor.format(f"(ST_Y(t.position) + 90.0) / {cell!r}")
        late = f"CASE WHEN t.state IN {UNIT} AND t.due_at < (SELECT late_as_of FROM map_cell_clock) THEN 1 ELSE 0 END"
        sx = "CAST(round(ST_X(t.position) * 10000000.0) AS BIGINT)"
        sy = "CAST(round(ST_Y(t.position) * 10000000.0) AS BIGINT)"
        op.execute(
            f"INSERT INTO map_cells (level, cx, cy, street_id, org_id, area, severity, state, "
            f"n, sx, sy, n_late, sx_late, sy_late) "
            f"SELECT {level}, {cx}, {cy}, e.street_id, t.responsible_org_id, t.area, t.severity, "
            f"t.state, count(*), sum({sx}), sum({sy}), sum({late}), sum({sx} * {late}), "
            f"sum({sy} * {late}) FROM tickets t JOIN estates e ON e.id = t.estate_id "
            f"WHERE t.position IS NOT NULL AND t.state IN {OPEN} "
            f"GROUP BY 2, 3, e.street_id, t.responsible_org_id, t.area, t.severity, t.state"
        )


def downgrade():
    op.execute("DROP INDEX IF EXISTS idx_tickets_open_position")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_severity_area_state')
        batch_op.drop_index('ix_tickets_estate_state_due')
    with op.batch_alter_table('map_cells', schema=None) as batch_op:
        batch_op.drop_index('ix_map_cells_level_cx_cy')
    op.drop_table('scorecard_cache')
    op.drop_table('map_cells')
    op.drop_table('map_cell_clock')
