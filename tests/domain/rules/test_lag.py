"""Table-driven tests of pack ``lag``: satisfied, broken and boundary cases of every rule."""

from __future__ import annotations

from datetime import date

import pytest

from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.domain.model import (
    ContactRequest,
    HomeCareDecision,
    InformationTransfer,
    InpatientStay,
    Patient,
    Sip,
)
from fastkontakt.domain.rules import POLICIES, Directory, evaluate_patient
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

FVK, FLK, FOK = "fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"


def request(day: str, kind: str = FVK, unit: str = "VC1") -> ContactRequest:
    return ContactRequest(kind, unit, d(day))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(requests=(request("2026-11-01"),),
                            contacts=(contact(FVK),)), [], id="answered"),
        pytest.param(person(requests=(request("2026-11-01"),),
                            contacts=(contact(FVK, end=d("2026-11-01")),)), [],
                     id="contact-ending-on-request-day-counts"),
        pytest.param(person(requests=(request("2026-11-01"),),
                            contacts=(contact(FVK, end=d("2026-10-31")),)),
                     [(None, "2026-11-15", True)], id="contact-ended-before-request"),
        pytest.param(person(requests=(request("2026-11-01"),),
                            contacts=(contact(FVK, start=d("2026-12-01")),)), [],
                     id="appointed-ahead-counts"),
        pytest.param(person(requests=(request("2026-11-01", FLK),), contacts=(contact(FVK),)),
                     [(None, "2026-11-15", True)], id="other-kind"),
        pytest.param(person(requests=(request("2026-11-01", unit="VC2"),),
                            contacts=(contact(FVK),)),
                     [(None, "2026-11-15", True)], id="other-unit"),
        pytest.param(person(requests=(request("2026-11-08"),)),
                     [(None, "2026-11-22", False)], id="due-today-not-overdue"),
        pytest.param(person(requests=(request("2026-11-07"),)),
                     [(None, "2026-11-21", True)], id="due-yesterday-overdue"),
        pytest.param(person(requests=(request("2026-12-08"),)),
                     [(None, "2026-12-22", False)], id="due-on-horizon-reported"),
        pytest.param(person(requests=(request("2026-12-09"),)), [], id="beyond-horizon"),
        pytest.param(person(requests=(request("2026-11-05"), request("2026-11-01", FLK))),
                     [(None, "2026-11-15", True), (None, "2026-11-19", True)],
                     id="two-requests-sorted-by-due"),
    ],
)
def test_contact_on_request(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "contact-on-request") == expected


@pytest.mark.parametrize(
    ("patient", "staff_changes", "expected"),
    [
        pytest.param(person(contacts=(contact(FVK, staff="NURSE"),)), {}, [], id="not-set"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="DOC"),)), {}, [],
                     id="licensed-physician"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="AT"),)), {},
                     [(None, "2026-11-02", True)], id="unlicensed-physician"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="NURSE"),)), {},
                     [(None, "2026-11-02", True)], id="nurse"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FLK, staff="DOC"),)), {},
                     [(None, "2026-11-02", True)], id="only-a-fast-lakarkontakt"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="DOC", start=d("2026-11-23")),)), {},
                     [(None, "2026-11-02", True)], id="physician-starts-tomorrow"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="DOC", end=d("2026-11-21")),)), {},
                     [(None, "2026-11-02", True)], id="physician-ended-yesterday"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="DOC", end=d("2026-11-22")),)), {},
                     [], id="physician-ends-today"),
        pytest.param(person(life_threatening_since=d("2026-11-22")), {},
                     [(None, "2026-11-22", False)], id="established-today"),
        pytest.param(person(life_threatening_since=d("2026-12-23")), {}, [],
                     id="beyond-horizon"),
        pytest.param(person(life_threatening_since=d("2026-11-02"),
                            contacts=(contact(FVK, staff="DOC"),)), {"licensed": False},
                     [(None, "2026-11-02", True)], id="licence-withdrawn"),
    ],
)
def test_life_threatening_physician(
    patient: Patient, staff_changes: dict[str, object], expected: list[object]
) -> None:
    staff = staff_with("DOC", **staff_changes)
    assert findings(patient, "life-threatening-physician", staff=staff) == expected


