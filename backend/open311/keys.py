"""Open311 channel keys: issued once (only the SHA-256 is kept), renamed, revoked for good.
Shared by `flask open311 …` and /api/open311-keys."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from backend.clock import utcnow
from backend.database import db
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.open311.models import ApiKey
from backend.text import problem


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


KEY_NAME_RULE = "a channel name of 1 to 64 characters is required"


def _checked_name(name: str, but: int | None = None) -> str:
    """The name trimmed, or a refusal naming the `name` field (API 422/409, CLI message)."""
    name = name.strip()
    refusal = problem(name)
    if refusal is not None:
        raise ValidationFailed(f"渠道名称{refusal}", {"name": [refusal]})
    if not name or len(name) > 64:
        message = f"渠道名称须为 1–64 个字符 ({KEY_NAME_RULE})"
        raise ValidationFailed(message, {"name": [KEY_NAME_RULE]})
    query = sa.select(ApiKey.id).where(ApiKey.name == name)
    if but is not None:
        query = query.where(ApiKey.id != but)
    if db.session.scalar(query) is not None:
        raise Conflict(
            f"已有名为 {name} 的密钥 (a key named {name!r} exists already: revoke it, or pick a "
            "new name)",
            {"name": ["taken"]},
        )
    return name


def create_key(name: str) -> tuple[ApiKey, str]:
    """A new key for a channel; the key itself is returned once and only its hash is kept."""
    name = _checked_name(name)
    key = secrets.token_urlsafe(32)
    row = ApiKey(name=name, key_hash=key_digest(key), active=True)
    db.session.add(row)
    db.session.flush()
    return row, key


def get_key(key_id: int) -> ApiKey:
    row = db.session.get(ApiKey, key_id)
    if row is None:
        raise NotFound("接入密钥不存在 (no such key)")
    return row


def rename_key(row: ApiKey, name: str) -> ApiKey:
    """A channel's new name (the key itself stays what the channel holds)."""
    row.name = _checked_name(name, but=row.id)
    db.session.flush()
    return row


def revoke(row: ApiKey) -> ApiKey:
    """From now on the channel's posts are refused (403). Not undone: a key that may have
    leaked is replaced by a new one, never trusted again."""
    if row.active:
        row.active, row.revoked_at = False, utcnow()
        db.session.flush()
    return row


def revoke_key(name: str) -> ApiKey:
    row = db.session.scalar(sa.select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise NotFound(f"没有名为 {name} 的密钥 (no key named {name!r})")
    return revoke(row)


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(sa.select(ApiKey).order_by(ApiKey.name)))
