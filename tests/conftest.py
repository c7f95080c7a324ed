"""Test harness: every database test runs on SpatiaLite and on a real PostGIS.

The schema is built once per database by the migrations and the demo world is seeded once;
each test then runs inside a transaction that is rolled back (requests commit to a savepoint).
Set WUHAO_TEST_DATABASES=spatialite (or postgis) to run one leg; TEST_DATABASE_URL to use an
existing PostGIS database instead of a throwaway cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pg_cluster import start_cluster

# Fixtures of the local fake services (fake_sms, ...), available to every test.
pytest_plugins = ["tests.fakes.sms_gateway", "tests.fakes.push_service", "tests.fakes.wechat_api"]

os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

LEGS = [
    leg.strip() for leg in os.environ.get("WUHAO_TEST_DATABASES", "spatialite,postgis").split(",")
]
DEMO_PASSWORD = "demo12345"
STANDARD_CHECKLIST = Path(__file__).resolve().parent.parent / "checklists" / "wuhao-standard.yaml"
OWNER_SURVEY = Path(__file__).resolve().parent.parent / "surveys" / "owner-satisfaction.yaml"
ASSESSMENT_FORMS = sorted((Path(__file__).resolve().parent.parent / "assessments").glob("*.yaml"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"wuhao database legs: {', '.join(LEGS)}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session", params=LEGS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "spatialite":
        return f"sqlite:///{tmp_path_factory.mktemp('spatialite') / 'wuhao-test.sqlite'}"
    if request.param == "postgis":
        if os.environ.get("TEST_DATABASE_URL"):
            return os.environ["TEST_DATABASE_URL"]
        return request.getfixturevalue("pg_cluster").create_database("wuhao_test")
    raise pytest.UsageError(f"unknown database leg {request.param!r}")


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from backend import create_app
    from backend.checklists.definition import load_definition
    from backend.checklists.services import import_definition
    from backend.database import db
    from backend.demo.seed import seed_demo
    from backend.surveys import definition as survey_definition
    from backend.surveys import services as surveys

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "PHOTO_STORAGE": f"local:{tmp_path_factory.mktemp('photos')}",
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
        import_definition(load_definition(STANDARD_CHECKLIST), STANDARD_CHECKLIST.name)
        surveys.import_definition(survey_definition.load(OWNER_SURVEY), OWNER_SURVEY.name)
        from backend.kaoping import definition as forms
        from backend.kaoping import services as kaoping

        for form in ASSESSMENT_FORMS:
            kaoping.import_definition(forms.load(form), form.name)
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def backend_name(app: Flask) -> str:
    from backend.database import backend_name

    with app.app_context():
        return backend_name()


@pytest.fixture
def dbsession(app: Flask) -> Iterator[Any]:
    """A test-long outer transaction; everything the test and its requests write is undone."""
    from backend import clock
    from backend.database import db

    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session.configure(bind=None)
            outer.rollback()
            connection.close()
            clock.freeze(None)


@pytest.fixture
def client(app: Flask, dbsession: Any) -> FlaskClient:
    app.test_client_class = BufferedClient
    return app.test_client()


class BufferedClient(FlaskClient):
    """Reads each answer to its end before returning it. A streamed answer (an export) that a
    failing test leaves unread would otherwise be closed later, inside another test, popping its
    request context there and leaving that test's database transaction behind."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def login(client: FlaskClient) -> Callable[[str], dict[str, str]]:
    """login('inspector1') → Authorization headers."""

    def _login(username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        response = client.post("/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return _login


@pytest.fixture
def frozen_clock(dbsession: Any) -> Callable[[Any], None]:
    from backend import clock

    return clock.freeze


@pytest.fixture(scope="session")
def s3_server() -> Iterator[dict[str, str]]:
    """A real S3 API (moto's server) on 127.0.0.1 with a bucket, for the S3 storage legs."""
    import boto3
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "wuhao-test-key")
        env.setenv("AWS_SECRET_ACCESS_KEY", "wuhao-test-secret")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            endpoint = f"http://{host}:{port}"
            bucket = "wuhao-photos"
            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
                Bucket=bucket
            )
            yield {"endpoint": endpoint, "bucket": bucket}
        finally:
            server.stop()


@pytest.fixture(params=["local", "s3"])
def photo_store(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Any]:
    """Run a test against local-disk photo storage and against S3, through the app."""
    from backend.photos.storage import storage_from_url

    if request.param == "local":
        url = f"local:{tmp_path / 'photos'}"
    else:
        server = request.getfixturevalue("s3_server")
        url = f"s3://{server['bucket']}/{tmp_path.name}?endpoint_url={server['endpoint']}&region=us-east-1"
    previous = app.extensions.get("photo_storage")
    app.extensions["photo_storage"] = store = storage_from_url(url)
    yield store
    if previous is None:  # made lazily on the next use, as in production
        app.extensions.pop("photo_storage", None)
    else:
        app.extensions["photo_storage"] = previous