def stay(**fields: object) -> InpatientStay:
    fields.setdefault("unit", "SLV")
    fields.setdefault("admitted", d("2026-11-10"))
    return InpatientStay(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   ready_for_discharge=d("2026-11-19")),)),
                     [(None, "2026-11-19", True)], id="ready-no-contact"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   ready_for_discharge=d("2026-11-19"),
                                                   discharged=d("2026-11-20")),)),
                     [(None, "2026-11-20", True)], id="due-is-discharge-when-set"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   ready_for_discharge=d("2026-11-19")),),
                            contacts=(contact(FVK, start=d("2026-12-01")),)), [],
                     id="current-contact-appointed-ahead"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   ready_for_discharge=d("2026-11-19")),),
                            contacts=(contact(FVK, end=d("2026-11-21")),)),
                     [(None, "2026-11-19", True)], id="contact-ended"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC2",
                                                   ready_for_discharge=d("2026-11-19")),),
                            contacts=(contact(FVK),)),
                     [(None, "2026-11-19", True)], id="contact-at-other-unit"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   ready_for_discharge=d("2026-11-19")),),
                            contacts=(contact(FLK, staff="DOC"),)),
                     [(None, "2026-11-19", True)], id="contact-of-other-kind"),
        pytest.param(person(inpatient_stays=(stay(ready_for_discharge=d("2026-11-19")),)), [],
                     id="no-outpatient-unit"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1"),)), [],
                     id="no-notice-yet"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   admitted=d("2026-10-01"),
                                                   discharged=d("2026-10-22")),)), [],
                     id="discharged-before-followup-window"),
        pytest.param(person(inpatient_stays=(stay(outpatient_unit="VC1",
                                                   admitted=d("2026-10-01"),
                                                   discharged=d("2026-10-23")),)),
                     [(None, "2026-10-23", True)], id="discharged-on-window-start"),
    ],
)
def test_discharge_contact(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "discharge-contact") == expected


def sip(invited: str | None, sip_id: str = "s1", coordinator: str | None = "NURSE") -> Sip:
    return Sip(sip_id, d("2026-11-01"), d(invited) if invited else None, coordinator)


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   ready_for_discharge=d("2026-11-19")),)),
                     [(None, "2026-11-22", False)], id="not-invited-due-today"),
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   ready_for_discharge=d("2026-11-18")),)),
                     [(None, "2026-11-21", True)], id="not-invited-overdue"),
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   ready_for_discharge=d("2026-11-19")),),
                            sips=(sip("2026-11-10"),)), [], id="invited-on-admission-day"),
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   ready_for_discharge=d("2026-11-19")),),
                            sips=(sip("2026-11-09"),)),
                     [(None, "2026-11-22", False)], id="invited-before-admission"),
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   ready_for_discharge=d("2026-11-19")),),
                            sips=(sip(None),)),
                     [(None, "2026-11-22", False)], id="sip-without-invitation"),
        pytest.param(person(inpatient_stays=(stay(ready_for_discharge=d("2026-11-19")),)), [],
                     id="no-municipal-care-needed"),
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   discharged=d("2026-11-19")),)), [],
                     id="no-ready-notice"),
        pytest.param(person(inpatient_stays=(stay(needs_municipal_care=True,
                                                   admitted=d("2026-10-01"),
                                                   ready_for_discharge=d("2026-10-20"),
                                                   discharged=d("2026-10-22")),)), [],
                     id="discharged-before-followup-window"),
    ],
)
def test_discharge_sip_invitation(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "discharge-sip-invitation") == expected


def home_care(start: str = "2026-11-01", services: tuple[str, ...] = ("personlig_omvardnad",),
              unit: str = "HT1", **fields: object) -> HomeCareDecision:
    return HomeCareDecision(unit=unit, start=d(start), services=services,  # type: ignore[arg-type]
                            **fields)  # type: ignore[arg-type]


