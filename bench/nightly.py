"""Benchmark: the nightly refresh of the findings store against a COPY of the rows it reads.

    make bench-nightly            # 2 500 000 people
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/nightly.py \\
        --people 250000

Builds a region of ``--people`` people in its own PostgreSQL database (``fk_nightly_bench``,
kept between runs and rebuilt only when its size differs or ``--reload`` is given): a demo
region of ``--base`` people is generated and loaded through ``scenario_load`` (bench/region.py),
then copied inside PostgreSQL (``INSERT … SELECT``) until it holds ``--people``: each copy of a
person keeps the birth date and sex of the original with another serial number, so ages and
dates are those of the demo region; contact and SIP ids get a suffix. Generating 2.5 million
people through the demo generator would take about 15 minutes and the ORM load longer.

Then, in a fresh process, side by side in one run:

(a) ``COPY (SELECT …) TO STDOUT`` of every column the refresh reads from every table it reads,
    into a null sink: the physical floor of reading the region;
(b) the first nightly refresh (``findings_refresh_everyone``) with the store empty: every
    finding is added;
(c) a second refresh on the same day: nothing changed, nothing is written;
(d) the refresh of the next day: dates moved;

each with its seconds, its ratio to (a), and the peak memory above baseline, summed over the
measuring process and its worker processes (sampled from /proc every 100 ms; a worker's
baseline is the memory of a process that has only set up Django). Targets (issue 14): the
nightly refresh of 2 500 000 people <= 120 s and <= 5 x COPY, memory < 500 MiB above baseline.

Figures measured on the project's machine (2 cores, shared; PostgreSQL 15 on the same
machine) are in bench/README.md and docs/adr/0021-nightly-refresh-in-bulk.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from region import AS_OF, database_url, ensure_database, prepare

NIGHTLY_DB = "fk_nightly_bench"


# --- building the region ---------------------------------------------------------------------


def _copy_ids(base: list[tuple[int, str]], copies: int) -> list[tuple[int, int, str]]:
    """(original pk, copy number, personnummer) for copies 1.., each a new valid number with
    the original's birth date (and coordination flag) and the parity of its serial (sex)."""
    from fastkontakt.domain.identifiers import luhn_check_digit

    used = {personal_id for _, personal_id in base}
    out: list[tuple[int, int, str]] = []
    for copy in range(1, copies):
        for pk, personal_id in base:
            serial = int(personal_id[8:11])
            for step in range(1, 500):
                candidate = personal_id[:8] + f"{(serial + 2 * step * copy) % 1000:03d}"
                number = candidate + str(luhn_check_digit(candidate[2:]))
                if number not in used:
                    break
            else:
                raise RuntimeError(f"no free serial for {personal_id}")
            used.add(number)
            out.append((pk, copy, number))
    return out


