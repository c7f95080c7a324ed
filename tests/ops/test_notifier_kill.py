"""Real notifier processes on their own PostGIS cluster (bench/notify.py at a small scale): one
killed (SIGKILL) mid-batch and restarted loses nothing and sends nothing twice (what it had sent
but not recorded is asked again with the same key, and the fake gateway sends it once); two at
once keep a phone's daily SMS cap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_notifier_loses_nothing_and_sends_nothing_twice():
    done = subprocess.run(
        [sys.executable, "bench/notify.py", "--tickets", "1500", "--kill-after", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr[-3000:]
    assert done.returncode == 0, output
    assert "process 1 killed (SIGKILL)" in output
    assert "exactly once, work shared by every process: yes" in output


def test_two_notifiers_keep_one_phones_daily_sms_cap():
    """Two real notifiers sending to one phone at once: exactly the cap goes out (without the
    per-number lock both counted below it and 275 of 250 went)."""
    done = subprocess.run(
        [sys.executable, "bench/notify.py", "--tickets", "600", "--batch", "50",
         "--sms-cap", "250"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr[-3000:]
    assert done.returncode == 0, output
    assert "gateway: 250 requests, 250 messages" in output
    assert "SMS cap 250 held across the processes: yes" in output