def born(day: str, *, coordination: bool = False) -> str:
    return make_personal_id(d(day), 42, coordination=coordination)


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(home_care=(home_care(),)), [(None, "2026-11-15", True)],
                     id="no-contact"),
        pytest.param(person(home_care=(home_care(),),
                            contacts=(contact(FOK, staff="USK", unit="HT1"),)), [],
                     id="contact-at-unit"),
        pytest.param(person(home_care=(home_care(),),
                            contacts=(contact(FOK, staff="USK2", unit="HT2"),)),
                     [(None, "2026-11-15", True)], id="contact-at-other-unit"),
        pytest.param(person(home_care=(home_care(),),
                            contacts=(contact(FOK, staff="USK", unit="HT1",
                                              end=d("2026-11-21")),)),
                     [(None, "2026-11-15", True)], id="contact-ended"),
        pytest.param(person(home_care=(home_care(services=("inkop", "stadning", "tvatt",
                                                           "matdistribution",
                                                           "trygghetslarm")),)),
                     [], id="service-only"),
        pytest.param(person(home_care=(home_care(services=("inkop", "dusch")),)),
                     [(None, "2026-11-15", True)], id="service-and-care"),
        pytest.param(person(home_care=(home_care(no_contact_reason="Kunden avböjer"),)), [],
                     id="documented-reason"),
        pytest.param(person(id=born("2000-05-01"), home_care=(home_care(),)),
                     [(None, "2026-11-15", True)], id="v2-any-age-by-default"),
        pytest.param(person(id=born("2026-01-10"), home_care=(home_care(),)),
                     [(None, "2026-11-15", True)], id="v2-even-an-infant"),
        pytest.param(person(home_care=(home_care(end=d("2026-11-21")),)), [],
                     id="decision-ended"),
        pytest.param(person(home_care=(home_care(start="2026-11-23"),)), [],
                     id="decision-starts-tomorrow"),
        pytest.param(person(home_care=(home_care(start="2026-11-08"),)),
                     [(None, "2026-11-22", False)], id="due-today"),
    ],
)
def test_home_care_contact(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "home-care-contact") == expected


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(id=born("1961-11-23"), home_care=(home_care(),)), [],
                     id="aged-64-turning-65-tomorrow"),
        pytest.param(person(id=born("1961-11-22"), home_care=(home_care(),)),
                     [(None, "2026-11-15", True)], id="turns-65-today"),
        pytest.param(person(id=born("1961-11-22", coordination=True), home_care=(home_care(),)),
                     [(None, "2026-11-15", True)], id="samordningsnummer-age"),
    ],
)
def test_home_care_contact_with_a_regional_minimum_age(
    patient: Patient, expected: list[object]
) -> None:
    # given a region that keeps the v1 minimum age of 65 as its own parameter
    assert findings(patient, "home-care-contact", home_care_contact_min_age=65) == expected


