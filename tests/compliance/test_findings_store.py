"""The findings store: after any sequence of service writes it equals a fresh evaluation of
every person; a finding keeps the day it was first seen and records what resolved it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastkontakt.access.actors import Actor, actor_for_user
from fastkontakt.access.models import Role
from fastkontakt.compliance.models import FindingOwner, FindingsRefresh, StoredFinding
from fastkontakt.compliance.store import (
    findings_refresh,
    findings_refresh_everyone,
    owner_types_text,
)
from fastkontakt.compliance.worklists import worklist_rows
from fastkontakt.demo.population import demo_scenario
from fastkontakt.domain.errors import DomainError
from fastkontakt.domain.rules.engine import evaluate_patient
from fastkontakt.registry.models import Contact, Person, RegionSettings, Staff, Unit
from fastkontakt.registry.selectors import directory_get, person_snapshot_list, region_policy_get
from fastkontakt.registry.services import scenario_load
from fastkontakt.registry.services.care import MUNICIPAL_UNIT_TYPES, person_residence_record
from fastkontakt.registry.services.contacts import contact_appoint, contact_end
from fastkontakt.registry.services.units import staff_eligible_set
from tests.access.helpers import make_user, signed_in

Units = tuple[tuple[str, str], ...]
Row = tuple[str, str, str, date | None, str, str, str, int | None, str, Units]


def _fresh(as_of: date) -> Counter[Row]:
    """Every person's findings on ``as_of``, evaluated now over the whole directory."""
    from django.db.models import Q

    people = person_snapshot_list(where=Q())
    directory = directory_get()
    policy = region_policy_get()
    rows: Counter[Row] = Counter()
    for pk, patient in zip(people.person_pks, people.patients, strict=True):
        findings = evaluate_patient(patient, directory, as_of=as_of, policy=policy)
        for row in worklist_rows(pk, patient, findings, directory, people.staff_pks, as_of):
            rows[
                (
                    patient.id,
                    row.rule,
                    row.contact or "",
                    row.due,
                    row.message,
                    row.source,
                    row.kind or "",
                    row.staff_pk,
                    owner_types_text(row.owners.types),
                    tuple(sorted((u, c or "") for u, c in row.owners.units.items())),
                )
            ] += 1
    return rows


def _stored() -> Counter[Row]:
    """The store's current findings, with the units that own each one's fix."""
    units: dict[int, list[tuple[str, str]]] = {}
    for finding, unit, contact in FindingOwner.objects.filter(
        finding__resolved_on__isnull=True
    ).values_list("finding_id", "unit_id", "contact"):
        units.setdefault(finding, []).append((unit, contact))
    return Counter(
        (*row[1:], tuple(sorted(units.get(row[0], ()))))
        for row in StoredFinding.objects.filter(resolved_on__isnull=True).values_list(
            "pk",
            "person__personal_id",
            "rule",
            "contact",
            "due",
            "message",
            "source",
            "kind",
            "staff_id",
            "owner_types",
        )
    )


@pytest.fixture
def region(db: None) -> Actor:
    """A small demo region, loaded today, and a user with every unit role at every unit."""
    scenario_load(scenario=demo_scenario(people=40, seed=5, as_of=timezone.localdate()))
    roles = [
        (role, unit)
        for unit in Unit.objects.all()
        for role in (Role.UNIT_MANAGER, Role.HEAD_OF_UNIT, Role.COORDINATOR)
    ]
    return actor_for_user(make_user("allt", roles), request_id="store-1")


def test_a_load_stores_every_persons_findings(region: Actor) -> None:
    # then
    today = timezone.localdate()
    assert _stored() == _fresh(today)
    assert _stored(), "the demo region breaks rules"
    assert set(StoredFinding.objects.values_list("first_seen", flat=True)) == {today}


def test_an_appointment_resolves_its_finding_by_that_action(region: Actor) -> None:
    # given: someone whose fast omsorgskontakt is missing or otherwise needed
    today = timezone.localdate()
    finding = (
        StoredFinding.objects.filter(
            resolved_on__isnull=True, rule="contact-vacancy", contact__gt=""
        )
        .select_related("person")
        .first()
    )
    if finding is None:
        pytest.fail("the demo region has no contact-vacancy to resolve")
    contact = Contact.objects.get(person=finding.person, external_id=finding.contact)
    successor = (
        Staff.objects.filter(
            workplaces__unit=contact.unit, profession=contact.staff.profession, employment_end=None
        )
        .exclude(pk=contact.staff_id)
        .first()
    )
    assert successor is not None

    # when: a successor replaces the contact
    contact_appoint(
        actor=region,
        person_pk=contact.person_id,
        kind=contact.kind,
        staff_pk=successor.pk,
        unit_pk=contact.unit_id,
        start=today,
        replaces_pk=contact.pk,
        coordinating=contact.coordinating,
    )

    # then: the finding is resolved today by the appointment, and the store is fresh
    finding.refresh_from_db()
    assert (finding.resolved_on, finding.resolved_by) == (today, "contact.appoint")
    assert finding.first_seen == today
    assert _stored() == _fresh(today)


