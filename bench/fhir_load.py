"""Benchmark: CareTeam search (PCC-46) under concurrent load, next to the framework's floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fhir_load.py

Loads a demo region of ``--people`` people into the PostgreSQL database ``fk_bench_fhir`` (reused
when it already holds that many), creates an API client at the unit with the most people in
its care, starts a real server process (gunicorn, ``--workers`` sync workers, DEBUG off) on
loopback and, with ``--concurrency`` client threads on keep-alive connections, measures:

(a) the floor: ``GET /fhir/metadata`` (the CapabilityStatement: routing, middleware, rendering,
    no database), and
(b) ``GET /fhir/CareTeam?patient=<id>`` for random people of the unit (token check, care
    relationship, access log append, the team's contacts, R4B validation and JSON),

each ``--requests`` requests after a warm-up, then prints p50/p99 of both and the ratios b/a.
Target (issue 14): both ratios <= 2x with 8 clients on 2 workers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from region import database_url, ensure_database

BENCH_DB = "fk_bench_fhir"
AS_OF = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent


def prepare(people: int) -> tuple[str, list[int]]:
    """Migrate, load the region if needed, create a client; returns its token and people."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from fastkontakt.access.actors import Actor
    from fastkontakt.access.selectors import visible_persons
    from fastkontakt.demo.population import demo_scenario
    from fastkontakt.fhir.clients import api_client_create
    from fastkontakt.registry.models import Person, Unit
    from fastkontakt.registry.services import scenario_load

    call_command("migrate", verbosity=0)
    if Person.objects.count() != people:
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        scenario_load(scenario=demo_scenario(people=people, seed=1, as_of=timezone.localdate()))
        print(f"loaded {people} people in {time.perf_counter() - started:.1f} s")
    unit = max(Unit.objects.all(), key=lambda u: u.listed_persons.count())
    name = f"bench-{int(time.time())}"
    _, token = api_client_create(name=name, unit_hsa_id=unit.hsa_id, scopes=["system/*.read"])
    actor = Actor(
        user_id=None,
        username="bench",
        memberships=frozenset({("staff", unit.pk)}),
        unit_hsa_ids=((unit.pk, unit.hsa_id),),
    )
    pks = list(visible_persons(actor).values_list("pk", flat=True))
    print(f"unit {unit.name}: {len(pks)} people in its care")
    return token, pks


def wait_for(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/fhir/metadata")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def load(
    port: int, concurrency: int, requests: int, path_of: Callable[[random.Random], str], token: str
) -> list[float]:
    """``requests`` requests over ``concurrency`` keep-alive connections; latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}
        for _ in range(per_thread):
            path = path_of(rng)
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    ensure_database(base, BENCH_DB)
    os.environ["DATABASE_URL"] = database_url(base, BENCH_DB)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    token, pks = prepare(args.people)

    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fastkontakt.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        wait_for(args.port)
        floor_path: Callable[[random.Random], str] = lambda rng: "/fhir/metadata"  # noqa: E731
        team_path: Callable[[random.Random], str] = (  # noqa: E731
            lambda rng: f"/fhir/CareTeam?patient={rng.choice(pks)}"
        )
        for path_of in (floor_path, team_path):  # warm-up: connections, imports, caches
            load(args.port, args.concurrency, args.concurrency * 20, path_of, token)
        started = time.perf_counter()
        floor = load(args.port, args.concurrency, args.requests, floor_path, token)
        floor_s = time.perf_counter() - started
        started = time.perf_counter()
        teams = load(args.port, args.concurrency, args.requests, team_path, token)
        teams_s = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    f50, f99 = percentile(floor, 50), percentile(floor, 99)
    t50, t99 = percentile(teams, 50), percentile(teams, 99)
    print(
        f"gunicorn {args.workers} sync workers, {args.concurrency} concurrent clients, "
        f"{args.requests} requests per endpoint, PostgreSQL {BENCH_DB}, {args.people} people"
    )
    print(
        f"(a) floor   GET /fhir/metadata        p50 {f50:7.2f} ms  p99 {f99:7.2f} ms  "
        f"{len(floor) / floor_s:7.0f} req/s"
    )
    print(
        f"(b) search  GET /fhir/CareTeam?patient p50 {t50:7.2f} ms  p99 {t99:7.2f} ms  "
        f"{len(teams) / teams_s:7.0f} req/s"
    )
    print(f"ratio b/a: p50 {t50 / f50:.2f}x  p99 {t99 / f99:.2f}x  (target <= 2x)")


if __name__ == "__main__":
    main()
