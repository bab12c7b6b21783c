"""The worklist of a unit: grouping, counts, filters, paging, who is on it, and its queries."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_django import DjangoAssertNumQueries

from fastkontakt.compliance.store import findings_refresh
from fastkontakt.compliance.worklists import Worklist, worklist_get
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.model import (
    Contact,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Patient,
    Scenario,
    Sip,
    Staff,
    Unit,
    Visit,
)
from fastkontakt.registry.models import Person, RegionSettings
from fastkontakt.registry.models import Staff as StaffRow
from fastkontakt.registry.models import Unit as UnitRow
from fastkontakt.registry.services import scenario_load

AS_OF = date(2026, 11, 22)
D = date.fromisoformat

VC1 = Unit("SE2321000032-vc1", "Vårdcentralen Norr", "primarvard")
VC2 = Unit("SE2321000032-vc2", "Vårdcentralen Syd", "primarvard")
SLV = Unit("SE2321000032-slv", "Medicinavdelningen", "slutenvard")
HT1 = Unit("SE2120000000-ht1", "Hemtjänst Centrum", "hemtjanst")
UNITS = (VC1, VC2, SLV, HT1)

NURSE = Staff("SE2321000032-ssk", "Karin Sköterska", "sjukskoterska", (VC1.id,), licensed=True)
NOTSEL = Staff("SE2321000032-ej", "Lina Ej valbar", "sjukskoterska", (VC1.id,), eligible=False)
DOC2 = Staff("SE2321000032-doc2", "Per Läkare", "lakare", (VC2.id,), licensed=True)
USK = Staff("SE2120000000-usk", "Maja Undersköterska", "underskoterska", (HT1.id,))
VB = Staff("SE2120000000-vb", "Olle Vårdbiträde", "vardbitrade", (HT1.id,))
STAFF = (NURSE, NOTSEL, DOC2, USK, VB)


def pid(serial: int) -> str:
    return make_personal_id(date(1940, 1, 1), serial)


def fvk(contact_id: str, staff: Staff, unit: Unit, **fields: object) -> Contact:
    fields.setdefault("start", D("2026-01-01"))
    fields.setdefault("informed", D("2026-01-02"))
    return Contact(contact_id, "fast_vardkontakt", staff.id, unit.id, **fields)  # type: ignore[arg-type]


# Connected to VC1: listed there, or a current contact there.
ANNA = Patient(pid(1), "Anna Andersson", listed_at=VC1.id, contacts=(
    Contact("a1", "fast_lakarkontakt", NURSE.id, VC1.id, D("2026-01-01"),
            informed=D("2026-01-02")),
))  # lakarkontakt-profession: a breach
BERTIL = Patient(pid(2), "Bertil Berg", contacts=(
    fvk("b1", NURSE, VC1, start=D("2026-11-15"), informed=None),
))  # contact-informed due 2026-11-29: due soon
CECILIA = Patient(pid(3), "Cecilia Ek", listed_at=VC1.id, requests=(
    ContactRequest("fast_lakarkontakt", VC1.id, D("2026-11-01")),  # due 11-15: overdue
    ContactRequest("fast_vardkontakt", VC1.id, D("2026-11-08")),  # due 11-22, today: due soon
))
INGRID = Patient(pid(4), "Ingrid Is", contacts=(fvk("i1", NOTSEL, VC1),))  # only in Gävleborg
# Connected elsewhere only.
DAVID = Patient(pid(5), "David Dahl", inpatient_stays=(InpatientStay(SLV.id, D("2026-11-10")),),
                information_transfers=(InformationTransfer("Boendet", D("2026-11-12"), False),))
EVA = Patient(
    pid(6), "Eva Ström",
    home_care=(HomeCareDecision(HT1.id, D("2026-10-01"), ("personlig_omvardnad",)),),
    contacts=(Contact("e1", "fast_omsorgskontakt", VB.id, HT1.id, D("2026-10-02"),
                      informed=D("2026-10-03")),),
)  # omsorgskontakt-profession (breach) and plan-initial-update due 10-15 (overdue), both Olle's
HUGO = Patient(pid(9), "Hugo Holm",
               home_care=(HomeCareDecision(HT1.id, D("2026-11-15"), ("personlig_omvardnad",)),))
FREDRIK = Patient(pid(7), "Fredrik Fors", listed_at=VC2.id,
                  contacts=(fvk("f1", DOC2, VC2, informed=None),))
GRETA = Patient(pid(8), "Greta Gran", contacts=(fvk("g1", NURSE, VC1, end=D("2026-10-01")),),
                information_transfers=(InformationTransfer("Boendet", D("2026-10-01"), False),))
PEOPLE = (ANNA, BERTIL, CECILIA, INGRID, DAVID, EVA, HUGO, FREDRIK, GRETA)


def load(policy: str | None = None, people: tuple[Patient, ...] = PEOPLE) -> None:
    """Load the people, and store their findings on ``AS_OF`` (the load stores today's)."""
    scenario_load(scenario=Scenario(units=UNITS, staff=STAFF, patients=people,
                                    policy=policy))  # type: ignore[arg-type]
    findings_refresh(as_of=AS_OF)


def unit_pk(unit: Unit) -> int:
    return UnitRow.objects.get(hsa_id=unit.id).pk


def staff_pk(staff: Staff) -> int:
    return StaffRow.objects.get(hsa_id=staff.id).pk


def summary(worklist: Worklist) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    """(group, name, rule, due, kind, staff name) of each row on the page."""
    return [
        (r.group, r.name, r.rule, r.due.isoformat() if r.due else None, r.kind, r.staff_name)
        for r in worklist.rows
    ]


VC1_ROWS = [
    ("overdue", "Cecilia Ek", "contact-on-request", "2026-11-15", "fast_lakarkontakt", None),
    ("due_soon", "Cecilia Ek", "contact-on-request", "2026-11-22", "fast_vardkontakt", None),
    ("due_soon", "Bertil Berg", "contact-informed", "2026-11-29", "fast_vardkontakt",
     "Karin Sköterska"),
    ("breach", "Anna Andersson", "lakarkontakt-profession", None, "fast_lakarkontakt",
     "Karin Sköterska"),
]


@pytest.mark.django_db
def test_worklist_groups_every_finding_of_the_units_people() -> None:
    # given
    load()

    # when
    worklist = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF)

    # then
    assert summary(worklist) == VC1_ROWS
    assert worklist.counts == {"overdue": 1, "due_soon": 2, "breach": 1}
    assert (worklist.total, worklist.page, worklist.pages, worklist.people) == (4, 1, 1, 4)
    assert (worklist.unit_id, worklist.unit_name, worklist.policy) == (
        VC1.id, "Vårdcentralen Norr", "national"
    )
    assert [group for group, _ in worklist.grouped()] == ["overdue", "due_soon", "breach"]


