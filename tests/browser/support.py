"""Helpers shared by the browser tests and bench/pwa_figures.py: the live server, the API as seen
by a test, test photos, and the inspector's steps in the app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from backend.clock import SHANGHAI

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PWA = ROOT / "pwa"
DEMO_PASSWORD = "demo12345"


# --- build -------------------------------------------------------------------------------------


def _sources() -> list[Path]:
    skip = {PWA / "node_modules", PWA / "dist"}
    found = []
    for path in PWA.rglob("*"):
        if any(parent in skip for parent in path.parents) or path in skip:
            continue
        if path.is_file():
            found.append(path)
    return found


def pwa_is_stale() -> bool:
    index = PWA / "dist" / "index.html"
    if not index.is_file():
        return True
    built = index.stat().st_mtime
    return any(path.stat().st_mtime > built for path in _sources())


@dataclass
class BuiltApp:
    dist: Path

    def entry_files(self) -> list[Path]:
        """JS and CSS that index.html loads (the first screen; lazy chunks excluded)."""
        import re

        html = (self.dist / "index.html").read_text(encoding="utf-8")
        refs = re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', html)
        return [self.dist / ref.lstrip("/") for ref in refs]


# --- server ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    base: str
    process: subprocess.Popen
    tokens: dict[str, str] = field(default_factory=dict)
    log: Path | None = None  # gunicorn's output (worker timeouts show there)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        user: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if user:
            request.add_header("Authorization", f"Bearer {self.token(user)}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                status, response_headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            raw = error.read()
            status, response_headers = error.code, dict(error.headers)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw
        return status, response_headers, parsed

    def token(self, user: str) -> str:
        if user not in self.tokens:
            status, _, body = self.call(
                "POST", "/api/auth/login", {"username": user, "password": DEMO_PASSWORD}
            )
            assert status == 200, body
            self.tokens[user] = body["token"]
        return self.tokens[user]

    def get(self, path: str, user: str) -> Any:
        status, _, body = self.call("GET", path, user=user)
        assert status == 200, (path, status, body)
        return body


DEMO_SETUP = (
    ("db", "upgrade"),
    ("checklists", "import", "checklists/wuhao-standard.yaml"),
    ("surveys", "import", "surveys/owner-satisfaction.yaml"),
    (
        "assessments",
        "import",
        "assessments/committee.yaml",
        "assessments/community.yaml",
        "assessments/street.yaml",
    ),
    ("demo", "seed"),
)


def start_server(
    instance: Path,
    workers: int = 2,
    environment: dict[str, str] | None = None,
    setup: tuple[tuple[str, ...], ...] = DEMO_SETUP,
) -> LiveServer:
    """Migrate and fill a fresh instance (`setup`: flask commands), then serve it."""
    env = {
        **os.environ,
        **(environment or {}),
        "WUHAO_INSTANCE_DIR": str(instance),
        "FLASK_APP": "backend",
        "SPATIALITE_LIBRARY_PATH": os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("PHOTO_STORAGE", None)
    for command in setup:
        done = subprocess.run(
            [BIN / "flask", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
    port = _free_port()
    log = (instance / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        # gunicorn.conf.py (the worker model of production: gthread, timeouts) is named so
        # that the live server is what `make serve` and docs/deploy.md run.
        [
            BIN / "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log=instance / "gunicorn.log")
    deadline = time.monotonic() + 120  # a loaded 2-core machine imports the app slowly
    while time.monotonic() < deadline:
        try:
            if server.call("GET", "/api/health")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError("gunicorn did not come up; see " + str(instance / "gunicorn.log"))


# --- photos ------------------------------------------------------------------------------------


def phone_photo(path: Path, seed: int = 1, size: tuple[int, int] = (4000, 3000)) -> Path:
    """A 12-megapixel phone-style JPEG with EXIF, like a cheap Android camera makes."""
    sys.path.insert(0, str(ROOT))
    from tests.photos.images import phone_jpeg

    path.write_bytes(phone_jpeg(size, seed=seed))
    return path


# --- the inspector's steps in the app ----------------------------------------------------------


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.get_by_test_id("login").locator("input[name=username]").fill(username)
    page.get_by_test_id("login").locator("input[name=password]").fill(password)
    page.get_by_test_id("login").locator("button[type=submit]").click()


def signed_in_phone(browser, base: str, username: str) -> tuple[Any, Any, list[str]]:
    """(context, page, page errors): a 360×740 zh-CN phone on the app, signed in as `username`."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/")
    login(page, username)
    return context, page, errors