def test_the_nightly_refresh_moves_the_date_and_writes_only_what_changed(region: Actor) -> None:
    # given
    later = timezone.localdate() + timedelta(days=40)
    before = {f.pk: f.first_seen for f in StoredFinding.objects.filter(resolved_on=None)}

    # when
    result = findings_refresh_everyone(as_of=later)
    again = findings_refresh(as_of=later)

    # then: the store is the evaluation on that day; kept findings keep their first day
    assert _stored() == _fresh(later)
    kept = StoredFinding.objects.filter(pk__in=before, resolved_on=None)
    assert all(f.first_seen == before[f.pk] for f in kept)
    assert result.people == Person.objects.count()
    assert result.changed > 0
    assert again.changed == 0
    run = FindingsRefresh.objects.get()
    assert (run.as_of, run.people, run.changed) == (later, result.people, result.changed)


_OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["appoint", "end", "eligible", "residence"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=_OPERATIONS)
def test_after_any_service_writes_the_store_equals_a_fresh_evaluation(
    region: Actor, operations: list[tuple[str, int, int]]
) -> None:
    today = timezone.localdate()
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    units = list(Unit.objects.order_by("pk"))
    staff = list(Staff.objects.order_by("pk"))
    for name, a, b in operations:
        person_pk = people[a % len(people)]
        try:
            if name == "appoint":
                unit = units[b % len(units)]
                member = staff[(a + b) % len(staff)]
                kind = "fast_omsorgskontakt" if unit.type == "hemtjanst" else "fast_vardkontakt"
                contact_appoint(
                    actor=region,
                    person_pk=person_pk,
                    kind=kind,
                    staff_pk=member.pk,
                    unit_pk=unit.pk,
                    start=today - timedelta(days=b % 30),
                )
            elif name == "end":
                current = list(
                    Contact.objects.filter(end=None).order_by("pk").values_list("pk", flat=True)
                )
                contact_end(
                    actor=region,
                    contact_pk=current[b % len(current)],
                    end=today - timedelta(days=b % 5),
                    end_reason="personens_onskan",
                )
            elif name == "eligible":
                member = staff[b % len(staff)]
                unit_pk = member.workplaces.values_list("unit_id", flat=True).first()
                assert unit_pk is not None
                staff_eligible_set(
                    actor=region, unit_pk=unit_pk, staff_pk=member.pk, eligible=b % 2 == 0
                )
            else:
                municipal = [u for u in units if u.type in MUNICIPAL_UNIT_TYPES]
                person_residence_record(
                    actor=region,
                    person_pk=person_pk,
                    unit_pk=municipal[b % len(municipal)].pk,
                    residence="sarskilt_boende" if b % 2 else "ordinart",
                    residence_from=today - timedelta(days=b % 400),
                )
        except DomainError:
            pass  # a refusal writes nothing, findings included
        assert _stored() == _fresh(today), f"after {name}"


def test_the_findings_refresh_command_stores_the_day_given(region: Actor) -> None:
    # given
    import io

    from fastkontakt.cli import main

    later = timezone.localdate() + timedelta(days=100)
    out = io.StringIO()

    # when
    code = main(["findings", "refresh", "--as-of", later.isoformat()], out=out)

    # then
    assert code == 0
    assert _stored() == _fresh(later)
    people = Person.objects.count()
    assert out.getvalue().startswith(f"{people} personer omräknade: ")
    assert FindingsRefresh.objects.get().as_of == later


def _system_admin() -> Client:
    user = make_user("systemadmin", [(Role.SYSTEM_ADMIN, None)])
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return signed_in(user)


def test_a_policy_changed_in_the_admin_refreshes_everyone_at_once(region: Actor) -> None:
    # given: the demo region under its policy
    today = timezone.localdate()
    before = region_policy_get().name
    assert set(StoredFinding.objects.values_list("policy", flat=True)) == {before}
    RegionSettings.objects.get_or_create(id=RegionSettings.SINGLETON_PK)
    chosen = "gavleborg" if before != "gavleborg" else "norrbotten"

    # when: a system administrator chooses another policy
    response = _system_admin().post(
        f"/admin/registry/regionsettings/{RegionSettings.SINGLETON_PK}/change/",
        {"policy": chosen},
    )

    # then: every current finding is the new policy's, at once
    assert response.status_code == 302, response.content[:500]
    assert region_policy_get().name == chosen
    current = StoredFinding.objects.filter(resolved_on__isnull=True)
    assert set(current.values_list("policy", flat=True)) == {chosen}
    assert _stored() == _fresh(today)


