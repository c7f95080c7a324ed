"""A fake SMS gateway speaking the contract of backend/messaging/sms.py, on a local port.

It keeps what it was sent (one message per idempotency key, as a real gateway must), checks the
bearer key, and can be told to fail the next N requests with a status (to test retries).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fakes.server import LocalServer


@dataclass
class FakeSmsGateway:
    key: str = "fake-sms-key"
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    fail_next: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: LocalServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"{self._server.origin}/sms"

    def texts_to(self, phone: str) -> list[str]:
        with self._lock:
            return [m["text"] for m in self.messages if m["phone"] == phone]

    def handle(self, authorization: str, body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests += 1
            if self.fail_next:
                return self.fail_next.pop(0), {"error": "told to fail"}
            if authorization != f"Bearer {self.key}":
                return 401, {"error": "bad key"}
            try:
                payload = json.loads(body)
                phone, text, key = payload["phone"], payload["text"], payload["idempotency_key"]
            except (ValueError, KeyError, TypeError):
                return 400, {"error": "bad body"}
            for message in self.messages:
                if message["idempotency_key"] == key:
                    return 200, {"id": message["id"]}
            message_id = f"m{len(self.messages) + 1}"
            self.messages.append(
                {"id": message_id, "phone": phone, "text": text, "idempotency_key": key}
            )
            return 200, {"id": message_id}

    def start(self) -> None:
        self._server = LocalServer(
            lambda path, headers, body: self.handle(headers.get("Authorization", ""), body)
        )

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


@pytest.fixture
def fake_sms() -> Iterator[FakeSmsGateway]:
    gateway = FakeSmsGateway()
    gateway.start()
    yield gateway
    gateway.stop()
