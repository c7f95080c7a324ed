"""Bearer tokens issued directly (a password login costs an argon2 hash, ~1 s on a busy CI box)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend.accounts.models import User
from backend.accounts.services import issue_token


def bearer(session: Any, username: str) -> dict[str, str]:
    """Authorization headers for `username`. Committed (to the test's outer transaction, which
    is still rolled back at the end): an uncommitted token would vanish with the savepoint of
    the first request that answers with an error."""
    user = session.scalar(sa.select(User).where(User.username == username))
    token = issue_token(user).token
    session.commit()
    return {"Authorization": f"Bearer {token}"}