@pytest.mark.parametrize(
    ("rule", "patient", "expected"),
    [
        pytest.param("omsorgskontakt-profession",
                     person(contacts=(contact(FOK, staff="USK", unit="HT1"),)), [], id="fok-usk"),
        pytest.param("omsorgskontakt-profession",
                     person(contacts=(contact(FOK, staff="VB", unit="HT1"),)),
                     [("c1", None, False)], id="fok-vardbitrade"),
        pytest.param("omsorgskontakt-profession",
                     person(contacts=(contact(FOK, staff="VB", unit="HT1",
                                              start=d("2026-12-01")),)),
                     [("c1", None, False)], id="fok-ahead-is-current"),
        pytest.param("omsorgskontakt-profession",
                     person(contacts=(contact(FOK, staff="VB", unit="HT1",
                                              end=d("2026-11-21")),)), [], id="fok-past"),
        pytest.param("lakarkontakt-profession",
                     person(listed_at="VC1", contacts=(contact(FLK, staff="DOC"),)), [],
                     id="flk-physician"),
        pytest.param("lakarkontakt-profession",
                     person(listed_at="VC1", contacts=(contact(FLK, staff="AT"),)), [],
                     id="flk-unlicensed-physician-is-a-physician"),
        pytest.param("lakarkontakt-profession",
                     person(listed_at="VC1", contacts=(contact(FLK, staff="NURSE"),)),
                     [("c1", None, False)], id="flk-nurse"),
        pytest.param("lakarkontakt-profession",
                     person(listed_at="VC1", contacts=(contact(FLK, staff="NURSE",
                                                               end=d("2026-11-22")),)),
                     [("c1", None, False)], id="flk-nurse-ending-today"),
        pytest.param("lakarkontakt-listed-unit",
                     person(listed_at="VC1", contacts=(contact(FLK, staff="DOC"),)), [],
                     id="listed-there"),
        pytest.param("lakarkontakt-listed-unit",
                     person(listed_at="VC2", contacts=(contact(FLK, staff="DOC"),)),
                     [("c1", None, False)], id="listed-elsewhere"),
        pytest.param("lakarkontakt-listed-unit",
                     person(contacts=(contact(FLK, staff="DOC"),)),
                     [("c1", None, False)], id="not-listed"),
        pytest.param("lakarkontakt-listed-unit",
                     person(listed_at="VC2", contacts=(contact(FVK, staff="DOC"),)), [],
                     id="fvk-not-concerned"),
        pytest.param("contact-staff-at-unit",
                     person(contacts=(contact("behandlande_roll", staff="NURSE", unit="VC1"),)),
                     [], id="works-there"),
        pytest.param("contact-staff-at-unit",
                     person(contacts=(contact("sip_samordnare", staff="NURSE", unit="VC2"),)),
                     [("c1", None, False)], id="works-elsewhere"),
        pytest.param("contact-staff-at-unit",
                     person(contacts=(contact("kontaktansvarig", staff="NURSE", unit="VC2",
                                              end=d("2026-11-21")),)), [], id="past-contact"),
        pytest.param("contact-staff-at-unit",
                     person(contacts=(contact(FLK, staff="DOC", unit="VC2"),)), [],
                     id="second-unit-of-staff"),
    ],
)
def test_contact_level_lag_rules(rule: str, patient: Patient, expected: list[object]) -> None:
    assert findings(patient, rule) == expected


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(contacts=(contact(FVK, start=d("2026-11-15"), informed=None),)),
                     [("c1", "2026-11-29", False)], id="fvk-uninformed"),
        pytest.param(person(contacts=(contact(FLK, staff="DOC", start=d("2026-11-08"),
                                              informed=None),)),
                     [("c1", "2026-11-22", False)], id="flk-due-today"),
        pytest.param(person(contacts=(contact(FOK, staff="USK", unit="HT1",
                                              start=d("2026-11-07"), informed=None),)),
                     [("c1", "2026-11-21", True)], id="fok-overdue"),
        pytest.param(person(contacts=(contact(FVK, informed=d("2026-11-20")),)), [],
                     id="informed"),
        pytest.param(person(contacts=(contact("behandlande_roll", informed=None),)), [],
                     id="behandlande-roll-not-concerned"),
        pytest.param(person(contacts=(contact("kontaktansvarig", informed=None),)), [],
                     id="kontaktansvarig-not-concerned"),
        pytest.param(person(contacts=(contact("sip_samordnare", start=d("2026-11-10"),
                                              informed=None),)),
                     [("c1", "2026-11-24", False)], id="v2-sip-samordnare-uninformed"),
        pytest.param(person(contacts=(contact("sip_samordnare", informed=d("2026-11-11")),)),
                     [], id="v2-sip-samordnare-informed"),
        pytest.param(person(contacts=(contact(FVK, informed=None, end=d("2026-11-21")),)), [],
                     id="past"),
        pytest.param(person(contacts=(contact(FVK, start=d("2026-12-08"), informed=None),)),
                     [("c1", "2026-12-22", False)], id="ahead-within-horizon"),
        pytest.param(person(contacts=(contact(FVK, start=d("2026-12-09"), informed=None),)), [],
                     id="ahead-beyond-horizon"),
        pytest.param(person(contacts=(contact(FVK, id="b", start=d("2026-11-10"), informed=None),
                                      contact(FVK, id="a", start=d("2026-11-10"),
                                              informed=None))),
                     [("a", "2026-11-24", False), ("b", "2026-11-24", False)],
                     id="same-due-sorted-by-contact"),
    ],
)
def test_contact_informed(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "contact-informed") == expected