def build(people: int, base: int, seed: int, reload: bool) -> None:
    """The region of ``people`` people: ``base`` generated and loaded, copied in the database."""
    if people % base:
        sys.exit("--people must be a multiple of --base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from fastkontakt.registry.models import (
        Contact,
        ContactRequest,
        HomeCareDecision,
        ImplementationPlan,
        InformationTransfer,
        InpatientStay,
        Person,
        PlanRevision,
        Sip,
        Visit,
    )

    call_command("migrate", verbosity=0)
    if Person.objects.count() == people and not reload:
        print(f"registry already holds {people} people; reusing it (--reload to rebuild)")
        return
    prepare(base, seed, reload=True)
    copies = people // base
    if copies == 1:
        return
    started = time.perf_counter()
    rows = list(Person.objects.order_by("pk").values_list("pk", "personal_id"))
    ids = _copy_ids(rows, copies)
    span = rows[-1][0]
    plan_span = ImplementationPlan.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def columns(model: type, skip: tuple[str, ...] = ("id",)) -> list[str]:
        # Quoted: some are keywords ("end").
        return [
            connection.ops.quote_name(f.column)
            for f in model._meta.concrete_fields
            if f.column not in skip
        ]

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE fk_copy (pk bigint, copy int, personal_id text) ON COMMIT DROP"
        )
        raw = cursor.cursor
        with raw.copy("COPY fk_copy (pk, copy, personal_id) FROM STDIN") as copy:
            for row in ids:
                copy.write_row(row)
        person_columns = columns(Person, ("id", "personal_id"))
        cursor.execute(
            f"INSERT INTO registry_person (id, personal_id, {', '.join(person_columns)}) "  # noqa: S608
            f"SELECT p.id + c.copy * {span}, c.personal_id, "
            f"{', '.join('p.' + c for c in person_columns)} "
            "FROM registry_person p JOIN fk_copy c ON c.pk = p.id"
        )
        series = f"generate_series(1, {copies - 1}) AS n"
        for model in (
            Contact,
            ContactRequest,
            InpatientStay,
            HomeCareDecision,
            Sip,
            InformationTransfer,
            Visit,
        ):
            names = columns(model)
            chosen = [
                f"person_id + n * {span}"
                if c == '"person_id"'
                else "external_id || '~' || n"
                if c == '"external_id"'
                else c
                for c in names
            ]
            cursor.execute(
                f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "  # noqa: S608
                f"SELECT {', '.join(chosen)} FROM {model._meta.db_table}, {series}"
            )
        names = columns(ImplementationPlan, ())
        chosen = [
            f"id + n * {plan_span}"
            if c == '"id"'
            else f"person_id + n * {span}"
            if c == '"person_id"'
            else c
            for c in names
        ]
        cursor.execute(
            f"INSERT INTO {ImplementationPlan._meta.db_table} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(chosen)} FROM {ImplementationPlan._meta.db_table}, {series} "
            f"WHERE id <= {plan_span}"
        )
        names = columns(PlanRevision)
        chosen = [f"plan_id + n * {plan_span}" if c == '"plan_id"' else c for c in names]
        cursor.execute(
            f"INSERT INTO {PlanRevision._meta.db_table} ({', '.join(names)}) "  # noqa: S608
            f"SELECT {', '.join(chosen)} FROM {PlanRevision._meta.db_table}, {series}"
        )
        for model in (Person, ImplementationPlan):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"copied {base} people {copies} times in the database: {Person.objects.count()} people "
        f"in {time.perf_counter() - started:.1f} s"
    )


# --- measuring -------------------------------------------------------------------------------


