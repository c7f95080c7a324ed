"""The migrations build both databases, and the models and migrations agree."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.database import db


def test_models_and_migrations_agree(app, dbsession):
    """If this fails, run `flask db migrate -m '...'` and commit the new migration."""
    with app.app_context():
        context = MigrationContext.configure(dbsession.connection())
        diffs = compare_metadata(context, db.metadata)
    ours_tables = {t.name for t in db.metadata.sorted_tables}  # models are loaded by now
    assert {"estates", "users", "service_contracts"} <= ours_tables

    def ours(diff) -> bool:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:]:
            name = getattr(part, "name", None) or getattr(
                getattr(part, "table", None), "name", None
            )
            table = getattr(getattr(part, "table", None), "name", None)
            if name in ours_tables or table in ours_tables:
                return True
        return False

    relevant = [d for d in diffs if ours(d) and not _spatial_index_noise(d)]
    assert relevant == []


def _spatial_index_noise(diff) -> bool:
    # SpatiaLite keeps spatial indexes as virtual tables that reflection cannot see.
    item = diff[0] if isinstance(diff, list) else diff
    return item[0] in ("add_index", "remove_index") and str(item[1].name).startswith("idx_")


def test_spatial_tables_are_registered(app, dbsession, backend_name):
    import sqlalchemy as sa

    if backend_name == "postgis":
        rows = dbsession.execute(
            sa.text("SELECT f_table_name, type, srid FROM geometry_columns ORDER BY 1")
        ).all()
        indexes = dbsession.scalars(
            sa.text("SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'")
        ).all()
    else:
        rows = dbsession.execute(
            sa.text("SELECT f_table_name, geometry_type, srid FROM geometry_columns ORDER BY 1")
        ).all()
        indexes = dbsession.scalars(
            sa.text(
                "SELECT 'idx_' || f_table_name || '_' || f_geometry_column FROM geometry_columns "
                "WHERE spatial_index_enabled = 1"
            )
        ).all()
    spatial = ["districts", "estates", "grids", "inspection_results", "inspections", "streets"]
    assert [r[0] for r in rows] == [*spatial, "tickets"]
    assert all(r[2] == 4326 for r in rows)
    assert {"idx_estates_boundary", "idx_grids_boundary", "idx_tickets_position"} <= set(indexes)
