"""Deadline reminders (filled in below the outbox rules)."""

from __future__ import annotations


def queue_due() -> int:
    return 0
