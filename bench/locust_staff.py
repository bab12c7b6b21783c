"""Benchmark: 50 signed-in staff browsing worklists and person pages (locust, headless).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/locust_staff.py

Loads a demo region of ``--people`` people (default 20 000) into the PostgreSQL database
``fk_bench_locust`` (reused when its size matches; the load refreshes the findings store),
creates ``--users`` bench accounts ``bench-locust-NN``, each a unit manager of one unit with
people (spread over the region's units), with a fresh random password and a TOTP device whose
key the locust users know, and serves the application as in production (``fastkontakt serve``:
gunicorn, 2 workers of 4 threads, DEBUG off) on ``--port``. Then ``locust`` (headless,
``bench/locustfile.py``) runs ``--users`` users, each signing in once with password and code
and then, with about 1 s think time, opening its unit's worklist, its second page and the
pages of people on it, for ``--minutes`` minutes.

Prints the requests, failures, median, p95 and p99 of browsing (sign-in left out; shown
apart) and per page. Target (issue 14): 0 failures, p95 at most 300 ms.

No lockout setting is changed: django-axes locks a username (and a username at an address)
after failures, never an address alone, and every account here signs in once, successfully.
The accounts are removed at the start of the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from fhir_load import wait_for
from region import AS_OF, database_url, ensure_database, prepare

BENCH_DB = "fk_bench_locust"
ROOT = Path(__file__).resolve().parent
PREFIX = "bench-locust-"


def accounts_create(users: int) -> list[dict[str, str]]:
    """``users`` unit managers, one per unit with the most people first, round robin."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fastkontakt.access.models import Membership, Role
    from fastkontakt.compliance.models import FindingOwner
    from fastkontakt.registry.models import Unit

    user_model = get_user_model()
    user_model.objects.filter(username__startswith=PREFIX).delete()
    # Units that own the fix of the most current findings: their managers see people to open.
    owning = (
        FindingOwner.objects.filter(finding__resolved_on__isnull=True)
        .values("unit_id")
        .annotate(rows=Count("pk"))
        .order_by("-rows", "unit_id")
        .values_list("unit_id", flat=True)
    )
    units = list(Unit.objects.filter(hsa_id__in=list(owning[:users])).values_list("pk", flat=True))
    if not units:
        raise SystemExit("the findings store is empty: run `fastkontakt findings refresh`")
    password = secrets.token_urlsafe(16)
    accounts = []
    for n in range(users):
        user = user_model(username=f"{PREFIX}{n:02d}")
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, role=Role.UNIT_MANAGER, unit_id=units[n % len(units)])
        key = secrets.token_hex(20)
        TOTPDevice.objects.create(user=user, name="bench", key=key, confirmed=True)
        accounts.append({"username": user.username, "password": password, "key": key})
    print(f"{users} accounts over {min(users, len(units))} units")
    return accounts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(base, BENCH_DB)
    os.environ["DATABASE_URL"] = database_url(base, BENCH_DB)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    prepare(args.people, args.seed, args.reload)
    print(f"(the region was generated for {AS_OF}; the server runs on today's date)")
    accounts = accounts_create(args.users)

    work = Path(tempfile.mkdtemp(prefix="fk-locust-"))
    (work / "accounts.json").write_text(json.dumps(accounts), encoding="utf-8")
    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            str(Path(sys.executable).parent / "fastkontakt"),
            "serve",
            "--port",
            str(args.port),
            "--workers",
            "2",
        ],
        env={**os.environ, "FASTKONTAKT_LOG_LEVEL": "WARNING"},
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(args.port)
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own interpreter and locustfile
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "FK_LOCUST_ACCOUNTS": str(work / "accounts.json"),
                "FK_LOCUST_LATENCIES": str(work / "latencies.json"),
            },
            check=False,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        server_log.close()
    report(work, args, elapsed)


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(work: Path, args: argparse.Namespace, elapsed: float) -> None:
    import csv

    with (work / "locust_stats.csv").open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    failures = sum(int(row["Failure Count"]) for row in rows if row["Name"] != "Aggregated")
    latencies = json.loads((work / "latencies.json").read_text(encoding="utf-8"))
    by_page: dict[str, list[float]] = defaultdict(list)
    for name, ms in latencies:
        by_page[name].append(ms)
    browsing = [ms for _, ms in latencies]
    print(
        f"locust: {args.users} users, think time 0.5-1.5 s, {elapsed:.0f} s; gunicorn 2 workers "
        f"x 4 threads, PostgreSQL {BENCH_DB}, {args.people} people"
    )
    for row in rows:
        if row["Name"].startswith("sign-in"):
            print(
                f"  {row['Type']:4} {row['Name']:24} {row['Request Count']:>6} requests "
                f"{row['Failure Count']:>3} failures  median {row['Median Response Time']} ms"
            )
    for name, values in sorted(by_page.items()):
        print(
            f"  GET  {name:24} {len(values):>6} requests  median "
            f"{statistics.median(values):6.1f} ms  p95 {_percentile(values, 95):6.1f} ms"
        )
    print(
        f"browsing: {len(browsing)} requests ({len(browsing) / elapsed:.1f}/s), "
        f"failures (all requests, sign-in included): {failures}; median "
        f"{statistics.median(browsing):.1f} ms, p95 {_percentile(browsing, 95):.1f} ms, "
        f"p99 {_percentile(browsing, 99):.1f} ms  (target: 0 failures, p95 <= 300 ms)"
    )
    if failures:
        failed = work / "locust_failures.csv"
        print(failed.read_text(encoding="utf-8")[:2000])


if __name__ == "__main__":
    main()
