"""A throwaway PostgreSQL + PostGIS cluster for the test session (initdb, unix socket only)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    pass


def _bindir() -> Path:
    """The newest PostgreSQL whose PostGIS extension is installed."""
    for control in sorted(
        glob.glob("/usr/share/postgresql/*/extension/postgis.control"), reverse=True
    ):
        version = Path(control).parts[4]
        bindir = Path(f"/usr/lib/postgresql/{version}/bin")
        if (bindir / "initdb").exists():
            return bindir
    raise ClusterUnavailable(
        "PostGIS for a local PostgreSQL is not installed: "
        "apt-get install postgresql-15-postgis-3 (make test does this when it can)"
    )


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root; run the server as the 'postgres' system user instead.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class Cluster:
    root: Path
    bindir: Path
    port: int

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "psql"),
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    str(self.socket_dir),
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    "-d",
                    database,
                    "-c",
                    sql,
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        self.psql("CREATE EXTENSION IF NOT EXISTS postgis", database=name)
        return self.url(name)

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), *args]),
            check=True,
            capture_output=True,
            text=True,
        )

    def restart(self, mode: str = "fast") -> None:
        """Restart the server (same options); `fast` ends every session, as an operator would."""
        self.pg_ctl("-m", mode, "-w", "-l", str(self.root / "server.log"), "restart")

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.root / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(port: int = 55432) -> Cluster:
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="wuhao-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ]
        )
        options = (
            f"-k {root} -p {port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
            # The suite commits and purges rows; an autovacuum then records the tables as empty
            # and the planner picks nested-loop seq scans (a 15 s query in the demo history test).
            "-c autovacuum=off"
        )
        run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(root / "server.log"),
                "start",
            ]
        )
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise ClusterUnavailable(f"could not start PostgreSQL: {exc.stderr}\n{log}") from exc
    return Cluster(root, bindir, port)
