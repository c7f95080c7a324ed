"""A notifier killed (SIGKILL, a real process) in the middle of its batch while another runs,
then restarted: every delivery ends sent exactly once, and the fake SMS gateway's log holds one
message per delivery key (what the killed one had sent but not recorded is asked again with the
same key and not sent twice). bench/notify.py at a small scale, on its own PostGIS cluster."""

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
