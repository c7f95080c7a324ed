"""WeChat Official Account (公众号) template messages over its plain HTTPS API (no SDK).

    POST {WECHAT_API_BASE}/cgi-bin/stable_token {grant_type, appid, secret} → {access_token,
         expires_in}  (the stable token: several notifier processes share one, none revokes it)
    POST {WECHAT_API_BASE}/cgi-bin/message/template/send?access_token=… {touser, template_id,
         url, data: {field: {value}}} → {errcode: 0, msgid}

The message never relies on `remark` or colours (WeChat dropped both for new templates): the
template's own fields carry the title, the ticket code, the text and the time, named by
WECHAT_TEMPLATE_FIELDS, and `url` deep-links to the ticket.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from backend.clock import utcnow
from backend.notifications.rules import beijing

# errcodes: 40001/42001/40014 the token is stale (fetch again, retry); 45009/45047 quota,
# -1 busy (later); 43004 the user unfollowed, 40003 bad openid (never).
STALE_TOKEN = frozenset({40001, 40014, 42001})
LATER = frozenset({-1, 45009, 45047, 45011})
LIMITS = {"thing": 20, "character_string": 32, "phrase": 5}


class WechatError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def _fit(name: str, value: str) -> str:
    for prefix, limit in LIMITS.items():
        if name.startswith(prefix):
            return value if len(value) <= limit else value[: limit - 1] + "…"
    return value


@dataclass
class WechatClient:
    base: str
    appid: str
    secret: str
    template_id: str
    fields: dict[str, str]  # our part (title, code, body, time) → the template's field name
    timeout_seconds: float = 10.0
    _token: tuple[str, float] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base.rstrip('/')}{path}",
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as answer:
                payload = json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise WechatError(f"wechat answered HTTP {exc.code}", retryable=True) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise WechatError(f"wechat unreachable: {exc}", retryable=True) from exc
        except ValueError as exc:
            raise WechatError("wechat answered something that is not JSON", retryable=True) from exc
        if not isinstance(payload, dict):
            raise WechatError("wechat answered something unexpected", retryable=True)
        return payload

    def token(self, refresh: bool = False) -> str:
        with self._lock:
            if self._token and not refresh and self._token[1] > time.monotonic():
                return self._token[0]
            body = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
            if refresh:
                body["force_refresh"] = False  # the stable token: same one while it is valid
            answer = self._post("/cgi-bin/stable_token", body)
            token = answer.get("access_token")
            if not token:
                code = answer.get("errcode")
                # Wrong appid/secret or an IP not whitelisted: retried, then a dead letter.
                raise WechatError(f"wechat token refused: {code} {answer.get('errmsg', '')}",
                                  retryable=True)  # fmt: skip
            lifetime = int(answer.get("expires_in") or 7200)
            self._token = (token, time.monotonic() + max(lifetime - 300, 60))
            return token

    def send(self, openid: str, title: str, code: str, body: str, url: str) -> str:
        parts = {"title": title, "code": code, "body": body, "time": beijing(utcnow())}
        data = {
            name: {"value": _fit(name, parts[part])}
            for part, name in self.fields.items()
            if part in parts
        }
        message = {"touser": openid, "template_id": self.template_id, "url": url, "data": data}
        for attempt in range(2):
            token = self.token(refresh=attempt > 0)
            answer = self._post(f"/cgi-bin/message/template/send?access_token={token}", message)
            code_ = answer.get("errcode", 0)
            if code_ == 0:
                return str(answer.get("msgid", ""))
            if code_ in STALE_TOKEN and attempt == 0:
                continue
            raise WechatError(
                f"wechat refused: {code_} {answer.get('errmsg', '')}",
                retryable=code_ in LATER or code_ in STALE_TOKEN,
            )
        raise WechatError("wechat token still stale", retryable=True)


def parse_fields(text: str) -> dict[str, str]:
    """'title:thing1,code:character_string2,…' → {'title': 'thing1', …}."""
    pairs = [p.split(":", 1) for p in text.split(",") if ":" in p]
    return {ours.strip(): theirs.strip() for ours, theirs in pairs}


_clients: dict[tuple[str, ...], WechatClient] = {}


def configured_client() -> WechatClient | None:
    """One client per configuration per process (it keeps the access token)."""
    config = current_app.config
    if not (config.get("WECHAT_APPID") and config.get("WECHAT_TEMPLATE_ID")):
        return None
    key = (config["WECHAT_API_BASE"], config["WECHAT_APPID"], config.get("WECHAT_SECRET") or "",
           config["WECHAT_TEMPLATE_ID"], config["WECHAT_TEMPLATE_FIELDS"])  # fmt: skip
    if key not in _clients:
        _clients[key] = WechatClient(
            base=key[0], appid=key[1], secret=key[2], template_id=key[3],
            fields=parse_fields(key[4]),
            timeout_seconds=float(config.get("WECHAT_TIMEOUT_SECONDS") or 10),
        )  # fmt: skip
    return _clients[key]
