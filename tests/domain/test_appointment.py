"""Table-driven tests of the checks at appointment time and of the ranking of candidates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fastkontakt.domain.appointment import (
    AppointmentProblem,
    Candidate,
    Proposal,
    appointment_problems,
    import_problems,
    rank_candidates,
)
from fastkontakt.domain.model import (
    ContactRequest,
    HomeCareDecision,
    InpatientStay,
    Patient,
    Staff,
    Unit,
    Visit,
)
from fastkontakt.domain.rules import POLICIES, Directory, evaluate_patient
from tests.domain.rules.builders import AS_OF, STAFF, UNITS, contact, d, person, staff_with

FVK, FLK, FOK = "fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"
ROLE = "behandlande_roll"
SERIOUS = d("2026-11-02")


def proposal(
    kind: str = FVK, staff: str = "NURSE", unit: str = "VC1", **fields: object
) -> Proposal:
    fields.setdefault("start", AS_OF)
    return Proposal(kind=kind, staff=staff, unit=unit, **fields)  # type: ignore[arg-type]


def problems(
    patient: Patient,
    offer: Proposal,
    *,
    policy: str = "national",
    staff: tuple[Staff, ...] = STAFF,
) -> list[AppointmentProblem]:
    return appointment_problems(
        patient, offer, Directory.of(UNITS, staff), as_of=AS_OF, policy=POLICIES[policy]
    )


def rules_of(found: list[AppointmentProblem]) -> list[str]:
    return [p.rule for p in found]


HOME_CARE = HomeCareDecision("HT1", d("2026-10-01"), ("personlig_omvardnad",))

# (patient, proposal, policy, (staff id, changes) or None, expected rule ids)
CASES = [
    # the staff member and the unit
    pytest.param(person(), proposal(), "national", None, [], id="nurse-as-fvk-at-own-unit"),
    pytest.param(person(), proposal(staff="NOBODY"), "national", None, ["unknown-staff"],
                 id="unknown-staff"),
    pytest.param(person(), proposal(unit="NOWHERE"), "national", None, ["unknown-unit"],
                 id="unknown-unit"),
    pytest.param(person(), proposal(unit="VC2"), "national", None, ["contact-staff-at-unit"],
                 id="not-at-unit"),
    pytest.param(person(), proposal(staff="DOC", unit="VC2"), "national", None, [],
                 id="second-workplace"),
    pytest.param(person(), proposal(ROLE, unit="VC2"), "national", None,
                 ["contact-staff-at-unit"], id="not-at-unit-any-kind"),
    # selectable (Gävleborg)
    pytest.param(person(), proposal(staff="NOTSEL"), "gavleborg", None, ["contact-eligible"],
                 id="not-selectable-gavleborg"),
    pytest.param(person(), proposal(staff="NOTSEL"), "national", None, [],
                 id="not-selectable-national"),
    pytest.param(person(), proposal(ROLE, staff="NOTSEL"), "gavleborg", None, [],
                 id="not-selectable-behandlande-roll"),
    # employment and long absences (contact-vacancy), horizon 30 days from the effective day
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"employment_end": d("2026-11-21")}), ["contact-vacancy"],
                 id="employment-ended-yesterday"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"employment_end": d("2026-11-22")}), ["contact-vacancy"],
                 id="employment-ends-today"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"employment_end": d("2026-12-22")}), ["contact-vacancy"],
                 id="employment-ends-on-horizon"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"employment_end": d("2026-12-23")}), [],
                 id="employment-ends-beyond-horizon"),
    pytest.param(person(), proposal(start=d("2027-01-10")), "national",
                 ("NURSE", {"employment_end": d("2027-01-31")}), ["contact-vacancy"],
                 id="horizon-counts-from-start"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"absences": [("2026-11-20", "2026-12-19")]}), ["contact-vacancy"],
                 id="absent-30-days-now"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"absences": [("2026-11-20", "2026-12-18")]}), [],
                 id="absent-29-days"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"absences": [("2026-10-01", "2026-11-21")]}), [],
                 id="absence-over"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"absences": [("2026-12-22", "2027-02-28")]}), ["contact-vacancy"],
                 id="absence-starts-on-horizon"),
    pytest.param(person(), proposal(), "national",
                 ("NURSE", {"absences": [("2026-12-23", "2027-02-28")]}), [],
                 id="absence-starts-beyond-horizon"),
    # fast omsorgskontakt: undersköterska
    pytest.param(person(), proposal(FOK, "USK", "HT1"), "national", None, [],
                 id="fok-underskoterska"),
    pytest.param(person(), proposal(FOK, "VB", "HT1"), "national", None,
                 ["omsorgskontakt-profession"], id="fok-vardbitrade"),
    pytest.param(person(), proposal(FOK, "NURSE", "VC1"), "national", None,
                 ["omsorgskontakt-profession"], id="fok-nurse"),
    # fast läkarkontakt: a physician at the listing centre
    pytest.param(person(listed_at="VC1"), proposal(FLK, "DOC"), "national", None, [],
                 id="flk-physician-at-listing-centre"),
    pytest.param(person(listed_at="VC1"), proposal(FLK, "AT"), "national", None, [],
                 id="flk-unlicensed-physician-allowed"),
    pytest.param(person(listed_at="VC1"), proposal(FLK, "NURSE"), "national", None,
                 ["lakarkontakt-profession"], id="flk-nurse"),
    pytest.param(person(listed_at="VC1"), proposal(FLK, "DOC", "VC2"), "national", None,
                 ["lakarkontakt-listed-unit"], id="flk-other-centre"),
    pytest.param(person(), proposal(FLK, "DOC"), "national", None,
                 ["lakarkontakt-listed-unit"], id="flk-person-not-listed"),
    pytest.param(person(listed_at="VC2"), proposal(FLK, "NURSE"), "national", None,
                 ["lakarkontakt-profession", "lakarkontakt-listed-unit"], id="flk-both-wrong"),
    # life-threatening: a licensed physician
    # v2: adding a nurse when there is no physician yet makes nothing worse
    pytest.param(person(life_threatening_since=SERIOUS), proposal(), "national", None,
                 [], id="life-threatening-nurse-while-no-physician"),
    pytest.param(person(life_threatening_since=SERIOUS), proposal(staff="AT"), "national",
                 None, [], id="life-threatening-unlicensed-while-no-physician"),
    pytest.param(person(life_threatening_since=SERIOUS), proposal(staff="DOC"), "national",
                 None, [], id="life-threatening-licensed-physician"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC", unit="VC2"),)),
                 proposal(), "national", None, [], id="life-threatening-physician-already"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC", unit="VC2", end=d("2026-11-21")),)),
                 proposal(), "national", None, [],
                 id="life-threatening-physician-ended-yesterday"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC", unit="VC2", end=AS_OF),)),
                 proposal(), "national", None, [],
                 id="life-threatening-physician-ends-today"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC"),)),
                 proposal(replaces="c1"), "national", None, ["life-threatening-physician"],
                 id="life-threatening-nurse-replaces-physician"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC"),)),
                 proposal(staff="AT", replaces="c1"), "national", None,
                 ["life-threatening-physician"],
                 id="life-threatening-unlicensed-replaces-physician"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC"),
                                  contact(FVK, id="c2", staff="DOC", unit="VC2"))),
                 proposal(replaces="c1"), "national", None, [],
                 id="life-threatening-nurse-replaces-one-of-two-physicians"),
    pytest.param(person(life_threatening_since=SERIOUS,
                        contacts=(contact(FVK, staff="DOC"),)),
                 proposal(staff="DOC", unit="VC2", replaces="c1"), "national", None, [],
                 id="life-threatening-physician-replaces-physician"),
    pytest.param(person(life_threatening_since=SERIOUS), proposal(ROLE), "national", None, [],
                 id="life-threatening-behandlande-roll"),
    pytest.param(person(), proposal(), "national", None, [], id="not-life-threatening"),
    # one coordinator, taken over explicitly
    pytest.param(person(contacts=(contact(FVK, coordinating=True),)),
                 proposal(staff="DOC", unit="VC2", coordinating=True), "national", None,
                 ["one-coordinator"], id="second-coordinator"),
    pytest.param(person(contacts=(contact(FVK, coordinating=True),)),
                 proposal(staff="DOC", unit="VC2", coordinating=True,
                          takes_over_coordination_from="c1"), "national", None, [],
                 id="takes-over-coordination"),
    pytest.param(person(contacts=(contact(FVK, coordinating=True),)),
                 proposal(staff="DOC", unit="VC2"), "national", None, [],
                 id="second-fvk-without-coordination"),
    pytest.param(person(contacts=(contact(FVK, coordinating=True, end=d("2026-11-21")),)),
                 proposal(staff="DOC", unit="VC2", coordinating=True), "national", None, [],
                 id="coordinator-ended-yesterday"),
    pytest.param(person(contacts=(contact(FVK, coordinating=True, start=d("2026-12-01")),)),
                 proposal(staff="DOC", unit="VC2", coordinating=True), "national", None,
                 ["one-coordinator"], id="coordinator-appointed-ahead"),
    pytest.param(person(contacts=(contact(FVK, coordinating=True),)),
                 proposal(staff="DOC", coordinating=True, replaces="c1"), "national", None, [],
                 id="successor-keeps-coordination"),
    pytest.param(person(contacts=(contact(FVK),)),
                 proposal(staff="DOC", unit="VC2", coordinating=True,
                          takes_over_coordination_from="c1"), "national", None,
                 ["unknown-contact"], id="takes-over-from-non-coordinator"),
    pytest.param(person(), proposal(FOK, "USK", "HT1", coordinating=True), "national", None,
                 ["coordinating-kind"], id="coordinating-fok"),
    # Norrbotten: where the coordinator comes from
    pytest.param(person(), proposal(staff="HSVN", unit="HSV", coordinating=True),
                 "norrbotten", None, ["coordinator-setting"],
                 id="norrbotten-municipal-coordinator-ordinary-housing"),
    pytest.param(person(home_health_care=True),
                 proposal(staff="HSVN", unit="HSV", coordinating=True), "norrbotten", None, [],
                 id="norrbotten-municipal-coordinator-home-health-care"),
    pytest.param(person(residence="sarskilt_boende"), proposal(coordinating=True),
                 "norrbotten", None, ["coordinator-setting"],
                 id="norrbotten-region-coordinator-residential-care"),
    pytest.param(person(), proposal(staff="HSVN", unit="HSV", coordinating=True), "national",
                 None, [], id="national-no-setting-rule"),
    # references and duplicates
    pytest.param(person(), proposal(replaces="nope"), "national", None, ["unknown-contact"],
                 id="replaces-unknown"),
    pytest.param(person(contacts=(contact(FLK, staff="DOC"),), listed_at="VC1"),
                 proposal(replaces="c1"), "national", None, ["unknown-contact"],
                 id="replaces-other-kind"),
    pytest.param(person(contacts=(contact(FVK, end=d("2026-11-21")),)),
                 proposal(replaces="c1"), "national", None, ["unknown-contact"],
                 id="replaces-ended"),
    pytest.param(person(contacts=(contact(FVK),)), proposal(), "national", None,
                 ["already-appointed"], id="already-appointed"),
    pytest.param(person(contacts=(contact(FVK, end=d("2026-11-21")),)), proposal(), "national",
                 None, [], id="appointed-again-after-end"),
    pytest.param(person(contacts=(contact(FVK),)), proposal(ROLE), "national", None, [],
                 id="same-staff-other-kind"),
    # handovers that would leave a duty without its contact (the engine, before and after)
    pytest.param(person(home_care=(HOME_CARE,), contacts=(contact(FOK, staff="USK", unit="HT1"),)),
                 proposal(FOK, "USK2", "HT2", replaces="c1"), "national", None,
                 ["home-care-contact"], id="handover-leaves-home-care-without-fok"),
    pytest.param(person(home_care=(HOME_CARE,), contacts=(contact(FOK, staff="USK", unit="HT1"),)),
                 proposal(FOK, "USK2", "HT1", replaces="c1"), "national", None, [],
                 id="handover-within-home-care-unit"),
    pytest.param(person(inpatient_stays=(InpatientStay("SLV", d("2026-11-10"), "VC1",
                                                       ready_for_discharge=d("2026-11-30")),),
                        contacts=(contact(FVK),)),
                 proposal(staff="DOC", unit="VC2", replaces="c1"), "national", None,
                 ["discharge-contact"], id="handover-leaves-discharge-without-fvk"),
    pytest.param(person(requests=(ContactRequest("fast_vardkontakt", "VC1", d("2026-11-20")),),
                        contacts=(contact(FVK),)),
                 proposal(staff="DOC", unit="VC2", replaces="c1", start=d("2026-11-20")),
                 "national", None, ["contact-on-request"],
                 id="handover-leaves-request-unanswered"),
]


@pytest.mark.parametrize(("patient", "offer", "policy", "staff_change", "expected"), CASES)
def test_appointment_problems(
    patient: Patient,
    offer: Proposal,
    policy: str,
    staff_change: tuple[str, dict[str, object]] | None,
    expected: list[str],
) -> None:
    # given
    staff = STAFF if staff_change is None else staff_with(staff_change[0], **staff_change[1])
    before = replace(patient)

    # when
    found = problems(patient, offer, policy=policy, staff=staff)

    # then
    assert rules_of(found) == expected
    assert patient == before


@pytest.mark.parametrize(("patient", "offer", "policy", "staff_change", "expected"), CASES)
def test_an_accepted_appointment_adds_no_finding_of_a_breakable_rule(
    patient: Patient,
    offer: Proposal,
    policy: str,
    staff_change: tuple[str, dict[str, object]] | None,
    expected: list[str],
) -> None:
    # The contract behind the checks: what they accept, the engine does not report afterwards.
    if expected:
        return
    staff = STAFF if staff_change is None else staff_with(staff_change[0], **staff_change[1])
    directory = Directory.of(UNITS, staff)
    on = max(AS_OF, offer.start)
    contacts = tuple(
        replace(c, end=date.fromordinal(offer.start.toordinal() - 1))
        if c.id == offer.replaces
        else replace(c, coordinating=False)
        if c.id == offer.takes_over_coordination_from
        else c
        for c in patient.contacts
    )
    new = contact(offer.kind, id="new", staff=offer.staff, unit=offer.unit, start=offer.start,
                  coordinating=offer.coordinating)
    after = replace(patient, contacts=(*contacts, new))

    def breakable(p: Patient) -> set[tuple[str, str | None]]:
        return {
            (f.rule, f.contact)
            for f in evaluate_patient(p, directory, as_of=on, policy=POLICIES[policy])
            if f.rule not in {"contact-informed", "continuity-share"}
        }

    assert breakable(after) - breakable(patient) == set()


def test_messages_name_the_staff_member_and_the_person() -> None:
    # given
    patient = person(name="Greta Gran", life_threatening_since=SERIOUS, listed_at="VC2")

    # when
    nurse = problems(
        replace(patient, contacts=(contact(FVK, staff="DOC", unit="VC2"),)),
        proposal(replaces="c1"),
    )
    doctor = problems(patient, proposal(FLK, "DOC"))
    helper = problems(patient, proposal(FOK, "VB", "HT1"))

    # then
    assert nurse == [
        AppointmentProblem(
            "life-threatening-physician",
            "Karin Sköterska är sjuksköterska och kan inte ersätta den legitimerade läkaren; "
            "Greta Gran har ett livshotande tillstånd sedan 2026-11-02 och den fasta "
            "vårdkontakten ska då vara en legitimerad läkare.",
            "SOSFS 2011:7 (livsuppehållande behandling)",
        )
    ]
    assert [p.message for p in doctor] == [
        "Greta Gran är listad vid Hälsocentralen Gällivare; den fasta läkarkontakten ska vara "
        "läkare vid den vårdcentral där personen är listad."
    ]
    assert [p.message for p in helper] == [
        "Olle Vårdbiträde är vårdbiträde, inte undersköterska; endast en undersköterska kan "
        "vara fast omsorgskontakt."
    ]


@pytest.mark.parametrize(
    ("changes", "start", "expected"),
    [
        pytest.param({"employment_end": d("2026-10-31")}, AS_OF,
                     "Karin Sköterska slutade 2026-10-31 och kan inte utses.", id="left"),
        pytest.param({"employment_end": d("2026-12-09")}, d("2026-12-10"),
                     "Karin Sköterska slutar 2026-12-09, innan uppdraget börjar 2026-12-10, och "
                     "kan inte utses.", id="leaves-before-start"),
        pytest.param({"employment_end": d("2026-12-01")}, AS_OF,
                     "Karin Sköterska slutar 2026-12-01; uppdraget som fast vårdkontakt skulle "
                     "behöva lämnas över direkt. Utse en efterträdare i stället.", id="leaving"),
        pytest.param({"absences": [("2026-12-01", "2027-03-01")]}, AS_OF,
                     "Karin Sköterska är borta en längre period från 2026-12-01; uppdraget som "
                     "fast vårdkontakt skulle behöva lämnas över direkt.", id="away"),
    ],
)
def test_vacancy_messages(changes: dict[str, object], start: date, expected: str) -> None:
    found = problems(person(), proposal(start=start), staff=staff_with("NURSE", **changes))
    assert [(p.rule, p.message) for p in found] == [("contact-vacancy", expected)]


def test_second_coordinator_message_names_the_current_one() -> None:
    patient = person(name="Greta Gran", contacts=(contact(FVK, coordinating=True),))
    found = problems(patient, proposal(staff="DOC", unit="VC2", coordinating=True))
    assert [p.message for p in found] == [
        "Greta Gran har redan en fast vårdkontakt med samordningsansvar (Karin Sköterska); den "
        "nya kan bara få samordningsansvaret genom att uttryckligen ta över det."
    ]


def test_handover_problem_quotes_the_engine() -> None:
    patient = person(home_care=(HOME_CARE,), contacts=(contact(FOK, staff="USK", unit="HT1"),))
    found = problems(patient, proposal(FOK, "USK2", "HT2", replaces="c1"))
    assert found == [
        AppointmentProblem(
            "home-care-contact",
            "Efter utnämningen: Hemtjänst vid Hemtjänst Centrum sedan 2026-10-01 men ingen fast "
            "omsorgskontakt är utsedd.",
            "socialtjänstlagen (2025:400), tidigare 4 kap. 2 b § SoL (2001:453): den som har "
            "hemtjänst ska erbjudas en fast omsorgskontakt",
        )
    ]


# --- ranking ---------------------------------------------------------------------------------

R_UNITS = (
    Unit("VC1", "Hälsocentralen Kiruna", "primarvard"),
    Unit("VC2", "Hälsocentralen Gällivare", "primarvard"),
    Unit("HT1", "Hemtjänst Centrum", "hemtjanst"),
)
R_STAFF = (
    Staff("SPEC", "Eva Specialist", "specialistsjukskoterska", ("VC1",), licensed=True),
    Staff("SSK1", "Karin Känd", "sjukskoterska", ("VC1",), licensed=True),
    Staff("SSK2", "Lars Lugn", "sjukskoterska", ("VC1",), licensed=True),
    Staff("SSK3", "Mona Mild", "sjukskoterska", ("VC1",), licensed=True),
    Staff("DOC", "Anna Läkare", "lakare", ("VC1",), licensed=True),
    Staff("AT", "Bo Underläkare", "lakare", ("VC1",)),
    Staff("FYS", "Frida Fysio", "fysioterapeut", ("VC1",), licensed=True),
    Staff("ADM", "Adam Admin", "administrator", ("VC1",)),
    Staff("NOTSEL", "Lina Ej valbar", "sjukskoterska", ("VC1",), licensed=True, eligible=False),
    Staff("FORMER", "Olga Flyttat", "sjukskoterska", ("VC2",), licensed=True),
    Staff("GONE", "Per Pensionär", "sjukskoterska", ("VC1",), employment_end=d("2026-06-30")),
    Staff("OTHER", "Rut Annanstans", "sjukskoterska", ("VC2",)),
    Staff("USK1", "Ulla Ofta", "underskoterska", ("HT1",)),
    Staff("USK2", "Ville Ibland", "underskoterska", ("HT1",)),
    Staff("USK3", "Ylva Ny", "underskoterska", ("HT1",)),
    Staff("VB", "Olle Vårdbiträde", "vardbitrade", ("HT1",)),
)
CASELOADS = {"SPEC": 12, "SSK1": 7, "SSK2": 3, "SSK3": 1, "DOC": 5, "AT": 2, "FYS": 4,
             "ADM": 6, "NOTSEL": 0, "FORMER": 9, "USK1": 8, "USK2": 2, "USK3": 1, "VB": 0}
HISTORY = (
    contact(FVK, id="old1", staff="SSK1", end=d("2025-12-31")),
    contact(FVK, id="old2", staff="FORMER", unit="VC1", start=d("2024-01-01"),
            end=d("2024-12-31")),
)


def ranked(
    patient: Patient, kind: str = FVK, unit: str = "VC1", policy: str = "national"
) -> list[Candidate]:
    return rank_candidates(
        patient, kind, unit, Directory.of(R_UNITS, R_STAFF), CASELOADS,  # type: ignore[arg-type]
        as_of=AS_OF, policy=POLICIES[policy],
    )


def order(candidates: list[Candidate]) -> list[tuple[str, bool]]:
    return [(c.staff, c.refused) for c in candidates]


@pytest.mark.parametrize(
    ("patient", "policy", "expected"),
    [
        pytest.param(
            person(needs=("stort_omvardnadsbehov",), contacts=HISTORY), "national",
            [("SPEC", False), ("SSK1", False), ("SSK3", False), ("AT", False),
             ("SSK2", False), ("FYS", False), ("DOC", False), ("ADM", False),
             ("NOTSEL", False), ("FORMER", True)],
            id="large-nursing-needs-specialist-nurse-first",
        ),
        pytest.param(
            person(needs=("instabilt_sjukdomsforlopp",), contacts=HISTORY), "national",
            [("AT", False), ("DOC", False), ("SSK1", False), ("SSK3", False), ("SSK2", False),
             ("FYS", False), ("ADM", False), ("SPEC", False), ("NOTSEL", False),
             ("FORMER", True)],
            id="unstable-course-physicians-first",
        ),
        pytest.param(
            person(life_threatening_since=SERIOUS, needs=("instabilt_sjukdomsforlopp",),
                   contacts=HISTORY), "national",
            [("DOC", False), ("AT", False), ("SSK1", False), ("SSK3", False), ("SSK2", False),
             ("FYS", False), ("ADM", False), ("SPEC", False), ("NOTSEL", False),
             ("FORMER", True)],
            id="life-threatening-licensed-physician-first",
        ),
        pytest.param(
            person(needs=("stora_rehabiliteringsbehov", "samordningsbehov")), "national",
            [("FYS", False), ("ADM", False), ("SSK3", False), ("AT", False), ("SSK2", False),
             ("DOC", False), ("SSK1", False), ("SPEC", False), ("NOTSEL", False)],
            id="rehabilitation-and-coordination-needs",
        ),
        pytest.param(
            person(), "gavleborg",
            [("SSK3", False), ("AT", False), ("SSK2", False), ("FYS", False), ("DOC", False),
             ("ADM", False), ("SSK1", False), ("SPEC", False), ("NOTSEL", True)],
            id="no-needs-caseload-decides-unselectable-refused",
        ),
    ],
)
def test_rank_candidates_order(
    patient: Patient, policy: str, expected: list[tuple[str, bool]]
) -> None:
    assert order(ranked(patient, policy=policy)) == expected


def test_rank_reasons() -> None:
    # given
    patient = person(needs=("stort_omvardnadsbehov",), contacts=HISTORY)

    # when
    by_id = {c.staff: c for c in ranked(patient)}

    # then
    assert by_id["SPEC"].reason == (
        "Arbetar på enheten, valbar, specialistsjuksköterska för stort omvårdnadsbehov, "
        "12 personer"
    )
    assert by_id["SSK1"].reason == (
        "Arbetar på enheten, valbar, sjuksköterska, tidigare kontakt, 7 personer"
    )
    assert by_id["NOTSEL"].reason == "Arbetar på enheten, inte valbar, sjuksköterska, 0 personer"
    assert by_id["FORMER"].reason == (
        "Arbetar inte på enheten, valbar, sjuksköterska, tidigare kontakt, 9 personer. "
        "Kan inte utses: Olga Flyttat arbetar inte vid Hälsocentralen Kiruna och kan inte "
        "utses till fast vårdkontakt där."
    )
    assert [p.rule for p in by_id["FORMER"].problems] == ["contact-staff-at-unit"]
    assert by_id["SPEC"].fit.answers == ("stort omvårdnadsbehov",)
    assert "GONE" not in by_id
    assert "OTHER" not in by_id


def test_rank_reason_for_life_threatening_condition() -> None:
    patient = person(life_threatening_since=SERIOUS, needs=("instabilt_sjukdomsforlopp",))
    (first, *_) = ranked(patient)
    assert first.reason == (
        "Arbetar på enheten, valbar, legitimerad läkare för livshotande tillstånd och "
        "instabilt sjukdomsförlopp, 5 personer"
    )


def test_rank_fast_omsorgskontakt_by_visits_then_caseload() -> None:
    # given: Ulla made most of the visits, Ville a few, Ylva none
    visits = tuple(Visit(d("2026-11-10"), "USK1") for _ in range(5)) + tuple(
        Visit(d("2026-11-11"), "USK2") for _ in range(2)
    )
    patient = person(visits=visits, home_care=(replace(HOME_CARE, unit="HT1"),))

    # when
    candidates = ranked(patient, FOK, "HT1")

    # then
    assert order(candidates) == [("USK1", False), ("USK2", False), ("USK3", False), ("VB", True)]
    assert candidates[0].reason == (
        "Arbetar på enheten, undersköterska, tidigare kontakt (5 besök), 8 personer"
    )
    assert [p.rule for p in candidates[-1].problems] == ["omsorgskontakt-profession"]


def test_rank_excludes_nobody_a_check_would_accept() -> None:
    # Every candidate not refused is accepted by appointment_problems, and the other way round.
    patient = person(needs=("stort_omvardnadsbehov",), contacts=HISTORY)
    directory = Directory.of(R_UNITS, R_STAFF)
    for candidate in ranked(patient, policy="gavleborg"):
        found = appointment_problems(
            patient, Proposal(FVK, candidate.staff, "VC1", AS_OF), directory,
            as_of=AS_OF, policy=POLICIES["gavleborg"],
        )
        assert tuple(found) == candidate.problems


# --- contacts that come with a new person (the population import) ----------------------------

LISTED = {"listed_at": "VC1"}
IMPORT_CASES = [
    pytest.param(person(**LISTED, contacts=(contact(), contact(FLK, id="c2", staff="DOC"))),
                 "national", [], id="nurse-fvk-and-physician-flk"),
    pytest.param(person(**LISTED, contacts=(contact(FLK, staff="NURSE"),)), "national",
                 [("c1", "lakarkontakt-profession")], id="nurse-as-flk"),
    pytest.param(person(**LISTED, contacts=(contact(FLK, staff="NURSE", end=d("2026-06-30")),)),
                 "national", [], id="ended-breach-is-history"),
    pytest.param(person(**LISTED, contacts=(contact(FLK, staff="NURSE", start=d("2027-01-01")),)),
                 "national", [("c1", "lakarkontakt-profession")], id="future-breach"),
    pytest.param(person(contacts=(contact(FOK, staff="VB", unit="HT1"),)), "national",
                 [("c1", "omsorgskontakt-profession")], id="vardbitrade-as-fok"),
    pytest.param(person(**LISTED, contacts=(contact(FLK, staff="DOC", unit="VC2"),)), "national",
                 [("c1", "lakarkontakt-listed-unit")], id="flk-not-where-listed"),
    pytest.param(person(contacts=(contact(unit="VC2"),)), "national",
                 [("c1", "contact-staff-at-unit")], id="not-at-unit"),
    pytest.param(person(contacts=(contact(staff="NOTSEL"),)), "gavleborg",
                 [("c1", "contact-eligible")], id="not-selectable-gavleborg"),
    pytest.param(person(contacts=(contact(coordinating=True),
                                  contact(id="c2", staff="DOC", coordinating=True))),
                 "national", [("c1", "one-coordinator"), ("c2", "one-coordinator")],
                 id="two-coordinators"),
    pytest.param(person(contacts=(contact(), contact(id="c2"))), "national",
                 [("c1", "already-appointed"), ("c2", "already-appointed")], id="twice"),
    pytest.param(person(contacts=(contact(staff="NOBODY"),)), "national",
                 [("c1", "unknown-staff")], id="unknown-staff"),
]


@pytest.mark.parametrize(("patient", "policy", "expected"), IMPORT_CASES)
def test_import_problems(patient: Patient, policy: str, expected: list[tuple[str, str]]) -> None:
    # when
    found = import_problems(
        patient, Directory.of(UNITS, STAFF), as_of=AS_OF, policy=POLICIES[policy]
    )

    # then
    assert [(p.contact, p.problem.rule) for p in found] == expected


def test_import_problems_agree_with_appointment_problems_for_one_contact() -> None:
    # given: a nurse proposed as fast läkarkontakt, once as an appointment and once imported
    patient = person(listed_at="VC1")
    directory = Directory.of(UNITS, STAFF)
    policy = POLICIES["national"]
    appointed = appointment_problems(
        patient, proposal(FLK, staff="NURSE"), directory, as_of=AS_OF, policy=policy
    )

    # when
    imported = import_problems(
        replace(patient, contacts=(contact(FLK, staff="NURSE", start=AS_OF),)),
        directory,
        as_of=AS_OF,
        policy=policy,
    )

    # then
    assert [p.problem for p in imported] == appointed
