"""What chunking costs: a photo sent whole (PUT /api/photos/{sha256}) against the same photo sent
over the resumable protocol (tus: POST, then PATCH chunks of 32 KiB or 256 KiB), to a real
gunicorn (gunicorn.conf.py) on loopback with the demo world on SpatiaLite.

Prints, per photo size and method: requests, bytes on the wire (request and response, headers
included, counted on the socket), the protocol's bytes beyond the photo itself, the median wall
time, and how long those bytes alone take on a 16 kbit/s uplink. Figures only, no pass/fail.

    python bench/upload_chunks.py --repeat 3
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import socket
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.support import DEMO_PASSWORD, start_server  # noqa: E402
from tests.photos.images import phone_jpeg  # noqa: E402

SLOW_LINK_BYTES_PER_S = 16_000 / 8


@dataclass
class Wire:
    """A keep-alive HTTP/1.1 connection that counts every byte both ways."""

    sock: socket.socket
    sent: int = 0
    received: int = 0
    requests: int = 0

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple:
        lines = [f"{method} {path} HTTP/1.1", "Host: bench", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        self.sock.sendall(data)
        self.sent += len(data)
        self.requests += 1
        return self._response(method)

    def _response(self, method: str) -> tuple[int, dict[str, str]]:
        raw = b""
        while b"\r\n\r\n" not in raw:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            raw += chunk
        head, rest = raw.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
        length = 0 if method == "HEAD" else int(headers.get("content-length", "0"))
        while len(rest) < length:
            rest += self.sock.recv(65536)
        self.received += len(head) + 4 + length
        return int(lines[0].split()[1]), headers


def _connect(base: str) -> Wire:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    return Wire(socket.create_connection((host, int(port)), timeout=120))


def _photo(target: int, seed: int) -> bytes:
    """A phone-style JPEG of about `target` bytes (distinct per seed)."""
    width = 800
    while True:
        data = phone_jpeg((width, width * 3 // 4), seed=seed)
        if len(data) >= target:
            return data
        width = int(width * 1.15)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def send_whole(wire: Wire, token: str, photo: bytes) -> None:
    sha = hashlib.sha256(photo).hexdigest()
    status, _ = wire.request(
        "PUT", f"/api/photos/{sha}",
        {"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"}, photo,
    )  # fmt: skip
    assert status == 201, status


def send_chunked(wire: Wire, token: str, photo: bytes, chunk: int) -> None:
    sha = hashlib.sha256(photo).hexdigest()
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    status, headers = wire.request(
        "POST", "/api/photos/uploads",
        {**auth, "Upload-Length": str(len(photo)),
         "Upload-Metadata": f"sha256 {_b64(sha)},filetype {_b64('image/jpeg')}"},
    )  # fmt: skip
    assert status == 201, status
    location = headers["location"]
    offset = 0
    while offset < len(photo):
        part = photo[offset : offset + chunk]
        status, headers = wire.request(
            "PATCH", location,
            {**auth, "Upload-Offset": str(offset),
             "Content-Type": "application/offset+octet-stream"}, part,
        )  # fmt: skip
        assert status == 204, status
        offset += len(part)
    assert headers.get("x-photo-stored") == "created", headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median time)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    methods = [("whole PUT", None), ("tus 32 KiB", 32 * 1024), ("tus 256 KiB", 256 * 1024)]
    sizes = [("300 KB", 300_000), ("3 MB", 3_000_000)]
    with tempfile.TemporaryDirectory(prefix="wuhao-bench-") as folder:
        # An empty instance with one uploader: the demo world adds nothing to an upload.
        setup = (
            ("db", "upgrade"),
            ("users", "create", "bench1", "--role", "inspector"),
        )
        # The password comes from the environment: commands never take one as an argument.
        password = {"WUHAO_USER_PASSWORD": DEMO_PASSWORD}
        server = start_server(Path(folder), workers=args.workers, environment=password, setup=setup)
        try:
            token = server.token("bench1")
            seed = 100
            columns = ("photo B", "wire B", "protocol B")
            print(
                f"{'photo':8} {'method':12} {'requests':>8} "
                + " ".join(f"{c:>10}" for c in columns)
                + f" {'of photo':>8} {'median s':>9} {'at 16 kbit/s':>13}"
            )
            for size_name, target in sizes:
                for name, chunk in methods:
                    times, counts = [], None
                    for _ in range(args.repeat):
                        seed += 1
                        photo = _photo(target, seed)
                        wire = _connect(server.base)
                        started = time.perf_counter()
                        if chunk is None:
                            send_whole(wire, token, photo)
                        else:
                            send_chunked(wire, token, photo, chunk)
                        times.append(time.perf_counter() - started)
                        wire.sock.close()
                        counts = (wire.requests, wire.sent + wire.received, len(photo))
                    requests, total, length = counts
                    protocol = total - length  # headers both ways, answers
                    print(
                        f"{size_name:8} {name:12} {requests:8d} {length:10,d} {total:10,d} "
                        f"{protocol:10,d} {100 * protocol / length:7.2f}% "
                        f"{statistics.median(times):9.3f} "
                        f"{total / SLOW_LINK_BYTES_PER_S:12.1f}s"
                    )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