@pytest.mark.parametrize(
    ("consents", "expected"),
    [
        pytest.param((True,), [], id="consent"),
        pytest.param((False,), [(None, None, False)], id="no-consent"),
        pytest.param((False, True, False), [(None, None, False), (None, None, False)],
                     id="one-per-transfer"),
    ],
)
def test_transfer_consent(consents: tuple[bool, ...], expected: list[object]) -> None:
    # given
    patient = person(information_transfers=tuple(
        InformationTransfer("Vårdboendet Solgården", d("2026-11-20"), c) for c in consents))
    # when / then
    assert findings(patient, "transfer-consent") == expected


def test_messages_name_the_people_involved() -> None:
    # given
    patient = person(contacts=(contact(FOK, staff="VB", unit="HT1"),))
    # when
    result = evaluate_patient(patient, Directory.of(UNITS, STAFF), as_of=AS_OF,
                              policy=POLICIES["national"])
    # then
    by_rule = {f.rule: f for f in result}
    assert by_rule["omsorgskontakt-profession"].message == (
        "Olle Vårdbiträde är inte undersköterska och kan inte vara fast omsorgskontakt."
    )
    assert by_rule["omsorgskontakt-profession"].source.startswith("socialtjänstlagen")


def test_age_is_taken_on_as_of_not_today() -> None:
    # given a person who turns 65 on 2027-01-10
    patient = person(id=born("1962-01-10"), home_care=(home_care(start="2026-12-20"),))
    # when / then
    assert findings(patient, "home-care-contact", as_of=date(2027, 1, 9),
                    home_care_contact_min_age=65) == []
    assert findings(patient, "home-care-contact", as_of=date(2027, 1, 10),
                    home_care_contact_min_age=65) == [
        (None, "2027-01-03", True)
    ]


def test_contact_informed_messages_use_the_definite_form() -> None:
    # given one uninformed contact of each kind the rule covers
    patient = person(contacts=(
        contact(FVK, id="a", informed=None),
        contact(FLK, id="b", staff="DOC", informed=None),
        contact(FOK, id="c", staff="USK", unit="HT1", informed=None),
        contact("sip_samordnare", id="d", informed=None),
    ))
    # when
    result = evaluate_patient(patient, Directory.of(UNITS, STAFF), as_of=AS_OF,
                              policy=POLICIES["national"])
    # then
    assert [f.message for f in result if f.rule == "contact-informed"] == [
        "Personen har inte fått skriftlig information om sin fasta vårdkontakt "
        "(Karin Sköterska).",
        "Personen har inte fått skriftlig information om sin fasta läkarkontakt (Anna Läkare).",
        "Personen har inte fått skriftlig information om sin fasta omsorgskontakt "
        "(Maja Undersköterska).",
        "Personen har inte fått skriftlig information om vem som är samordningsansvarig för "
        "SIP (Karin Sköterska).",
    ]


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        pytest.param(person(), [], id="no-needs"),
        pytest.param(person(needs=("samordningsbehov",)), [(None, None, False)],
                     id="needs-without-contact"),
        pytest.param(person(needs=("stort_omvardnadsbehov",), contacts=(contact(FVK),)), [],
                     id="needs-with-contact"),
        pytest.param(person(needs=("stort_omvardnadsbehov",),
                            contacts=(contact(FVK, start=d("2027-01-01")),)), [],
                     id="contact-appointed-ahead-is-current"),
        pytest.param(person(needs=("stort_omvardnadsbehov",),
                            contacts=(contact(FVK, end=d("2026-11-21")),)),
                     [(None, None, False)], id="contact-ended-yesterday"),
        pytest.param(person(needs=("stort_omvardnadsbehov",),
                            contacts=(contact(FVK, end=d("2026-11-22")),)), [],
                     id="contact-ending-today"),
        pytest.param(person(needs=("instabilt_sjukdomsforlopp",),
                            contacts=(contact(FLK, staff="DOC"),
                                      contact(FOK, staff="USK", unit="HT1"))),
                     [(None, None, False)], id="other-kinds-do-not-count"),
        pytest.param(person(needs=("samordningsbehov", "stora_rehabiliteringsbehov")),
                     [(None, None, False)], id="several-needs-one-finding"),
    ],
)
def test_contact_needed(patient: Patient, expected: list[object]) -> None:
    assert findings(patient, "contact-needed") == expected


