"""Rounding as people do it on paper: half up (四舍五入) on the decimal value, so that a screen,
an export, a public page and a hand-computed check agree to the digit (Python's round() rounds
an exact tie to even, and works on the binary value: round(0.15, 1) is 0.1)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def one_decimal(value: float | None) -> float | None:
    """0.15 → 0.2, 86.25 → 86.3; None stays None (no figure)."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
