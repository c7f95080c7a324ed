from tests.tickets.conftest import act, inspect, tickets_of, upload  # noqa: F401 (fixtures)