def test_contact_needed_names_the_needs_in_swedish() -> None:
    # given
    patient = person(needs=("stort_omvardnadsbehov", "samordningsbehov"))
    # when
    (finding,) = [
        f for f in evaluate_patient(patient, Directory.of(UNITS, STAFF), as_of=AS_OF,
                                    policy=POLICIES["national"])
        if f.rule == "contact-needed"
    ]
    # then
    assert finding.message == (
        "Personen har stort omvårdnadsbehov och samordningsbehov men ingen fast vårdkontakt; en "
        "fast vårdkontakt ska utses när behovet kräver det."
    )
    assert finding.source.startswith("6 kap. 2 § patientlagen (2014:821)")


SB = "sarskilt_boende"


@pytest.mark.parametrize(
    ("patient", "as_of", "expected"),
    [
        pytest.param(person(residence=SB), AS_OF, [(None, "2026-07-15", True)],
                     id="no-residence-date-due-from-the-law"),
        pytest.param(person(residence=SB, residence_from=d("2026-11-01")), AS_OF,
                     [(None, "2026-11-15", True)], id="moved-in-after-the-law"),
        pytest.param(person(residence=SB, residence_from=d("2020-03-01")), AS_OF,
                     [(None, "2026-07-15", True)], id="moved-in-before-the-law"),
        pytest.param(person(residence=SB, residence_from=d("2026-11-10")), AS_OF,
                     [(None, "2026-11-24", False)], id="not-yet-overdue"),
        pytest.param(person(residence=SB, residence_from=d("2026-12-20")), AS_OF, [],
                     id="moving-in-beyond-the-horizon"),
        pytest.param(person(residence=SB), date(2026, 6, 30), [], id="day-before-the-law"),
        pytest.param(person(residence=SB), date(2026, 7, 1), [(None, "2026-07-15", False)],
                     id="the-day-the-law-applies"),
        pytest.param(person(residence="ordinart"), AS_OF, [], id="ordinary-housing"),
        pytest.param(person(residence=SB, contacts=(contact(FOK, staff="USK", unit="HT1"),)),
                     AS_OF, [], id="contact-at-any-unit"),
        pytest.param(person(residence=SB,
                            contacts=(contact(FOK, staff="USK", unit="HT1",
                                              end=d("2026-11-21")),)),
                     AS_OF, [(None, "2026-07-15", True)], id="contact-ended"),
        pytest.param(person(residence=SB, contacts=(contact(FVK),)), AS_OF,
                     [(None, "2026-07-15", True)], id="vardkontakt-does-not-count"),
        pytest.param(person(residence=SB, residence_no_contact_reason="Vill inte ha"), AS_OF,
                     [], id="documented-reason"),
        pytest.param(person(id=born("1961-11-23"), residence=SB), AS_OF, [],
                     id="aged-64-turning-65-tomorrow"),
        pytest.param(person(id=born("1961-11-22"), residence=SB), AS_OF,
                     [(None, "2026-07-15", True)], id="turns-65-today"),
        pytest.param(person(id=born("1961-11-22", coordination=True), residence=SB), AS_OF,
                     [(None, "2026-07-15", True)], id="samordningsnummer-age"),
    ],
)
def test_residential_care_contact(patient: Patient, as_of: date, expected: list[object]) -> None:
    assert findings(patient, "residential-care-contact", as_of=as_of) == expected


def test_residential_care_contact_follows_the_regions_parameters() -> None:
    # given a region that starts earlier and counts from 70
    patient = person(id=born("1960-01-01"), residence=SB, residence_from=d("2026-01-10"))
    # when / then
    assert findings(patient, "residential-care-contact",
                    residential_care_contact_from=date(2026, 1, 1)) == [
        (None, "2026-01-24", True)]
    assert findings(patient, "residential-care-contact",
                    residential_care_contact_min_age=70) == []
