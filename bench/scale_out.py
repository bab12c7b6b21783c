"""Scale-out, shown: nginx in front of two web processes and two workers on PostgreSQL; one of
each is killed with SIGKILL in the middle of the run (issue 13, item 6).

    make bench-scale-out      # installs Debian's nginx when missing
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scale_out.py

On loopback, in the PostgreSQL database ``runtime_bench`` (created when missing): a demo region
of ``--people`` people and a signed-in demo user; nginx (ports 8120) with two upstreams
``fastkontakt serve`` (8121, 8122, production settings, static files from ``collectstatic``)
and two ``fastkontakt worker`` processes. ``--clients`` threads load signed-in pages (the
worklist, people's pages, a static file) through nginx on keep-alive connections while 1 000
jobs are on the queue; after ``--kill-at`` seconds one web process (its gunicorn master and
workers) and one worker get SIGKILL. Reported: failed requests (nginx retries an idempotent
request on the other upstream), page throughput before and after the kill, jobs run to the end
exactly once (each job marks its work once, in the transaction that does it), jobs taken back
from the killed worker, and job throughput before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from region import database_url, ensure_database

BENCH_DB = "runtime_bench"
NGINX_PORT, WEB_PORTS = 8120, (8121, 8122)
ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    upstream fastkontakt {{
        server 127.0.0.1:{web1} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{web2} max_fails=1 fail_timeout=10s;
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /metrics {{ return 404; }}
        location / {{
            proxy_pass http://fastkontakt;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-ID $request_id;
            # Idempotent requests (GET, HEAD) go to the other upstream when one fails.
            proxy_next_upstream error timeout http_502 http_503 http_504;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
            proxy_max_temp_file_size 0;
            client_body_temp_path {prefix}/body;
            proxy_temp_path {prefix}/proxy;
        }}
    }}
}}
"""


