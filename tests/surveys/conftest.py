"""Owner survey fixtures: an estate's poster link and a resident's phone (a test client with
its own cookies) that opens the page and answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from backend.places.models import Estate
from backend.surveys import services
from backend.surveys.models import SurveyAnswer

QUESTIONS = ("sanitation", "order", "facilities", "garbage", "property", "overall")


def all_rated(value: int, **overrides: int) -> dict[str, str]:
    return {key: str(overrides.get(key, value)) for key in QUESTIONS}


@pytest.fixture
def link_of(dbsession) -> Callable[[str], str]:
    """The poster token of an estate by code."""

    def _link(code: str) -> str:
        estate = dbsession.scalar(sa.select(Estate).where(Estate.code == code))
        from backend.places.scope import Scope

        return services.current_link(estate.id, Scope.all()).token

    return _link


@pytest.fixture
def phone(app, dbsession) -> Callable[..., Any]:
    """phone() → a new resident's browser: its own cookie jar and address."""

    def _phone(address: str = "203.0.113.7") -> Any:
        from tests.conftest import BufferedClient

        app.test_client_class = BufferedClient
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return _phone


def answer(client: Any, token: str, period: str, home: tuple[str, str, str], **form: str) -> Any:
    """Open the page (the phone gets its device cookie) and send the form."""
    opened = client.get(f"/survey/{token}")
    assert opened.status_code == 200, opened.status_code
    building, unit, room = home
    body = {"period": period, "building": building, "unit": unit, "room": room, **form}
    return client.post(f"/survey/{token}", data=body)


def stored(dbsession) -> int:
    return dbsession.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer))
