"""What the `flask … import FILE…` commands share: every file is read and checked before any is
stored, so one bad file leaves the database as it was (all or nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import click

T = TypeVar("T")


def load_all(
    files: Iterable[Path], load: Callable[[Path], T], invalid: type[Exception], named: bool = True
) -> list[tuple[Path, T]]:
    """Each file loaded, or every problem of every file printed and the command stopped.
    `named`: prefix each problem with its file's name (when the problem does not say it)."""
    loaded: list[tuple[Path, T]] = []
    problems: list[str] = []
    for path in files:
        try:
            loaded.append((path, load(path)))
        except invalid as error:
            found = getattr(error, "problems", [error])
            problems.extend(f"{path.name}: {p}" if named else str(p) for p in found)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"nothing imported: {len(problems)} problem(s)")
    return loaded
