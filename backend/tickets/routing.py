"""Where a finding goes: the checklist item names a kind of party; the estate's arrangements on the
finding date name the organisation (DOMAIN.md §3, §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.places import services as places
from backend.places.models import Estate


@dataclass(frozen=True)
class Route:
    organisation_id: int
    basis: str  # contract | custody | street_fallback | street_office | utility:<kind> | …


def route(estate: Estate, responsible: str, on: date) -> Route:
    """Route by the item's party.

    `manager` is whoever manages the estate that day: the contracted firm, the state-owned or
    charitable custodian, the owners' committee, or the street office for an unmanaged estate.
    `street_office` is the locality; `utility:<kind>` a utility, for its own lines.
    """
    if responsible == "manager":
        party = places.responsible_party(estate, on)
        return Route(party.organisation_id, party.basis)
    if responsible.startswith("utility:"):
        kind = responsible.split(":", 1)[1]
        utility = places.utility_for(estate, kind)
        if utility is not None:
            return Route(utility.id, responsible)
        # No such utility registered: the locality takes it and can reroute (basis says why).
        return Route(places.street_office(estate.street_id).id, f"unregistered_{responsible}")
    return Route(places.street_office(estate.street_id).id, "street_office")
