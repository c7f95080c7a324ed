"""docs/deploy.md stays true: every configuration key is documented, and every command it shows
exists and is run by a test or a script."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner
from flask.cli import FlaskGroup

from backend import create_app

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
# Where commands are run for real: tests, bench scripts, the Makefile, CI.
RUNNERS = [
    *ROOT.glob("tests/**/*.py"),
    *ROOT.glob("bench/*.py"),
    ROOT / "Makefile",
    ROOT / ".ci/run",
]
SELF = Path(__file__).resolve()


def _blocks(*languages: str) -> list[str]:
    return [body for language, body in BLOCK.findall(DOC) if language in languages]


def _flask_commands() -> list[list[str]]:
    """`flask …` as written in the sh blocks and in the cron lines (after `.venv/bin/`)."""
    commands = []
    for body in _blocks("sh", "cron"):
        for line in body.splitlines():
            found = re.search(r"(?:^|[\s/])flask (.*)$", line)
            if found and not line.lstrip().startswith("#"):
                commands.append(shlex.split(found.group(1).replace("$(", "(")))
    return commands


def test_every_config_key_is_documented():
    source = (ROOT / "backend" / "config.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'(?:os\.environ\.get|_int)\(\s*"([A-Z0-9_]+)"', source))
    assert {"DATABASE_URL", "PHOTO_STORAGE", "PROXY_FIX_HOPS"} <= keys
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", DOC, re.M))
    documented |= set(re.findall(r"^\| `[A-Z0-9_]+` / `([A-Z0-9_]+)`", DOC, re.M))
    assert keys - documented == set(), "document these in docs/deploy.md"


def test_sh_blocks_hold_only_commands_we_check():
    for body in _blocks("sh"):
        for line in body.splitlines():
            word = line.split(" ", 1)[0]
            assert word in ("", "#", "flask", "gunicorn", "export", "python"), line


def test_every_flask_command_exists():
    commands = _flask_commands()
    assert len(commands) >= 8
    cli = FlaskGroup(create_app=lambda: create_app())
    for args in commands:
        path = [a for a in args if not a.startswith("-")][:2]
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, f"flask {' '.join(path)}: {result.output}"


def test_every_command_is_run_by_a_test_or_a_script():
    ran = "\n".join(p.read_text(encoding="utf-8") for p in RUNNERS if p.resolve() != SELF)
    for args in _flask_commands():
        group, command = args[0], args[1]
        assert re.search(rf'"{group}",\s*"{command}"|flask {group} {command}', ran), (
            f"nothing runs `flask {group} {command}`"
        )
    for body in _blocks("sh"):
        for line in body.splitlines():
            if line.startswith("gunicorn"):
                assert "wsgi:app" in line and '"gunicorn"' in ran.replace("BIN / ", "")
            if line.startswith("python bench/"):
                script = line.split()[1]
                assert (ROOT / script).is_file()
                options = re.findall(r"--[a-z-]+", line)
                source = (ROOT / script).read_text(encoding="utf-8")
                assert all(f'"{option}"' in source for option in options), line
