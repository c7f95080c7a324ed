"""Schemathesis hooks for the long run (bench/fuzz_api.py; SCHEMATHESIS_HOOKS=bench.fuzz_hooks):
a tus chunk (`application/offset+octet-stream`) is raw bytes, sent as they are."""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
