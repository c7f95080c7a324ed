"""An estate's buildings, where known: what a resident's 楼号/单元/室号 is checked against.

Optional per estate: with no rows, any well-formed home is taken (as before). With rows, the
building must be one of them, the unit within its count (none when it has none), and the room
written floor then two digits (501: floor 5, room 01) within its floors and rooms per floor.
Admins replace an estate's whole list at once (API or `flask surveys buildings FILE.csv`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from backend.database import db
from backend.errors import ValidationFailed
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.places.services import get_estate
from backend.surveys.household import _PART, normalise
from backend.surveys.models import EstateBuilding


@dataclass(frozen=True)
class Building:
    building: str
    units: int
    floors: int
    rooms_per_floor: int


def structure_problems(estate_id: int, building: str, unit: str, room: str) -> dict[str, list]:
    """The problems of a well-formed (normalised) home against the estate's buildings."""
    known = db.session.scalars(
        sa.select(EstateBuilding).where(EstateBuilding.estate_id == estate_id)
    ).all()
    if not known:
        return {}
    found = next((b for b in known if b.building == building), None)
    if found is None:
        names = "、".join(sorted((b.building for b in known), key=_natural)[:12])
        return {
            "building": [f"本小区没有 {building} 号楼,请核对楼号(有:{names})(no such building)"]
        }
    problems: dict[str, list] = {}
    if found.units == 0 and unit not in ("", "0"):
        problems["unit"] = [f"{building} 号楼不分单元,单元请留空 (this building has no units)"]
    elif found.units > 0 and not (unit.isdigit() and 1 <= int(unit) <= found.units):
        problems["unit"] = [
            f"{building} 号楼有 1–{found.units} 单元,请核对单元 (units 1–{found.units})"
        ]
    floor, number = (
        (int(room[:-2]), int(room[-2:])) if room.isdigit() and len(room) >= 3 else (0, 0)
    )
    if not (1 <= floor <= found.floors and 1 <= number <= found.rooms_per_floor):
        problems["room"] = [
            f"{building} 号楼室号为楼层加两位房号,楼层 1–{found.floors},每层 01–"
            f"{found.rooms_per_floor:02d},如 {min(5, found.floors)}01 "
            f"(floor then two digits: floors 1–{found.floors}, "
            f"rooms 01–{found.rooms_per_floor:02d})"
        ]
    return problems


def _natural(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (10**6, name)


def listing(estate_id: int, scope: Scope) -> list[EstateBuilding]:
    get_estate(estate_id, scope)
    rows = db.session.scalars(
        sa.select(EstateBuilding).where(EstateBuilding.estate_id == estate_id)
    ).all()
    return sorted(rows, key=lambda b: _natural(b.building))


def read(rows: list[dict[str, Any]]) -> tuple[list[Building], dict[str, Any]]:
    """Checked, normalised buildings from plain rows, or the problems by row index."""
    out: list[Building] = []
    problems: dict[str, Any] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows):
        mine: dict[str, list[str]] = {}
        name = normalise(str(row.get("building") or ""))
        if not _PART.match(name):
            mine["building"] = ["楼号只能是数字或字母,如 3、B (digits or letters)"]
        elif name in seen:
            mine["building"] = [f"{name} 号楼重复 (listed twice)"]
        seen.add(name)
        numbers = {}
        for field, low in (("units", 0), ("floors", 1), ("rooms_per_floor", 1)):
            value = row.get(field, 0 if field == "units" else None)
            try:
                number = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                number = -1
            if isinstance(value, bool) or not low <= number <= 99:
                mine[field] = [f"请填写 {low}–99 的整数 (a whole number {low}–99)"]
            numbers[field] = number
        if mine:
            problems[str(index)] = mine
        else:
            out.append(
                Building(name, numbers["units"], numbers["floors"], numbers["rooms_per_floor"])
            )
    return out, problems


def replace(estate_id: int, scope: Scope, rows: list[dict[str, Any]]) -> list[EstateBuilding]:
    """The estate's buildings become `rows` (all or nothing); an empty list clears them."""
    get_estate(estate_id, scope)
    buildings, problems = read(rows)
    if problems:
        raise ValidationFailed(
            "楼栋信息有误,未作修改 (buildings invalid; nothing changed)", problems
        )
    db.session.execute(sa.delete(EstateBuilding).where(EstateBuilding.estate_id == estate_id))
    for b in buildings:
        db.session.add(
            EstateBuilding(
                estate_id=estate_id,
                building=b.building,
                units=b.units,
                floors=b.floors,
                rooms_per_floor=b.rooms_per_floor,
            )
        )
    db.session.flush()
    return listing(estate_id, scope)


def import_csv(path: Path) -> dict[str, int]:
    """CSV with columns estate_code, building, units, floors, rooms_per_floor: each estate named
    gets exactly the listed buildings. All or nothing; problems name the line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    by_estate: dict[str, list[dict[str, Any]]] = {}
    line_of: dict[int, int] = {}  # id(row) → its line in the file (the header is line 1)
    for number, row in enumerate(lines, start=2):
        line_of[id(row)] = number
        by_estate.setdefault((row.get("estate_code") or "").strip(), []).append(row)
    problems: list[str] = []
    ids: dict[str, int] = {}
    for code, rows in by_estate.items():
        estate_id = db.session.scalar(sa.select(Estate.id).where(Estate.code == code))
        if estate_id is None:
            problems.append(f"estate_code {code!r}: 小区不存在 (no such estate)")
            continue
        ids[code] = estate_id
        _, wrong = read(rows)
        for index, fields in wrong.items():
            line = line_of[id(rows[int(index)])]
            problems.extend(f"line {line}: {f}: {m[0]}" for f, m in fields.items())
    if problems:
        raise ValueError("\n".join(problems))
    for code, rows in by_estate.items():
        replace(ids[code], Scope.all(), rows)
    return {code: len(rows) for code, rows in by_estate.items()}
