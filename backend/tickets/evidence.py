"""Evidence checks of a rectification's after-photos (they never refuse the rectification).

Each after-photo is judged against the finding: taken after the finding was made (and before it
was uploaded), at the finding or at least in the estate, by a phone that was there; a gallery
photo must carry its time or place; and it must not be the same as, or a near copy of, any
earlier photo of that estate (inspection findings, before-photos, earlier rectifications).
The flags are frozen on the ticket photo rows when the rectification is recorded.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from geoalchemy2.shape import to_shape

from backend.clock import utcnow
from backend.database import db
from backend.inspections.flags import flag
from backend.inspections.models import Inspection, InspectionResult, ResultPhoto
from backend.inspections.photo_checks import Expected, photo_flags
from backend.photos.models import Photo
from backend.photos.pipeline import hamming
from backend.places.models import Estate
from backend.tickets.models import Ticket, TicketPhoto


def _earlier_estate_photos(estate_id: int) -> list[tuple[str, str]]:
    """(sha256, phash) of every photo already attached anywhere in the estate."""
    on_findings = (
        sa.select(ResultPhoto.photo_sha256.label("sha"))
        .join(InspectionResult, InspectionResult.id == ResultPhoto.result_id)
        .join(Inspection, Inspection.id == InspectionResult.inspection_id)
        .where(Inspection.estate_id == estate_id)
    )
    on_tickets = (
        sa.select(TicketPhoto.photo_sha256.label("sha"))
        .join(Ticket, Ticket.id == TicketPhoto.ticket_id)
        .where(Ticket.estate_id == estate_id)
    )
    used = sa.union(on_findings, on_tickets).subquery()
    rows = db.session.execute(
        sa.select(Photo.sha256, Photo.phash).join(used, used.c.sha == Photo.sha256)
    )
    return [(sha, phash) for sha, phash in rows]


def after_photo_flags(
    ticket: Ticket, hashes: list[str], captures: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Flags per after-photo hash (empty lists for clean photos). Run before the photos are
    attached, so 'earlier photos' are exactly those already in the estate."""
    estate = db.session.get(Estate, ticket.estate_id)
    boundary = to_shape(estate.boundary)
    place = None
    if ticket.position is not None:
        point = to_shape(ticket.position)
        place = (point.y, point.x)
    query = sa.select(Photo).where(Photo.sha256.in_(hashes))
    photos = {photo.sha256: photo for photo in db.session.scalars(query)}
    earlier = _earlier_estate_photos(ticket.estate_id)
    limit = int(current_app.config["EVIDENCE_PHASH_DISTANCE"])
    now = utcnow()
    found: dict[str, list[dict[str, Any]]] = {}
    for sha in hashes:
        photo = photos[sha]
        expected = Expected(
            place=place,
            boundary=boundary,
            not_before=ticket.found_at,
            not_after=min(now, photo.uploaded_at),
            after_photo=True,
        )
        flags = photo_flags(photo, captures.get(sha), expected)
        if any(other == sha for other, _ in earlier):
            flags.append(flag("after_reused", photo=sha, other_photo=sha))
        near = sorted(
            other
            for other, phash in earlier
            if other != sha and hamming(photo.phash, phash) <= limit
        )
        flags.extend(flag("after_near_duplicate", photo=sha, other_photo=other) for other in near)
        found[sha] = flags
    return found
