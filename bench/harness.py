"""What the city-scale benches share: timing a call, printing its figures, and the command line
(`--quick`, `--runs`; DATABASE_URL, an empty PostGIS database, or else a throwaway cluster)."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(call: Callable[[], Any], runs: int) -> dict[str, float]:
    """p50/p95 wall time of `call` over `runs` runs after one warm-up, and the median CPU time of
    this process (the app's Python, not the database's): on a loaded machine the wall time is
    mostly waiting for a core."""
    call()
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    samples.sort()
    return {
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)],
        "cpu_p50_ms": statistics.median(cpu),
    }


def timing_lines(figures: dict[str, Any], groups: tuple[str, ...] = ("calls", "http")) -> list[str]:
    """One line per timed call of `groups`, then the machine's load."""
    lines = [
        f"  {name}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms "
        f"(app CPU p50 {r['cpu_p50_ms']:.0f} ms)"
        for group in groups
        for name, r in figures.get(group, {}).items()
    ]
    lines.append(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return lines


def main(
    description: str,
    run: Callable[[str, bool, int | None], dict[str, Any]],
    report: Callable[[dict[str, Any]], str],
    database: str,
    port: int,
) -> None:
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if url:
        print(report(run(url, args.quick, args.runs)), flush=True)
        return
    from tests.pg_cluster import start_cluster

    cluster = start_cluster(port=port)
    try:
        url = cluster.create_database(database)
        print(report(run(url, args.quick, args.runs)), flush=True)
    finally:
        cluster.stop()
