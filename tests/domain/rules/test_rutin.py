"""Table-driven tests of pack ``rutin`` and the regional packs ``norrbotten`` and ``gavleborg``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from fastkontakt.domain.model import HomeCareDecision, ImplementationPlan, Patient, Sip, Visit
from fastkontakt.domain.rules import POLICIES, RULES, Directory, evaluate_patient
from tests.domain.rules.builders import (
    AS_OF,
    STAFF,
    UNITS,
    contact,
    d,
    findings,
    person,
    staff_with,
)

SPEC = Path(__file__).resolve().parents[3] / "docs" / "spec" / "rules.md"

FVK, FOK = "fast_vardkontakt", "fast_omsorgskontakt"


def coordinating(cid: str, **fields: object) -> object:
    return contact(FVK, id=cid, coordinating=True, **fields)


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(contacts=(coordinating("a"), coordinating("b", unit="VC2",
                                                                      staff="DOC"))),
                     [(None, None, False)], id="two-coordinators"),
        pytest.param(person(contacts=(coordinating("a"), contact(FVK, id="b", staff="DOC"))),
                     [], id="one-coordinator"),
        pytest.param(person(contacts=(coordinating("a"),
                                      coordinating("b", staff="DOC", end=d("2026-11-21")))),
                     [], id="second-ended-yesterday"),
        pytest.param(person(contacts=(coordinating("a"),
                                      coordinating("b", staff="DOC", start=d("2026-11-23")))),
                     [], id="second-starts-tomorrow"),
        pytest.param(person(contacts=(coordinating("a"),
                                      coordinating("b", staff="DOC", end=d("2026-11-22")))),
                     [(None, None, False)], id="second-ends-today"),
        pytest.param(person(contacts=(coordinating("a"),
                                      contact("behandlande_roll", id="b", coordinating=True))),
                     [], id="behandlande-roll-does-not-count"),
        pytest.param(person(contacts=(coordinating("a"), coordinating("b"), coordinating("c"))),
                     [(None, None, False)], id="three-give-one-finding"),
    ],
)
def test_one_coordinator(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "one-coordinator") == expected


def decision(start: str = "2026-11-01", services: tuple[str, ...] = ("personlig_omvardnad",),
             **fields: object) -> HomeCareDecision:
    return HomeCareDecision("HT1", d(start), services, **fields)  # type: ignore[arg-type]


def plan(established: str, updated: str | None = None,
         revisions: tuple[str, ...] = ()) -> ImplementationPlan:
    return ImplementationPlan(d(established), d(updated) if updated else None,
                              tuple(d(r) for r in revisions))


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(home_care=(decision(),)), [(None, "2026-11-15", True)],
                     id="no-plan"),
        pytest.param(person(home_care=(decision(),), implementation_plan=plan("2026-11-09")),
                     [(None, "2026-11-23", False)], id="plan-not-updated"),
        pytest.param(person(home_care=(decision(),),
                            implementation_plan=plan("2026-11-09", "2026-11-12")), [],
                     id="plan-updated"),
        pytest.param(person(home_care=(decision(services=("stadning",)),)), [],
                     id="service-only-needs-no-contact"),
        pytest.param(person(home_care=(decision("2026-11-05"), decision("2026-10-20"))),
                     [(None, "2026-11-03", True)], id="earliest-decision"),
        pytest.param(person(home_care=(decision("2026-10-20", services=("inkop",)),
                                       decision("2026-11-05"))),
                     [(None, "2026-11-19", True)], id="earliest-that-needs-a-contact"),
        pytest.param(person(home_care=(decision(end=d("2026-11-21")),)), [],
                     id="decision-ended"),
    ],
)
def test_plan_initial_update(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "plan-initial-update") == expected


@pytest.mark.parametrize(
    ("patient", "as_of", "expected"),
    [
        pytest.param(person(home_care=(decision("2026-05-04"),),
                            implementation_plan=plan("2026-05-04", "2026-05-12")),
                     AS_OF, [(None, "2026-11-12", True)], id="six-months-after-update"),
        pytest.param(person(home_care=(decision("2026-05-04"),),
                            implementation_plan=plan("2026-05-04", "2026-05-12",
                                                     ("2026-09-01", "2026-06-01"))),
                     AS_OF, [], id="revision-pushes-beyond-horizon"),
        pytest.param(person(home_care=(decision("2026-05-04"),),
                            implementation_plan=plan("2026-05-31")),
                     AS_OF, [(None, "2026-11-30", False)], id="established-only"),
        pytest.param(person(home_care=(decision("2026-05-04", services=("inkop",)),),
                            implementation_plan=plan("2026-05-31")),
                     AS_OF, [(None, "2026-11-30", False)], id="any-active-decision"),
        pytest.param(person(home_care=(decision("2026-05-04", end=d("2026-11-21")),),
                            implementation_plan=plan("2026-05-31")),
                     AS_OF, [], id="decision-ended"),
        pytest.param(person(home_care=(decision("2026-05-04"),)), AS_OF, [], id="no-plan"),
        pytest.param(person(home_care=(decision("2026-08-31"),),
                            implementation_plan=plan("2026-08-31")),
                     date(2027, 2, 10), [(None, "2027-02-28", False)], id="month-clamped"),
        pytest.param(person(home_care=(decision("2027-08-31"),),
                            implementation_plan=plan("2027-08-31")),
                     date(2028, 2, 10), [(None, "2028-02-29", False)], id="leap-year-clamp"),
    ],
)
def test_plan_revision(patient: Patient, as_of: date, expected: list[object]) -> None:
    assert findings(patient, "plan-revision", as_of=as_of) == expected


@pytest.mark.parametrize(
    ("staff_changes", "contact_fields", "expected"),
    [
        pytest.param({}, {}, [], id="nothing"),
        pytest.param({"employment_end": d("2026-12-15")}, {},
                     [("c1", "2026-12-15", False)], id="leaving"),
        pytest.param({"employment_end": d("2026-11-20")}, {},
                     [("c1", "2026-11-20", True)], id="left"),
        pytest.param({"employment_end": d("2026-12-15")}, {"end": d("2026-12-15")}, [],
                     id="contact-ends-with-employment"),
        pytest.param({"employment_end": d("2026-12-15")}, {"end": d("2026-12-16")},
                     [("c1", "2026-12-15", False)], id="contact-outlasts-employment"),
        pytest.param({"employment_end": d("2027-01-15")}, {}, [], id="beyond-horizon"),
        pytest.param({"absences": [("2026-11-01", "2026-11-30")]}, {},
                     [("c1", "2026-11-01", True)], id="absence-of-30-days"),
        pytest.param({"absences": [("2026-11-01", "2026-11-29")]}, {}, [],
                     id="absence-of-29-days"),
        pytest.param({"absences": [("2026-09-01", "2026-11-21")]}, {}, [],
                     id="absence-over"),
        pytest.param({"absences": [("2026-09-01", "2026-11-22")]}, {},
                     [("c1", "2026-09-01", True)], id="absence-ending-today"),
        pytest.param({"absences": [("2026-12-01", "2027-03-01")]}, {"end": d("2026-11-30")},
                     [], id="absence-after-contact"),
        pytest.param({"absences": [("2026-12-10", "2027-03-01"), ("2026-12-01", "2027-01-01")]},
                     {}, [("c1", "2026-12-01", False)], id="earliest-absence"),
        pytest.param({"absences": [("2026-11-01", "2027-03-01")],
                      "employment_end": d("2027-06-30")}, {},
                     [("c1", "2026-11-01", True)],
                     id="v2-far-employment-end-no-longer-hides-absence"),
        pytest.param({"absences": [("2026-11-01", "2027-03-01")],
                      "employment_end": d("2027-06-30")}, {"end": d("2027-01-31")},
                     [("c1", "2026-11-01", True)], id="absence-when-employment-not-outlasted"),
        pytest.param({"absences": [("2026-11-01", "2027-03-01")],
                      "employment_end": d("2026-12-01")}, {},
                     [("c1", "2026-11-01", True)], id="v2-absence-before-employment-end-wins"),
        pytest.param({"absences": [("2026-12-05", "2027-03-01")],
                      "employment_end": d("2026-12-01")}, {},
                     [("c1", "2026-12-01", False)], id="v2-employment-end-before-absence-wins"),
        pytest.param({"absences": [("2026-12-01", "2027-03-01")],
                      "employment_end": d("2026-12-01")}, {},
                     [("c1", "2026-12-01", False)], id="v2-same-day-one-finding"),
    ],
)
def test_contact_vacancy(
    staff_changes: dict[str, object], contact_fields: dict[str, object], expected: list[object]
) -> None:
    # given
    patient = person(contacts=(contact(FVK, staff="NURSE", **contact_fields),))
    # when / then
    assert findings(patient, "contact-vacancy", staff=staff_with("NURSE", **staff_changes)) == (
        expected
    )


def test_contact_vacancy_ignores_past_contacts() -> None:
    # given
    patient = person(contacts=(contact(FVK, end=d("2026-11-21")),))
    staff = staff_with("NURSE", employment_end=d("2026-11-21"))
    # when / then
    assert findings(patient, "contact-vacancy", staff=staff) == []


@pytest.mark.parametrize(
    ("coordinators", "expected"),
    [
        pytest.param(("NURSE",), [], id="documented"),
        pytest.param((None,), [(None, None, False)], id="missing"),
        pytest.param((None, "NURSE", None), [(None, None, False), (None, None, False)],
                     id="one-per-sip"),
    ],
)
def test_sip_coordinator(coordinators: tuple[str | None, ...], expected: list[object]) -> None:
    # given
    sips = tuple(Sip(f"s{i}", d("2026-10-01"), None, c) for i, c in enumerate(coordinators))
    # when / then
    assert findings(person(sips=sips), "sip-coordinator") == expected


def visits(by_fok: int, by_others: int, *, last: date = AS_OF, kind: str = "omsorg") -> tuple[
    Visit, ...
]:
    staff = ["USK"] * by_fok + ["VB"] * by_others
    return tuple(Visit(last - timedelta(days=i % 14), s, kind) for i, s in enumerate(staff))  # type: ignore[arg-type]


FOK_CONTACT = contact(FOK, staff="USK", unit="HT1")


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(contacts=(FOK_CONTACT,), visits=visits(4, 6)),
                     [(None, None, False)], id="share-below-half"),
        pytest.param(person(contacts=(FOK_CONTACT,), visits=visits(5, 5)),
                     [(None, None, False)], id="v2-share-exactly-half-is-too-little"),
        pytest.param(person(contacts=(FOK_CONTACT,), visits=visits(6, 5)), [],
                     id="share-just-over-half"),
        pytest.param(person(contacts=(FOK_CONTACT,), visits=visits(0, 9)), [],
                     id="fewer-than-ten-visits"),
        pytest.param(person(contacts=(FOK_CONTACT,),
                            visits=visits(0, 9) + (Visit(d("2026-11-09"), "VB"),)),
                     [(None, None, False)], id="window-first-day-counts"),
        pytest.param(person(contacts=(FOK_CONTACT,),
                            visits=visits(0, 9) + (Visit(d("2026-11-08"), "VB"),)), [],
                     id="day-before-window-does-not-count"),
        pytest.param(person(contacts=(FOK_CONTACT,),
                            visits=visits(0, 9) + (Visit(d("2026-11-23"), "VB"),)), [],
                     id="future-visit-does-not-count"),
        pytest.param(person(contacts=(FOK_CONTACT,),
                            visits=visits(0, 9) + visits(0, 5, kind="matdistribution")), [],
                     id="only-omsorg-visits-count"),
        pytest.param(person(contacts=(contact(FOK, staff="USK", unit="HT1",
                                              end=d("2026-11-21")),),
                            visits=visits(0, 12)), [], id="no-active-fok"),
        pytest.param(person(contacts=(FOK_CONTACT, contact(FOK, id="c2", staff="VB",
                                                           unit="HT1")),
                            visits=visits(2, 10)), [], id="every-active-holder-counts"),
    ],
)
def test_continuity_share(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "continuity-share") == expected


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(contacts=(coordinating("a", unit="VC1"),)), [],
                     id="ordinary-housing-region"),
        pytest.param(person(contacts=(coordinating("a", unit="HSV", staff="HSVN"),)),
                     [("a", None, False)], id="ordinary-housing-municipal"),
        pytest.param(person(home_health_care=True,
                            contacts=(coordinating("a", unit="HSV", staff="HSVN"),)), [],
                     id="home-health-care-municipal"),
        pytest.param(person(home_health_care=True, contacts=(coordinating("a", unit="VC1"),)),
                     [("a", None, False)], id="home-health-care-region"),
        pytest.param(person(residence="sarskilt_boende",
                            contacts=(coordinating("a", unit="SLV"),)),
                     [("a", None, False)], id="residential-care-region"),
        pytest.param(person(contacts=(coordinating("a", unit="HT1"),)),
                     [("a", None, False)], id="ordinary-housing-home-care-unit"),
        pytest.param(person(contacts=(contact(FVK, id="a", unit="HSV", staff="HSVN"),)), [],
                     id="not-coordinating"),
        pytest.param(person(contacts=(coordinating("a", unit="HSV", staff="HSVN",
                                                   start=d("2026-11-23")),)), [],
                     id="not-yet-active"),
    ],
)
def test_coordinator_setting(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "coordinator-setting", policy="norrbotten") == expected
    assert findings(patient, "coordinator-setting", policy="national") == []


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(contacts=(contact(FVK, staff="NOTSEL"),)), [("c1", None, False)],
                     id="not-selectable"),
        pytest.param(person(contacts=(contact(FVK, staff="NURSE"),)), [], id="selectable"),
        pytest.param(person(contacts=(contact("behandlande_roll", staff="NOTSEL"),)), [],
                     id="behandlande-roll-needs-no-selection"),
        pytest.param(person(contacts=(contact(FVK, staff="NOTSEL", end=d("2026-11-21")),)), [],
                     id="past"),
    ],
)
def test_contact_eligible(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "contact-eligible", policy="gavleborg") == expected
    assert findings(patient, "contact-eligible", policy="national") == []


def test_findings_sorted_by_rule_then_due_nulls_first_then_contact() -> None:
    # given
    patient = person(
        contacts=(coordinating("z", informed=None, start=d("2026-11-10")),
                  coordinating("y", staff="NOTSEL", informed=None, start=d("2026-11-01"))),
        sips=(Sip("s1", d("2026-10-01")),),
    )
    # when
    result = evaluate_patient(patient, Directory.of(UNITS, STAFF), as_of=AS_OF,
                              policy=POLICIES["gavleborg"])
    # then
    assert [(f.rule, f.contact, f.due) for f in result] == [
        ("contact-eligible", "y", None),
        ("contact-informed", "y", d("2026-11-15")),
        ("contact-informed", "z", d("2026-11-24")),
        ("one-coordinator", None, None),
        ("sip-coordinator", None, None),
    ]


def _spec_packs() -> dict[str, dict[str, tuple[str, str]]]:
    """pack -> rule id -> (level, source), read from the tables of docs/spec/rules.md."""
    packs: dict[str, dict[str, tuple[str, str]]] = {}
    pack = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## Pack `(\w+)`", line)
        if heading:
            pack = heading.group(1)
            packs[pack] = {}
        elif line.startswith("## "):
            pack = None
        elif pack and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            packs[pack][cells[0].strip("`")] = (cells[1], cells[4])
    return packs


def test_every_rule_of_the_catalogue_is_implemented() -> None:
    # given the packs and rule ids of spec/rules.md (version 2)
    packs = _spec_packs()
    national = set(packs["lag"]) | set(packs["rutin"])
    catalogue = {
        "national": national,
        "norrbotten": national | set(packs["norrbotten"]),
        "gavleborg": national | set(packs["gavleborg"]),
    }
    # when / then
    assert {"contact-needed", "residential-care-contact"} <= national
    for name, ids in catalogue.items():
        assert {rule.id for rule in POLICIES[name].rules} == ids


def test_every_rule_has_the_level_and_the_source_the_catalogue_gives() -> None:
    # given
    packs = _spec_packs()
    # when
    implemented = {rule.id: (rule.pack, rule.level, rule.source) for rule in RULES.values()}
    # then
    assert implemented == {
        rule_id: (pack, level, source)
        for pack, rules in packs.items()
        for rule_id, (level, source) in rules.items()
    }
