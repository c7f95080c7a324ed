"""A fresh machine without Node.js: `make serve` (through `make pwa`) stops with one clear
sentence that says exactly what to do, before npm is ever called.

PATH is rebuilt from the machine's own programs minus Node.js, npm and apt-get, so nothing is
installed by the test. Debian bookworm's apt reports nodejs 18; that answer is replayed by an
`apt-cache` that prints bookworm's policy text, since this machine's apt may know a newer one.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = {"node", "nodejs", "npm", "npx", "corepack", "apt-get", "apt-cache", "apt"}
BOOKWORM_POLICY = """nodejs:
  Installed: (none)
  Candidate: 18.20.4+dfsg-1~deb12u3
  Version table:
     18.20.4+dfsg-1~deb12u3 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
"""


def _path_without_node(bin_dir: Path) -> str:
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            target = bin_dir / entry.name
            if entry.name in HIDDEN or target.exists() or not os.access(entry.path, os.X_OK):
                continue
            target.symlink_to(entry.path)
    return str(bin_dir)


def _make_pwa(path: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path}
    # -B: build the web app as on a fresh clone, even though pwa/dist exists here.
    return subprocess.run(
        ["make", "-B", "pwa"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("apt", ["none", "bookworm"])
def test_make_without_node_stops_with_one_sentence_saying_what_to_do(tmp_path, apt):
    path = _path_without_node(tmp_path / "bin")
    if apt == "bookworm":
        fake = tmp_path / "apt-bin" / "apt-cache"
        fake.parent.mkdir()
        fake.write_text(f"#!/bin/sh\ncat <<'POLICY'\n{BOOKWORM_POLICY}POLICY\n")
        fake.chmod(0o755)
        path = f"{fake.parent}{os.pathsep}{path}"
    done = _make_pwa(path)
    assert done.returncode != 0
    assert "npm ci" not in done.stdout  # stopped before building
    said = [line for line in done.stderr.splitlines() if not line.startswith("make")]
    assert len(said) == 1, done.stderr
    sentence = said[0]
    assert sentence.startswith("Building the web app needs Node.js 20.19+ with npm")
    assert "found: no Node.js" in sentence
    assert "https://deb.nodesource.com/setup_22.x" in sentence
    assert "then run make again" in sentence
    if apt == "bookworm":
        assert "this system's nodejs package is 18.20.4" in sentence
    else:
        assert "this system's nodejs package is not available" in sentence


def test_the_readme_names_every_prerequisite_of_a_fresh_debian_machine():
    quick_start = (ROOT / "README.md").read_text(encoding="utf-8").split("## Configuration")[0]
    for prerequisite in ("Python 3.11", "python3-venv", "Node.js 20.19", "npm", "make", "git"):
        assert prerequisite in quick_start, prerequisite
