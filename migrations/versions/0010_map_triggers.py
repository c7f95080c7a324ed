"""map cells kept by database triggers: every ticket write appends its change, folds sum them in

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Kept in step with backend/maps/cells.py (migrations do not import app code).
LEVELS = (8, 10, 12, 14, 16)
FINEST = 16
FOLD_EVERY = 256
FOLD_LOCK = 1464354627  # pg advisory lock key shared by folds and refresh
OPEN = "('dispatched','accepted','rectified','rework','disputed')"
UNIT = "('dispatched','accepted','rework')"
SUMS = ("n", "sx", "sy", "n_late", "sx_late", "sy_late")
DETAIL = ("street_id", "org_id", "area", "severity", "state")
TOTAL = ("street_id", "severity")
CHANGE_COLUMNS = ("cx", "cy", *DETAIL, *SUMS)
MARKER = "INSERT INTO map_cell_changes ({}) VALUES (-1, -1, 0, 0, '', '', '', 0, 0, 0, 0, 0, 0)"
TRACKED = "state, severity, position, area, responsible_org_id, estate_id, due_at"


def _floor(expr, pg):
    return f"CAST(floor({expr}) AS INTEGER)" if pg else f"CAST({expr} AS INTEGER)"


def _change(row, sign, source, join, street, pg):
    """INSERT of the change a ticket row (`row`) makes to the cells, signed: one row at the finest
    level, late as of the stored watermark (the same arithmetic as map_cells.refresh)."""
    cell = 360.0 / (2**FINEST) * 60 / 256
    x, y = f"ST_X({row}.position)", f"ST_Y({row}.position)"
    sx, sy = (f"CAST(round({c} * 10000000.0) AS BIGINT)" for c in (x, y))
    late = (f"(CASE WHEN {row}.state IN {UNIT} AND {row}.due_at < "
            f"(SELECT late_as_of FROM map_cell_clock WHERE id = 1) THEN {sign} ELSE 0 END)")
    values = (
        _floor(f"({x} + 180.0) / {cell!r}", pg), _floor(f"({y} + 90.0) / {cell!r}", pg),
        street, f"{row}.responsible_org_id", f"{row}.area", f"{row}.severity", f"{row}.state",
        str(sign), f"{sx} * {sign}", f"{sy} * {sign}", late, f"{sx} * {late}", f"{sy} * {late}",
    )
    return (f"INSERT INTO map_cell_changes ({', '.join(CHANGE_COLUMNS)}) SELECT {', '.join(values)} "
            f"FROM {source} WHERE {join} AND {row}.position IS NOT NULL AND {row}.state IN {OPEN}")


def _ticket(row, sign, pg):
    return _change(row, sign, "estates e", f"e.id = {row}.estate_id", "e.street_id", pg)


def _estate(row, sign, pg):
    return _change("t", sign, "tickets t", "t.estate_id = NEW.id", f"{row}.street_id", pg)


def _fold_into(table, key, level, source):
    div = 2 ** (FINEST - level)
    columns = ", ".join(("level", "cx", "cy", *key, *SUMS))
    sums = ", ".join(f"sum({s})" for s in SUMS)
    nonzero = " OR ".join(f"sum({s}) <> 0" for s in SUMS)
    update = ", ".join(f"{s} = {table}.{s} + excluded.{s}" for s in SUMS)
    return (f"INSERT INTO {table} ({columns}) SELECT {level}, cx / {div}, cy / {div}, "
            f"{', '.join(key)}, {sums} FROM {source} WHERE cx >= 0 "
            f"GROUP BY cx / {div}, cy / {div}, {', '.join(key)} HAVING {nonzero} "
            f"ON CONFLICT (level, cx, cy, {', '.join(key)}) DO UPDATE SET {update}")


def _folds(source):
    return [_fold_into(table, key, level, source)
            for table, key in (("map_cell_totals", TOTAL), ("map_cells", DETAIL))
            for level in LEVELS]


BUMP = "UPDATE map_version SET version = version + 1 WHERE id = 1"


def _postgres():
    marker = MARKER.format(", ".join(CHANGE_COLUMNS))
    # One statement: the DELETE's snapshot is the rows summed (READ COMMITTED would give each
    # statement of a function a new one, and a change committed between them would be lost).
    gone = ", ".join(CHANGE_COLUMNS)
    folds = ",\n".join(f"f{i} AS ({sql})" for i, sql in enumerate(_folds("gone")[1:]))
    fold = (f"WITH gone AS (DELETE FROM map_cell_changes RETURNING {gone}),\n{folds}\n"
            f"{_folds('gone')[0]}")
    return [
        f"""CREATE FUNCTION map_cells_fold() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  {fold};
  {BUMP};
