"""Pack ``lag``: rules from law and regulations.

Rule ids and sources (``spec/rules.md``):
- ``contact-on-request``: 6 kap. 2 § patientlagen (2014:821); 4 kap. 1 § HSF (2017:80)
- ``life-threatening-physician``: SOSFS 2011:7 (livsuppehållande behandling)
- ``discharge-contact``: lag (2017:612) om samverkan vid utskrivning
- ``discharge-sip-invitation``: lag (2017:612)
- ``home-care-contact``: socialtjänstlagen (2025:400), tidigare 4 kap. 2 b § SoL (2001:453)
- ``omsorgskontakt-profession``: socialtjänstlagen (2025:400), tidigare 3 kap. 3 d § SoL
- ``lakarkontakt-profession``, ``lakarkontakt-listed-unit``: hälso- och sjukvårdslagen (2017:30)
- ``contact-staff-at-unit``: 4 kap. 1 § HSF (2017:80)
- ``contact-informed``: patientlagen (2014:821); rutin för fast omsorgskontakt; Region
  Norrbottens anvisning (samordningsansvarig för SIP)
- ``transfer-consent``: offentlighets- och sekretesslagen (2009:400); rutin vid avslut av insats
- ``contact-needed``: 6 kap. 2 § patientlagen (2014:821)
- ``residential-care-contact``: socialtjänstlagen (2025:400) från 2026-07-01 (prop. 2025/26:60)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from fastkontakt.domain.calendar import active_on, current
from fastkontakt.domain.model import (
    SERVICE_ONLY,
    Contact,
    ContactRequest,
    HomeCareDecision,
    Patient,
    Profession,
    Staff,
)
from fastkontakt.domain.rules.base import (
    Check,
    Context,
    Hit,
    Parameters,
    Rule,
    staff_name,
    unit_name,
)

KIND_LABEL = {
    "fast_vardkontakt": "fast vårdkontakt",
    "fast_lakarkontakt": "fast läkarkontakt",
    "fast_omsorgskontakt": "fast omsorgskontakt",
    "behandlande_roll": "behandlande roll",
    "sip_samordnare": "samordningsansvarig för SIP",
    "kontaktansvarig": "kontaktansvarig",
}


#: The kinds the person is told about in writing, as "information om ..." (``contact-informed``).
KIND_OWN: dict[str, str] = {
    "fast_vardkontakt": "sin fasta vårdkontakt",
    "fast_lakarkontakt": "sin fasta läkarkontakt",
    "fast_omsorgskontakt": "sin fasta omsorgskontakt",
    "sip_samordnare": "vem som är samordningsansvarig för SIP",
}

#: The needs of ``scenario.md`` in Swedish, for messages.
NEED_LABEL: dict[str, str] = {
    "stort_omvardnadsbehov": "stort omvårdnadsbehov",
    "instabilt_sjukdomsforlopp": "instabilt sjukdomsförlopp",
    "stora_rehabiliteringsbehov": "stora rehabiliteringsbehov",
    "samordningsbehov": "samordningsbehov",
}


#: The profession a contact kind requires (rules ``omsorgskontakt-profession`` and
#: ``lakarkontakt-profession``), with its Swedish name for messages.
REQUIRED_PROFESSION: dict[str, tuple[Profession, str]] = {
    "fast_omsorgskontakt": ("underskoterska", "undersköterska"),
    "fast_lakarkontakt": ("lakare", "läkare"),
}


def _fmt(day: date) -> str:
    return day.isoformat()


def is_licensed_physician(staff: Staff | None) -> bool:
    """Staff who may be the fast vårdkontakt of a life-threatening condition."""
    return staff is not None and staff.profession == "lakare" and staff.licensed


def has_required_profession(kind: str, staff: Staff | None) -> bool:
    """Staff whose profession ``kind`` accepts (every profession for kinds without a rule)."""
    required = REQUIRED_PROFESSION.get(kind)
    if required is None:
        return staff is not None
    return staff is not None and staff.profession == required[0]


def works_at(staff: Staff | None, unit: str) -> bool:
    """Staff who work at ``unit`` (rule ``contact-staff-at-unit``)."""
    return staff is not None and unit in staff.units


def needs_contact(decision: HomeCareDecision, context: Context) -> bool:
    """A home-care decision needs a fast omsorgskontakt (``rules.md``, Terms)."""
    return (
        active_on(decision.start, decision.end, context.as_of)
        and context.age >= context.parameters.home_care_contact_min_age
        and not all(service in SERVICE_ONLY for service in decision.services)
        and not decision.no_contact_reason
    )


def _current(patient: Patient, context: Context, kind: str) -> Iterator[Contact]:
    as_of = context.as_of
    return (c for c in patient.contacts if c.kind == kind and current(c.end, as_of))


def unanswered_requests(patient: Patient) -> Iterator[ContactRequest]:
    """The person's requests that no contact answers (rule ``contact-on-request``), in order."""
    for request in patient.requests:
        if not any(
            c.kind == request.kind
            and c.unit == request.unit
            and (c.end is None or c.end >= request.date)
            for c in patient.contacts
        ):
            yield request


