"""Coordinate systems and geometry helpers (layer 0: imports nothing else from ``backend``)."""
