"""Open311 channels (API keys) and the requests they filed (one per complaint ticket)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db


class ApiKey(db.Model):
    """A channel's key (12345 hotline, 易安居, 民心网 …); only the SHA-256 of the key is stored."""

    __tablename__ = "open311_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ServiceRequest(db.Model):
    """What a channel posted, beside the ticket it became.

    The reporter's contact details are kept for the city's follow-up only: no public answer
    ever includes them (see services.public_request)."""

    __tablename__ = "open311_requests"
    __table_args__ = (
        # Replays of the same post from the same channel are found by this (services.create).
        sa.Index("ix_open311_requests_replay", "api_key_id", "fingerprint", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), unique=True)
    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("open311_api_keys.id"))
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    service_code: Mapped[str] = mapped_column(sa.String(64))
    address_string: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    media_url: Mapped[str | None] = mapped_column(sa.String(2000), nullable=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Personal data of the reporter: never published.
    email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    last_name: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    account_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    api_key: Mapped[ApiKey] = relationship()
