"""The long API fuzzing run: the schemathesis tests of tests/security/test_api_fuzz.py (every
operation as each role) and tests/security/test_open311_fuzz.py (the Open311 operations with a
valid key, every check, the examples, coverage and fuzzing phases) with many more examples per
operation (the CI run in `make test` uses 6), on one or both databases.

Run: .venv/bin/python bench/fuzz_api.py [examples per operation, default 200] [legs]
(legs: spatialite, postgis, or both comma-separated, the default).
Prints pytest's report and the time it took; exits non-zero when something failed.
Still derandomized: the same number of examples finds the same cases every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "200"
    legs = sys.argv[2] if len(sys.argv) > 2 else "spatialite,postgis"
    env = {**os.environ, "WUHAO_FUZZ_EXAMPLES": examples, "WUHAO_TEST_DATABASES": legs}
    command = [
        sys.executable, "-m", "pytest", "tests/security/test_api_fuzz.py",
        "tests/security/test_open311_fuzz.py",
        "-q", "-p", "no:cacheprovider", "--durations=10",
    ]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    print(f"fuzz_api: {examples} examples per operation on {legs}: "
          f"{time.monotonic() - started:.0f} s, exit {result.returncode}")  # fmt: skip
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
