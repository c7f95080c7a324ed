"""Cross-feature hooks as named blinker signals. A lower feature sends; a higher one listens, so
photos never import tickets. Receivers are connected in create_app (connect_receivers), never as
a side effect of importing a module. Every receiver runs in the sender's transaction."""

from __future__ import annotations

from typing import Any

from blinker import Namespace

wuhao = Namespace()

# sender: the Inspection just submitted; definition=its ChecklistDefinition.
inspection_submitted = wuhao.signal("inspection-submitted")
# sender: a frozenset of grid ids whose inspectors changed (a user's grids, role or activity).
grids_reassigned = wuhao.signal("grids-reassigned")
# sender: the Photo just stored (evidence that references it can be assessed again).
photo_stored = wuhao.signal("photo-stored")
# sender: the User; sha256=the photo. A receiver answers True when the photo is on something that
# user may see (an inspection, a ticket). Admins and the uploader are let in by photos itself.
photo_access = wuhao.signal("photo-access")
# sender: the inspection id. Receivers answer rows for the printed report:
# [{code, item_code, title, state, responsible, due_at}].
inspection_tickets = wuhao.signal("inspection-tickets")
# sender: the Ticket just closed (verified). The 回访 gives a resident's ticket its link.
ticket_closed = wuhao.signal("ticket-closed")


def anyone_allows(user: Any, sha256: str) -> bool:
    return any(allowed for _, allowed in photo_access.send(user, sha256=sha256))


def tickets_of_inspection(inspection_id: str) -> list[dict[str, Any]]:
    return [row for _, rows in inspection_tickets.send(inspection_id) for row in rows]


def connect_receivers() -> None:
    """Wire the features together. Idempotent: blinker keeps one connection per receiver."""
    from backend.exports import services as exports
    from backend.inspections import services as inspections
    from backend.plans import generation as plans
    from backend.revisits import services as revisits
    from backend.tickets import creation
    from backend.tickets import services as tickets

    inspection_submitted.connect(creation.on_inspection_submitted, weak=False)
    inspection_submitted.connect(plans.on_inspection_submitted, weak=False)
    grids_reassigned.connect(plans.on_grids_reassigned, weak=False)
    photo_stored.connect(inspections.refresh_for_photo, weak=False)
    photo_access.connect(inspections.photo_visible_through_inspections, weak=False)
    photo_access.connect(tickets.photo_visible_through_tickets, weak=False)
    inspection_tickets.connect(exports.tickets_of_inspection, weak=False)
    ticket_closed.connect(revisits.on_ticket_closed, weak=False)