def test_an_absence_added_in_the_admin_refreshes_the_staff_members_people(
    region: Actor,
) -> None:
    # given: a fast omsorgskontakt with people
    today = timezone.localdate()
    contact = Contact.objects.filter(kind="fast_omsorgskontakt", end=None).first()
    assert contact is not None
    staff = contact.staff
    before = _stored()

    # when: a long absence from today is registered in the admin
    response = _system_admin().post(
        "/admin/registry/absence/add/",
        {
            "staff": staff.pk,
            "start": today.isoformat(),
            "end": (today + timedelta(days=120)).isoformat(),
        },
    )

    # then: the store is the engine's again, and the absence made new findings
    assert response.status_code == 302, response.content[:500]
    assert _stored() == _fresh(today)
    assert _stored() != before


History = tuple[str, str, str, int, date, date | None, str]


def _history() -> Counter[tuple[Row | History, ...]]:
    """Every stored finding, current or resolved, with its history and the units owning it."""
    units: dict[int, list[tuple[str, str]]] = {}
    for finding, unit, contact in FindingOwner.objects.values_list(
        "finding_id", "unit_id", "contact"
    ):
        units.setdefault(finding, []).append((unit, contact))
    return Counter(
        (*row[1:], tuple(sorted(units.get(row[0], ()))))
        for row in StoredFinding.objects.values_list(
            "pk",
            "person__personal_id",
            "rule",
            "contact",
            "ordinal",
            "due",
            "message",
            "source",
            "policy",
            "kind",
            "staff_id",
            "owner_types",
            "first_seen",
            "resolved_on",
            "resolved_by",
        )
    )


def _store_rows() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Both tables exactly, primary keys included (to see that nothing was written)."""
    return (
        list(StoredFinding.objects.order_by("pk").values_list()),
        list(FindingOwner.objects.order_by("pk").values_list()),
    )


def _restart_store(day: date) -> None:
    """Empty the store and refresh everyone person by person on ``day``."""
    StoredFinding.objects.all().delete()
    everyone = list(Person.objects.values_list("personal_id", flat=True))
    findings_refresh(personal_ids=everyone, as_of=day)


@pytest.mark.django_db(transaction=True)
def test_the_region_refresh_stores_exactly_what_the_per_person_refresh_stores() -> None:
    # given: a demo region (committed, so that worker processes on PostgreSQL see it), its
    # findings stored person by person today, and the same refreshed person by person later
    today = timezone.localdate()
    later = today + timedelta(days=40)
    scenario_load(scenario=demo_scenario(people=120, seed=7, as_of=today))
    everyone = list(Person.objects.values_list("personal_id", flat=True))
    _restart_store(today)
    findings_refresh(personal_ids=everyone, as_of=later)
    per_person = _history()
    _restart_store(today)

    # when: everyone is refreshed by ranges, in two processes where the database allows
    result = findings_refresh_everyone(as_of=later, workers=2)

    # then: the same rows, owners, first days and resolutions; the store is the engine's
    assert _history() == per_person
    assert any(row[-2] == "findings.refresh" for row in per_person), "something resolved"
    assert _stored() == _fresh(later)
    assert result.people == len(everyone)
    assert result.changed > 0

    # when: refreshed again with nothing changed
    before = _store_rows()
    again = findings_refresh_everyone(as_of=later, workers=2)

    # then: nothing written
    assert (again.people, again.changed) == (len(everyone), 0)
    assert _store_rows() == before
    runs = list(FindingsRefresh.objects.order_by("pk").values_list("people", "changed"))
    assert runs == [(len(everyone), result.changed), (len(everyone), 0)]


@pytest.mark.django_db(transaction=True)
def test_the_region_refresh_from_an_empty_store_adds_what_the_per_person_refresh_adds() -> None:
    # given
    today = timezone.localdate()
    scenario_load(scenario=demo_scenario(people=120, seed=8, as_of=today))
    _restart_store(today)
    per_person = _history()
    StoredFinding.objects.all().delete()

    # when
    result = findings_refresh_everyone(as_of=today, workers=2)

    # then
    assert _history() == per_person
    assert result.added == sum(per_person.values())
    assert (result.resolved, result.updated) == (0, 0)


def test_a_second_region_refresh_in_one_process_sends_no_write(region: Actor) -> None:
    # given: the store refreshed on a later day
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    later = timezone.localdate() + timedelta(days=10)
    findings_refresh(as_of=later)
    before = _store_rows()

    # when
    with CaptureQueriesContext(connection) as queries:
        result = findings_refresh(as_of=later)

    # then: only reads
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert result.changed == 0
    assert _store_rows() == before
