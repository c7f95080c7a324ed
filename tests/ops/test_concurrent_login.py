"""Found by the load run: two phones signing in under one username for the first time at the
same moment both created its login-throttle row, and one got a 500."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from backend.accounts.models import LoginThrottle
from backend.database import db
from tests.concurrency import race


def test_simultaneous_first_logins_of_one_username_all_get_answers_and_all_count(app):
    username = f"nobody-{uuid.uuid4().hex[:12]}"
    try:
        statuses = race(
            app,
            4,
            lambda client: (
                client.post(
                    "/api/auth/login", json={"username": username, "password": "wrong-password"}
                ).status_code
            ),
        )
        assert statuses == [401] * 4
        with app.app_context():
            assert db.session.get(LoginThrottle, username).failures == 4
            db.session.remove()
    finally:
        with app.app_context():
            db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.username == username))
            db.session.commit()
