"""A fake SMS gateway speaking the contract of backend/messaging/sms.py, on a local port.

It keeps what it was sent (one message per idempotency key, as a real gateway must), checks the
bearer key, and can be told to fail the next N requests with a status (to test retries).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class FakeSmsGateway:
    key: str = "fake-sms-key"
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    fail_next: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/sms"

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
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = gateway.handle(self.headers.get("Authorization", ""), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def fake_sms() -> Iterator[FakeSmsGateway]:
    gateway = FakeSmsGateway()
    gateway.start()
    yield gateway
    gateway.stop()