def prepare(people: int) -> tuple[str, list[str]]:
    """Migrate, load the demo region if needed, sign the demo user in; returns the session
    cookie and the pages to load."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fastkontakt.demo.login import demo_user_ensure
    from fastkontakt.registry.models import Person
    from fastkontakt.runtime.models import JobEffect

    call_command("migrate", verbosity=0)
    if Person.objects.count() != people:
        call_command("flush", interactive=False, verbosity=0)
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "fastkontakt.cli", "seed-demo", "--people", str(people)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    JobEffect.objects.filter(key__startswith="probe:scale-").delete()
    username, _, _ = demo_user_ensure()
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.get(user=user)
    # A signed-in session as the login view leaves it: password and second factor checked.
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session["otp_device_id"] = device.persistent_id
    session.set_expiry(3600)
    session.create()
    from django.utils import timezone

    from fastkontakt.access.models import Membership
    from fastkontakt.registry.selectors import care_relationship_q

    units = list(
        Membership.objects.filter(user=user, unit__isnull=False).values_list("unit_id", flat=True)
    )
    mine = Person.objects.filter(care_relationship_q(units, timezone.localdate()))
    # People in the demo user's care: pages that read and log a person, not refusals.
    person_pks = list(mine.order_by("?").values_list("pk", flat=True)[:50])
    pages = ["/arbetslista/", "/", "/static/web/site.css"] + [
        f"/personer/{pk}/" for pk in person_pks
    ]
    return f"sessionid={session.session_key}", pages


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        command,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/ready")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"nothing ready on port {port}")


class Load:
    """Client threads on keep-alive connections; each result is (time, ok)."""

    def __init__(self, cookie: str, pages: list[str], clients: int) -> None:
        self.cookie, self.pages = cookie, pages
        self.results: list[tuple[float, bool, int]] = []
        self.errors: dict[str, int] = {}
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.client, args=(n,)) for n in range(clients)]

    def client(self, n: int) -> None:
        rng = random.Random(n)  # noqa: S311
        conn = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=30)
        while not self.stop.is_set():
            path = rng.choice(self.pages)
            status = 0
            try:
                conn.request("GET", path, headers={"Cookie": self.cookie})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=30)
                with self.lock:
                    self.errors[type(error).__name__] = self.errors.get(type(error).__name__, 0) + 1
            with self.lock:
                self.results.append((time.monotonic(), status == 200, status))

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def _rate(samples: list[tuple[float, int]], start: float, end: float) -> float:
    """Jobs finished per second between ``start`` and ``end``, from the samples, counting only
    while jobs were left (the queue may run dry before the end)."""
    inside = [(t, n) for t, n in samples if start <= t <= end]
    if len(inside) < 2:
        return 0.0
    busy = [(t, n) for t, n in inside if n < inside[-1][1]] + [inside[-1]]
    (t0, n0), (t1, n1) = busy[0], busy[-1]
    return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--job-seconds", type=float, default=0.03)
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of page load")
    parser.add_argument("--kill-at", type=float, default=20.0)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    ensure_database(base, BENCH_DB)
    work = Path(tempfile.mkdtemp(prefix="fastkontakt-scale-"))
    work.chmod(0o755)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(base, BENCH_DB),
        "DJANGO_SETTINGS_MODULE": "fastkontakt.settings",
        "FASTKONTAKT_ENV": "production",
        "DJANGO_SECRET_KEY": "scale-out-bench-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "FASTKONTAKT_TRUSTED_PROXIES": "1",
        "FASTKONTAKT_STATIC_ROOT": str(work / "static"),
        "FASTKONTAKT_DATA_DIR": str(work),
        "FASTKONTAKT_WORKER_LEASE_SECONDS": "6",
        "FASTKONTAKT_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    cookie, pages = prepare(args.people)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fastkontakt.cli", "manage", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    (work / "body").mkdir()
    (work / "proxy").mkdir()
    conf = work / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(prefix=work, web1=WEB_PORTS[0], web2=WEB_PORTS[1], port=NGINX_PORT)
    )

    from django_tasks_db.models import DBTaskResult

    from fastkontakt.runtime.models import JobEffect
    from fastkontakt.runtime.tasks import probe

    me = [sys.executable, "-m", "fastkontakt.cli"]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for port in WEB_PORTS:
            processes.append(
                start(
                    [*me, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                    env,
                    work / f"web-{port}.log",
                )
            )
        for port in WEB_PORTS:
            wait_ready(port)
        nginx = start(
            [NGINX, "-c", str(conf), "-p", str(work), "-g", "daemon off;"], env, work / "nginx.log"
        )
        processes.append(nginx)
        wait_ready(NGINX_PORT)

        # Every 25th job takes a second: the worker is killed in the middle of one of those.
        ids = [
            str(
                probe.enqueue(key=f"scale-{n}", seconds=1.0 if n % 25 == 0 else args.job_seconds).id
            )
            for n in range(args.jobs)
        ]
        workers = [
            start(
                [*me, "worker", "--no-schedule", "--interval", "0.2"], env, work / f"worker-{n}.log"
            )
            for n in (1, 2)
        ]
        processes.extend(workers)

        samples: list[tuple[float, int]] = []

        def sample_until(moment: float) -> None:
            while time.monotonic() < moment:
                count = DBTaskResult.objects.filter(id__in=ids, status="SUCCESSFUL").count()
                samples.append((time.monotonic(), count))
                time.sleep(0.5)

        with Load(cookie, pages, args.clients) as load:
            began = time.monotonic()
            sample_until(began + args.kill_at)
            # Kill the worker in the middle of a job: wait until it runs a long one.
            mark = f"{socket.gethostname()[:32]}-{workers[0].pid}-"
            long_running = DBTaskResult.objects.filter(
                status="RUNNING", args_kwargs__kwargs__seconds=1.0
            )
            until = time.monotonic() + 15
            while time.monotonic() < until and not any(
                w and w[-1].startswith(mark)
                for w in long_running.values_list("worker_ids", flat=True)
            ):
                time.sleep(0.05)
            time.sleep(0.2)
            killed_at = time.monotonic()
            # The first web process, master and workers at once (its session), and a worker.
            os.killpg(processes[0].pid, signal.SIGKILL)
            os.killpg(workers[0].pid, signal.SIGKILL)
            sample_until(killed_at + args.duration - args.kill_at)
            ended = time.monotonic()

        deadline = time.monotonic() + 180
        while DBTaskResult.objects.filter(id__in=ids).exclude(status="SUCCESSFUL").exists():
            if time.monotonic() > deadline:
                break
            sample_until(time.monotonic() + 0.5)
        jobs = list(DBTaskResult.objects.filter(id__in=ids))
    finally:
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    results = load.results
    failed = [r for r in results if not r[1]]
    before = [r for r in results if began <= r[0] < killed_at]
    after = [r for r in results if killed_at <= r[0] < ended]
    statuses: dict[int, int] = {}
    for _, _, status in failed:
        statuses[status] = statuses.get(status, 0) + 1
    done = [j for j in jobs if j.status == "SUCCESSFUL"]
    effects = JobEffect.objects.filter(key__startswith="probe:scale-").count()
    once = sum(1 for j in done if j.return_value is True)
    taken_again = sum(1 for j in jobs if len(j.worker_ids) > 1)
    rate_before = len(before) / (killed_at - began)
    rate_after = len(after) / (ended - killed_at)
    job_rate_before = _rate(samples, began, killed_at)
    job_rate_after = _rate(samples, killed_at + args.kill_at / 4, samples[-1][0])
    print(
        f"Scale-out on PostgreSQL through nginx: 2 web x 2 gunicorn workers, 2 job workers, "
        f"{args.clients} clients, {len(pages)} pages; SIGKILL of one web and one worker at "
        f"{killed_at - began:.0f} s of {ended - began:.0f} s (one worker in a job of 1 s)."
    )
    print(f"requests: {len(results)}, failed: {len(failed)} {statuses or ''} {load.errors or ''}")
    print(
        f"page throughput: before the kill {rate_before:.1f}/s, after {rate_after:.1f}/s "
        f"(ratio {rate_after / max(1e-9, rate_before):.2f})"
    )
    print(
        f"jobs: {len(jobs)} queued, {len(done)} done, {once} ran their work exactly once "
        f"(marks: {effects}), {taken_again} taken again after the kill, "
        f"{sum(1 for j in jobs if j.status == 'FAILED')} failed, "
        f"attempts {sum(len(j.worker_ids) for j in jobs)}"
    )
    print(
        f"job throughput: before the kill {job_rate_before:.1f}/s (two workers), "
        f"after {job_rate_after:.1f}/s (one worker, once the lease of the dead one lapsed)"
    )
    print(f"logs and configuration: {work}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
