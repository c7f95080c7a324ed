"""Reading docs/deploy.md as a script: its marked blocks, the files it tells root to write, and
running its commands the way their owner (postgres, wuhao, cron, systemd) would.

The guide marks each block it wants run with an HTML comment just above it:
`<!-- guide:step WHO -->` (root, postgres, build, wuhao, upgrade) or `<!-- guide:file PATH -->`.
The test changes only the machine's paths (SUBSTITUTED) and the values an operator fills in
(the database's address, the bucket and its keys); every command runs as written.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
MARKED = re.compile(r"<!-- guide:(step|file) (\S+) -->\n```(\w+)\n(.*?)```", re.S)
# What a value may be in the env file so that systemd and sh read it alike: bare safe
# characters, or single quotes around anything without a single quote.
ENV_LINE = re.compile(r"^([A-Z_][A-Z0-9_]*)=([A-Za-z0-9./:_@,-]*|'[^']*')$")


@dataclass(frozen=True)
class Block:
    kind: str  # "step" or "file"
    name: str  # who runs a step (root, postgres, build, wuhao, upgrade), or a file's path
    language: str
    body: str

    def commands(self) -> list[str]:
        """One command a line; comment lines and blank lines are not commands."""
        return [
            line
            for line in self.body.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]


def blocks(text: str | None = None) -> list[Block]:
    text = GUIDE.read_text(encoding="utf-8") if text is None else text
    return [Block(*match) for match in MARKED.findall(text)]


def steps(who: str) -> list[Block]:
    return [b for b in blocks() if b.kind == "step" and b.name == who]


def file(path: str) -> Block:
    (found,) = [b for b in blocks() if b.kind == "file" and b.name == path]
    return found


def substitute(text: str, paths: dict[str, str]) -> str:
    for machine, here in paths.items():
        text = text.replace(machine, here)
    return text


def env_file_values(text: str) -> dict[str, str]:
    """The file as systemd's EnvironmentFile= reads it (the subset the guide allows)."""
    values = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = ENV_LINE.match(line)
        assert match, f"not a line both systemd and sh read alike: {line!r}"
        key, value = match.groups()
        values[key] = value[1:-1] if value.startswith("'") else value
    return values


def shell_values(path: Path) -> dict[str, str]:
    """The file as bin/wuhao reads it: `set -a; . FILE; set +a` in a clean sh."""
    script = f"set -a; . {shlex.quote(str(path))}; set +a; env -0"
    out = subprocess.run(
        ["env", "-i", "/bin/sh", "-c", script], capture_output=True, check=True
    ).stdout.decode()
    values = dict(entry.split("=", 1) for entry in out.split("\0") if "=" in entry)
    for noise in ("PWD", "SHLVL", "_", "OLDPWD"):
        values.pop(noise, None)
    return values


def run(
    command: str,
    *,
    cwd: Path,
    env: dict[str, str],
    answers: str = "",
    user: str | None = None,
    timeout: float = 120,
) -> str:
    """One line of the guide in bash, as `user` (root's runuser) when given. `answers` are what
    an operator types at prompts; a new session has no terminal, so prompts read them."""
    argv = ["bash", "-eo", "pipefail", "-c", command]
    if user is not None and os.geteuid() == 0:
        argv = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--", *argv]
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        input=answers,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
    )
    assert done.returncode == 0, (
        f"`{command}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout + done.stderr


@dataclass
class Unit:
    """The [Service] part of a systemd unit that says how the process starts."""

    working_directory: str
    environment_file: str
    environment: dict[str, str]
    exec_start: list[str]
    exec_reload: str
    runtime_directory: str


def unit(text: str, instance: str) -> Unit:
    """The template unit for one instance (%i), as systemd reads these few settings."""
    settings: dict[str, list[str]] = {}
    for line in text.replace("%i", instance).splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    environment = dict(v.split("=", 1) for v in settings.get("Environment", []))
    (start,) = settings["ExecStart"]
    return Unit(
        working_directory=settings["WorkingDirectory"][0],
        environment_file=settings["EnvironmentFile"][0],
        environment=environment,
        exec_start=shlex.split(start),
        exec_reload=settings["ExecReload"][0],
        runtime_directory=settings["RuntimeDirectory"][0],
    )


@dataclass
class CronJob:
    schedule: str
    user: str
    command: str


def crontab(text: str) -> tuple[dict[str, str], list[CronJob]]:
    """An /etc/cron.d file: its variable lines and its jobs (five time fields, user, command)."""
    variables: dict[str, str] = {}
    jobs = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assignment = re.match(r"^([A-Z_]+)=(.*)$", line)
        if assignment:
            variables[assignment[1]] = assignment[2]
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, line
        jobs.append(CronJob(" ".join(fields[:5]), fields[5], fields[6].replace("\\%", "%")))
    return variables, jobs
