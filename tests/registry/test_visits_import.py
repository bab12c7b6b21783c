"""Importing the visits made (``registry.services.visits``): a good file, bad lines, a re-import,
another unit's customer, nothing half-saved, the access log and the findings store."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fastkontakt.access.actors import Actor, system_actor
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.compliance.models import StoredFinding
from fastkontakt.domain.errors import InvalidInput, NotAllowed
from fastkontakt.domain.identifiers import make_personal_id, personal_id_display
from fastkontakt.registry.models import HomeCareDecision, Visit
from fastkontakt.registry.services.visits import visits_import
from tests.factories import PersonFactory, StaffFactory, StaffUnitFactory, UnitFactory
from tests.planning.builders import World, build_world

HEADER = "personnummer;medarbetare;start;slut;typ\n"
OPERATOR = replace(system_actor("cli:test"), region_wide=True)


def coordinator(w: World) -> Actor:
    return Actor(
        user_id=None,
        username="koordinator",
        memberships=frozenset({(Role.COORDINATOR, w.unit.pk)}),
        unit_hsa_ids=((w.unit.pk, w.unit.hsa_id),),
    )


def line(person: str, staff: str, day: date, start: str, end: str, kind: str = "omsorg") -> str:
    return f"{person};{staff};{day.isoformat()} {start};{day.isoformat()} {end};{kind}\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(lines)).encode()


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def rows() -> list[tuple[int, int, date, str, datetime | None]]:
    return list(
        Visit.objects.order_by("pk").values_list("person_id", "staff_id", "date", "kind", "start")
    )


def writes() -> Counter[str]:
    return Counter(
        AccessLogEntry.objects.filter(action="write", what="visits.import").values_list(
            "personal_id", flat=True
        )
    )


@pytest.fixture
def w() -> World:
    return build_world()


@pytest.mark.django_db
def test_a_good_file_is_imported_with_times_unit_and_one_write_entry_per_person(w: World) -> None:
    # given
    day = days_ago(2)
    data = csv(
        line(w.karin.personal_id, w.anna.hsa_id, day, "08:00", "08:25"),
        line(w.karin.personal_id, w.cecilia.hsa_id, day, "19:30", "19:50"),
        line(w.olle.personal_id, w.bo.hsa_id, day, "10:00", "10:40", "serviceinsats"),
    )

    # when
    result = visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)

    # then
    assert (result.lines, result.created, result.already, result.people) == (3, 3, 0, 2)
    karin_morning = Visit.objects.get(person=w.karin, staff=w.anna)
    assert karin_morning.unit_id == w.unit.pk
    assert karin_morning.date == day
    assert karin_morning.kind == "omsorg"
    assert karin_morning.start is not None
    assert karin_morning.end is not None
    assert timezone.localtime(karin_morning.start).strftime("%H:%M") == "08:00"
    assert timezone.localtime(karin_morning.end).strftime("%H:%M") == "08:25"
    assert Visit.objects.get(person=w.olle).kind == "serviceinsats"
    assert writes() == Counter({w.karin.personal_id: 1, w.olle.personal_id: 1})


@pytest.mark.django_db
def test_the_same_file_twice_writes_nothing_the_second_time(w: World) -> None:
    # given
    data = csv(
        line(w.karin.personal_id, w.anna.hsa_id, days_ago(1), "08:00", "08:25"),
        line(w.karin.personal_id, w.bo.hsa_id, days_ago(1), "19:30", "19:50"),
    )
    visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)
    before, log_before = rows(), AccessLogEntry.objects.count()

    # when
    again = visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)

    # then
    assert (again.lines, again.created, again.already, again.people) == (2, 0, 2, 0)
    assert rows() == before
    assert AccessLogEntry.objects.count() == log_before


@pytest.mark.django_db
def test_a_file_that_adds_to_an_earlier_one_writes_only_the_new_visits(w: World) -> None:
    # given
    first = line(w.karin.personal_id, w.anna.hsa_id, days_ago(1), "08:00", "08:25")
    visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=csv(first))

    # when
    later = csv(first, line(w.olle.personal_id, w.bo.hsa_id, days_ago(1), "09:00", "09:30"))
    result = visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=later)

    # then
    assert (result.created, result.already, result.people) == (1, 1, 1)
    assert Visit.objects.count() == 2
    assert writes() == Counter({w.karin.personal_id: 1, w.olle.personal_id: 1})


@pytest.mark.django_db
def test_bad_lines_are_each_named_in_swedish_and_nothing_is_saved(w: World) -> None:
    # given: a good line among bad ones
    day = days_ago(1)
    data = csv(
        line(w.karin.personal_id, w.anna.hsa_id, day, "08:00", "08:25"),
        line("19360101-1235", w.anna.hsa_id, day, "08:00", "08:25"),
        line(w.karin.personal_id, "inte-ett-id", day, "08:00", "08:25"),
        f"{w.karin.personal_id};{w.anna.hsa_id};igår 08:00;{day} 08:25;omsorg\n",
        line(w.karin.personal_id, w.anna.hsa_id, day, "09:00", "08:25"),
        line(w.karin.personal_id, w.anna.hsa_id, day, "10:00", "10:25", "städning"),
        f"{w.karin.personal_id};{w.anna.hsa_id};{day} 08:00\n",
        line(w.karin.personal_id, w.anna.hsa_id, day, "08:00", "08:25"),
    )

    # when
    with pytest.raises(InvalidInput) as refused:
        visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)

    # then
    assert [str(p) for p in refused.value.problems] == [
        "rad 3: Personnumret '19360101-1235' är inte ett giltigt personnummer (ÅÅÅÅMMDDNNNN).",
        "rad 4: Medarbetarens HSA-id 'inte-ett-id' är inte ett giltigt HSA-id.",
        "rad 5: Starttiden 'igår 08:00' ska skrivas ÅÅÅÅ-MM-DD TT:MM.",
        "rad 6: Sluttiden ska vara efter starttiden.",
        "rad 7: Typen 'städning' finns inte (välj omsorg, serviceinsats, matdistribution, larm).",
        "rad 8: Raden har 3 fält; den ska ha 5.",
        "rad 9: Samma besök finns redan på rad 2.",
    ]
    assert Visit.objects.count() == 0
    assert writes() == Counter()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "rad 1: Filen är tom; första raden ska vara rubrikerna "
              "personnummer;medarbetare;start;slut;typ."),
        (b"pnr,staff,from,to,kind\n", "rad 1: Rubrikraden ska vara "
              "personnummer;medarbetare;start;slut;typ, inte pnr;staff;from;to;kind."),
        (HEADER.encode(), "rad 2: Filen har inga besök."),
        ("personnummer;medarbetare;start;slut;typ\n".encode("utf-16"),
         "fil: Filen är inte UTF-8-kodad text."),
    ],
)
def test_a_file_without_visits_is_refused(w: World, content: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=content)
    assert [str(p) for p in refused.value.problems] == [message]
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_another_units_customer_is_refused_the_attempt_logged_and_nothing_saved(
    w: World,
) -> None:
    # given: Sven has home care at another unit; Bo works here; Eva works only there
    other = UnitFactory(name="Hemtjänst Söder", type="hemtjanst")
    sven = PersonFactory(name="Sven Söder", personal_id=make_personal_id(date(1938, 2, 2), 980))
    HomeCareDecision.objects.create(
        person=sven, unit=other, start=days_ago(100), services=["personlig_omvardnad"]
    )
    eva = StaffFactory(name="Eva Ek")
    StaffUnitFactory(staff=eva, unit=other)
    day = days_ago(1)
    data = csv(
        line(w.karin.personal_id, w.anna.hsa_id, day, "08:00", "08:25"),
        line(sven.personal_id, w.bo.hsa_id, day, "08:00", "08:25"),
        line(w.olle.personal_id, eva.hsa_id, day, "09:00", "09:25"),
        line("194001019803", w.bo.hsa_id, day, "10:00", "10:25"),
    )

    # when
    with pytest.raises(InvalidInput) as refused:
        visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)

    # then: an unknown number is answered as another unit's customer
    assert [str(p) for p in refused.value.problems] == [
        f"rad 3: Personen {personal_id_display(sven.personal_id)} är inte kund hos "
        f"Hemtjänst Norr den {day}.",
        f"rad 4: Medarbetaren {eva.hsa_id} arbetar inte vid Hemtjänst Norr.",
        f"rad 5: Personen 19400101-9803 är inte kund hos Hemtjänst Norr den {day}.",
    ]
    assert Visit.objects.count() == 0
    assert writes() == Counter()
    refused_log = Counter(
        AccessLogEntry.objects.filter(what="visits.import").values_list("personal_id", "action")
    )
    assert refused_log == Counter({(sven.personal_id, "denied"): 1, ("194001019803", "denied"): 1})


@pytest.mark.django_db
def test_a_visit_before_the_home_care_began_or_in_the_future_is_refused(w: World) -> None:
    # given: the decisions of the world began 30 days ago
    data = csv(
        line(w.karin.personal_id, w.anna.hsa_id, days_ago(31), "08:00", "08:25"),
        line(w.karin.personal_id, w.anna.hsa_id, days_ago(-1), "08:00", "08:25"),
    )

    # when
    with pytest.raises(InvalidInput) as refused:
        visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)

    # then
    assert [str(p) for p in refused.value.problems] == [
        f"rad 2: Personen {personal_id_display(w.karin.personal_id)} är inte kund hos "
        f"Hemtjänst Norr den {days_ago(31)}.",
        "rad 3: Besöket har inte ägt rum ännu.",
    ]
    assert Visit.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.UNIT_MANAGER, Role.HEAD_OF_UNIT])
def test_unit_managers_and_heads_may_import_too(w: World, role: str) -> None:
    actor = replace(coordinator(w), memberships=frozenset({(role, w.unit.pk)}))
    data = csv(line(w.karin.personal_id, w.anna.hsa_id, days_ago(1), "08:00", "08:25"))
    assert visits_import(actor=actor, unit_pk=w.unit.pk, data=data).created == 1


@pytest.mark.django_db
def test_other_roles_and_other_units_coordinators_are_refused_and_nothing_saved(
    w: World,
) -> None:
    # given
    other = UnitFactory(type="hemtjanst")
    data = csv(line(w.karin.personal_id, w.anna.hsa_id, days_ago(1), "08:00", "08:25"))
    staff_member = replace(coordinator(w), memberships=frozenset({(Role.STAFF, w.unit.pk)}))
    elsewhere = replace(coordinator(w), memberships=frozenset({(Role.COORDINATOR, other.pk)}))

    # when / then
    for actor in (staff_member, elsewhere, system_actor("cli:nobody")):
        with pytest.raises(NotAllowed):
            visits_import(actor=actor, unit_pk=w.unit.pk, data=data)
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_a_unit_that_is_not_home_care_is_refused(w: World) -> None:
    clinic = UnitFactory(type="primarvard")
    data = csv(line(w.karin.personal_id, w.anna.hsa_id, days_ago(1), "08:00", "08:25"))
    with pytest.raises(InvalidInput) as refused:
        visits_import(actor=OPERATOR, unit_pk=clinic.pk, data=data)
    assert [p.message for p in refused.value.problems] == [
        f"{clinic.name} är inte en hemtjänstenhet."
    ]


def open_continuity_findings(w: World) -> list[str]:
    return list(
        StoredFinding.objects.filter(
            person=w.karin, rule="continuity-share", resolved_on__isnull=True
        ).values_list("message", flat=True)
    )


@pytest.mark.django_db
def test_continuity_share_appears_after_an_import_and_clears_after_the_next(w: World) -> None:
    # given: Anna is Karin's fast omsorgskontakt; no visits yet, so no finding
    assert open_continuity_findings(w) == []
    by_bo = csv(*(
        line(w.karin.personal_id, w.bo.hsa_id, days_ago(n), "19:30", "19:50")
        for n in range(1, 11)
    ))

    # when: ten evening visits by Bo are imported
    visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=by_bo)

    # then: at once on the store the worklist reads
    assert open_continuity_findings(w) == [
        "Den fasta omsorgskontakten gjorde 0 av 10 besök de senaste 14 dagarna; målet är "
        "merparten."
    ]

    # when: eleven morning visits by Anna follow
    by_anna = csv(*(
        line(w.karin.personal_id, w.anna.hsa_id, days_ago(n), "08:00", "08:25")
        for n in range(1, 12)
    ))
    visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=by_anna)

    # then: 11 of 21 is the greater part
    assert open_continuity_findings(w) == []
    resolved = StoredFinding.objects.get(person=w.karin, rule="continuity-share")
    assert resolved.resolved_by == "visits.import"


@pytest.mark.django_db
def test_a_failure_while_refreshing_the_findings_leaves_no_visit_and_no_log_entry(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the findings store fails inside the import's transaction
    def broken(**_: object) -> None:
        raise RuntimeError("findings store down")

    monkeypatch.setattr("fastkontakt.compliance.store.findings_refresh", broken)
    data = csv(line(w.karin.personal_id, w.anna.hsa_id, days_ago(1), "08:00", "08:25"))

    # when
    with pytest.raises(RuntimeError, match="findings store down"):
        visits_import(actor=coordinator(w), unit_pk=w.unit.pk, data=data)

    # then
    assert Visit.objects.count() == 0
    assert writes() == Counter()
