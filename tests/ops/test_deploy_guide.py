"""docs/deploy.md, followed in order on a throwaway machine: its postgres blocks against a new
PostGIS cluster (as the superuser), its wuhao blocks as written (as the role `wuhao`, through
`bin/wuhao` and the one env file), both gunicorn instances started from its systemd unit, the
requests its nginx sample forwards, one case end to end over HTTP, every line of its crontab,
and a backup restored as the role `wuhao` into an empty database.

Not run, but checked: root's blocks (packages, users, systemctl) and the build commands, which
must be the Makefile's (the test reuses the pwa/dist that `make` built).
"""

from __future__ import annotations

import json
import os
import re
import runpy
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import boto3

from tests.ops import guide_support as guide
from tests.ops.guide_case import PHONE, Site, nginx_headers, one_case
from tests.pg_cluster import start_cluster

ROOT = guide.ROOT
PASSWORD = "guide-Pa55word-0c1"  # what the operator types at every prompt
SKIPPED_IN_UPGRADE = ("git pull", ".venv/bin/pip install", "cd /srv/wuhao/pwa && npm ci")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _boundaries(folder: Path) -> None:
    """The operator's GeoJSON files named in §6 (GCJ-02, as DataV's are)."""

    def box(x0: float, y0: float, x1: float, y1: float) -> dict:
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        return {"type": "Polygon", "coordinates": [ring]}

    def features(*rows: tuple[dict, dict]) -> str:
        return json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": p, "geometry": g} for p, g in rows]})  # fmt: skip

    folder.mkdir()
    files = {
        "districts.json": features(({"code": "210202", "name": "中山区"}, box(121.60, 38.88, 121.70, 38.96))),
        "streets.json": features(({"code": "210202001", "name": "青泥洼桥街道", "district_code": "210202"}, box(121.62, 38.90, 121.66, 38.94))),
        "grid.json": json.dumps(box(121.63, 38.91, 121.65, 38.93)),
        "estates.json": features(({"code": "E-210202001-01", "name": "天津街小区", "address": "中山区天津街1号", "street_code": "210202001"}, box(121.635, 38.915, 121.640, 38.920))),
    }  # fmt: skip
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _wait_healthy(base: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.3)


