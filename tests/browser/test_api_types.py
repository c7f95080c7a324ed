"""The phone's API types are generated from the server's OpenAPI document (openapi-typescript), and
the committed file must be what the server says now."""

from __future__ import annotations

import subprocess

from tests.browser.support import PWA


def test_generated_api_types_are_current() -> None:
    done = subprocess.run(
        ["node", "tools/api-types.mjs", "--check"],
        cwd=PWA,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
