"""docs/deploy.md stays true: every configuration key is documented, every `wuhao`/`flask`
command it shows exists, and each block is either followed by tests/ops/test_deploy_guide.py
(marked `<!-- guide:… -->`) or runs a script that exists with the options it is given."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner
from flask.cli import FlaskGroup

from backend import create_app
from tests.ops.guide_support import MARKED

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def _blocks(*languages: str) -> list[str]:
    return [body for language, body in BLOCK.findall(DOC) if language in languages]


def _flask_commands() -> list[list[str]]:
    """`wuhao …` (bin/wuhao runs `flask`) and `flask …` as written in the sh blocks, the cron
    lines and the prose."""
    commands = []
    for body in [*_blocks("sh", "cron"), *re.findall(r"`((?:wuhao|flask) [^`]+)`", DOC)]:
        for line in body.splitlines():
            found = re.search(r"(?:^|/bin/|\s{2}|=\S+ )(?:wuhao|flask) ([a-z].*)$", line)
            if found and not line.lstrip().startswith("#"):
                words = shlex.split(found.group(1).replace("$(", "(").replace("…", "x"))
                commands.append(words)
    return commands


def test_every_config_key_is_documented():
    source = (ROOT / "backend" / "config.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'(?:os\.environ\.get|_int)\(\s*"([A-Z0-9_]+)"', source))
    assert {"DATABASE_URL", "PHOTO_STORAGE", "PROXY_FIX_HOPS"} <= keys
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", DOC, re.M))
    documented |= set(re.findall(r"^\| `[A-Z0-9_]+` / `([A-Z0-9_]+)`", DOC, re.M))
    assert keys - documented == set(), "document these in docs/deploy.md"


def test_every_sh_block_is_followed_or_runs_a_script():
    """The guide's own blocks are marked for test_deploy_guide.py; any other holds only
    `python bench/…` lines (checked below)."""
    marked = {body for _, _, _, body in MARKED.findall(DOC)}
    for body in _blocks("sh", "cron", "ini", "nginx", "env"):
        if body in marked:
            continue
        for line in body.splitlines():
            assert line.startswith("python bench/") or not line.strip(), line


def test_every_flask_command_exists():
    commands = _flask_commands()
    assert len(commands) >= 8
    cli = FlaskGroup(create_app=lambda: create_app())
    for args in commands:
        path = [a for a in args if not a.startswith("-")][:2]
        if path[0] in ("tickets", "reports") and len(path) == 1:
            continue
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, f"flask {' '.join(path)}: {result.output}"


def test_every_bench_script_exists_with_its_options():
    for body in _blocks("sh"):
        for line in body.splitlines():
            if line.startswith("python bench/"):
                script = line.split()[1]
                assert (ROOT / script).is_file()
                options = re.findall(r"--[a-z-]+", line)
                source = (ROOT / script).read_text(encoding="utf-8")
                assert all(f'"{option}"' in source for option in options), line
