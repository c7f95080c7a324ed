"""Reports tests build tickets the way users do: the ticket tests' fixtures."""

from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401
