"""gunicorn settings for ``fastkontakt serve`` (``-c python:fastkontakt.runtime.gunicorn_conf``);
the environment sets the values that differ per machine, e.g. ``WEB_CONCURRENCY=4``."""

import os
import shutil
import tempfile
from typing import Any

bind = os.environ.get("FASTKONTAKT_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two processes per core is a good start for a database-bound Django site; threads let one
# process answer the progress polls while another request waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
threads = int(os.environ.get("FASTKONTAKT_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("FASTKONTAKT_TIMEOUT", 60))
# On SIGTERM or SIGHUP (a deploy), finish the requests in flight for this long.
graceful_timeout = int(os.environ.get("FASTKONTAKT_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# A worker is replaced after this many requests (with jitter): memory stays flat.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("FASTKONTAKT_LOG_LEVEL", "info").lower()
logger_class = "fastkontakt.runtime.gunicorn_logging.JsonAccessLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "fastkontakt"

# Prometheus counts from every worker process, added up at /metrics.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fastkontakt-metrics-")
_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server: Any) -> None:
    for name in os.listdir(_metrics_dir):
        os.unlink(os.path.join(_metrics_dir, name))


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