@pytest.mark.django_db
def test_a_row_carries_the_person_the_explanation_and_the_source() -> None:
    # given
    load()

    # when
    (row,) = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF, rule="contact-informed").rows

    # then
    assert row.person_pk == Person.objects.get(personal_id=BERTIL.id).pk
    assert (row.personal_id, row.name, row.contact, row.overdue) == (
        BERTIL.id, "Bertil Berg", "b1", False
    )
    assert row.message == (
        "Personen har inte fått skriftlig information om sin fasta vårdkontakt (Karin Sköterska)."
    )
    assert row.source == (
        "patientlagen (2014:821) om information om fast vårdkontakt och fast läkarkontakt; "
        "rutin för fast omsorgskontakt; Region Norrbottens anvisning (skriftlig information om "
        "samordningsansvarig för SIP)"
    )
    assert row.staff_pk == staff_pk(NURSE)


@pytest.mark.django_db
def test_people_not_connected_to_the_unit_are_left_out() -> None:
    # given: Fredrik is listed at VC2, Greta's contact at VC1 ended, David is only in hospital
    load()

    # when
    names = {row.name for row in worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF).rows}

    # then
    assert names == {"Anna Andersson", "Bertil Berg", "Cecilia Ek"}


@pytest.mark.django_db
def test_inpatient_and_home_care_units_have_their_own_people() -> None:
    # given
    load()

    # when
    ward = worklist_get(unit_pk=unit_pk(SLV), as_of=AS_OF)
    home_care = worklist_get(unit_pk=unit_pk(HT1), as_of=AS_OF)

    # then
    assert summary(ward) == [("breach", "David Dahl", "transfer-consent", None, None, None)]
    assert summary(home_care) == [
        ("overdue", "Eva Ström", "plan-initial-update", "2026-10-15", "fast_omsorgskontakt",
         "Olle Vårdbiträde"),
        ("due_soon", "Hugo Holm", "home-care-contact", "2026-11-29", "fast_omsorgskontakt",
         None),
        ("due_soon", "Hugo Holm", "plan-initial-update", "2026-11-29", "fast_omsorgskontakt",
         None),
        ("breach", "Eva Ström", "omsorgskontakt-profession", None, "fast_omsorgskontakt",
         "Olle Vårdbiträde"),
    ]
    assert worklist_get(unit_pk=unit_pk(SLV), as_of=D("2026-11-09")).people == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected_rows", "expected_counts"),
    [
        pytest.param({"rule": "contact-on-request"}, [0, 1],
                     {"overdue": 1, "due_soon": 1, "breach": 0}, id="rule"),
        pytest.param({"kind": "fast_lakarkontakt"}, [0, 3],
                     {"overdue": 1, "due_soon": 0, "breach": 1}, id="kind"),
        pytest.param({"staff": NURSE}, [2, 3],
                     {"overdue": 0, "due_soon": 1, "breach": 1}, id="staff"),
        pytest.param({"staff": NURSE, "kind": "fast_vardkontakt"}, [2],
                     {"overdue": 0, "due_soon": 1, "breach": 0}, id="staff-and-kind"),
        pytest.param({"rule": "one-coordinator"}, [],
                     {"overdue": 0, "due_soon": 0, "breach": 0}, id="nothing-matches"),
    ],
)
def test_filters_narrow_rows_and_counts_but_not_the_options(
    filters: dict[str, object], expected_rows: list[int], expected_counts: dict[str, int]
) -> None:
    # given
    load()
    staff = filters.pop("staff", None)
    extra = {"staff_pk": staff_pk(staff)} if isinstance(staff, Staff) else {}

    # when
    worklist = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF, **filters, **extra)  # type: ignore[arg-type]

    # then
    assert summary(worklist) == [VC1_ROWS[i] for i in expected_rows]
    assert worklist.counts == expected_counts
    assert worklist.options.rules == (
        ("contact-informed", 1), ("contact-on-request", 2), ("lakarkontakt-profession", 1)
    )
    assert worklist.options.kinds == ("fast_lakarkontakt", "fast_vardkontakt")
    assert worklist.options.staff == ((staff_pk(NURSE), "Karin Sköterska"),)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "expected_page", "expected_rows"),
    [
        pytest.param(1, 1, [0, 1, 2], id="first"),
        pytest.param(2, 2, [3], id="last-partial"),
        pytest.param(9, 2, [3], id="beyond-the-last-brought-back"),
    ],
)
def test_paging_keeps_counts_over_every_row(
    page: int, expected_page: int, expected_rows: list[int]
) -> None:
    # given
    load()

    # when
    worklist = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF, page=page, page_size=3)

    # then
    assert summary(worklist) == [VC1_ROWS[i] for i in expected_rows]
    assert (worklist.page, worklist.pages, worklist.total) == (expected_page, 2, 4)
    assert worklist.counts == {"overdue": 1, "due_soon": 2, "breach": 1}


