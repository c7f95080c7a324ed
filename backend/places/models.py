"""Places and parties: district → street → community → estate, grids, organisations, contracts.

Geometry is WGS84 (EPSG:4326). Boundaries are MULTIPOLYGON so repaired shapes fit one column type.
Management of an estate is not a column: it is read from dated contracts and custodial arrangements
(see services.responsible_party), so history stays right when contracts change.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry, WKBElement
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.database import UTCDateTime, db


def multipolygon() -> Geometry:
    """A fresh type per column: GeoAlchemy2 writes the column's nullability onto its type."""
    return Geometry("MULTIPOLYGON", srid=4326, spatial_index=True)


class OrgKind(enum.StrEnum):
    city_authority = "city_authority"  # 市住房行政管理部门
    district_authority = "district_authority"  # 区住建
    street_office = "street_office"  # 街道办事处
    community_committee = "community_committee"  # 社区居委会
    owners_committee = "owners_committee"  # 业主委员会
    property_firm = "property_firm"  # 物业服务企业
    utility = "utility"  # 水、电、气、通信、热力


class CustodyMode(enum.StrEnum):
    state_takeover = "state_takeover"  # 国有物业接管
    charitable_custody = "charitable_custody"  # 公益性托管
    self_managed = "self_managed"  # 业主自治
    street_custody = "street_custody"  # 街道临时托管


class ManagementMode(enum.StrEnum):
    market = "market"
    state_takeover = "state_takeover"
    charitable_custody = "charitable_custody"
    self_managed = "self_managed"
    unmanaged = "unmanaged"  # no arrangement: the street office holds it (临时托管)


ESTATE_GRADES = ("一级", "二级", "三星级", "四星级", "五星级")
UTILITY_KINDS = ("water", "power", "gas", "telecom", "heating")


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    # Stored as checked strings so both databases and future values stay simple.
    return sa.Enum(cls, name=name, native_enum=False, length=32, validate_strings=True)


class District(db.Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    boundary: Mapped[WKBElement | None] = mapped_column(multipolygon(), nullable=True)
    # Deactivated places stay for history (estates, tickets and reports name them) but take
    # nothing new; see places.admin_places for when deactivation is allowed.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    streets: Mapped[list[Street]] = relationship(back_populates="district")


class Street(db.Model):
    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    boundary: Mapped[WKBElement | None] = mapped_column(multipolygon(), nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    district: Mapped[District] = relationship(back_populates="streets")


class Community(db.Model):
    __tablename__ = "communities"
    __table_args__ = (sa.UniqueConstraint("street_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    street: Mapped[Street] = relationship()


class Grid(db.Model):
    """A grid cell (网格): the unit inspectors are assigned to."""

    __tablename__ = "grids"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    boundary: Mapped[WKBElement] = mapped_column(multipolygon())
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    street: Mapped[Street] = relationship()


class Estate(db.Model):
    """A residential estate (居住小区), the inspected unit."""

    __tablename__ = "estates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    street_id: Mapped[int] = mapped_column(sa.ForeignKey("streets.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("communities.id"), nullable=True, index=True
    )
    grid_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("grids.id"), nullable=True, index=True
    )
    grade: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    households: Mapped[int | None] = mapped_column(nullable=True)
    built_year: Mapped[int | None] = mapped_column(nullable=True)
    boundary: Mapped[WKBElement] = mapped_column(multipolygon())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    street: Mapped[Street] = relationship()
    community: Mapped[Community | None] = relationship()
    grid: Mapped[Grid | None] = relationship()


class Organisation(db.Model):
    """A party: authority, street office, committee, property firm or utility."""

    __tablename__ = "organisations"
    __table_args__ = (
        sa.CheckConstraint(
            "kind <> 'utility' OR utility_kind IS NOT NULL", name="utility_has_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(_enum(OrgKind, "org_kind"), index=True)
    state_owned: Mapped[bool] = mapped_column(default=False)
    charitable: Mapped[bool] = mapped_column(default=False)
    utility_kind: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    credit_code: Mapped[str | None] = mapped_column(
        sa.String(18), nullable=True
    )  # 统一社会信用代码
    phone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    # Jurisdiction or seat, by kind: authorities name a district, offices a street, committees a
    # community or estate.
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), nullable=True)
    street_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("streets.id"), nullable=True, index=True
    )
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), nullable=True)
    estate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("estates.id"), nullable=True)
    # A party that has ceased (a firm wound up, an office merged) is kept for history but gets
    # no new tickets, contracts or users.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class ServiceContract(db.Model):
    """A property-service contract estate ↔ firm; end_date inclusive, None = open-ended."""

    __tablename__ = "service_contracts"
    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        sa.Index("ix_service_contracts_estate_dates", "estate_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(nullable=True)
    reference: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)

    estate: Mapped[Estate] = relationship()
    firm: Mapped[Organisation] = relationship()


class CustodialArrangement(db.Model):
    """Who looks after an estate without a contracted firm, and how (seed 三(三)2)."""

    __tablename__ = "custodial_arrangements"
    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        sa.Index("ix_custodial_arrangements_estate_dates", "estate_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(sa.ForeignKey("estates.id"))
    custodian_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    mode: Mapped[CustodyMode] = mapped_column(_enum(CustodyMode, "custody_mode"))
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(nullable=True)

    estate: Mapped[Estate] = relationship()
    custodian: Mapped[Organisation] = relationship()
