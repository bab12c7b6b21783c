"""Benchmark: the full compliance evaluation from PostgreSQL against a plain read of its rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/compliance.py

Generates a demo region of ``--people`` people (default 250 000, about Norrbotten; ~5 % home
care, ~1 % inpatient), loads it into a dedicated PostgreSQL database (kept between runs and
reloaded only when its size differs or ``--reload`` is given), then measures side by side in one
process, alternating and keeping each one's best of ``--rounds``:

(a) reading every row the rules need (``registry.selectors.person_rows_iter``), and
(b) the full evaluation from the database (``compliance.selectors.findings_from_registry``),

and prints both, the ratio b/a, the peak memory of the measuring process above its baseline,
and the median time of one person's evaluation. Targets (issue 2): b <= 30 s for 250 000 people,
b/a <= 3, one person <= 5 ms, memory bounded by the chunk size rather than by N.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

from region import AS_OF, database_url, ensure_database, prepare


def _rss_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure(rounds: int, chunk_size: int, samples: int) -> None:
    """Runs in a fresh process so that its peak memory is the evaluation's, not the load's."""
    import django

    django.setup()
    from django.db import connection

    from fastkontakt.compliance.selectors import findings_for_person, findings_from_registry
    from fastkontakt.domain.rules import policy_named
    from fastkontakt.registry.models import Person
    from fastkontakt.registry.selectors import person_rows_iter

    policy = policy_named("norrbotten")
    connection.ensure_connection()
    baseline = _rss_kib("VmRSS")

    def read_rows() -> int:
        count = 0
        for chunk in person_rows_iter(chunk_size=chunk_size):
            count += 1
            del chunk
        return count

    def evaluate_all() -> int:
        return sum(1 for _ in findings_from_registry(as_of=AS_OF, policy=policy,
                                                    chunk_size=chunk_size))

    read_times: list[float] = []
    eval_times: list[float] = []
    findings = 0
    for _ in range(rounds):
        started = time.perf_counter()
        read_rows()
        read_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        findings = evaluate_all()
        eval_times.append(time.perf_counter() - started)
    peak = _rss_kib("VmHWM")

    ids = list(Person.objects.values_list("personal_id", flat=True).order_by("?")[:samples])
    rng = random.Random(1)
    rng.shuffle(ids)
    person_times = []
    for personal_id in ids:
        started = time.perf_counter()
        findings_for_person(personal_id=personal_id, as_of=AS_OF, policy=policy)
        person_times.append(time.perf_counter() - started)

    people = Person.objects.count()
    a, b = min(read_times), min(eval_times)
    print(f"people: {people}, findings: {findings}, chunk size: {chunk_size}, "
          f"best of {rounds} rounds")
    print(f"(a) read every row the rules need: {a:8.2f} s")
    print(f"(b) full evaluation from the db:    {b:8.2f} s   (target <= 30 s for 250 000)")
    print(f"b/a:                                {b / a:8.2f}     (target <= 3)")
    print(f"peak memory above baseline:         {(peak - baseline) / 1024:8.1f} MiB "
          f"(baseline {baseline / 1024:.0f} MiB)")
    print(f"one person's evaluation, median:    {statistics.median(person_times) * 1000:8.2f} ms "
          f"(p95 {sorted(person_times)[int(len(person_times) * 0.95)] * 1000:.2f} ms, "
          f"{len(person_times)} people; target <= 5 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = database_url(base)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    # With DEBUG on, Django keeps the text of every query (connection.queries), which would be
    # measured as memory growing with the population.
    os.environ["DJANGO_DEBUG"] = "0"

    if args.measure_only:
        measure(args.rounds, args.chunk_size, args.samples)
        return
    ensure_database(base)
    prepare(args.people, args.seed, args.reload)
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--measure-only", "--rounds", str(args.rounds),
         "--chunk-size", str(args.chunk_size), "--samples", str(args.samples)],
        check=True,
        env={**os.environ, "DATABASE_URL": base},
    )


if __name__ == "__main__":
    main()
