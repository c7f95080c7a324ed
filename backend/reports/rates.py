"""Rates shown as percentages: one decimal, rounded half up (四舍五入) on the rate's decimal
value, as the phone app shows them, so an export, a public page and a screen agree to the digit."""

from __future__ import annotations

from decimal import Decimal

from backend.numbers import one_decimal


def percent(rate: float | None) -> float | None:
    """0.5625 → 56.3 (Python's round() would give 56.2: it rounds an exact tie to even)."""
    if rate is None:
        return None
    return one_decimal(float(Decimal(repr(rate)) * 100))


def percent_text(rate: float | None) -> str:
    """ "56.3%", or "—" when there is no figure."""
    value = percent(rate)
    return "—" if value is None else f"{value:.1f}%"
