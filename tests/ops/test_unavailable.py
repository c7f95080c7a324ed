"""A database that is away answers 503 with Retry-After (never 500), and the pool reconnects by
itself once it is back (pool_pre_ping), without restarting the app."""

from __future__ import annotations

from backend import create_app
from backend.database import db

LOGIN = {"username": "inspector1", "password": "demo12345"}


def test_unreachable_database_answers_503_with_retry_after(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": f"postgresql+psycopg://postgres@/wuhao?host={tmp_path}&port=1",
        }
    )
    for method, path, body in (
        ("post", "/api/auth/login", LOGIN),
        ("get", "/api/health", None),
    ):
        response = getattr(app.test_client(), method)(path, json=body)
        assert response.status_code == 503, response.json
        assert response.headers["Retry-After"] == "5"
        assert response.json["code"] == "unavailable"
        assert "Traceback" not in response.get_data(as_text=True)


def test_pool_reconnects_after_the_server_dropped_every_connection(pg_cluster):
    url = pg_cluster.create_database("wuhao_reconnect")
    app = create_app({"DATABASE_URL": url})
    client = app.test_client()
    assert client.get("/api/health").status_code == 200  # the pool now holds a connection
    # What a PostgreSQL restart does to every pooled connection:
    pg_cluster.psql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = 'wuhao_reconnect' AND pid <> pg_backend_pid()"
    )
    for _ in range(3):
        assert client.get("/api/health").status_code == 200
    with app.app_context():
        db.engine.dispose()