def ordered_items(checklist: dict) -> list[dict]:
    """Items in the order the app walks them (area by area)."""
    areas = [area["key"] for area in checklist["definition"]["areas"]]
    return sorted(checklist["definition"]["items"], key=lambda item: areas.index(item["area"]))


def single_pass_value(item: dict) -> float | None:
    """A number item whose only passing value is one number (a count that must be 0): the app
    passes it with a button and asks for the number only after 不合格."""
    answer = item["answer"]
    if answer["type"] != "number":
        return None
    low = answer.get("pass_min")
    high = answer.get("pass_max")
    low = answer.get("min") if low is None else low
    high = answer.get("max") if high is None else high
    return low if low is not None and low == high else None


def passing_answer(item: dict) -> tuple[str, Any]:
    """How to pass an item: ('button', label zh) or ('number', value)."""
    answer = item["answer"]
    if answer["type"] == "pass_fail" or single_pass_value(item) is not None:
        return "button", "合格"
    if answer["type"] == "choice":
        option = next(o for o in answer["options"] if o["passes"])
        return "button", option["zh"]
    low = answer.get("pass_min")
    value = low if low is not None else (answer.get("min") or 0)
    return "number", value


def failing_answer(item: dict) -> tuple[str, Any]:
    answer = item["answer"]
    if answer["type"] == "pass_fail":
        return "button", "不合格"
    if answer["type"] == "choice":
        option = next(o for o in answer["options"] if not o["passes"])
        return "button", option["zh"]
    high = answer.get("pass_max")
    return "number", (high + 1) if high is not None else answer["pass_min"] - 1


def answer_item(page, item: dict, how: tuple[str, Any], last: bool) -> None:
    """Answer the item on screen; move on to the next one (pass and n.a. move on by themselves)."""
    from playwright.sync_api import expect

    card = page.get_by_test_id("item")
    expect(card).to_have_attribute("data-code", item["code"])
    kind, value = how
    if kind == "button":
        card.get_by_role("button", name=value, exact=True).click()
        auto_advances = value in {"合格", "不适用"} or any(
            o["zh"] == value and o["passes"] for o in item["answer"].get("options", [])
        )
        if last or not auto_advances:
            return
        expect(card).not_to_have_attribute("data-code", item["code"])
    else:
        if single_pass_value(item) is not None:
            card.get_by_test_id("fail-count").click()  # the count is asked for after 不合格
        card.get_by_test_id("number").fill(str(value))


def next_item(page, item: dict) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("item")).not_to_have_attribute("data-code", item["code"])


def wait_for_service_worker(page) -> None:
    """Until the page is controlled by our service worker and it is activated (the shell is
    then cached).

    (`page.wait_for_function` evaluates strings, which our CSP rightly forbids.)"""
    page.evaluate(
        """() => Promise.race([
            new Promise((_, reject) => setTimeout(() => reject(new Error('no service worker')), 30000)),
            (async () => {
                await navigator.serviceWorker.ready;
                if (!navigator.serviceWorker.controller) {
                    await new Promise((resolve) => navigator.serviceWorker.addEventListener(
                        'controllerchange', resolve, { once: true }));
                }
                // clients.claim() hands over control while the worker is still 'activating'.
                const worker = navigator.serviceWorker.controller;
                while (worker.state !== 'activated') {
                    await new Promise((resolve) =>
                        worker.addEventListener('statechange', resolve, { once: true }));
                }
            })(),
        ])"""
    )


def beijing_today() -> date:
    """The city's date, which the phones (timezone Asia/Shanghai) and the server count in: from
    16:00 UTC it is already tomorrow there."""
    return datetime.now(SHANGHAI).date()
