"""Browser tests: Debian's chromium driven by Playwright against a real gunicorn.

The session builds the web app when pwa/dist is missing or older than its sources, migrates and
seeds a throwaway SpatiaLite instance, and serves it on a free loopback port. These tests do not
use the database fixtures of tests/conftest.py. Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

if os.environ.get("CI"):
    # In CI the browser tests must run, never quietly skip for want of Playwright.
    import playwright.sync_api

from tests.browser.support import ROOT, BuiltApp, LiveServer, pwa_is_stale, start_server

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def built_app() -> BuiltApp:
    if pwa_is_stale():
        done = subprocess.run(
            ["make", "pwa"], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return BuiltApp(ROOT / "pwa" / "dist")


@pytest.fixture(scope="session")
def live_server(
    built_app: BuiltApp, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("browser-instance"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: run scripts/ensure-system-packages.sh --browser")
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
