"""Notifications at city scale: 10,000 deadline reminders fanned out and sent by two notifier
processes at once, on a throwaway PostGIS cluster, SMS to a local fake gateway.

    .venv/bin/python bench/notify.py [--tickets 10000] [--processes 2] [--batch 100]
    .venv/bin/python bench/notify.py --kill-after 3      # SIGKILL process 1 mid-run, restart

Makes `--tickets` open tickets of one firm (its user has a mobile number) due in two hours, so
each is owed one 工单即将到期 reminder in the app and by SMS. Queues them (one process, timed),
then starts `--processes` notifiers together (`run_once`, as `flask notify once` does) and prints
each one's share, time and messages per second, and the checks: every delivery sent exactly once,
the gateway asked once per SMS (no resend) and holding one message per key, and one in-app notice
per in-app delivery. With `--kill-after S`, process 1 is killed (SIGKILL) S seconds in, in the
middle of a batch, and a new notifier finishes the work: nothing is lost, and the messages the
dead one had sent but not recorded are asked again with the same key and not sent twice.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.load_faults import _flask, _free_port  # noqa: E402
from tests.fakes.sms_gateway import FakeSmsGateway  # noqa: E402
from tests.pg_cluster import start_cluster  # noqa: E402


class IndexedGateway(FakeSmsGateway):
    """The tests' fake gateway with its keys in a dict (its list scan is quadratic at 10,000)."""

    def handle(self, authorization: str, body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests += 1
            payload = json.loads(body)
            index = self.__dict__.setdefault("_index", {})
            known = index.get(payload["idempotency_key"])
            if known is not None:
                return 200, {"id": known}
            message_id = f"m{len(self.messages) + 1}"
            index[payload["idempotency_key"]] = message_id
            self.messages.append({"id": message_id, **payload})
            return 200, {"id": message_id}


_MAKE = """
import sys
from datetime import timedelta
import sqlalchemy as sa
from backend import create_app
from backend.accounts.models import User
from backend.clock import utcnow
from backend.database import db
from backend.places.models import Estate, ServiceContract
from backend.tickets.models import Ticket
n = int(sys.argv[1])
app = create_app()
with app.app_context():
    firm = db.session.scalar(sa.select(User).where(User.username == "firm1"))
    firm.phone = "13800000001"
    estate = db.session.scalar(sa.select(Estate).join(ServiceContract,
        ServiceContract.estate_id == Estate.id).where(ServiceContract.firm_id ==
        firm.organisation_id).order_by(Estate.id).limit(1))
    now = utcnow()
    rows = [dict(estate_id=estate.id, source="manual", item_code="GAR-06", category="garbage",
                 area="public", severity="normal", title=f"压测工单 {i}", description="",
                 state="dispatched", responsible_org_id=firm.organisation_id,
                 responsible_basis="contract", found_at=now, dispatched_at=now,
                 due_at=now + timedelta(hours=2), due_provisional=False, rework_count=0,
                 recurrence_count=0, extension_count=0, escalation_level=0, version=1,
                 created_at=now, updated_at=now) for i in range(n)]
    db.session.execute(sa.insert(Ticket.__table__), rows)
    db.session.commit()
"""

_QUEUE = """
import json, time
from backend import create_app
from backend.database import db
from backend.notifications import reminders
app = create_app()
with app.app_context():
    t0 = time.perf_counter()
    added = reminders.queue_due()
    db.session.commit()
    print(json.dumps({"queued": added, "seconds": time.perf_counter() - t0}))
"""

_SEND = """
import json, sys, time
from backend import create_app
from backend.notifications import notifier
app = create_app()
with app.app_context():
    sys.stdin.readline()  # start together
    t0 = time.perf_counter()
    tally = notifier.run_once()
    print(json.dumps({"sent": tally.sent, "by_channel": tally.by_channel,
                      "retried": tally.retried, "dead": tally.dead,
                      "seconds": time.perf_counter() - t0}))
"""

_CHECK = """
import json
import sqlalchemy as sa
from backend import create_app
from backend.database import db
from backend.notifications.models import Delivery, Notification
app = create_app()
with app.app_context():
    states = dict(db.session.execute(sa.select(Delivery.state, sa.func.count())
                                     .group_by(Delivery.state)).all())
    sms_keys = db.session.scalars(sa.select(Delivery.key).where(Delivery.channel == "sms")).all()
    inapp = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)
                              .where(Delivery.channel == "inapp"))
    notes = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    print(json.dumps({"states": {str(k): v for k, v in states.items()}, "sms_keys": sms_keys,
                      "inapp": inapp, "notices": notes}))
"""


def _python(env: dict[str, str], code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([str(BIN / "python"), "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}


def run(tickets: int, processes: int, batch: int, kill_after: float, sms_cap: int = 0) -> None:
    cluster = start_cluster(port=_free_port())
    work = Path(tempfile.mkdtemp(prefix="wuhao-notify-"))
    gateway = IndexedGateway()
    gateway.start()
    try:
        env = {
            **os.environ,
            "FLASK_APP": "backend",
            "DATABASE_URL": cluster.create_database("wuhao_notify"),
            "WUHAO_INSTANCE_DIR": str(work),
            "PHOTO_STORAGE": f"local:{work / 'photos'}",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_KEY": gateway.key,
            "NOTIFY_BATCH_SIZE": str(batch),
            # One firm stands for the city's many: its manners (a digest instead of reminders
            # past 20 open tickets, 20 SMS a day per phone, quiet hours) would hold the fan-out
            # this measures, whatever the hour it runs at.
            "NOTIFY_DIGEST_MIN_OPEN": str(10**9),
            "NOTIFY_SMS_DAILY_CAP": str(sms_cap or 10**9),
            "NOTIFY_QUIET_START": "00:00",
            "NOTIFY_QUIET_END": "00:00",
        }
        _flask(env, "db", "upgrade")
        _flask(env, "checklists", "import", "checklists/wuhao-standard.yaml")
        _flask(env, "demo", "seed", "--no-history")
        _python(env, _MAKE, str(tickets))
        queued = _python(env, _QUEUE)
        print(f"{tickets} tickets due in 2 h; queued {queued['queued']} deliveries "
              f"(in-app + SMS) in {queued['seconds']:.1f} s")  # fmt: skip
        workers = [
            subprocess.Popen([str(BIN / "python"), "-c", _SEND], cwd=ROOT, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(processes)
        ]  # fmt: skip
        time.sleep(8)  # let each import the app; then start them at the same instant
        t0 = time.perf_counter()
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        if kill_after:
            time.sleep(kill_after)
            workers[0].send_signal(signal.SIGKILL)
            print(f"process 1 killed (SIGKILL) after {kill_after:g} s")
        results, labels = [], []
        for number, worker in enumerate(workers, 1):
            if kill_after and number == 1:
                continue
            labels.append(f"process {number}")
            out, err = worker.communicate(timeout=1800)
            if worker.returncode != 0:
                raise RuntimeError(err[-3000:])
            results.append(json.loads(out.strip().splitlines()[-1]))
        if kill_after:
            workers[0].communicate()
            restart = subprocess.run(
                [str(BIN / "python"), "-c", _SEND], cwd=ROOT, env=env, input="go\n",
                capture_output=True, text=True, timeout=1800,
            )  # fmt: skip
            results.append(json.loads(restart.stdout.strip().splitlines()[-1]))
            labels.append("restarted")
        wall = time.perf_counter() - t0
        total = sum(r["sent"] for r in results)
        recorded_by_dead = queued["queued"] - total if kill_after else 0
        for label, r in zip(labels, results, strict=True):
            print(f"{label:10}: sent {r['sent']:6} {r['by_channel']} in {r['seconds']:.1f} s "
                  f"= {r['sent'] / max(r['seconds'], 1e-9):.0f} messages/s")  # fmt: skip
        print(f"all: {total} messages in {wall:.1f} s wall = {total / wall:.0f} messages/s")
        check = _python(env, _CHECK)
        keys = [m["idempotency_key"] for m in gateway.messages]
        print(f"deliveries by state {check['states']}; in-app deliveries {check['inapp']}, "
              f"notices {check['notices']}")  # fmt: skip
        print(
            f"gateway: {gateway.requests} requests, {len(keys)} messages, "
            f"{len(set(keys))} distinct keys; SMS deliveries {len(check['sms_keys'])}"
        )
        if kill_after:
            print(f"committed by the killed process before it died: {recorded_by_dead}; "
                  f"SMS asked again after the kill (deduplicated by key): "
                  f"{gateway.requests - len(keys)}")  # fmt: skip
        if sms_cap:
            # The firm user's one phone gets `sms_cap` SMS today, whichever process sends; the
            # rest are given up (dead: over the cap; the in-app notice is there).
            held = tickets - min(sms_cap, tickets)
            capped = len(keys) == min(sms_cap, tickets) and check["states"] == (
                {"sent": queued["queued"] - held, "dead": held}
                if held
                else {"sent": queued["queued"]}
            )
            print(f"SMS cap {sms_cap} held across the processes:", "yes" if capped else "NO")
            if not capped:
                sys.exit(1)
            return
        ok = (
            check["states"] == {"sent": queued["queued"]}
            and total + recorded_by_dead == queued["queued"]
            and (gateway.requests == len(keys) or kill_after)
            and len(keys) == len(set(keys)) == len(check["sms_keys"])
            and set(keys) == set(check["sms_keys"])
            and check["inapp"] == check["notices"]
            and all(r["sent"] > 0 for r in results[: processes - (1 if kill_after else 0)])
        )
        print("exactly once, work shared by every process:", "yes" if ok else "NO")
        if not ok:
            sys.exit(1)
    finally:
        gateway.stop()
        cluster.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--kill-after", type=float, default=0.0)
    parser.add_argument("--sms-cap", type=int, default=0, help="SMS per phone per day (0: none)")
    args = parser.parse_args()
    run(args.tickets, args.processes, args.batch, args.kill_after, args.sms_cap)
