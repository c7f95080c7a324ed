"""`flask places create|edit|deactivate|activate|list|move-estate|preview` and
`flask grids deactivate|activate`: the console's place rules, for scripts."""

import json

import sqlalchemy as sa

from backend.places.models import District, Estate, Grid, Street


def test_place_commands_follow_the_consoles_rules(app, dbsession, tmp_path):
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(args=list(args))

    made = run("places", "create", "district", "--code", "210297", "--name", "命令行区")
    assert made.exit_code == 0, made.output
    street = run("places", "create", "street", "--code", "210297001", "--name", "命令行街道",
                 "--parent", "210297")  # fmt: skip
    assert street.exit_code == 0, street.output
    community = run(
        "places", "create", "community", "--name", "命令行社区", "--parent", "210297001"
    )
    assert community.exit_code == 0, community.output
    held = run("places", "deactivate", "district", "210297")
    assert held.exit_code != 0 and "active streets" in held.output
    assert (
        run("places", "edit", "community", "210297001/命令行社区", "--name", "改名社区").exit_code
        == 0
    )
    for args in (
        ("community", "210297001/改名社区"),
        ("street", "210297001"),
        ("district", "210297"),
    ):
        done = run("places", "deactivate", *args)
        assert done.exit_code == 0, done.output
    assert dbsession.scalar(sa.select(District.is_active).where(District.code == "210297")) is False
    assert "210297" in run("places", "list", "district", "--all").output
    assert "210297" not in run("places", "list", "district").output
    assert run("places", "activate", "district", "210297").exit_code == 0

    staffed = run("grids", "deactivate", "G-210202001-01")
    assert staffed.exit_code != 0 and "assigned inspectors" in staffed.output

    moved = run("places", "move-estate", "E001", "210202002")
    assert moved.exit_code == 0, moved.output
    estate = dbsession.scalar(sa.select(Estate).where(Estate.code == "E001"))
    assert dbsession.get(Street, estate.street_id).code == "210202002"
    assert (
        estate.grid_id is None or dbsession.get(Grid, estate.grid_id).street_id == estate.street_id
    )

    path = tmp_path / "one.json"
    ring = [[121.70, 38.95], [121.701, 38.951], [121.701, 38.95], [121.70, 38.951], [121.70, 38.95]]
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": "预览", "street_code":
                    "210202001"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}))  # fmt: skip
    preview = run("places", "preview", str(path), "--level", "estate", "--crs", "bd09")
    assert preview.exit_code == 0, preview.output
    assert "create" in preview.output and "repaired: repaired: Self-intersection" in preview.output
    assert dbsession.scalar(sa.select(Estate.id).where(Estate.name == "预览")) is None
