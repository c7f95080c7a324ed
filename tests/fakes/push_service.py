"""A fake Web Push service on a local port, with browsers' subscriptions it can read.

It plays both ends the tests cannot reach: the push service (RFC 8030: POST to a subscription's
endpoint, checking the VAPID token of RFC 8292 against its key and audience) and the browser
holding the subscription's private key, which decrypts the RFC 8291 aes128gcm body itself (ECDH,
HKDF and AES-GCM written out here from the RFCs, not by the library that encrypted it).
"""

from __future__ import annotations

import base64
import json
import os
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.fakes.server import LocalServer


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def _raw_public(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@dataclass
class Browser:
    """One subscription: what the browser keeps (private key, auth secret) and what it gives
    the app (endpoint, p256dh, auth)."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    def subscription(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "keys": {
                "p256dh": b64url(_raw_public(self.private_key)),
                "auth": b64url(self.auth_secret),
            },
        }

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 §3.4 / RFC 8188 §2.1: one aes128gcm record."""
        salt, record_size, id_length = body[:16], struct.unpack("!I", body[16:20])[0], body[20]
        sender_public = body[21 : 21 + id_length]
        ciphertext = body[21 + id_length :]
        assert len(ciphertext) <= record_size, "one record expected"
        server_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
        shared = self.private_key.exchange(ec.ECDH(), server_key)
        info = b"WebPush: info\x00" + _raw_public(self.private_key) + sender_public
        ikm = _hkdf(self.auth_secret, shared, info, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
        stripped = padded.rstrip(b"\x00")
        assert stripped.endswith(b"\x02"), "last record's padding delimiter"
        return stripped[:-1]


def vapid_keys() -> tuple[str, str]:
    """(private, public) as VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY take them."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url(private), b64url(_raw_public(key))


def check_vapid(authorization: str, audience: str, expected_key: str) -> str | None:
    """The problem with a `vapid t=…, k=…` header (RFC 8292 §3), or None when it is good."""
    if not authorization.startswith("vapid "):
        return "not vapid"
    parts = dict(p.strip().split("=", 1) for p in authorization[6:].split(","))
    if parts.get("k") != expected_key:
        return "unknown application server key"
    header, claims, signature = parts["t"].split(".")
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    try:
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "bad signature"
    body = json.loads(unb64url(claims))
    if body.get("aud") != audience or body.get("exp", 0) < time.time() or not body.get("sub"):
        return "bad claims"
    return None


@dataclass
class FakePushService:
    public_key: str = ""
    browsers: dict[str, Browser] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)  # decrypted, per browser
    gone: set[str] = field(default_factory=set)  # browsers that unsubscribed: 410
    fail_next: list[int] = field(default_factory=list)
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: LocalServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None
        return self._server.origin

    def new_browser(self) -> Browser:
        browser_id = b64url(os.urandom(9))
        browser = Browser(
            id=browser_id,
            endpoint=f"{self.origin}/push/{browser_id}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.browsers[browser_id] = browser
        return browser

    def messages_for(self, browser: Browser) -> list[dict[str, Any]]:
        with self._lock:
            return [m["payload"] for m in self.received if m["browser"] == browser.id]

    def handle(self, path: str, headers: Any, body: bytes) -> int:
        with self._lock:
            self.requests += 1
            if self.fail_next:
                return self.fail_next.pop(0)
            browser = self.browsers.get(path.rsplit("/", 1)[-1])
            if browser is None or browser.id in self.gone:
                return 410
            if headers.get("Content-Encoding") != "aes128gcm" or not headers.get("TTL"):
                return 400
            problem = check_vapid(headers.get("Authorization", ""), self.origin, self.public_key)
            if problem:
                return 403
            payload = json.loads(browser.decrypt(body))
            self.received.append(
                {"browser": browser.id, "payload": payload, "topic": headers.get("Topic")}
            )
            return 201

    def start(self) -> None:
        self._server = LocalServer(
            lambda path, headers, body: (self.handle(path, headers, body), None)
        )

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()


@pytest.fixture
def fake_push() -> Iterator[FakePushService]:
    service = FakePushService()
    service.start()
    yield service
    service.stop()
