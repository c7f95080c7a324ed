"""District and street 考核: the figures already kept (area scorecards, owner evaluation,
物业管理全覆盖) combined by rules.composite and ranked — streets within their district,
districts within the city. Computed over the whole city: rankings are published (公示)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from backend.clock import today
from backend.fullcover import services as fullcover
from backend.places.scope import Scope
from backend.scorecards.services import area_scorecards
from backend.watchlist import facts, rules
from backend.watchlist.periods import Named

LEVELS = ("street", "district")


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _owners(level: str, named: Named) -> dict[int, tuple[float | None, int]]:
    """Area → (mean published owner evaluation score of its estates, estates with one)."""
    places = facts.places()
    scores: dict[int, list[float]] = defaultdict(list)
    for estate_id, score in facts.evaluations(named.period).items():
        place = places.get(estate_id)
        if place is not None:
            scores[place.street_id if level == "street" else place.district_id].append(score)
    return {area: (rules.mean(values), len(values)) for area, values in scores.items()}


def ranking(named: Named, level: str) -> list[dict[str, Any]]:
    """Every street (ranked within its district) or district (within the city)."""
    everything = Scope.all()
    cards = area_scorecards(level, named.period, everything)
    on = min(named.period.last_day, today())
    cover = {
        row["id"]: row["share"]
        for row in fullcover.progress(level, on, on, "old", everything)["rows"]
    }
    owners = _owners(level, named)
    districts = {p.street_id: (p.district_id, p.district) for p in facts.places().values()}
    rows = []
    for card in cards:
        area_id = card[f"{level}_id"]
        owner_score, owner_estates = owners.get(area_id, (None, 0))
        parts = {
            "inspection": card["mean_estate_score"],
            "on_time": _percent(card["on_time_rate"]),
            "owners": owner_score,
            "fullcover": _percent(cover.get(area_id)),
        }
        row = {
            "id": area_id,
            "code": card["code"],
            "name": card["name"],
            "estates": card["estates"],
            "due": card["due"],
            "overdue_open": card["overdue_open"],
            "surveyed_estates": owner_estates,
            "parts": {k: rules.one_decimal(v) for k, v in parts.items()},
            "composite": rules.composite(parts),
        }
        if level == "street":
            row["district_id"], row["district"] = districts.get(area_id, (None, ""))
        rows.append(row)
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row.get("district_id")].append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r["composite"] is None, -(r["composite"] or 0), r["name"]))
        for row, rank in zip(group, rules.ranks([r["composite"] for r in group]), strict=True):
            row["rank"] = rank
    return sorted(rows, key=lambda r: (r.get("district") or "", r["rank"] or 10**6, r["name"]))


def visible(rows: list[dict[str, Any]], level: str, scope: Scope) -> list[dict[str, Any]]:
    """A supervisor sees the streets of the districts their jurisdiction touches (their own
    street among its peers) and every district (the city's ranking is public)."""
    if level == "district" or scope.everything:
        return rows
    districts = set(scope.district_ids)
    if scope.street_ids:
        of_street = {r["id"]: r["district_id"] for r in rows}
        districts |= {of_street[s] for s in scope.street_ids if s in of_street}
    return [r for r in rows if r["district_id"] in districts]
