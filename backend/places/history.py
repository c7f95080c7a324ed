"""Who served an estate when: its contracts and custody periods in one dated list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from backend.database import db
from backend.places.models import (
    CustodialArrangement,
    CustodyMode,
    Estate,
    ManagementMode,
    ServiceContract,
)
from backend.places.services import _CUSTODY_TO_MODE


@dataclass(frozen=True)
class Period:
    kind: str  # "contract" | "custody"
    id: int
    mode: ManagementMode
    custody_mode: CustodyMode | None
    organisation_id: int
    organisation_name: str
    start_date: date
    end_date: date | None  # inclusive; None = open-ended
    reference: str | None
    state: str  # "past" | "current" | "future" on the day asked

    @classmethod
    def of(cls, row: ServiceContract | CustodialArrangement, on: date) -> Period:
        if row.start_date > on:
            state = "future"
        elif row.end_date is not None and row.end_date < on:
            state = "past"
        else:
            state = "current"
        dates = {"start_date": row.start_date, "end_date": row.end_date, "state": state}
        if isinstance(row, ServiceContract):
            return cls(
                kind="contract",
                id=row.id,
                mode=ManagementMode.market,
                custody_mode=None,
                organisation_id=row.firm_id,
                organisation_name=row.firm.name,
                reference=row.reference,
                **dates,
            )
        return cls(
            kind="custody",
            id=row.id,
            mode=_CUSTODY_TO_MODE[row.mode],
            custody_mode=row.mode,
            organisation_id=row.custodian_id,
            organisation_name=row.custodian.name,
            reference=None,
            **dates,
        )


def estate_history(estate: Estate, on: date) -> list[Period]:
    """Every arrangement of the estate, newest first. Days none covers fall to the street office
    (see services.responsible_party); they are the gaps between these periods."""
    rows: list[ServiceContract | CustodialArrangement] = [
        *db.session.scalars(
            sa.select(ServiceContract).where(ServiceContract.estate_id == estate.id)
        ),
        *db.session.scalars(
            sa.select(CustodialArrangement).where(CustodialArrangement.estate_id == estate.id)
        ),
    ]
    periods = [Period.of(row, on) for row in rows]
    return sorted(periods, key=lambda p: (p.start_date, p.kind, p.id), reverse=True)
