"""The 集中整治 watch list of a period and what supervisors decide about its estates.

The list is computed over the whole city (positions and 全市前p% are the city's), then cut to
the caller's scope. An estate stays on the page of a period once it has notes for it, even if
later figures take it off the list: decisions are never hidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.clock import today
from backend.database import db
from backend.errors import Conflict
from backend.places.models import Estate
from backend.places.scope import Scope
from backend.places.services import estate_visibility, get_estate
from backend.text import clean
from backend.watchlist import facts as estate_facts
from backend.watchlist import rules
from backend.watchlist.models import CATEGORY_NAMES, Category, NoteKind, WatchNote
from backend.watchlist.periods import Named

COUNTS = tuple(rules.WEIGHTS)


def settings() -> tuple[int, int]:
    config = current_app.config
    return int(config["WATCHLIST_SIZE"]), int(config["WATCHLIST_MIN_POINTS"])


def _row(
    estate_id: int, place: estate_facts.Place, f: rules.EstateFacts, tops: dict[str, int]
) -> dict[str, Any]:
    return {
        "estate_id": estate_id,
        "code": place.code,
        "name": place.name,
        "street_id": place.street_id,
        "street": place.street,
        "district_id": place.district_id,
        "district": place.district,
        **asdict(f),
        "evaluation": rules.one_decimal(f.evaluation),
        "evaluation_points": rules.evaluation_points(f.evaluation),
        "points": rules.points(f),
        "reasons": rules.reasons(f, tops),
        "rank": None,
        "listed": False,
    }


def ranked(named: Named) -> list[dict[str, Any]]:
    """The city's listed estates for the period, highest points first (rank 1..size)."""
    size, least = settings()
    found = estate_facts.estate_facts(named.period)
    places = estate_facts.places()
    positions = {
        name: rules.positions([getattr(f, name) for f in found.values() if getattr(f, name)])
        for name in COUNTS
    }
    rows = []
    for estate_id, f in found.items():
        if rules.points(f) < least or estate_id not in places:
            continue
        tops = {
            name: rules.top_percent(positions[name][getattr(f, name)], len(places))
            for name in COUNTS
            if getattr(f, name)
        }
        rows.append(_row(estate_id, places[estate_id], f, tops))
    rows.sort(key=lambda r: (-r["points"], -r["complaints"], r["code"]))
    for rank, row in enumerate(rows[:size], start=1):
        row["rank"] = rank
        row["listed"] = True
    return rows[:size]


def _visible(scope: Scope, ids: set[int]) -> set[int]:
    if scope.everything:
        return ids
    return set(
        db.session.scalars(sa.select(Estate.id).where(Estate.id.in_(ids), estate_visibility(scope)))
    )


def notes_of(period_key: str, estate_ids: set[int] | None = None) -> dict[int, list[WatchNote]]:
    query = sa.select(WatchNote).where(WatchNote.period == period_key).order_by(WatchNote.id)
    if estate_ids is not None:
        query = query.where(WatchNote.estate_id.in_(estate_ids))
    found: dict[int, list[WatchNote]] = defaultdict(list)
    for note in db.session.scalars(query):
        found[note.estate_id].append(note)
    return found


def note_view(note: WatchNote, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind.value,
        "category": note.category.value if note.category else None,
        "category_name": CATEGORY_NAMES[note.category] if note.category else None,
        "text": note.text,
        "noted_on": note.noted_on,
        "author": names.get(note.author_id, ""),
        "created_at": note.created_at,
    }


def watchlist(named: Named, scope: Scope) -> dict[str, Any]:
    """The period's list within `scope`, each estate with its current classification and its
    notes (oldest first), then estates taken off the list that have notes."""
    size, least = settings()
    rows = ranked(named)
    notes = notes_of(named.key)
    listed = {r["estate_id"] for r in rows}
    off_list = set(notes) - listed
    places = estate_facts.places()
    if off_list:
        found = estate_facts.estate_facts(named.period)
        for estate_id in sorted(off_list, key=lambda e: places[e].code):
            f = found.get(estate_id, rules.EstateFacts())
            rows.append(_row(estate_id, places[estate_id], f, {}))  # off the list: no positions
    visible = _visible(scope, {r["estate_id"] for r in rows})
    authors = {n.author_id for ns in notes.values() for n in ns}
    names = dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(authors))).all()
    )
    shown = []
    for row in rows:
        if row["estate_id"] not in visible:
            continue
        history = [note_view(n, names) for n in notes.get(row["estate_id"], [])]
        classified = [n for n in history if n["kind"] == NoteKind.classification.value]
        shown.append({**row, "classification": classified[-1] if classified else None,
                      "notes": history})  # fmt: skip
    return {
        "period": named.key,
        "label": named.label,
        "period_start": named.period.first_day,
        "period_end": named.period.last_day,
        "rule_version": rules.WATCHLIST_RULE,
        "size": size,
        "min_points": least,
        "survey_period": _survey_period(named),
        "estates": shown,
    }


def _survey_period(named: Named) -> dict[str, date] | None:
    found = estate_facts.survey_period(named.period)
    return {"start": found[0], "end": found[1]} if found else None


def add_note(
    named: Named,
    estate_id: int,
    scope: Scope,
    author: User,
    kind: NoteKind,
    text: str,
    category: Category | None = None,
    noted_on: date | None = None,
) -> WatchNote:
    """Append a classification, measure or follow-up for an estate of the period's list (or one
    that has notes for the period already). 404 outside the caller's scope, 409 not listed."""
    get_estate(estate_id, scope)
    # An estate with notes for the period takes more (follow-ups); only a first note needs the
    # city's list worked out.
    if not notes_of(named.key, {estate_id}) and estate_id not in {
        r["estate_id"] for r in ranked(named)
    }:
        raise Conflict(
            f"该小区不在{named.label}集中整治名单上 (the estate is not on this period's watch list)"
        )
    note = WatchNote(
        estate_id=estate_id,
        period=named.key,
        kind=kind,
        category=category if kind is NoteKind.classification else None,
        text=clean(text).strip(),
        noted_on=noted_on or today(),
        author_id=author.id,
    )
    db.session.add(note)
    db.session.flush()
    return note
