"""Users, their scope, bearer tokens and login throttling.

All state is in the database, so any worker can serve any request.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db
from backend.places.models import Community, District, Estate, Grid, Organisation, Street


class Role(enum.StrEnum):
    inspector = "inspector"
    firm = "firm"
    supervisor = "supervisor"
    admin = "admin"
    committee = "committee"  # 业主委员会 member: one estate (estate_id), 考评 only
    community = "community"  # 社区居民委员会 staff: one community (community_id), 考评 only


grid_assignments = sa.Table(
    "grid_assignments",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("grid_id", sa.ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True),
)


ROLE_SCOPE_CHECK = (
    "(role = 'committee') = (estate_id IS NOT NULL) "
    "AND (role = 'community') = (community_id IS NOT NULL)"
)


class User(db.Model):
    """A person who signs in. Scope by role: inspector → grids; firm → organisation;
    supervisor → street, district or (neither) the whole city; admin → everything;
    committee → one estate and community → one community, for 考评 only."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "NOT (district_id IS NOT NULL AND street_id IS NOT NULL)", name="one_jurisdiction"
        ),
        # An estate for committee members only, a community for community staff only.
        sa.CheckConstraint(ROLE_SCOPE_CHECK, name="role_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, name="user_role", native_enum=False, length=16, validate_strings=True)
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), nullable=True, index=True
    )
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), nullable=True)
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id"), nullable=True)
    estate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("estates.id"), nullable=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Mainland mobile (11 digits, backend/messaging/sms.py normalise_mobile) for SMS notices.
    phone: Mapped[str | None] = mapped_column(sa.String(11), nullable=True)
    # The user's openid at the city's WeChat Official Account, for template messages.
    wechat_openid: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # Set when an administrator resets the password: until the user picks their own, the API
    # answers only /api/me, /api/auth/password and /api/auth/logout.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    organisation: Mapped[Organisation | None] = relationship()
    district: Mapped[District | None] = relationship()
    street: Mapped[Street | None] = relationship()
    estate: Mapped[Estate | None] = relationship()
    community: Mapped[Community | None] = relationship()
    grids: Mapped[list[Grid]] = relationship(secondary=grid_assignments, order_by=Grid.code)


class AuthToken(db.Model):
    """An opaque bearer token; only its SHA-256 is stored, so a database leak reveals none."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Consecutive failed logins per username (known or not, so probing reveals nothing)."""

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
