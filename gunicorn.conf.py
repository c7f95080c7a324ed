"""gunicorn settings, read by default from the working directory (`make serve`, the tests' live
server, bench scripts and production all start gunicorn from the project root).

Worker model for slow phones (docs/deploy.md §5): threaded workers (gthread). A request whose
body trickles in over a 16 kbit/s uplink occupies one thread, while the worker's main loop keeps
telling the master it is alive, so `timeout` never kills a worker for a slow client. With the
old sync workers one slow body blocked the whole worker and got it killed after 30 s, again and
again. `--workers` and `--bind` on the command line override what is set here.
"""

import os

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
# Headers are small; a client that cannot send its request line and headers is refused early.
limit_request_line = 8190
limit_request_fields = 100
