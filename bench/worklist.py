"""Benchmark: the worklist of a unit with about 20 000 connected people, on PostgreSQL.

    make bench-worklist    (DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)

Generates a demo region of ``--people`` people (default 220 000: its largest health centres then
have a little over 20 000 people connected to them, listed there or with a current contact,
stay or home-care decision), loads it into the dedicated PostgreSQL database
``fk_bench_worklist`` (reloaded only when its size differs or ``--reload`` is given; the load
refreshes the findings store, which the worklist reads, in its transaction, and a reused region
with an empty store is refreshed), picks the smallest unit with at least ``--target`` connected
people, and measures in a fresh process, with ``DEBUG`` off:

(a) reading the unit's people as snapshots (``registry.selectors.person_snapshot_list``): what
    building the worklist cost before the findings store, for scale,
(b) the unit's worklist from the store (``compliance.worklists.worklist_get``, first page, the
    region's policy read from the database as the pages will),
(c) the whole worklist page, ``GET /arbetslista/?unit=…`` through Django's request handling as
    a signed-in unit manager (middleware, the actor, the access log entries of the 50 people on
    the page, the template), for the day the benchmark runs,

each the median of ``--rounds`` runs after one warm-up, the ratios b/a and c/b, and the number
of SQL queries of (b) and of (c) for that unit and for the unit with the fewest connected people
(they must be equal: a constant number of queries whatever the number of people). Target
(issue 14): (c) median at most 300 ms for 20 000 people.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from region import AS_OF, database_url, ensure_database, prepare

BENCH_DB = "fk_bench_worklist"


def measure(rounds: int, target: int) -> None:
    """Runs in a fresh process, so nothing of the load is cached in it."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fastkontakt.compliance.worklists import worklist_get
    from fastkontakt.registry.models import Person, Unit
    from fastkontakt.registry.selectors import care_relationship_q, person_snapshot_list

    sizes = {
        pk: Person.objects.filter(care_relationship_q([pk], AS_OF)).count()
        for pk in Unit.objects.values_list("pk", flat=True)
    }
    # The smallest unit with at least ``target`` people (the largest, if none has that many).
    large = [pk for pk in sizes if sizes[pk] >= target] or [max(sizes, key=sizes.__getitem__)]
    unit_pk = min(large, key=lambda pk: (sizes[pk], pk))
    # The smallest unit that has anyone at all: with nobody, the page skips reading people.
    small_pk = min((pk for pk in sizes if sizes[pk]), key=lambda pk: (sizes[pk], pk))
    unit_name = Unit.objects.get(pk=unit_pk).name

    def timed(action: Callable[[], object]) -> list[float]:
        action()  # warm-up: connection, imports, the database's caches
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        return times

    where = care_relationship_q([unit_pk], AS_OF)
    read_times = timed(lambda: person_snapshot_list(where=where))
    build_times = timed(lambda: worklist_get(unit_pk=unit_pk, as_of=AS_OF))

    client = _manager_client([unit_pk, small_pk])
    page_url = f"/arbetslista/?unit={unit_pk}"

    def page(url: str = page_url) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(
                f"the worklist page answered {response.status_code} {response.get('Location')}"
            )

    page_times = timed(page)
    with CaptureQueriesContext(connection) as big_page:
        page()
    with CaptureQueriesContext(connection) as small_page:
        page(f"/arbetslista/?unit={small_pk}")

    with CaptureQueriesContext(connection) as big:
        worklist = worklist_get(unit_pk=unit_pk, as_of=AS_OF)
    with CaptureQueriesContext(connection) as small:
        worklist_get(unit_pk=small_pk, as_of=AS_OF)

    a, b = statistics.median(read_times), statistics.median(build_times)
    c = statistics.median(page_times)
    print(
        f"region: {Person.objects.count()} people; unit: {unit_name} with "
        f"{worklist.people} connected people, {worklist.total} worklist rows "
        f"{dict(worklist.counts)}, policy {worklist.policy}"
    )
    print(f"(a) read the unit's people:     {a * 1000:8.1f} ms  (median of {rounds})")
    print(
        f"(b) build the unit's worklist:  {b * 1000:8.1f} ms  (median of {rounds}; "
        f"min {min(build_times) * 1000:.1f}, max {max(build_times) * 1000:.1f}; "
        "no target of its own)"
    )
    print(
        f"(c) the worklist page:          {c * 1000:8.1f} ms  (median of {rounds}; "
        f"min {min(page_times) * 1000:.1f}, max {max(page_times) * 1000:.1f}; "
        "target <= 300 ms)"
    )
    print(f"b/a:                            {b / a:8.2f}")
    print(f"c/b:                            {c / b:8.2f}")
    print(
        f"page queries: {len(big_page.captured_queries)} for {sizes[unit_pk]} people, "
        f"{len(small_page.captured_queries)} for {sizes[small_pk]} people (must not grow; a page "
        "without rows skips the access-log append)"
    )
    print(
        f"queries: {len(big.captured_queries)} for {sizes[unit_pk]} people, "
        f"{len(small.captured_queries)} for {sizes[small_pk]} people (must be equal)"
    )


def _manager_client(unit_pks: list[int]) -> object:
    """A test client signed in (both factors) as a unit manager of the units."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fastkontakt.access.models import Membership, Role

    user, _ = get_user_model().objects.get_or_create(username="bench-worklist")
    Membership.objects.filter(user=user).delete()
    for unit_pk in unit_pks:
        Membership.objects.create(user=user, role=Role.UNIT_MANAGER, unit_id=unit_pk)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=220_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("the benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = database_url(base, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    # With DEBUG on, Django keeps the text of every query; the pages run with it off.
    os.environ["DJANGO_DEBUG"] = "0"

    if args.measure_only:
        measure(args.rounds, args.target)
        return
    ensure_database(base, BENCH_DB)
    prepare(args.people, args.seed, args.reload)
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable,
            __file__,
            "--measure-only",
            "--rounds",
            str(args.rounds),
            "--target",
            str(args.target),
        ],
        check=True,
        env=os.environ.copy(),
    )


if __name__ == "__main__":
    main()
