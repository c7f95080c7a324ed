"""Owner survey under a busy lobby: N residents on the page at once, against real gunicorn on a
throwaway PostGIS cluster.

    .venv/bin/python bench/survey.py [--residents 200] [--rounds 3] [--workers 4] [--spread 20]

A lobby: the residents arrive within `--spread` seconds, each reads and fills the form for 5–15 s
and sends it (200 people on the page at once). A burst (`--spread 0 --think 0`): all of them
open and send at the same instant, the worst case.

Each resident is its own phone (its own device cookie) and household; all come from loopback, so
the per-network limit is raised for the run, as the deploy guide says for an estate behind one
address. Prints p50/p95/p99 of the page (GET) and of the answer (POST), and, as the baseline
measured in the same run and at the same concurrency, GET /api/health; then checks that every
answer acknowledged (303) is stored once.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.load_faults import _flask, _free_port, _wait_healthy  # noqa: E402
from tests.pg_cluster import start_cluster  # noqa: E402

QUESTIONS = ("sanitation", "order", "facilities", "garbage", "property", "overall")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _resident(
    port: int, token: str, home: str, pause: tuple[float, float], gate: threading.Barrier, out: dict
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    gate.wait()
    time.sleep(pause[0])
    t0 = time.perf_counter()
    connection.request("GET", f"/survey/{token}")
    page = connection.getresponse()
    html = page.read().decode()
    out["get"] = time.perf_counter() - t0
    cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
    period = html.split('name="period" value="', 1)[1].split('"', 1)[0]
    building, room = home.split("-")
    body = urllib.parse.urlencode(
        {"period": period, "building": building, "room": room, **dict.fromkeys(QUESTIONS, "4")}
    )
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.close()
    time.sleep(pause[1])  # longer than the server's keep-alive: the phone connects again
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    connection.request("POST", f"/survey/{token}", body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    out["post"] = time.perf_counter() - t0
    out["status"] = answer.status
    connection.close()


def _health(port: int, pause: tuple[float, float], gate: threading.Barrier, out: dict) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    gate.wait()
    time.sleep(pause[0])
    t0 = time.perf_counter()
    connection.request("GET", "/api/health")
    connection.getresponse().read()
    out["get"] = time.perf_counter() - t0
    connection.close()


def _crowd(target, arguments: list[tuple]) -> list[dict]:
    gate = threading.Barrier(len(arguments))
    results = [{} for _ in arguments]
    threads = [
        threading.Thread(target=target, args=(*args, gate, out))
        for args, out in zip(arguments, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:28} n={len(ms):4}  p50 {statistics.median(ms):7.1f} ms  "
        f"p95 {_pct(ms, 0.95):7.1f} ms  p99 {_pct(ms, 0.99):7.1f} ms"
    )


def run(residents: int, rounds: int, workers: int, spread: float, think: float) -> None:
    rng = random.Random(7)
    cluster = start_cluster(port=_free_port())
    work = Path(tempfile.mkdtemp(prefix="wuhao-survey-"))
    server = None
    try:
        url = cluster.create_database("wuhao_survey")
        env = {
            **os.environ,
            "FLASK_APP": "backend",
            "DATABASE_URL": url,
            "WUHAO_INSTANCE_DIR": str(work),
            "PHOTO_STORAGE": f"local:{work / 'photos'}",
            "SURVEY_MAX_PER_NETWORK_HOUR": "1000000",
        }
        _flask(env, "db", "upgrade")
        _flask(env, "surveys", "import", "surveys/owner-satisfaction.yaml")
        _flask(env, "demo", "seed", "--no-history")
        token = subprocess.run(
            [str(BIN / "python"), "-c", _TOKEN],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        port = _free_port()
        log = (work / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_healthy(port)
        pages, answers, health, statuses = [], [], [], []
        for r in range(rounds):
            pauses = [
                (rng.uniform(0, spread), rng.uniform(think / 3, think)) for _ in range(residents)
            ]
            base = _crowd(_health, [(port, pause) for pause in pauses])
            health += [o["get"] for o in base]
            crowd = _crowd(
                _resident,
                [(port, token, f"{r + 1}-{i + 1}", pause) for i, pause in enumerate(pauses)],
            )
            pages += [o["get"] for o in crowd]
            answers += [o["post"] for o in crowd]
            statuses += [o["status"] for o in crowd]
        print(
            f"{residents} residents × {rounds} rounds, arriving within {spread:g} s, filling "
            f"the form {think / 3:g}–{think:g} s; {workers} gunicorn workers"
        )
        print(_line("baseline GET /api/health", health))
        print(_line("GET /survey/{token}", pages))
        print(_line("POST /survey/{token}", answers))
        print(
            f"ratio to baseline (p95): page {_pct(pages, 0.95) / _pct(health, 0.95):.1f}×, "
            f"answer {_pct(answers, 0.95) / _pct(health, 0.95):.1f}×"
        )
        acknowledged = statuses.count(303)
        stored = subprocess.run(
            [str(BIN / "python"), "-c", _COUNT],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        others = sorted({s for s in statuses if s != 303})
        print(f"acknowledged {acknowledged}, stored {stored}, other statuses {others}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


_TOKEN = """
from backend import create_app
from backend.database import db
from backend.places.scope import Scope
from backend.surveys import services
with create_app().app_context():
    print(services.current_link(1, Scope.all()).token)
    db.session.commit()
"""
_COUNT = """
import sqlalchemy as sa
from backend import create_app
from backend.database import db
from backend.surveys.models import SurveyAnswer
with create_app().app_context():
    print(db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--spread", type=float, default=20, help="arrivals within (s)")
    parser.add_argument("--think", type=float, default=15, help="longest time on the form (s)")
    args = parser.parse_args()
    run(args.residents, args.rounds, args.workers, args.spread, args.think)


if __name__ == "__main__":
    main()
