"""Fixtures for the security tests: inspections and tickets are made the way users make them."""

from tests.tickets.conftest import inspect, tickets_of, upload  # noqa: F401
