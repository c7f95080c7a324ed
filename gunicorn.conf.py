"""gunicorn settings, read by default from the working directory (`make serve`, the tests' live
server, bench scripts and production all start gunicorn from the project root).

Worker model for slow phones (docs/deploy.md §5): threaded workers (gthread). A request whose
body trickles in over a 16 kbit/s uplink occupies one thread, while the worker's main loop keeps
telling the master it is alive, so `timeout` never kills a worker for a slow client. With the
old sync workers one slow body blocked the whole worker and got it killed after 30 s, again and
again. `--workers` and `--bind` on the command line override what is set here.
"""

import os
import re
from typing import Any

from gunicorn.config import ControlSocket

from backend.request_checks import GUNICORN_LIMITS

wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
# Threads per worker: each holds at most one request (and one database connection of the
# worker's pool of 5 + 5 overflow).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker that does not report for this long is stuck (not slow: slow requests report) and is
# replaced. Exports stream and are fine; long single computations should stay below it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection stays open between a phone's requests
accesslog = "-"
# Access lines: time, the client's address (the real one behind nginx: ProxyFix rewrites
# REMOTE_ADDR when PROXY_FIX_HOPS is set), request, status, bytes, milliseconds, request id.
access_log_format = '%(t)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'
# Every other line (gunicorn's and the app's own loggers) with its time and the request id.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "backend.request_log.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s [%(process)d] %(levelname)s rid=%(request_id)s "
            "%(name)s: %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "line",
            "filters": ["request_id"],
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "access",
        },
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["error"], "level": "INFO"},
}
# Request line and header limits sit just above the app's own (414/431 in JSON), so the app
# answers rather than gunicorn's HTML page.
globals().update(GUNICORN_LIMITS)

# gunicorn's control socket (for `gunicornc`) defaults to one path per user, so two instances of
# one user (wuhao@8000 and wuhao@8001, docs/deploy.md §6) took each other's socket. Each instance
# gets its own: GUNICORN_CONTROL_SOCKET when set (the systemd unit sets it), else a name made from
# the final bind (after any --bind on the command line), next to gunicorn's default.
_DEFAULT_CONTROL_SOCKET = ControlSocket.default
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def on_starting(server: Any) -> None:
    """Runs before the control socket opens, with --bind already applied."""
    if server.cfg.control_socket != _DEFAULT_CONTROL_SOCKET:
        return  # named by GUNICORN_CONTROL_SOCKET or --control-socket
    server.cfg.set("control_socket", control_socket_for(server.cfg.bind, _DEFAULT_CONTROL_SOCKET))


def control_socket_for(binds: list[str], default: str) -> str:
    """`…/gunicorn-127.0.0.1-8000.ctl` for `--bind 127.0.0.1:8000` (one file name per bind)."""
    name = re.sub(r"[^A-Za-z0-9.]+", "-", "_".join(binds)).strip("-") or "default"
    return os.path.join(os.path.dirname(default), f"gunicorn-{name}.ctl")
