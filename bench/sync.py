"""Benchmark: the nightly full file of 250 000 people through ``fastkontakt sync`` (issue 15).

    make bench-sync     # DATABASE_URL names the server; the database is fk_bench_sync

Empties the PostgreSQL database ``fk_bench_sync``, writes two NDJSON files of the feed profiles
(ADR 0024) for ``--people`` people: a directory of units, staff and their roles, every person's
listing, inpatient stays for 4 % and home-care decisions for 8 % of them; the second file is
the next night's: 2 % of the people moved to another health centre, 1 % gone (their listing
ends), 1 % new, 1 % of the stays discharged, 20 roles gone (staff leaving their unit). Then it
runs the command as an operator would (a process of its own, ``fastkontakt sync FILE``), timing
in one run:

(a) the floor: reading the file and ``json.loads`` of every line, nothing else;
(b) the first file into the empty registry (everything created);
(c) the first file again (unchanged);
(d) the second file (the changes and endings);
(e) the second file again (unchanged).

Between (b) and (c) every person with a decision gets a fast omsorgskontakt and a third of the
listed a fast läkarkontakt (bulk inserts), so the findings refreshed in (d) are those of people
with contacts, as in a region. The access log's rows are counted around (c) and (e): an
unchanged file writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DB = "fk_bench_sync"
HSA = "urn:oid:1.2.752.29.4.19"
PNR = "urn:oid:1.2.752.129.2.1.3.1"
CANON = "https://fastkontakt.se/fhir"
HOSPITAL = "urn:oid:1.2.752.999.1"
MUNICIPALITY = "urn:oid:1.2.752.999.2"
T1 = "2026-12-01T02:00:00+01:00"
T2 = "2026-12-02T02:00:00+01:00"
UNIT_TYPE = f"{CANON}/CodeSystem/unit-type"
PROFESSION = f"{CANON}/CodeSystem/profession"
SERVICE = f"{CANON}/CodeSystem/home-care-service"


def luhn(digits: str) -> int:
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def personnummer(n: int) -> str:
    # Born 1930-1959, spread over the days of the year; the serial makes each unique.
    year = 1930 + n % 30
    day = 1 + (n // 30) % 28
    month = 1 + (n // 840) % 12
    serial = (n // 10080) % 1000
    body = f"{year}{month:02d}{day:02d}{serial:03d}"
    return body + str(luhn(body[2:]))


def ref(hsa: str) -> dict[str, Any]:
    return {"identifier": {"system": HSA, "value": hsa}}


def meta(updated: str) -> dict[str, Any]:
    return {"meta": {"lastUpdated": updated}}


class Region:
    def __init__(self, people: int) -> None:
        self.centres = [f"SE2321000016-VC{i:04d}" for i in range(200)]
        self.home_care = [f"SE2120000001-HT{i:04d}" for i in range(60)]
        self.wards = [f"SE2321000016-SV{i:04d}" for i in range(20)]
        self.doctors = [(f"SE2321000016-L{i:05d}", self.centres[i % 200]) for i in range(1000)]
        self.aides = [(f"SE2120000001-U{i:05d}", self.home_care[i % 60]) for i in range(3000)]
        numbers: list[str] = []
        seen: set[str] = set()
        n = 0
        while len(numbers) < people * 101 // 100:
            pid = personnummer(n)
            n += 1
            if pid not in seen:
                seen.add(pid)
                numbers.append(pid)
        self.people = numbers[:people]
        self.newcomers = numbers[people:]

    def directory(self, gone_roles: set[str]) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        for units, kind in (
            (self.centres, "primarvard"),
            (self.home_care, "hemtjanst"),
            (self.wards, "slutenvard"),
        ):
            for hsa in units:
                lines.append({
                    "resourceType": "Organization", **meta(T1),
                    "identifier": [{"system": HSA, "value": hsa}], "name": f"Enhet {hsa[-6:]}",
                    "type": [{"coding": [{"system": UNIT_TYPE, "code": kind}]}],
                })
        for staff, profession in ((self.doctors, "lakare"), (self.aides, "underskoterska")):
            for hsa, unit in staff:
                lines.append({
                    "resourceType": "Practitioner", **meta(T1),
                    "identifier": [{"system": HSA, "value": hsa}],
                    "name": [{"text": f"M {hsa[-6:]}"}],
                    "qualification": [{"code": {"coding": [
                        {"system": PROFESSION, "code": profession}]}}],
                })
                if hsa not in gone_roles:
                    lines.append({
                        "resourceType": "PractitionerRole", **meta(T1),
                        "practitioner": ref(hsa), "organization": ref(unit),
                        "period": {"start": "2020-01-01"},
                    })
        return lines

    def file(self, *, night: int, rng: random.Random) -> list[dict[str, Any]]:
        people = list(self.people)
        moved: set[str] = set()
        gone: set[str] = set()
        discharged: set[str] = set()
        gone_roles: set[str] = set()
        if night == 2:
            moved = set(rng.sample(people, len(people) * 2 // 100))
            gone = set(rng.sample([p for p in people if p not in moved], len(people) // 100))
            people = [p for p in people if p not in gone] + self.newcomers
            stays = self.people[: len(self.people) * 4 // 100]
            discharged = set(rng.sample(stays, len(self.people) // 100))
            gone_roles = {hsa for hsa, _ in rng.sample(self.aides, 20)}
        lines = self.directory(gone_roles)
        position = {pid: i for i, pid in enumerate(self.people + self.newcomers)}
        for pid in people:
            i = position[pid]
            centre = self.centres[(i + (1 if pid in moved else 0)) % 200]
            lines.append({
                "resourceType": "Patient", **meta(T2 if pid in moved else T1),
                "identifier": [{"system": PNR, "value": pid}], "name": [{"text": f"Person {i}"}],
                "generalPractitioner": [ref(centre)],
            })
        for i, pid in enumerate(self.people[: len(self.people) * 4 // 100]):
            if pid in gone:
                continue
            ext = [
                {"url": f"{CANON}/StructureDefinition/admission-notice-unit",
                 "valueReference": ref(self.centres[i % 200])},
                {"url": f"{CANON}/StructureDefinition/ready-for-discharge",
                 "valueDate": "2026-11-25"},
            ]
            period = {"start": "2026-11-20", **({"end": "2026-11-30"} if pid in discharged else {})}
            lines.append({
                "resourceType": "Encounter", **meta(T2 if pid in discharged else T1),
                "identifier": [{"system": HOSPITAL, "value": f"E{i}"}],
                "status": "in-progress", "class": {"code": "IMP"},
                "subject": {"identifier": {"system": PNR, "value": pid}},
                "serviceProvider": ref(self.wards[i % 20]), "period": period, "extension": ext,
            })
        for i, pid in enumerate(self.people[-len(self.people) * 8 // 100:]):
            if pid in gone:
                continue
            lines.append({
                "resourceType": "ServiceRequest", **meta(T1),
                "identifier": [{"system": MUNICIPALITY, "value": f"B{i}"}],
                "status": "active", "intent": "order",
                "subject": {"identifier": {"system": PNR, "value": pid}},
                "performer": [ref(self.home_care[i % 60])],
                "occurrencePeriod": {"start": "2026-06-01"},
                "orderDetail": [{"coding": [
                    {"system": SERVICE, "code": "personlig_omvardnad"}]}],
            })
        return lines


def write(path: Path, lines: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def sync(path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (this interpreter, a file the benchmark wrote)
        [sys.executable, "-m", "fastkontakt.cli", "sync", str(path)],
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"sync failed: {done.returncode}")
    return seconds, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--dir", default=str(Path(__file__).resolve().parents[1] / ".bench-sync"))
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + BENCH_DB
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from fastkontakt.access.models import AccessLogEntry
    from fastkontakt.registry.models import Contact, HomeCareDecision, Person, Staff, Unit

    call_command("migrate", verbosity=0)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(15)
    region = Region(args.people)
    first, second = folder / "night1.ndjson", folder / "night2.ndjson"
    write(first, region.file(night=1, rng=rng))
    write(second, region.file(night=2, rng=rng))
    for path in (first, second):
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        print(f"{path.name}: {lines} lines, {path.stat().st_size / 1e6:.0f} MB")

    started = time.perf_counter()
    with first.open(encoding="utf-8") as lines:
        for line in lines:
            json.loads(line)
    floor = time.perf_counter() - started

    runs: list[tuple[str, float, str, int]] = []

    def timed(label: str, path: Path) -> None:
        rows = AccessLogEntry.objects.count()
        seconds, summary = sync(path)
        runs.append((label, seconds, summary, AccessLogEntry.objects.count() - rows))

    timed("(b) first file, registry empty", first)
    # Contacts, so that the refresh of (d) evaluates people as a region has them.
    units = dict(Unit.objects.values_list("hsa_id", "pk"))
    staff = dict(Staff.objects.values_list("hsa_id", "pk"))
    people = dict(Person.objects.values_list("personal_id", "pk"))
    contacts = []
    for pid, unit_pk in HomeCareDecision.objects.values_list("person__personal_id", "unit_id"):
        aide = region.aides[unit_pk % 3000]
        contacts.append(Contact(
            external_id=f"fok-{pid}", person_id=people[pid], kind="fast_omsorgskontakt",
            staff_id=staff[aide[0]], unit_id=units[aide[1]], start="2026-06-05",
            informed="2026-06-05",
        ))
    for i, pid in enumerate(region.people[::3]):
        doctor, centre = region.doctors[(i * 3) % 200]
        contacts.append(Contact(
            external_id=f"flk-{pid}", person_id=people[pid], kind="fast_lakarkontakt",
            staff_id=staff[doctor], unit_id=units[centre], start="2025-01-01",
            informed="2025-01-01",
        ))
    Contact.objects.bulk_create(contacts, batch_size=5000)
    timed("(c) first file again, unchanged", first)
    timed("(d) second file: moves, endings, new, staff leaving", second)
    timed("(e) second file again, unchanged", second)

    print(f"\n{args.people} people; {len(contacts)} contacts added after (b)")
    print("| run | seconds | / floor | access-log rows | summary |")
    print("|---|---:|---:|---:|---|")
    print(f"| (a) floor: read + json.loads of every line | {floor:.1f} | 1.00 | – | – |")
    for label, seconds, summary, rows in runs:
        print(f"| {label} | {seconds:.1f} | {seconds / floor:.1f} | {rows} | {summary} |")
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
