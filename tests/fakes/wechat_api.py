"""A fake WeChat Official Account API on a local port: the stable access token and template
messages, answering with errcodes as WeChat does (HTTP 200 with `errcode`).

It refuses a wrong appid/secret (40125), a token it did not give or revoked (40001), an openid it
was told has unfollowed (43004), and a message that uses `remark` or colours (which templates no
longer show). `revoke_tokens()` makes the current token stale, as WeChat does after 2 hours.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fakes.server import LocalServer


@dataclass
class FakeWechat:
    appid: str = "wx-fake-app"
    secret: str = "wx-fake-secret"
    template_id: str = "TPL-ticket"
    unfollowed: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    token_requests: int = 0
    _tokens: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: LocalServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return self._server.origin

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def handle(self, path: str, body: bytes) -> dict[str, Any]:
        url = urllib.parse.urlsplit(path)
        payload = json.loads(body or b"{}")
        with self._lock:
            if url.path == "/cgi-bin/stable_token":
                self.token_requests += 1
                if (payload.get("appid"), payload.get("secret")) != (self.appid, self.secret):
                    return {"errcode": 40125, "errmsg": "invalid appsecret"}
                token = f"tok{self.token_requests}"
                self._tokens.add(token)
                return {"access_token": token, "expires_in": 7200}
            if url.path == "/cgi-bin/message/template/send":
                token = urllib.parse.parse_qs(url.query).get("access_token", [""])[0]
                if token not in self._tokens:
                    return {"errcode": 40001, "errmsg": "invalid credential"}
                if payload.get("template_id") != self.template_id:
                    return {"errcode": 40037, "errmsg": "invalid template_id"}
                data = payload.get("data") or {}
                if "remark" in data or any("color" in v for v in data.values()):
                    return {"errcode": 47003, "errmsg": "argument invalid: remark/color"}
                if payload.get("touser") in self.unfollowed:
                    return {"errcode": 43004, "errmsg": "require subscribe"}
                self.messages.append(payload)
                return {"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(self.messages)}
            return {"errcode": 404, "errmsg": "unknown api"}

    def start(self) -> None:
        self._server = LocalServer(lambda path, headers, body: (200, self.handle(path, body)))

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


@pytest.fixture
def fake_wechat() -> Iterator[FakeWechat]:
    fake = FakeWechat()
    fake.start()
    yield fake
    fake.stop()