def _rss_kib(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _descendants(root: int) -> list[int]:
    """Children, grandchildren, ... of ``root`` (from /proc/PID/task/TID/children: cheap)."""
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(children)
            todo.extend(children)
    return found


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Sampler:
    """The peak of the memory of this process and its descendants together, sampled."""

    def __init__(self) -> None:
        self.peak = 0
        self.workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            others = _descendants(me)
            total = _rss_kib() + sum(_rss_kib(pid) for pid in others)
            self.peak = max(self.peak, total)
            # The pool's workers, not multiprocessing's resource tracker (counted, but whole).
            self.workers = max(self.workers, sum(1 for pid in others if _is_worker(pid)))
            self._stop.wait(0.1)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _idle_worker_kib() -> int:
    """The memory of a spawned process that has set up Django and connected, nothing else."""
    code = (
        "import django, os; django.setup(); from django.db import connection; "
        "connection.ensure_connection(); "
        "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip())


def _column(model: type, field: str) -> str:
    from django.db import connection

    name = model._meta.pk.column if field == "pk" else model._meta.get_field(field).column
    return connection.ops.quote_name(name)


def measure(workers: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from fastkontakt.compliance.store import findings_refresh_everyone, refresh_workers
    from fastkontakt.registry.models import (
        Contact,
        ContactRequest,
        HomeCareDecision,
        ImplementationPlan,
        InformationTransfer,
        InpatientStay,
        Person,
        PlanRevision,
        Sip,
        Visit,
    )
    from fastkontakt.registry.selectors import _PERSON_COLUMNS

    read: list[tuple[type, tuple[str, ...]]] = [
        (Person, _PERSON_COLUMNS),
        (
            Contact,
            (
                "person",
                "external_id",
                "kind",
                "staff",
                "unit",
                "coordinating",
                "start",
                "end",
                "informed",
                "local_title",
            ),
        ),
        (ContactRequest, ("person", "kind", "unit", "date")),
        (
            InpatientStay,
            (
                "person",
                "unit",
                "admitted",
                "outpatient_unit",
                "needs_municipal_care",
                "ready_for_discharge",
                "discharged",
            ),
        ),
        (HomeCareDecision, ("person", "unit", "start", "end", "services", "no_contact_reason")),
        (ImplementationPlan, ("person", "pk", "established", "updated_by_contact")),
        (PlanRevision, ("plan", "date")),
        (Sip, ("person", "external_id", "created", "invited", "coordinator")),
        (InformationTransfer, ("person", "recipient", "date", "consent")),
        (Visit, ("person", "date", "staff", "kind")),
    ]
    selects = [
        f"SELECT {', '.join(_column(model, f) for f in fields)} "  # noqa: S608
        f"FROM {model._meta.db_table}"
        for model, fields in read
    ]
    count = refresh_workers(workers)
    connection.ensure_connection()

    def copy_rows() -> int:
        size = 0
        with connection.cursor() as cursor:
            for select in selects:
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
                    for block in copy:
                        size += len(block)
        return size

    def empty_store() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE compliance_findingowner, compliance_storedfinding, "
                "compliance_findingsrefresh"
            )

    idle = _idle_worker_kib()
    empty_store()
    copy_rows()  # warm the cache for everyone alike
    figures: list[tuple[str, float, int, str]] = []

    def run(label: str, work: object) -> None:
        baseline = _rss_kib()
        started = time.perf_counter()
        with Sampler() as sampler:
            outcome = work()  # type: ignore[operator]
        seconds = time.perf_counter() - started
        above = sampler.peak - baseline - idle * sampler.workers
        figures.append((label, seconds, above, str(outcome)))
        # Each figure as soon as it is measured: a long run that is stopped keeps the others.
        copy_seconds = figures[0][1]
        print(
            f"{label:38} {seconds:8.1f} s {seconds / copy_seconds:7.2f} x COPY "
            f"{above / 1024:7.0f} MiB above baseline ({sampler.workers} workers)\n"
            f"{'':38} {outcome}",
            flush=True,
        )

    people = Person.objects.count()
    print(
        f"people: {people}, worker processes: {count}, cores: {os.cpu_count()}, "
        f"idle worker: {idle / 1024:.0f} MiB, load average before: {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    run("(a) COPY of the rows read", copy_rows)
    run(
        "(b) first refresh, store empty",
        lambda: findings_refresh_everyone(as_of=AS_OF, workers=count),
    )
    run(
        "(c) second refresh, nothing changed",
        lambda: findings_refresh_everyone(as_of=AS_OF, workers=count),
    )
    run(
        "(d) the next day",
        lambda: findings_refresh_everyone(as_of=AS_OF + timedelta(days=1), workers=count),
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("targets: <= 120 s and <= 5 x COPY for 2 500 000 people; < 500 MiB above baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2_500_000)
    parser.add_argument("--base", type=int, default=100_000, help="people generated; copied")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="default: one per core")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build the region, no timing")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = database_url(base, NIGHTLY_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    # With DEBUG on, Django keeps the text of every query, which would be measured as memory.
    os.environ["DJANGO_DEBUG"] = "0"

    if args.measure_only:
        measure(args.workers)
        return
    ensure_database(base, NIGHTLY_DB)
    build(args.people, min(args.base, args.people), args.seed, args.reload)
    if args.build_only:
        return
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--measure-only", "--workers", str(args.workers)],
        check=True,
    )


if __name__ == "__main__":
    main()