@pytest.mark.django_db
def test_an_empty_worklist_has_one_empty_page() -> None:
    # given
    load(people=(FREDRIK,))

    # when
    worklist = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF)

    # then
    assert (worklist.rows, worklist.total, worklist.page, worklist.pages) == ([], 0, 1, 1)
    assert worklist.counts == {"overdue": 0, "due_soon": 0, "breach": 0}


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "page_size"), [(0, 50), (1, 0)])
def test_page_and_page_size_start_at_one(page: int, page_size: int) -> None:
    load()
    with pytest.raises(ValueError, match="at least 1"):
        worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF, page=page, page_size=page_size)


@pytest.mark.django_db
def test_an_unknown_unit_raises() -> None:
    with pytest.raises(UnitRow.DoesNotExist):
        worklist_get(unit_pk=12345, as_of=AS_OF)


@pytest.mark.django_db
def test_the_policy_is_the_regions() -> None:
    # given: the region follows Gävleborg's routine, where Lina is not selectable
    load(policy="gavleborg")

    # when: it follows the national one
    regional = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF)
    RegionSettings.objects.update(policy="national")
    findings_refresh(as_of=AS_OF)
    national = worklist_get(unit_pk=unit_pk(VC1), as_of=AS_OF)

    # then
    assert regional.policy == "gavleborg"
    assert summary(regional) == [
        *VC1_ROWS,
        ("breach", "Ingrid Is", "contact-eligible", None, "fast_vardkontakt", "Lina Ej valbar"),
    ]
    assert summary(national) == VC1_ROWS


