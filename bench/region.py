"""The benchmarks' database: a PostgreSQL database of its own, holding a demo region.

Shared by bench/compliance.py and bench/worklist.py, which reuse a region already loaded; the
FHIR benchmarks use their own database through the same functions.
"""

from __future__ import annotations

import time
from datetime import date

BENCH_DB = "fastkontakt_bench"
AS_OF = date(2026, 11, 22)


def database_url(base: str, name: str = BENCH_DB) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def ensure_database(base: str, name: str = BENCH_DB) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = conn.execute(query, (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(people: int, seed: int, reload: bool) -> None:
    """Migrate the bench database and (re)load the demo region when needed."""
    import django

    django.setup()
    from django.core.management import call_command

    from fastkontakt.compliance.models import StoredFinding
    from fastkontakt.compliance.store import findings_refresh
    from fastkontakt.demo.population import demo_scenario
    from fastkontakt.registry.models import Person
    from fastkontakt.registry.services import scenario_load

    call_command("migrate", verbosity=0)
    # With DEBUG off, pages name their static files from collectstatic's manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    have = Person.objects.count()
    if have == people and not reload:
        print(f"registry already holds {have} people; reusing it (--reload to rebuild)")
        if not StoredFinding.objects.exists():
            # A region loaded before the findings store, or by SQL: the pages read the store.
            started = time.perf_counter()
            result = findings_refresh()
            print(f"findings store refreshed in {time.perf_counter() - started:.1f} s: {result}")
        return
    if have:
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    scenario = demo_scenario(people=people, seed=seed, as_of=AS_OF)
    generated = time.perf_counter()
    # The load refreshes the findings store of everyone in its transaction (write_affects).
    summary = scenario_load(scenario=scenario)
    loaded = time.perf_counter()
    print(
        f"generated {people} people in {generated - started:.1f} s; "
        f"loaded in {loaded - generated:.1f} s: {summary}"
    )