def contact_on_request(patient: Patient, context: Context) -> Iterator[Hit]:
    for request in unanswered_requests(patient):
        yield Hit(
            None,
            request.date + timedelta(days=context.parameters.request_days),
            f"Personen begärde {KIND_LABEL[request.kind]} vid "
            f"{unit_name(context, request.unit)} den {_fmt(request.date)}; "
            "ingen är utsedd.",
        )


def life_threatening_physician(patient: Patient, context: Context) -> Iterator[Hit]:
    since = patient.life_threatening_since
    if since is None:
        return
    if any(
        c.kind == "fast_vardkontakt"
        and active_on(c.start, c.end, context.as_of)
        and is_licensed_physician(context.staff.get(c.staff))
        for c in patient.contacts
    ):
        return
    yield Hit(
        None,
        since,
        f"Livshotande tillstånd sedan {_fmt(since)}: den fasta vårdkontakten ska vara "
        "en legitimerad läkare.",
    )


def discharge_contact(patient: Patient, context: Context) -> Iterator[Hit]:
    cutoff = context.as_of - timedelta(days=context.parameters.discharge_followup_days)
    for stay in patient.inpatient_stays:
        outpatient = stay.outpatient_unit
        noticed = stay.discharged or stay.ready_for_discharge
        if outpatient is None or noticed is None:
            continue
        if stay.discharged is not None and stay.discharged < cutoff:
            continue
        has_contact = any(
            c.unit == outpatient for c in _current(patient, context, "fast_vardkontakt")
        )
        if not has_contact:
            yield Hit(
                None,
                noticed,
                f"Fast vårdkontakt vid {unit_name(context, outpatient)} ska utses före "
                f"utskrivningen från {unit_name(context, stay.unit)}.",
            )


def discharge_sip_invitation(patient: Patient, context: Context) -> Iterator[Hit]:
    cutoff = context.as_of - timedelta(days=context.parameters.discharge_followup_days)
    for stay in patient.inpatient_stays:
        ready = stay.ready_for_discharge
        if not stay.needs_municipal_care or ready is None:
            continue
        if stay.discharged is not None and stay.discharged < cutoff:
            continue
        invited = any(s.invited is not None and s.invited >= stay.admitted for s in patient.sips)
        if not invited:
            yield Hit(
                None,
                ready + timedelta(days=context.parameters.sip_invitation_days),
                f"Kallelse till SIP-möte ska skickas inom "
                f"{context.parameters.sip_invitation_days} dagar från meddelandet om "
                f"utskrivningsklar ({_fmt(ready)}).",
            )


def home_care_contact(patient: Patient, context: Context) -> Iterator[Hit]:
    for decision in patient.home_care:
        if not needs_contact(decision, context):
            continue
        if not any(
            c.unit == decision.unit for c in _current(patient, context, "fast_omsorgskontakt")
        ):
            yield Hit(
                None,
                decision.start + timedelta(days=context.parameters.home_care_contact_days),
                f"Hemtjänst vid {unit_name(context, decision.unit)} sedan "
                f"{_fmt(decision.start)} men ingen fast omsorgskontakt är utsedd.",
            )


def _profession_check(kind: str) -> Check:
    """Each current contact of ``kind`` held by staff of another profession than it requires."""
    title = REQUIRED_PROFESSION[kind][1]

    def check(patient: Patient, context: Context) -> Iterator[Hit]:
        for contact in _current(patient, context, kind):
            if not has_required_profession(kind, context.staff.get(contact.staff)):
                yield Hit(
                    contact.id,
                    None,
                    f"{staff_name(context, contact.staff)} är inte {title} och kan inte vara "
                    f"{KIND_LABEL[kind]}.",
                )

    return check


omsorgskontakt_profession = _profession_check("fast_omsorgskontakt")
lakarkontakt_profession = _profession_check("fast_lakarkontakt")


def lakarkontakt_listed_unit(patient: Patient, context: Context) -> Iterator[Hit]:
    for contact in _current(patient, context, "fast_lakarkontakt"):
        if contact.unit != patient.listed_at:
            yield Hit(
                contact.id,
                None,
                f"Den fasta läkarkontakten är utsedd vid {unit_name(context, contact.unit)}, "
                "men personen är inte listad där.",
            )


def contact_staff_at_unit(patient: Patient, context: Context) -> Iterator[Hit]:
    as_of = context.as_of
    for contact in patient.contacts:
        if not current(contact.end, as_of):
            continue
        if not works_at(context.staff.get(contact.staff), contact.unit):
            yield Hit(
                contact.id,
                None,
                f"{staff_name(context, contact.staff)} arbetar inte vid "
                f"{unit_name(context, contact.unit)}, där uppdraget som "
                f"{KIND_LABEL[contact.kind]} är utsett.",
            )


#: ``sip_samordnare`` is told about since rules version 2.
INFORMED_KINDS = frozenset(KIND_OWN)


