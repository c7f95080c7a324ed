"""The 集中整治 story: the street and district supervisors have classified the first estate of
this quarter's watch list in their jurisdiction, decided a measure and followed it up, so the
tab shows outcomes on first start (the list itself comes from the story's tickets and answers)."""

from __future__ import annotations

from datetime import date, timedelta

from backend.accounts.services import find_user, scope_of
from backend.database import db
from backend.watchlist import services
from backend.watchlist.models import Category, NoteKind
from backend.watchlist.periods import parse

STORY = {
    "street1": (
        Category.poor_service,
        "约谈物业项目经理,限期一个月整改保洁与维修响应",
        "已复查,保洁明显改善",
    ),
    "supervisor1": (
        Category.legacy,
        "区住建局牵头申报老旧小区改造,先行修复雨污管网",
        "改造方案已报区政府",
    ),
}


def seed_watch_notes(today: date) -> int:
    """Notes on the first listed estate each supervisor sees (none when the list is empty)."""
    named = parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")
    assert named is not None
    made = 0
    taken: set[int] = set()
    for username, (category, measure, follow_up) in STORY.items():
        user = find_user(username)
        if user is None:
            continue
        scope = scope_of(user)
        listing = services.watchlist(named, scope)["estates"]
        mine = [e for e in listing if e["listed"] and e["estate_id"] not in taken]
        if not mine:
            continue
        estate_id = mine[0]["estate_id"]
        taken.add(estate_id)
        for kind, text, on in (
            (NoteKind.classification, "", today - timedelta(days=2)),
            (NoteKind.measure, measure, today - timedelta(days=2)),
            (NoteKind.follow_up, follow_up, today),
        ):
            services.add_note(named, estate_id, scope, user, kind, text, category, on)
            made += 1
    db.session.flush()
    return made
