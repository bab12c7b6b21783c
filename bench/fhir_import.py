"""Benchmark: importing a population of 10 000 people as one FHIR transaction Bundle.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fhir_import.py

Builds a demo region of ``--people`` people as a transaction Bundle (``Organization``,
``Practitioner``, ``PractitionerRole``, ``Patient``, ``CareTeam``), leaving out the people whose
planted breaches the import's rules refuse, empties the PostgreSQL database
``bench_fhir_import``, and posts the bundle to ``POST /fhir/`` in process (Django's test client,
DEBUG off) as a region-wide client, timing the parts in one run: parsing the JSON into the R4B
models, mapping to a scenario, and the whole request (which includes both, the ownership and
rule checks, and the writes). For scale it also times ``scenario_load`` of the same scenario
directly, the operator's loader (no rule checks), and prints the ratio import / direct load.
"""

from __future__ import annotations

import argparse
import json
import os
import time

BENCH_DB = "bench_fhir_import"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DB,)).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + BENCH_DB
    os.environ["DJANGO_DEBUG"] = "0"
    # Django's test client calls itself "testserver".
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    import django

    django.setup()
    from dataclasses import replace

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from fhir.resources.R4B.bundle import Bundle

    from fastkontakt.access.models import Membership, Role
    from fastkontakt.demo.population import demo_scenario
    from fastkontakt.domain.appointment import import_problems
    from fastkontakt.domain.rules import POLICIES, Directory
    from fastkontakt.fhir.clients import api_client_create
    from fastkontakt.fhir.mappers.population import population_bundle, population_scenario
    from fastkontakt.registry.models import Contact, Person, Unit
    from fastkontakt.registry.services import scenario_load

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    demo = demo_scenario(people=args.people, seed=1, as_of=today)
    mapped = population_scenario(Bundle.model_validate(population_bundle(demo)))
    directory = Directory.of(mapped.units, mapped.staff)
    accepted = {
        p.id
        for p in mapped.patients
        if not import_problems(p, directory, as_of=today, policy=POLICIES["national"])
    }
    scenario = replace(demo, patients=tuple(p for p in demo.patients if p.id in accepted))
    print(f"{len(demo.patients) - len(accepted)} of {len(demo.patients)} people left out "
          "(planted breaches the import refuses)")
    document = json.dumps(population_bundle(scenario))
    print(f"bundle: {len(json.loads(document)['entry'])} entries, {len(document) / 1e6:.1f} MB")

    started = time.perf_counter()
    bundle = Bundle.model_validate_json(document)
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    population_scenario(bundle)
    map_s = time.perf_counter() - started

    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    scenario_load(scenario=scenario)
    direct_s = time.perf_counter() - started

    call_command("flush", interactive=False, verbosity=0)
    # The client's unit must exist before the import; the bundle upserts it again. Loading a
    # region needs a region-wide client, which a system administrator grants.
    first = scenario.units[0]
    Unit.objects.create(hsa_id=first.id, name=first.name, type=first.type)
    admin = get_user_model().objects.create_user(username="bench-admin")
    Membership.objects.create(user=admin, role=Role.SYSTEM_ADMIN)
    _, token = api_client_create(
        name="import",
        unit_hsa_id=first.id,
        scopes=["system/*.write"],
        region=True,
        granted_by="bench-admin",
    )
    started = time.perf_counter()
    response = Client().post(
        "/fhir/",
        document,
        content_type="application/fhir+json",
        headers={"Authorization": f"Bearer {token}"},
    )
    import_s = time.perf_counter() - started
    assert response.status_code == 200, response.content[:500]
    assert Person.objects.count() == len(scenario.patients)
    people = len(scenario.patients)
    print(f"{people} people, {Contact.objects.count()} contacts, PostgreSQL {BENCH_DB}")
    print(f"parse JSON into R4B models   {parse_s:6.1f} s")
    print(f"map bundle -> scenario       {map_s:6.1f} s")
    print(f"whole POST /fhir/ (import)   {import_s:6.1f} s")
    print(f"scenario_load directly       {direct_s:6.1f} s")
    print(f"ratio import / direct load   {import_s / direct_s:.1f}x")


if __name__ == "__main__":
    main()
