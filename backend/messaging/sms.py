"""SMS through an HTTP gateway.

The gateway contract is deliberately small, so that any provider can be fronted by a thin proxy:

    POST {SMS_GATEWAY_URL}
    Authorization: Bearer {SMS_GATEWAY_KEY}
    Content-Type: application/json
    {"phone": "13800138000", "text": "...", "idempotency_key": "..."}

    → 2xx {"id": "<gateway message id>"}

The gateway must treat a repeated idempotency_key as the same message (send it once). 429 and
5xx answers and network failures are worth retrying; other 4xx (bad key, bad number) are not.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

# Mainland mobile numbers: 11 digits starting 13–19, optionally written with +86 / 86 and spaces
# or dashes (as people type them).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalise_mobile(raw: str) -> str | None:
    """The 11-digit mobile number in `raw`, or None when it is not one."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE.match(digits) else None


def mask_mobile(phone: str) -> str:
    """138****8000: what may be shown on a screen or in a log."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "****"


class SmsError(Exception):
    """A message the gateway did not accept; `retryable` says whether trying later may help."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class SmsGateway(Protocol):
    def send(self, phone: str, text: str, *, idempotency_key: str) -> str:
        """Send `text` to `phone` once per key; return the gateway's message id or raise
        SmsError."""
        ...


@dataclass(frozen=True)
class HttpSmsGateway:
    url: str
    key: str
    timeout_seconds: float = 10.0

    def send(self, phone: str, text: str, *, idempotency_key: str) -> str:
        body = json.dumps(
            {"phone": phone, "text": text, "idempotency_key": idempotency_key},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {self.key}",
                "Content-Type": "application/json; charset=utf-8",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as answer:
                payload = json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            retryable = exc.code == 429 or exc.code >= 500
            raise SmsError(f"gateway answered {exc.code}", retryable=retryable) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}", retryable=True) from exc
        except ValueError as exc:
            raise SmsError("gateway answered something that is not JSON", retryable=True) from exc
        message_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(message_id, str) or not message_id:
            raise SmsError("gateway answered without a message id", retryable=True)
        return message_id


def configured_gateway() -> SmsGateway | None:
    """The gateway named by SMS_GATEWAY_URL / SMS_GATEWAY_KEY, or None when SMS is not set up."""
    url = current_app.config.get("SMS_GATEWAY_URL") or ""
    if not url:
        return None
    return HttpSmsGateway(
        url=url,
        key=current_app.config.get("SMS_GATEWAY_KEY") or "",
        timeout_seconds=float(current_app.config.get("SMS_GATEWAY_TIMEOUT_SECONDS") or 10),
    )