def _counts(cluster, database: str) -> dict[str, int]:
    tables = (
        "users",
        "organisations",
        "estates",
        "inspections",
        "tickets",
        "ticket_events",
        "photos",
    )
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    out = subprocess.run(
        [str(cluster.bindir / "psql"), "-X", "-At", "-F", "=", "-h", str(cluster.socket_dir),
         "-p", str(cluster.port), "-U", "wuhao", "-d", database, "-c", sql],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {k: int(v) for k, v in (line.split("=") for line in out.split())}


def test_the_static_parts_are_what_make_and_the_other_steps_use():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (build,) = guide.steps("build")
    npm = "npm ci --no-audit --no-fund && npm run build"
    assert [c for c in build.commands() if "npm" in c] == [f"cd /srv/wuhao/pwa && {npm}"]
    assert f"cd pwa && {npm}" in makefile  # the very command `make` builds the phone app with
    assert "-c constraints.txt -e" in makefile and any(
        c == ".venv/bin/pip install -c constraints.txt -e ." for c in build.commands()
    )
    assert (ROOT / "pwa" / "dist" / "index.html").is_file(), "run `make pwa` first"
    root = "\n".join(b.body for b in guide.steps("root"))
    for needed in (
        "timedatectl set-timezone Asia/Shanghai",  # cron reads its hours in the machine's zone
        "install -d -m 0700 -o wuhao -g wuhao /var/backups/wuhao",
        "ln -s /srv/wuhao/bin/wuhao /usr/local/bin/wuhao",
        "install -m 0640 -o root -g wuhao /dev/null /etc/wuhao/env",
        "systemctl enable --now wuhao@8000 wuhao@8001",
        "https://deb.nodesource.com/setup_22.x",
    ):
        assert needed in root, needed
    assert "setup_22.x" in (ROOT / "scripts" / "ensure-system-packages.sh").read_text()
    # The upgrade, in order; the reload goes instance by instance.
    (upgrade,) = guide.steps("upgrade")
    order = [
        "backup create",
        "git pull",
        "pip install",
        "db upgrade",
        "npm run build",
        "reports refresh",
    ]
    found = [next(i for i, c in enumerate(upgrade.commands()) if word in c) for word in order]
    assert found == sorted(found), upgrade.body
    assert "systemctl reload wuhao@8000\nsleep 10\nsystemctl reload wuhao@8001" in root
    # nginx: HTTP only redirects; HTTPS pins itself; both instances upstream.
    nginx = guide.file("/etc/nginx/sites-available/wuhao").body
    assert re.search(
        r"listen 80;\s+server_name \S+;\s+return 301 https://\$host\$request_uri;", nginx
    )
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in nginx
    assert "server 127.0.0.1:8000;" in nginx and "server 127.0.0.1:8001;" in nginx
    # README and guide agree on how often escalation runs.
    cron = guide.file("/etc/cron.d/wuhao").body
    assert re.search(r"^\*/5 .* tickets escalate$", cron, re.M)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "every minute" not in readme and "every five minutes" in readme


def test_each_gunicorn_instance_has_its_own_control_socket():
    """Without GUNICORN_CONTROL_SOCKET (the unit sets it), the name comes from the bind."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    name = config["control_socket_for"]
    default = "/run/user/0/gunicorn.ctl"
    first, second = name(["127.0.0.1:8000"], default), name(["127.0.0.1:8001"], default)
    assert first == "/run/user/0/gunicorn-127.0.0.1-8000.ctl" and first != second


def test_following_the_guide_on_a_fresh_machine(tmp_path, s3_server):
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    cluster = start_cluster(port=_free_port())
    servers: list[subprocess.Popen] = []
    try:
        _follow(tmp_path, s3_server, cluster, servers, lap)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=40)
        cluster.stop()
        print("guide timings (s):", timings)


def _follow(tmp_path, s3, cluster, servers, lap) -> None:
    paths = {
        "/srv/wuhao": str(ROOT),
        "/var/backups/wuhao": str(tmp_path / "backups"),
        "/etc/wuhao/env": str(tmp_path / "env"),
        "/usr/local/bin": str(tmp_path / "bin"),
        "/run/": f"{tmp_path / 'run'}/",
    }
    # §2 (root): the `wuhao` command on PATH, the backups folder, the user's home.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "wuhao").symlink_to(ROOT / "bin" / "wuhao")
    (tmp_path / "backups").mkdir(mode=0o700)
    (tmp_path / "home").mkdir()

    # §3 (postgres): the role, its database, PostGIS — as the cluster's superuser.
    superuser = {"PATH": "/usr/bin:/bin", "PGHOST": str(cluster.socket_dir),
                 "PGPORT": str(cluster.port), "PGUSER": "postgres", "LANG": "C.UTF-8"}  # fmt: skip
    database_steps = guide.steps("postgres")
    for command in database_steps[0].commands():
        guide.run(command, cwd=Path("/tmp"), env=superuser, user="postgres",
                  answers=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    role = subprocess.run(
        [str(cluster.bindir / "psql"), "-X", "-At", "-h", str(cluster.socket_dir), "-p",
         str(cluster.port), "-U", "postgres", "-c",
         "SELECT rolsuper, rolcreatedb, rolcreaterole, rolpassword LIKE 'SCRAM-SHA-256$%' "
         "FROM pg_authid WHERE rolname = 'wuhao'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert role == "f|f|f|t", "an ordinary role, with the password typed at the prompt"
    lap("database")

    # §4: the env file, with this machine's values where the operator puts theirs.
    sample = guide.env_file_values(guide.file("/etc/wuhao/env").body)
    assert sample["DATABASE_URL"].startswith("postgresql://wuhao:") and sample[
        "DATABASE_URL"
    ].endswith("/wuhao")
    mine = {
        "DATABASE_URL": f"postgresql://wuhao:{PASSWORD}@/wuhao?host={cluster.socket_dir}&port={cluster.port}",
        "PHOTO_STORAGE": f"s3://{s3['bucket']}/prod?endpoint_url={s3['endpoint']}&region=us-east-1",
        "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
    }  # fmt: skip
    assert set(mine) <= set(sample)
    lines = []
    for line in guide.file("/etc/wuhao/env").body.splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}='{mine[key]}'" if key in mine else line)
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env_file.chmod(0o640)
    settings = guide.env_file_values(env_file.read_text())
    assert guide.shell_values(env_file) == settings  # systemd's reading = sh's reading
    assert settings["PROXY_FIX_HOPS"] == "1"

    # §6 (wuhao): every command as written, run from the operator's folder of boundary files.
    wuhao = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
             "LANG": "C.UTF-8", "WUHAO_ENV_FILE": str(env_file)}  # fmt: skip
    _boundaries(tmp_path / "data")
    for block in guide.steps("wuhao")[:2]:
        for command in block.commands():
            assert not command.startswith("cd "), command
            guide.run(guide.substitute(command, paths), cwd=tmp_path / "data", env=wuhao,
                      answers=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    lap("first run (§6)")

    # §7: both instances from the systemd unit, as systemd starts them (systemd checks it first).
    template = guide.substitute(guide.file("/etc/systemd/system/wuhao@.service").body, paths)
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "wuhao@.service").write_text(template, encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "units" / "wuhao@8000.service")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
    ports = [str(_free_port()), str(_free_port())]
    bases = []
    for port in ports:
        service = guide.unit(template, port)
        (tmp_path / "run" / service.runtime_directory).mkdir(parents=True)
        assert service.environment_file == str(env_file)
        environment = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                       **guide.env_file_values(env_file.read_text()), **service.environment}  # fmt: skip
        log = tmp_path / f"wuhao@{port}.log"
        servers.append(subprocess.Popen(
            service.exec_start, cwd=service.working_directory, env=environment,
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        ))  # fmt: skip
        bases.append(f"http://127.0.0.1:{port}")
    for base, port in zip(bases, ports, strict=True):
        _wait_healthy(base, tmp_path / f"wuhao@{port}.log")
    for port in ports:  # each instance its own control socket, answering for itself
        control = tmp_path / "run" / f"wuhao-{port}" / "gunicorn.ctl"
        shown = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "gunicornc"), "-s", str(control), "-c", "show workers", "-j"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout  # fmt: skip
        assert len(json.loads(shown)["workers"]) == 3, shown
    lap("gunicorn ×2 up")

    # §7 nginx → the case end to end, through the headers the sample sets.
    nginx = guide.file("/etc/nginx/sites-available/wuhao").body
    site = Site(bases, nginx_headers(nginx), PASSWORD)
    for base in bases:  # the phone app that §5 built, served at /
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            page = response.read().decode()
        assert "<title>五好小区巡查</title>" in page and 'rel="manifest"' in page
    discovery = site.get("/open311/discovery.json")
    assert discovery["endpoints"][0]["url"] == "https://wuhao.example.cn/open311/v2"
    one_case(site, "admin1", "inspector7", "wanjia1", "大连万家物业服务有限公司")
    status, _, refused = site.call(
        "POST", "/api/auth/login", {"username": "street7", "password": PASSWORD}
    )
    assert status == 200 and refused["user"]["must_change_password"] is True
    logs = "".join((tmp_path / f"wuhao@{p}.log").read_text() for p in ports)
    assert re.search(rf"\] {re.escape(PHONE)} \"PUT /api/inspections/", logs), "real client IP"
    photos = boto3.client("s3", endpoint_url=s3["endpoint"], region_name="us-east-1")
    stored = photos.list_objects_v2(Bucket=s3["bucket"], Prefix="prod/")
    assert stored["KeyCount"] >= 6  # two photos, each original + display + thumbnail
    lap("case over HTTP")

    # §8: every cron line, as cron runs it (its own variables only, as the user it names).
    variables, jobs = guide.crontab(guide.file("/etc/cron.d/wuhao").body)
    assert variables["CRON_TZ"] == "Asia/Shanghai"
    cron_env = {**{k: guide.substitute(v, paths) for k, v in variables.items()},
                "HOME": str(tmp_path / "home"), "LOGNAME": "wuhao", "WUHAO_ENV_FILE": str(env_file)}  # fmt: skip
    for job in jobs:
        assert job.user == "wuhao" and job.command.startswith("wuhao "), job
        guide.run(guide.substitute(job.command, paths), cwd=tmp_path / "home", env=cron_env)
    lap("cron lines")

    # §9: a second backup the same day (the block an operator runs by hand) gets its own folder.
    for command in guide.steps("wuhao")[2].commands():
        guide.run(guide.substitute(command, paths), cwd=tmp_path / "home", env=wuhao)
    backups = sorted((tmp_path / "backups").iterdir())
    assert len(backups) == 2, backups
    for folder in backups:
        assert re.fullmatch(r"wuhao-\d{8}-\d{6}(-\d+)?", folder.name)
        for path in [folder, *folder.rglob("*")]:
            mode = path.stat().st_mode & 0o777
            assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))

    # §9: the restore drill, as the role `wuhao`, into an empty database made by postgres.
    for command in database_steps[1].commands():
        guide.run(command, cwd=Path("/tmp"), env=superuser, user="postgres")
    drill = {**settings, "DATABASE_URL": settings["DATABASE_URL"].replace("/wuhao?", "/wuhao_drill?"),
             "PHOTO_STORAGE": settings["PHOTO_STORAGE"].replace("/prod?", "/drill?")}  # fmt: skip
    drill_file = tmp_path / "env.drill"
    drill_file.write_text("".join(f"{k}='{v}'\n" for k, v in drill.items()), encoding="utf-8")
    restore_steps = guide.steps("wuhao")[3].commands()
    assert "WUHAO_ENV_FILE=/etc/wuhao/env.drill" in restore_steps[0]
    for command in restore_steps:
        out = guide.run(guide.substitute(command, paths), cwd=tmp_path / "home", env=wuhao)
        assert "every table and photo matches the manifest" in out
    restored = _counts(cluster, "wuhao_drill")
    assert restored == _counts(cluster, "wuhao")
    assert restored["tickets"] == 1 and restored["photos"] == 2 and restored["users"] == 4
    drilled = photos.list_objects_v2(Bucket=s3["bucket"], Prefix="drill/")
    assert drilled["KeyCount"] == stored["KeyCount"]
    # A database without the extension is named as such, before anything is written.
    guide.run("createdb --owner wuhao wuhao_bare", cwd=Path("/tmp"), env=superuser, user="postgres")
    bare = tmp_path / "env.bare"
    bare.write_text(drill_file.read_text().replace("/wuhao_drill?", "/wuhao_bare?"))
    refused = subprocess.run(
        ["wuhao", "backup", "restore", str(backups[-1])], env={**wuhao, "WUHAO_ENV_FILE": str(bare)},
        cwd=tmp_path / "home", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode != 0 and "lacks the extension(s) postgis" in refused.stderr, (
        refused.stderr
    )
    lap("backup restored as wuhao")

    # §10: the upgrade, then each instance reloaded in turn (ExecReload) while the other serves.
    cwd = tmp_path / "home"
    (upgrade,) = guide.steps("upgrade")
    for command in upgrade.commands():
        if command.startswith(SKIPPED_IN_UPGRADE):
            continue  # network and the shared environment: checked against the Makefile above
        if command.startswith("cd "):
            cwd = Path(guide.substitute(command[3:], paths))
            continue
        guide.run(guide.substitute(command, paths), cwd=cwd, env=wuhao)
    reload = guide.unit(template, ports[0]).exec_reload
    assert reload == "/bin/kill -HUP $MAINPID"
    for server, other in ((servers[0], bases[1]), (servers[1], bases[0])):
        server.send_signal(signal.SIGHUP)
        with urllib.request.urlopen(f"{other}/api/health", timeout=10) as response:
            assert response.status == 200
    time.sleep(1)
    for base in bases:
        _wait_healthy(base, tmp_path / f"wuhao@{base.rsplit(':', 1)[1]}.log")
        request = urllib.request.Request(f"{base}/api/me")
        request.add_header("Authorization", f"Bearer {site.token('wanjia1')}")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["username"] == "wanjia1"
    assert len(sorted((tmp_path / "backups").iterdir())) == 3  # the upgrade's own backup
    lap("upgrade")
