"""Load and faults: real gunicorn (several workers) on a throwaway PostGIS cluster, driven from
separate client processes on loopback, while PostgreSQL restarts once and one worker is killed.

    .venv/bin/python bench/load_faults.py [--duration 60] [--clients 6] [--workers 3]

Afterwards every write a client was told was stored (2xx) is looked up in the database: zero
lost, zero duplicates. Prints throughput, p50/p95/p99 per request kind and counts per status.
The short form runs in `make test` (tests/ops/test_load_faults.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.load_clients import Outcome, run_client  # noqa: E402
from tests.pg_cluster import Cluster, start_cluster  # noqa: E402

WRITES = ("inspection_put", "photo_put", "transition")


@dataclass
class Report:
    duration: float
    requests: int = 0
    throughput: float = 0.0
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    bad_5xx: int = 0  # any 5xx but 503-with-Retry-After
    unavailable_503: int = 0
    connection_errors: int = 0
    retries: int = 0
    resends: int = 0
    resend_failures: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    faults: dict[str, float] = field(default_factory=dict)  # fault → seconds after start
    ok_after_faults: int = 0  # 2xx writes begun after the last fault: the service recovered
    restart_seen: int = 0  # 503s and broken connections from just before to 5 s after the restart
    ok_after_restart: int = 0  # 2xx writes begun between the restart and the worker kill
    # Open tickets for one estate and item made by concurrent inspections (the recurrence rule
    # would have made the later one a recurrence had they come one after the other).
    twin_open_tickets: int = 0
    server_log: list[str] = field(default_factory=list)  # gunicorn's errors, for the reader

    def lines(self) -> list[str]:
        out = [
            f"{self.requests} requests in {self.duration:.0f} s = {self.throughput:.1f} req/s",
            f"faults at (s): {json.dumps(self.faults)}",
            f"acknowledged: {json.dumps(self.acknowledged)}",
            f"lost: {len(self.lost)}  duplicates: {len(self.duplicates)}  "
            f"5xx other than 503+Retry-After: {self.bad_5xx}",
            f"503 (all with Retry-After): {self.unavailable_503}  broken connections: "
            f"{self.connection_errors}  client retries: {self.retries}  "
            f"identical resends: {self.resends} (not 200: {len(self.resend_failures)})",
            f"failures seen around the restart: {self.restart_seen}  2xx writes after the "
            f"restart: {self.ok_after_restart}, after the last fault: {self.ok_after_faults}",
            f"open tickets twinned by concurrent inspections: {self.twin_open_tickets}",
            "kind                    n     p50 ms   p95 ms   p99 ms   statuses",
        ]
        for kind, figures in sorted(self.latency_ms.items()):
            counts = " ".join(f"{s}:{n}" for s, n in sorted(self.statuses[kind].items()))
            out.append(
                f"{kind:<20}{figures['n']:>6.0f}{figures['p50']:>10.1f}{figures['p95']:>9.1f}"
                f"{figures['p99']:>9.1f}   {counts}"
            )
        out += [f"unexpected: {u}" for u in self.unexpected[:20]]
        out += [f"server: {line}" for line in self.server_log[:30]]
        return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def _wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarise(outcomes: list[Outcome], duration: float, faults: dict[str, float]) -> Report:
    report = Report(duration=duration, faults=faults)
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    last_fault = max(faults.values(), default=0.0)
    restart = (faults.get("pg_restart_begin", 0.0) - 2, faults.get("pg_restart_end", 0.0) + 5)
    for outcome in outcomes:
        report.retries += outcome.retries
        report.resends += outcome.resends
        report.resend_failures += outcome.resend_failures
        report.unexpected += outcome.unexpected
        for kind, status, seconds, retry_after, started in outcome.requests:
            statuses[kind][status] += 1
            if status in (0, 503) and restart[0] <= started <= restart[1]:
                report.restart_seen += 1
            ok_write = 200 <= status < 300 and kind in WRITES
            if ok_write and restart[1] - 5 < started < faults.get("worker_killed", 1e9):
                report.ok_after_restart += 1
            if status == 0:
                report.connection_errors += 1
                continue
            report.requests += started >= 0  # sign-in before the clock started is not load
            latencies[kind].append(seconds * 1000)
            if status == 503 and retry_after:
                report.unavailable_503 += 1
            elif status >= 500:
                report.bad_5xx += 1
            if ok_write and started > last_fault:
                report.ok_after_faults += 1
    report.throughput = report.requests / duration
    for kind, values in latencies.items():
        report.latency_ms[kind] = {
            "n": len(values),
            "p50": _percentile(values, 50),
            "p95": _percentile(values, 95),
            "p99": _percentile(values, 99),
        }
    report.statuses = {kind: dict(counter) for kind, counter in statuses.items()}
    return report


def verify(url: str, photo_root: Path, outcomes: list[Outcome], report: Report) -> None:
    """Compare every acknowledged write with the database and the photo store."""
    import sqlalchemy as sa

    from backend.photos.storage import LocalStorage, key_for

    inspections = {uid: items for o in outcomes for uid, items in o.inspections.items()}
    photos = {sha for o in outcomes for sha in o.photos}
    transitions = [t for o in outcomes for t in o.transitions]
    report.acknowledged = {
        "inspections": len(inspections),
        "findings": sum(len(items) for items in inspections.values()),
        "photos": len(photos),
        "transitions": len(transitions),
    }
    store = LocalStorage(photo_root)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as db:
            stored = set(db.scalars(sa.text("SELECT id FROM inspections")))
            report.lost += [f"inspection {uid}" for uid in inspections if uid not in stored]
            photo_rows = set(db.scalars(sa.text("SELECT sha256 FROM photos")))
            for sha in photos:
                if sha not in photo_rows or not store.exists(key_for("original", sha)):
                    report.lost.append(f"photo {sha}")
            # Each failed finding is one ticket, or one recurrence on an open ticket: never both,
            # never twice, never none.
            seen: Counter = Counter()
            for inspection_id, item in db.execute(
                sa.text("SELECT inspection_id, item_code FROM tickets WHERE source = 'inspection'")
            ):
                seen[(inspection_id, item)] += 1
            for data, item in db.execute(
                sa.text(
                    "SELECT e.data, t.item_code FROM ticket_events e "
                    "JOIN tickets t ON t.id = e.ticket_id WHERE e.action = 'recurrence'"
                )
            ):
                data = data if isinstance(data, dict) else json.loads(data)
                seen[(data.get("inspection_id"), item)] += 1
            for uid, items in inspections.items():
                for item in items:
                    if seen[(uid, item)] == 0:
                        report.lost.append(f"finding {uid}/{item}")
                    elif seen[(uid, item)] > 1:
                        report.duplicates.append(f"finding {uid}/{item} ×{seen[(uid, item)]}")
            events = Counter(
                tuple(row)
                for row in db.execute(
                    sa.text(
                        "SELECT ticket_id, action FROM ticket_events "
                        "WHERE action IN ('accept', 'rectify')"
                    )
                )
            )
            for ticket_id, action in transitions:
                if events[(ticket_id, action)] == 0:
                    report.lost.append(f"transition {ticket_id}/{action}")
            report.twin_open_tickets = (
                db.scalar(
                    sa.text(
                        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM tickets "
                        "WHERE state NOT IN ('closed', 'cancelled') "
                        "GROUP BY estate_id, item_code HAVING count(*) > 1) AS twins"
                    )
                )
                or 0
            )
            # Nobody rejects in this load, so a ticket is accepted and rectified at most once.
            report.duplicates += [f"transition {k} ×{n}" for k, n in events.items() if n > 1]
    finally:
        engine.dispose()


def _notable(log: str) -> list[str]:
    """The server's own account of the run: worker deaths and logged errors, not tracebacks."""
    words = (
        "[ERROR]",
        "[CRITICAL]",
        "database unavailable",
        "commit failed",
        "unhandled error",
        "database error",
        "Booting worker",
        "sqlalchemy.exc.",  # the error that ended a logged traceback
    )
    return [line.strip()[:200] for line in log.splitlines() if any(w in line for w in words)]


