"""Jurisdiction in place terms. `accounts` turns a user into a Scope; places turns it into SQL."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    """What part of the city a caller may see. Empty means nothing; `everything` means all.

    `organisation_ids` reaches the estates those organisations manage today (firms, custodians).
    """

    everything: bool = False
    district_ids: frozenset[int] = field(default_factory=frozenset)
    street_ids: frozenset[int] = field(default_factory=frozenset)
    grid_ids: frozenset[int] = field(default_factory=frozenset)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def all(cls) -> Scope:
        return cls(everything=True)

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.district_ids
            or self.street_ids
            or self.grid_ids
            or self.organisation_ids
        )