def crowd(size: int) -> tuple[Patient, ...]:
    """``size`` people listed at VC1 with a row in every table the rules read."""
    return tuple(
        Patient(
            pid(100 + i),
            f"Person {i}",
            listed_at=VC1.id,
            contacts=(
                fvk(f"k{i}", NURSE, VC1, informed=None),
                Contact(f"o{i}", "fast_omsorgskontakt", USK.id, HT1.id, D("2026-10-02")),
            ),
            requests=(ContactRequest("fast_lakarkontakt", VC1.id, D("2026-11-01")),),
            inpatient_stays=(InpatientStay(SLV.id, D("2026-11-10"), VC1.id, True,
                                           ready_for_discharge=D("2026-11-20")),),
            home_care=(HomeCareDecision(HT1.id, D("2026-10-01"), ("personlig_omvardnad",)),),
            implementation_plan=ImplementationPlan(D("2026-05-01"), D("2026-05-10"),
                                                   (D("2026-06-01"),)),
            sips=(Sip(f"s{i}", D("2026-11-01")),),
            information_transfers=(InformationTransfer("Boendet", D("2026-10-01"), False),),
            visits=(Visit(D("2026-11-20"), USK.id),),
        )
        for i in range(size)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 40])
def test_the_number_of_queries_does_not_grow_with_the_people(
    size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given
    load(people=crowd(size))
    unit = unit_pk(VC1)

    # when: the unit, the policy, the ids of the unit's findings, the options (3), the counts,
    # the page's rows and their owners, the number of people: read from the findings store,
    # whatever their number
    with django_assert_num_queries(10):
        worklist = worklist_get(unit_pk=unit, as_of=AS_OF)

    # then: every person's findings are there, read from every table
    assert worklist.people == size
    assert worklist.options.rules == (
        # the fast omsorgskontakt's letter and the plan are the home-care unit's to resolve
        ("contact-informed", size),
        ("contact-on-request", size),
        ("discharge-sip-invitation", size),
        ("sip-coordinator", size),
        ("transfer-consent", size),
    )
    revisions = worklist_get(
        unit_pk=unit_pk(HT1), as_of=AS_OF, rule="plan-revision", page_size=size
    )
    assert {row.due for row in revisions.rows} == {D("2026-12-01")}  # from the revision
