"""Publishing (公示): freeze a period's rankings for a jurisdiction; read them back publicly.

The snapshot holds only what may be published: names of organisations, estates, streets and
districts, and figures. Never people (inspectors, publishers, reporters), phones or user ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import Role, User
from backend.checklists import services as checklists
from backend.clock import SHANGHAI, today, utcnow
from backend.database import db
from backend.disclosures import sections as optional
from backend.disclosures.models import Disclosure
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.places.models import District, Organisation, Street
from backend.places.scope import Scope
from backend.reports import periods
from backend.scorecards import services as scorecards
from backend.text import require_allowed

ORG_KINDS = {
    "city_authority": "市住房行政管理部门",
    "district_authority": "区住建",
    "street_office": "街道办事处",
    "community_committee": "社区居委会",
    "owners_committee": "业主委员会",
    "property_firm": "物业服务企业",
    "utility": "公用事业单位",
}
# The figures published per unit (firm, street, district); ids and internal fields stay out.
UNIT_FIGURES = (
    "due",
    "deferred",
    "closed",
    "closed_on_time",
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "extension_rate",
    "overdue_open",
    "mean_hours_to_rectify",
    "p90_hours_to_rectify",
    "recurrences",
)


@dataclass(frozen=True)
class Jurisdiction:
    level: str  # city | district | street
    key: str
    name: str
    district_id: int | None = None
    street_id: int | None = None

    @property
    def scope(self) -> Scope:
        if self.level == "street":
            return Scope(street_ids=frozenset({self.street_id}))  # type: ignore[arg-type]
        if self.level == "district":
            return Scope(district_ids=frozenset({self.district_id}))  # type: ignore[arg-type]
        return Scope.all()


def city() -> Jurisdiction:
    return Jurisdiction("city", "city", "全市")


def of_district(district: District) -> Jurisdiction:
    return Jurisdiction("district", f"district:{district.code}", district.name, district.id)


def of_street(street: Street) -> Jurisdiction:
    return Jurisdiction(
        "street", f"street:{street.code}", street.name, street.district_id, street.id
    )


def jurisdiction_of(user: User) -> Jurisdiction:
    """A supervisor publishes for their own street or district; admins and city supervisors
    for the whole city."""
    if user.role is Role.supervisor and user.street_id is not None:
        return of_street(db.session.get(Street, user.street_id))  # type: ignore[arg-type]
    if user.role is Role.supervisor and user.district_id is not None:
        return of_district(db.session.get(District, user.district_id))  # type: ignore[arg-type]
    return city()


def period_of(first: date, last: date) -> periods.Period:
    if first > last:
        raise ValidationFailed(
            "开始日期晚于结束日期 (period_start is after period_end)",
            {"period_start": ["after period_end"]},
        )
    if first > today():
        raise ValidationFailed(
            "期间尚未开始,无可公示 (the period has not started: nothing to publish)",
            {"period_start": ["in the future"]},
        )
    return periods.days(first, last)


# --- the snapshot ---------------------------------------------------------------------------


def _local_date(moment: datetime | None) -> str | None:
    return moment.astimezone(SHANGHAI).date().isoformat() if moment else None


def _unit(row: dict[str, Any]) -> dict[str, Any]:
    return {field: row[field] for field in UNIT_FIGURES}


def _area_titles() -> list[dict[str, str]]:
    titles: dict[str, str] = {}
    for version in checklists.active_versions():
        for area in checklists.definition_of(version).areas:
            titles.setdefault(area.key, area.title.zh)
    return [{"key": key, "name": name} for key, name in titles.items()]


def snapshot(period: periods.Period, where: Jurisdiction) -> dict[str, Any]:
    """The public figures of a period, computed now from the live scorecards."""
    scope = where.scope
    firm_rows = scorecards.firm_scorecards(period, scope)
    kinds = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.kind).where(
                Organisation.id.in_([r["organisation_id"] for r in firm_rows])
            )
        ).all()
    )
    firms = [
        {
            "rank": rank,
            "name": row["name"],
            "kind": ORG_KINDS.get(str(kinds.get(row["organisation_id"])), ""),
            "grade": row["grade"],
            "mean_inspection_score": row["mean_inspection_score"],
            **_unit(row),
            # 催办: how often the supervisors had to chase the unit, and how often it answered.
            "urges": row["urges"],
            "urges_acknowledged": row["urges_acknowledged"],
        }
        for rank, row in enumerate(firm_rows, start=1)
    ]
    street_names = dict(db.session.execute(sa.select(Street.id, Street.name)).all())
    estates = [
        {
            "rank": row["rank"],
            "code": row["code"],
            "name": row["name"],
            "street": street_names.get(row["street_id"], ""),
            "total": row["total"],
            "grade": row["grade"],
            "area_scores": row["area_scores"],
            "inspected_on": _local_date(row["inspected_at"]),
        }
        for row in scorecards.estate_scorecards(period, scope)
    ]
    body: dict[str, Any] = {
        "areas": _area_titles(),
        "firms": firms,
        "estates": estates,
        "streets": [],
        "districts": [],
    }
    # A ranking of areas is published only above them: a street's publication ranks no streets.
    levels = {"city": ("street", "district"), "district": ("street",)}.get(where.level, ())
    for level in levels:
        body[f"{level}s"] = [
            {
                "rank": row["rank"],
                "code": row["code"],
                "name": row["name"],
                "estates": row["estates"],
                "mean_estate_score": row["mean_estate_score"],
                **_unit(row),
            }
            for row in scorecards.area_scorecards(level, period, scope)
        ]
    return body


# --- publishing -----------------------------------------------------------------------------


def publish(
    first: date,
    last: date,
    where: Jurisdiction,
    publisher: User | None,
    title: str | None = None,
    sections: Sequence[str] = (),
) -> Disclosure:
    """Freeze the period's figures, with the optional `sections` asked for (see
    `backend.disclosures.sections`). Publishing the same period and jurisdiction again makes
    version n+1, which supersedes version n (both stay readable)."""
    require_allowed(title=title)
    unknown = [name for name in sections if name not in optional.SECTIONS]
    if unknown:
        raise ValidationFailed(
            f"未知的公示内容 (unknown section): {', '.join(unknown)}",
            {"sections": [f"one of: {', '.join(optional.SECTIONS)}"]},
        )
    asked = tuple(name for name in optional.SECTIONS if name in sections)
    period = period_of(first, last)
    previous = db.session.scalar(
        sa.select(Disclosure)
        .where(
            Disclosure.scope_key == where.key,
            Disclosure.period_start == first,
            Disclosure.period_end == last,
        )
        .order_by(Disclosure.version.desc())
        .limit(1)
    )
    disclosure = Disclosure(
        title=title or f"{where.name}五好小区考评公示({first.isoformat()} 至 {last.isoformat()})",
        period_start=first,
        period_end=last,
        scope_key=where.key,
        scope_level=where.level,
        scope_name=where.name,
        district_id=where.district_id,
        street_id=where.street_id,
        version=previous.version + 1 if previous else 1,
        supersedes_id=previous.id if previous else None,
        published_at=utcnow(),
        published_by_id=publisher.id if publisher else None,
        snapshot={
            **snapshot(period, where),
            **optional.build(asked, period, where.level, where.scope),
        },
    )
    try:
        with db.session.begin_nested():
            db.session.add(disclosure)
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            "同一期间正在被他人发布,请刷新后重试 (published by someone else just now; reload)"
        ) from None
    if previous is not None:
        previous.superseded_by_id = disclosure.id
        db.session.flush()
    return disclosure


def visibility(user: User) -> sa.ColumnElement[bool]:
    """Supervisors list the publications of their own jurisdiction (and those inside it)."""
    if user.role is Role.supervisor and user.street_id is not None:
        return Disclosure.street_id == user.street_id
    if user.role is Role.supervisor and user.district_id is not None:
        return Disclosure.district_id == user.district_id
    return sa.true()


def internal_query(user: User) -> sa.Select:
    return (
        sa.select(Disclosure)
        .where(visibility(user))
        .order_by(Disclosure.published_at.desc(), Disclosure.id.desc())
    )


# --- public reading -------------------------------------------------------------------------


def public_query(include_superseded: bool = False) -> sa.Select:
    query = sa.select(Disclosure)
    if not include_superseded:
        query = query.where(Disclosure.superseded_by_id.is_(None))
    return query.order_by(Disclosure.published_at.desc(), Disclosure.id.desc())


def get_public(disclosure_id: int) -> Disclosure:
    disclosure = db.session.get(Disclosure, disclosure_id)
    if disclosure is None:
        raise NotFound("公示不存在 (disclosure not found)")
    return disclosure


def public_view(disclosure: Disclosure, *, with_rankings: bool = True) -> dict[str, Any]:
    """What the public may read, and nothing else (no publisher, no user ids)."""
    view: dict[str, Any] = {
        "id": disclosure.id,
        "title": disclosure.title,
        "period_start": disclosure.period_start,
        "period_end": disclosure.period_end,
        "scope": {"level": disclosure.scope_level, "name": disclosure.scope_name},
        "version": disclosure.version,
        "supersedes_id": disclosure.supersedes_id,
        "superseded_by_id": disclosure.superseded_by_id,
        "published_at": disclosure.published_at,
    }
    if with_rankings:
        view.update(disclosure.snapshot)
        view.setdefault("sections", [])  # published before there were optional sections
    return view
