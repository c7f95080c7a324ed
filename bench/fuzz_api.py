"""The long API fuzzing run: `schemathesis run --checks all` with every phase (examples, coverage,
fuzzing, stateful), once per role and anonymously, against a real gunicorn serving a freshly
seeded demo (the CI-sized run is tests/security/test_api_fuzz.py, in process).

Run: .venv/bin/python bench/fuzz_api.py [examples per operation, default 300] [legs] [roles]
  legs: spatialite, postgis, or both comma-separated (default spatialite)
  roles: comma-separated (default anonymous,inspector1,firm1,committee1,community1,street1,
  supervisor1,admin,open311; keep the managers last, the administrator at the end)
  WUHAO_FUZZ_PATHS: a path regex to fuzz only those operations (say, the routes added since the
  last long run), e.g. WUHAO_FUZZ_PATHS='^/api/(plans|tasks)'

The exemptions (rules OpenAPI 3.0 cannot state, e.g. `from` ≤ `to`) are in schemathesis.toml,
each with its reason. Open311 has its own error format, so its operations are fuzzed by
tests/security/test_open311_fuzz.py (in process, run here with the same examples per operation,
role `open311`); signed-in roles leave out logout (it would revoke the run's own token).
Prints, per leg and role: operations, test cases, failures and the time; exits non-zero when
anything failed.
Derandomized (`--seed`): the same arguments find the same cases.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.request_checks import gunicorn_arguments  # noqa: E402

BIN = Path(sys.executable).parent
# Those who manage accounts last, the administrator at the very end: fuzzing PATCH /api/users
# deactivates accounts and changes passwords, and a later role could no longer sign in.
ROLES = (
    "anonymous", "inspector1", "firm1", "committee1", "community1", "street1", "supervisor1",
    "admin",
)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(leg: str, workdir: Path) -> tuple[str | None, object | None]:
    if leg == "spatialite":
        return None, None
    from tests.pg_cluster import start_cluster

    cluster = start_cluster(port=_free_port())
    return cluster.create_database("fuzz"), cluster


def _serve(leg: str, workdir: Path) -> tuple[subprocess.Popen, str, object | None]:
    url, cluster = _database_url(leg, workdir)
    env = {**os.environ, "WUHAO_INSTANCE_DIR": str(workdir), "FLASK_APP": "backend"}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    for command in (
        ["db", "upgrade"],
        ["checklists", "import", "checklists/wuhao-standard.yaml"],
        ["demo", "seed", "--no-history"],
    ):
        subprocess.run([BIN / "flask", *command], cwd=ROOT, env=env, check=True, timeout=600)
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", *gunicorn_arguments(), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/api/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server, base, cluster


def _token(base: str, role: str) -> str:
    body = json.dumps({"username": role, "password": "demo12345"}).encode()
    request = urllib.request.Request(
        f"{base}/api/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def _run_role(base: str, role: str, examples: str, report: Path) -> tuple[int, str, float]:
    command = [
        str(BIN / "schemathesis"), "run", f"{base}/api/openapi.json",
        "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
        "-n", examples, "--seed", "1", "--no-color", "--suppress-health-check", "all",
        "--exclude-path-regex", "^/open311",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]  # fmt: skip
    if os.environ.get("WUHAO_FUZZ_PATHS"):
        command += ["--include-path-regex", os.environ["WUHAO_FUZZ_PATHS"]]
    if role != "anonymous":
        command += ["-H", f"Authorization: Bearer {_token(base, role)}"]
        command += ["--exclude-path", "/api/auth/logout"]
    started = time.monotonic()
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "bench.fuzz_hooks", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    report.with_suffix(".txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    return done.returncode, done.stdout, elapsed


def _figures(output: str) -> str:
    operations = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"found (\d+) unique failures?\b", output)
    if cases is None:
        return "no summary (the run did not finish)"
    return (
        f"operations {operations.group(1) if operations else '?'}, "
        f"test cases {cases.group(1) if cases else '?'}, "
        f"failures {failures.group(1) if failures else 0}"
    )


def _run_open311(leg: str, examples: str) -> int:
    env = {**os.environ, "WUHAO_FUZZ_EXAMPLES": examples, "WUHAO_TEST_DATABASES": leg}
    command = [sys.executable, "-m", "pytest", "tests/security/test_open311_fuzz.py", "-q",
               "-p", "no:cacheprovider"]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    summary = (result.stdout.strip().splitlines() or ["no output"])[-1]
    print(f"fuzz_api {leg:10} {'open311':11} {examples} examples/op: {summary}, "
          f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
    return result.returncode


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "300"
    legs = (sys.argv[2] if len(sys.argv) > 2 else "spatialite").split(",")
    roles = (sys.argv[3] if len(sys.argv) > 3 else ",".join((*ROLES, "open311"))).split(",")
    worst = 0
    for leg in legs:
        with tempfile.TemporaryDirectory(prefix=f"wuhao-fuzz-{leg}-") as folder:
            server, base, cluster = _serve(leg, Path(folder))
            try:
                for role in (r for r in roles if r != "open311"):
                    report = Path(tempfile.gettempdir()) / f"wuhao-fuzz-{leg}-{role}.ndjson"
                    code, output, elapsed = _run_role(base, role, examples, report)
                    worst = max(worst, code)
                    print(
                        f"fuzz_api {leg:10} {role:11} {examples} examples/op: {_figures(output)}, "
                        f"{elapsed:.0f} s (details: {report.with_suffix('.txt')})",
                        flush=True,
                    )
                if "open311" in roles:
                    worst = max(worst, _run_open311(leg, examples))
            finally:
                server.terminate()
                server.wait(timeout=10)
                if cluster is not None:
                    cluster.stop()
    return worst


if __name__ == "__main__":
    sys.exit(main())