def contact_informed(patient: Patient, context: Context) -> Iterator[Hit]:
    as_of = context.as_of
    for contact in patient.contacts:
        if contact.kind in INFORMED_KINDS and contact.informed is None and current(
            contact.end, as_of
        ):
            yield Hit(
                contact.id,
                contact.start + timedelta(days=context.parameters.inform_days),
                f"Personen har inte fått skriftlig information om {KIND_OWN[contact.kind]} "
                f"({staff_name(context, contact.staff)}).",
            )


def transfer_consent(patient: Patient, context: Context) -> Iterator[Hit]:
    for transfer in patient.information_transfers:
        if not transfer.consent:
            yield Hit(
                None,
                None,
                f"Information lämnades till {transfer.recipient} den {_fmt(transfer.date)} "
                "utan personens samtycke.",
            )


def contact_needed(patient: Patient, context: Context) -> Iterator[Hit]:
    if not patient.needs or any(_current(patient, context, "fast_vardkontakt")):
        return
    labels = [NEED_LABEL[need] for need in dict.fromkeys(patient.needs)]
    needs = " och ".join((", ".join(labels[:-1]), labels[-1])) if len(labels) > 1 else labels[0]
    yield Hit(
        None,
        None,
        f"Personen har {needs} men ingen fast vårdkontakt; en fast vårdkontakt ska utses "
        "när behovet kräver det.",
    )


def residential_care_due(patient: Patient, parameters: Parameters) -> date:
    """When ``residential-care-contact`` falls due for a person in särskilt boende."""
    start = parameters.residential_care_contact_from
    if patient.residence_from is not None and patient.residence_from > start:
        start = patient.residence_from
    return start + timedelta(days=parameters.home_care_contact_days)


def residential_care_contact(patient: Patient, context: Context) -> Iterator[Hit]:
    parameters = context.parameters
    if (
        patient.residence != "sarskilt_boende"
        or context.as_of < parameters.residential_care_contact_from
        or context.age < parameters.residential_care_contact_min_age
        or patient.residence_no_contact_reason
        or any(_current(patient, context, "fast_omsorgskontakt"))
    ):
        return
    since = (
        f" sedan {_fmt(patient.residence_from)}" if patient.residence_from is not None else ""
    )
    yield Hit(
        None,
        residential_care_due(patient, parameters),
        f"Personen bor i särskilt boende för äldre{since} men ingen fast omsorgskontakt är "
        "utsedd.",
    )


RULES: tuple[Rule, ...] = (
    Rule("contact-on-request", "lag", "patient",
         "6 kap. 2 § patientlagen (2014:821); 4 kap. 1 § HSF (2017:80)", contact_on_request),
    Rule("life-threatening-physician", "lag", "patient",
         "SOSFS 2011:7 (livsuppehållande behandling)", life_threatening_physician),
    Rule("discharge-contact", "lag", "patient",
         "lag (2017:612) om samverkan vid utskrivning", discharge_contact),
    Rule("discharge-sip-invitation", "lag", "patient",
         "lag (2017:612)", discharge_sip_invitation),
    Rule("home-care-contact", "lag", "patient",
         "socialtjänstlagen (2025:400), tidigare 4 kap. 2 b § SoL (2001:453): den som har "
         "hemtjänst ska erbjudas en fast omsorgskontakt", home_care_contact),
    Rule("omsorgskontakt-profession", "lag", "contact",
         "socialtjänstlagen (2025:400), tidigare 3 kap. 3 d § SoL (2001:453): endast "
         "undersköterska får utses, från 2023-07-01", omsorgskontakt_profession),
    Rule("lakarkontakt-profession", "lag", "contact",
         "hälso- och sjukvårdslagen (2017:30), fast läkarkontakt i primärvården",
         lakarkontakt_profession),
    Rule("lakarkontakt-listed-unit", "lag", "contact",
         "hälso- och sjukvårdslagen (2017:30)", lakarkontakt_listed_unit),
    Rule("contact-staff-at-unit", "lag", "contact",
         "4 kap. 1 § HSF (2017:80): verksamhetschefens ansvarsområde avgränsar uppdraget",
         contact_staff_at_unit),
    Rule("contact-informed", "lag", "contact",
         "patientlagen (2014:821) om information om fast vårdkontakt och fast läkarkontakt; "
         "rutin för fast omsorgskontakt; Region Norrbottens anvisning (skriftlig information "
         "om samordningsansvarig för SIP)", contact_informed),
    Rule("transfer-consent", "lag", "patient",
         "offentlighets- och sekretesslagen (2009:400); rutin vid avslut av insats",
         transfer_consent),
    Rule("contact-needed", "lag", "patient",
         "6 kap. 2 § patientlagen (2014:821): fast vårdkontakt ska utses om det är nödvändigt "
         "för patientens behov av trygghet, kontinuitet, samordning och säkerhet",
         contact_needed),
    Rule("residential-care-contact", "lag", "patient",
         "socialtjänstlagen (2025:400) i lydelse från 2026-07-01 (prop. 2025/26:60): den som "
         "bor i särskilt boende för äldre ska erbjudas en fast omsorgskontakt",
         residential_care_contact),
)