END $$""",
        f"""CREATE FUNCTION map_cell_changes_folded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A snapshot older than the last fold (REPEATABLE READ) would see rows it already took.
  IF current_setting('transaction_isolation') = 'read committed'
     AND pg_try_advisory_xact_lock({FOLD_LOCK}) THEN
    PERFORM map_cells_fold();
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION map_cells_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN {_ticket('OLD', -1, True)}; END IF;
  IF TG_OP <> 'DELETE' THEN {_ticket('NEW', 1, True)}; END IF;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION map_cells_estate_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_estate('OLD', -1, True)};
  {_estate('NEW', 1, True)};
  RETURN NULL;
END $$""",
        # TRUNCATE fires no row triggers: no tickets, no cells.
        f"""CREATE FUNCTION map_cells_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM map_cell_changes;
  DELETE FROM map_cell_totals;
  DELETE FROM map_cells;
  {BUMP};
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION map_cells_marked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {marker};
  RETURN NULL;
END $$""",
        "CREATE TRIGGER map_cell_changes_fold AFTER INSERT ON map_cell_changes FOR EACH ROW "
        f"WHEN (NEW.id % {FOLD_EVERY} = 0) EXECUTE FUNCTION map_cell_changes_folded()",
        # WHEN spares the function call for closed tickets (most rows of a bulk load).
        f"CREATE TRIGGER map_cells_ticket_insert AFTER INSERT ON tickets FOR EACH ROW "
        f"WHEN (NEW.state IN {OPEN}) EXECUTE FUNCTION map_cells_ticket_changed()",
        f"CREATE TRIGGER map_cells_ticket_delete AFTER DELETE ON tickets FOR EACH ROW "
        f"WHEN (OLD.state IN {OPEN}) EXECUTE FUNCTION map_cells_ticket_changed()",
        f"CREATE TRIGGER map_cells_ticket_update AFTER UPDATE OF {TRACKED} ON tickets "
        f"FOR EACH ROW WHEN (OLD.state IN {OPEN} OR NEW.state IN {OPEN}) "
        "EXECUTE FUNCTION map_cells_ticket_changed()",
        "CREATE TRIGGER map_cells_truncate AFTER TRUNCATE ON tickets FOR EACH STATEMENT "
        "EXECUTE FUNCTION map_cells_emptied()",
        "CREATE TRIGGER map_cells_estate AFTER UPDATE OF street_id ON estates FOR EACH ROW "
        "WHEN (OLD.street_id IS DISTINCT FROM NEW.street_id) "
        "EXECUTE FUNCTION map_cells_estate_moved()",
        "CREATE TRIGGER map_cells_street AFTER UPDATE OF district_id ON streets FOR EACH ROW "
        "WHEN (OLD.district_id IS DISTINCT FROM NEW.district_id) "
        "EXECUTE FUNCTION map_cells_marked()",
        "CREATE TRIGGER map_cells_party AFTER INSERT OR DELETE OR UPDATE ON ticket_parties "
        "FOR EACH ROW EXECUTE FUNCTION map_cells_marked()",
    ]


def _sqlite():
    marker = MARKER.format(", ".join(CHANGE_COLUMNS))

    def trigger(name, event, body, when=""):
        when = f" WHEN {when}" if when else ""
        return f"CREATE TRIGGER {name} {event} FOR EACH ROW{when} BEGIN {'; '.join(body)}; END"

    return [
        trigger("map_cell_changes_fold", "AFTER INSERT ON map_cell_changes",
                [*_folds("map_cell_changes"), "DELETE FROM map_cell_changes", BUMP],
                f"NEW.id % {FOLD_EVERY} = 0"),
        trigger("map_cells_ticket_insert", "AFTER INSERT ON tickets", [_ticket("NEW", 1, False)],
                f"NEW.state IN {OPEN}"),
        trigger("map_cells_ticket_delete", "AFTER DELETE ON tickets", [_ticket("OLD", -1, False)],
                f"OLD.state IN {OPEN}"),
        trigger("map_cells_ticket_update", f"AFTER UPDATE OF {TRACKED} ON tickets",
                [_ticket("OLD", -1, False), _ticket("NEW", 1, False)],
                f"OLD.state IN {OPEN} OR NEW.state IN {OPEN}"),
        trigger("map_cells_estate", "AFTER UPDATE OF street_id ON estates",
                [_estate("OLD", -1, False), _estate("NEW", 1, False)],
                "OLD.street_id IS NOT NEW.street_id"),
        trigger("map_cells_street", "AFTER UPDATE OF district_id ON streets", [marker],
                "OLD.district_id IS NOT NEW.district_id"),
        trigger("map_cells_party_insert", "AFTER INSERT ON ticket_parties", [marker]),
        trigger("map_cells_party_delete", "AFTER DELETE ON ticket_parties", [marker]),
        trigger("map_cells_party_update", "AFTER UPDATE ON ticket_parties", [marker]),
    ]


def upgrade():
    op.create_table('map_cell_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('cx', sa.Integer(), nullable=False),
    sa.Column('cy', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sx', sa.BigInteger(), nullable=False),
    sa.Column('sy', sa.BigInteger(), nullable=False),
    sa.Column('n_late', sa.Integer(), nullable=False),
    sa.Column('sx_late', sa.BigInteger(), nullable=False),
    sa.Column('sy_late', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_map_cell_changes'))
    )
    pg = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres() if pg else _sqlite():
        op.execute(statement)
    # Whatever the ORM events missed before this revision: rebuild from the tickets.
    op.execute("DELETE FROM map_cell_totals")
    op.execute("DELETE FROM map_cells")
    for statement in _rebuild(pg):
        op.execute(statement)
    op.execute(BUMP)


def _rebuild(pg):
    changes = [_change("t", 1, "tickets t JOIN estates e ON e.id = t.estate_id", "1 = 1",
                       "e.street_id", pg)]
    return [*changes, *_folds("map_cell_changes"), "DELETE FROM map_cell_changes"]


DROPS_PG = (
    "DROP TRIGGER IF EXISTS map_cells_party ON ticket_parties",
    "DROP TRIGGER IF EXISTS map_cells_street ON streets",
    "DROP TRIGGER IF EXISTS map_cells_estate ON estates",
    "DROP TRIGGER IF EXISTS map_cells_ticket_insert ON tickets",
    "DROP TRIGGER IF EXISTS map_cells_ticket_delete ON tickets",
    "DROP TRIGGER IF EXISTS map_cells_ticket_update ON tickets",
    "DROP TRIGGER IF EXISTS map_cells_truncate ON tickets",
    "DROP TRIGGER IF EXISTS map_cell_changes_fold ON map_cell_changes",
    "DROP FUNCTION IF EXISTS map_cells_marked()",
    "DROP FUNCTION IF EXISTS map_cells_emptied()",
    "DROP FUNCTION IF EXISTS map_cells_estate_moved()",
    "DROP FUNCTION IF EXISTS map_cells_ticket_changed()",
    "DROP FUNCTION IF EXISTS map_cell_changes_folded()",
    "DROP FUNCTION IF EXISTS map_cells_fold()",
)
DROPS_SQLITE = tuple(
    f"DROP TRIGGER IF EXISTS {name}" for name in (
        "map_cell_changes_fold", "map_cells_ticket_insert", "map_cells_ticket_delete",
        "map_cells_ticket_update", "map_cells_estate", "map_cells_street",
        "map_cells_party_insert", "map_cells_party_delete", "map_cells_party_update",
    )
)


def downgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    for statement in DROPS_PG if pg else DROPS_SQLITE:
        op.execute(statement)
    op.drop_table('map_cell_changes')