def _faults(cluster: Cluster, master: int, t0: float, duration: float) -> dict[str, float]:
    """PostgreSQL restarts at 35 % of the run, a worker is SIGKILLed at 65 %."""
    faults: dict[str, float] = {}
    time.sleep(max(0.0, t0 + 0.35 * duration - time.monotonic()))
    faults["pg_restart_begin"] = time.monotonic() - t0
    cluster.restart("fast")
    faults["pg_restart_end"] = time.monotonic() - t0
    time.sleep(max(0.0, t0 + 0.65 * duration - time.monotonic()))
    victim = _workers(master)[0]
    os.kill(victim, signal.SIGKILL)
    faults["worker_killed"] = time.monotonic() - t0
    return faults


def run(duration: float = 60, clients: int = 6, workers: int = 3, history: bool = False) -> Report:
    cluster = start_cluster(port=_free_port())
    work = Path(tempfile.mkdtemp(prefix="wuhao-load-"))
    server: subprocess.Popen | None = None
    try:
        url = cluster.create_database("wuhao_load")
        env = {
            **os.environ,
            "FLASK_APP": "backend",
            "DATABASE_URL": url,
            "WUHAO_INSTANCE_DIR": str(work),
            "PHOTO_STORAGE": f"local:{work / 'photos'}",
            "SPATIALITE_LIBRARY_PATH": "mod_spatialite",
        }
        _flask(env, "db", "upgrade")
        _flask(env, "checklists", "import", "checklists/wuhao-standard.yaml")
        _flask(env, "demo", "seed", "--history" if history else "--no-history")
        port = _free_port()
        log = (work / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_healthy(port)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        barrier = context.Barrier(clients + 1)  # the clock starts once every client signed in
        processes = [
            context.Process(target=run_client, args=(i, port, duration, barrier, queue))
            for i in range(clients)
        ]
        for process in processes:
            process.start()
        barrier.wait(timeout=180)
        t0 = time.monotonic()
        faults: dict[str, float] = {}
        injector = threading.Thread(
            target=lambda: faults.update(_faults(cluster, server.pid, t0, duration))
        )
        injector.start()
        outcomes = [queue.get(timeout=duration + 120) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        injector.join()
        report = summarise(outcomes, duration, faults)
        verify(url, work / "photos", outcomes, report)
        report.server_log = _notable((work / "gunicorn.log").read_text(errors="replace"))
        return report
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--clients", type=int, default=6, help="client processes")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--history", action="store_true", help="seed six weeks of demo history")
    args = parser.parse_args()
    report = run(args.duration, args.clients, args.workers, args.history)
    print("\n".join(report.lines()))
    if report.lost or report.duplicates or report.bad_5xx:
        sys.exit(1)


if __name__ == "__main__":
    main()
