"""Tickets are made through the API, as users make them."""

from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401
