"""Benchmark: one appointment through the service, with its findings-store refresh and its log.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/appointment.py

Loads a demo region of ``--people`` people (default 20 000) into the PostgreSQL database
``fk_bench_appointment`` (reused when its size matches), then, in one process and
alternating, for ``--rounds`` people listed at the largest health centre without a current
fast vårdkontakt there:

(a) ``contact_appoint`` of a nurse of the centre as their fast vårdkontakt: the rules check, the
    write, the findings store refresh of the person and the access-log entry, one transaction;
(b) ``findings_refresh`` of that person alone (the store's share of (a)).

Prints the median and 90th percentile of each and the ratio a/b. Target (issue 14): the median
of (a) at most 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from region import database_url, ensure_database, prepare

BENCH_DB = "fk_bench_appointment"


def measure(rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.utils import timezone

    from fastkontakt.access.actors import actor_for_user
    from fastkontakt.access.models import Membership, Role
    from fastkontakt.compliance.store import findings_refresh
    from fastkontakt.registry.models import Person, Staff, Unit
    from fastkontakt.registry.services.contacts import contact_appoint

    today = timezone.localdate()
    centre = (
        Unit.objects.filter(type="primarvard")
        .annotate(listed=Count("listed_persons"))
        .order_by("-listed", "pk")
        .first()
    )
    assert centre is not None, "the demo region has no health centre"
    nurse = Staff.objects.filter(
        workplaces__unit=centre, profession="sjukskoterska", employment_end=None
    ).first()
    assert nurse is not None
    user, _ = get_user_model().objects.get_or_create(username="bench-appoint")
    Membership.objects.get_or_create(user=user, role=Role.UNIT_MANAGER, unit=centre)
    actor = actor_for_user(user, request_id="bench-appoint")
    current = Q(contacts__kind="fast_vardkontakt", contacts__unit=centre) & (
        Q(contacts__end__isnull=True) | Q(contacts__end__gte=today)
    )
    people = list(
        Person.objects.filter(listed_at=centre)
        .exclude(pk__in=Person.objects.filter(current).values("pk"))
        .order_by("pk")
        .values_list("pk", "personal_id")[:rounds]
    )
    print(f"{centre.name}: {len(people)} people to appoint for")
    appoint: list[float] = []
    refresh: list[float] = []
    for person_pk, personal_id in people:
        started = time.perf_counter()
        contact_appoint(
            actor=actor,
            person_pk=person_pk,
            kind="fast_vardkontakt",
            staff_pk=nurse.pk,
            unit_pk=centre.pk,
            start=today,
        )
        appoint.append(time.perf_counter() - started)
        started = time.perf_counter()
        findings_refresh(personal_ids=[personal_id])
        refresh.append(time.perf_counter() - started)

    def show(name: str, times: list[float]) -> float:
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else median
        print(f"{name}: median {median * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms")
        return median

    a = show("(a) one appointment (rules, write, store refresh, log)", appoint)
    b = show("(b) the store refresh of one person", refresh)
    print(f"a/b = {a / b:.1f}; target: median of (a) <= 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    ensure_database(base, BENCH_DB)
    os.environ["DATABASE_URL"] = database_url(base, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    prepare(args.people, args.seed, args.reload)
    measure(args.rounds)


if __name__ == "__main__":
    main()
