"""District and street 考核: the figures already kept (area scorecards, owner evaluation,
物业管理全覆盖) combined by rules.composite and ranked — streets within their district,
districts within the city. Computed over the whole city: rankings are published (公示)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from backend.clock import today
from backend.fullcover import services as fullcover
from backend.places.scope import Scope
from backend.reports.periods import Period
from backend.scorecards.services import area_scorecards
from backend.watchlist import facts, rules

LEVELS = ("street", "district")


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def _owners(level: str, period: Period) -> dict[int, tuple[float | None, int]]:
    """Area → (mean published owner evaluation score of its estates, estates with one)."""
    places = facts.places()
    scores: dict[int, list[float]] = defaultdict(list)
    for estate_id, score in facts.evaluations(period).items():
        place = places.get(estate_id)
        if place is not None:
            scores[place.street_id if level == "street" else place.district_id].append(score)
    return {area: (rules.mean(values), len(values)) for area, values in scores.items()}


def ranking(period: Period, level: str) -> list[dict[str, Any]]:
    """Every street (ranked within its district) or district (within the city)."""
    everything = Scope.all()
    cards = area_scorecards(level, period, everything)
    on = min(period.last_day, today())
    cover = {
        row["id"]: row["share"]
        for row in fullcover.progress(level, on, on, "old", everything)["rows"]
    }
    owners = _owners(level, period)
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


PUBLIC_FIELDS = ("code", "name", "estates", "surveyed_estates", "parts", "composite", "rank")


def section(period: Period, level: str, scope: Scope) -> dict[str, Any]:
    """The 公示 section `kaohe`, as the public may read it (no ids): districts in the city (a
    city's publication) and streets within their district (the districts the jurisdiction
    touches: a street is published among its peers)."""
    body: dict[str, Any] = {"formula_version": rules.RANKING_FORMULA, "weights": dict(rules.PARTS)}
    body["districts"] = (
        [{k: r[k] for k in PUBLIC_FIELDS} for r in ranking(period, "district")]
        if level == "city"
        else []
    )
    streets = visible(ranking(period, "street"), "street", scope)
    body["streets"] = [
        {**{k: r[k] for k in PUBLIC_FIELDS}, "district": r["district"]} for r in streets
    ]
    return body
