"""Owner surveys (业主满意度评价): versioned definitions, the estate's poster link, and answers.

A version's content never changes once written; an answer names the version it was given on.
An answer holds no name or phone: the household key (building-unit-room), a hash of the
answering device's token and the network it came from exist only to keep one answer per
household and to hold back floods; no API or export ever returns them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.checklists.models import VersionStatus
from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.immutable import immutable


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyVersion(db.Model):
    __tablename__ = "survey_versions"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "number", name="uq_survey_versions_number"),
        sa.UniqueConstraint("survey_id", "content_hash", name="uq_survey_versions_content_hash"),
        sa.Index(
            "uq_survey_versions_one_active",
            "survey_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[VersionStatus] = mapped_column(
        sa.Enum(
            VersionStatus,
            name="survey_version_status",
            native_enum=False,
            length=16,
            validate_strings=True,
        ),
        default=VersionStatus.active,
    )
    source: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survey: Mapped[Survey] = relationship()


immutable(SurveyVersion, ("survey_id", "number", "content_hash", "definition"), "survey version")


class SurveyLink(db.Model):
    """The unguessable link printed on an estate's poster. A new poster replaces the link (the
    old one stops taking answers), e.g. when a poster was abused."""

    __tablename__ = "survey_links"
    __table_args__ = (
        sa.Index(
            "uq_survey_links_one_current",
            "estate_id",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answers"
    __table_args__ = (
        # One answer per household, estate and period: the database says no to a second one.
        sa.UniqueConstraint(
            "survey_id",
            "estate_id",
            "period_start",
            "household",
            name="uq_survey_answers_household",
        ),
        sa.Index("ix_survey_answers_estate_period", "estate_id", "period_start"),
        sa.Index("ix_survey_answers_device", "device_hash", "period_start"),
        sa.Index("ix_survey_answers_network", "network", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_versions.id"))
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_links.id"), nullable=True)
    period_start: Mapped[date]
    household: Mapped[str] = mapped_column(sa.String(40))
    device_hash: Mapped[str] = mapped_column(sa.String(64))
    network: Mapped[str] = mapped_column(sa.String(64))
    ratings: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # With the SMS step on: a keyed hash of the verified mobile (never the number itself).
    phone_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyPhoneCode(db.Model):
    """One verification code sent by SMS (the optional step). Only keyed hashes of the phone
    and of the code are kept; the rows are what the send limits count."""

    __tablename__ = "survey_phone_codes"
    __table_args__ = (
        sa.Index("ix_survey_phone_codes_phone", "phone_hash", "created_at"),
        sa.Index("ix_survey_phone_codes_network", "network", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    phone_hash: Mapped[str] = mapped_column(sa.String(64))
    network: Mapped[str] = mapped_column(sa.String(64))
    nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EstateBuilding(db.Model):
    """An estate's building as the survey knows it (optional): when an estate has any, a
    resident's 楼号/单元/室号 must name one of them. Rooms are written floor then number on the
    floor (501 = floor 5, room 01)."""

    __tablename__ = "estate_buildings"
    __table_args__ = (
        sa.UniqueConstraint("estate_id", "building", name="uq_estate_buildings_building"),
        sa.CheckConstraint("units >= 0 AND units <= 99", name="units_in_range"),
        sa.CheckConstraint("floors >= 1 AND floors <= 99", name="floors_in_range"),
        sa.CheckConstraint("rooms_per_floor >= 1 AND rooms_per_floor <= 99", name="rooms_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"), index=True)
    building: Mapped[str] = mapped_column(sa.String(8))  # normalised, as in a household key
    units: Mapped[int] = mapped_column(default=0)  # 0: the building has no units
    floors: Mapped[int]
    rooms_per_floor: Mapped[int]
