"""The Swedish name of every code a user can see: one place, so no page shows a code.

Codes (``lakarkontakt-profession``, ``personlig_omvardnad``, ``person.page``) are what the
database, the scenario files and the API keep; people read these names. Each table below covers
one kind of code. :func:`swedish` looks a code up and fails loudly for a code it does not know
(:class:`UnknownCode`): a new code without a name is a defect found by the tests, never a code
that slips onto a page. The registry builds its model choices from these tables, so the admin,
the forms and the pages agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Final


class UnknownCode(LookupError):
    """A code with no Swedish name in the vocabulary."""


def _table(names: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(names)


#: Rule ids (``domain/rules``) and their titles as a head of unit reads them.
RULES: Final = _table(
    {
        "contact-on-request": "Fast vårdkontakt på begäran",
        "life-threatening-physician": "Läkare som fast vårdkontakt vid livshotande tillstånd",
        "discharge-contact": "Fast vårdkontakt efter utskrivning",
        "discharge-sip-invitation": "Kallelse till SIP vid utskrivning",
        "home-care-contact": "Fast omsorgskontakt vid hemtjänst",
        "omsorgskontakt-profession": "Fast omsorgskontakt ska vara undersköterska",
        "lakarkontakt-profession": "Fast läkarkontakt ska vara läkare",
        "lakarkontakt-listed-unit": "Fast läkarkontakt vid listningsenheten",
        "contact-staff-at-unit": "Kontakten arbetar vid enheten",
        "contact-informed": "Skriftlig information om fast kontakt",
        "transfer-consent": "Samtycke till informationsöverföring",
        "contact-needed": "Fast vårdkontakt vid behov",
        "residential-care-contact": "Fast omsorgskontakt i särskilt boende",
        "one-coordinator": "En samordningsansvarig fast vårdkontakt",
        "plan-initial-update": "Genomförandeplanen uppdateras av fast omsorgskontakt",
        "plan-revision": "Revidering av genomförandeplanen",
        "contact-vacancy": "Överlämning när kontakten slutar eller är borta",
        "sip-coordinator": "Samordningsansvarig i SIP",
        "continuity-share": "Fast omsorgskontakt gör merparten av besöken",
        "coordinator-setting": "Samordningsansvarets vårdform",
        "contact-eligible": "Fast vårdkontakt bland valbara medarbetare",
        # not rules of the catalogue: what makes a proposed appointment meaningless
        "unknown-staff": "Medarbetaren finns inte i registret",
        "unknown-unit": "Enheten finns inte i registret",
        "unknown-contact": "Uppdraget som ersätts finns inte",
        "coordinating-kind": "Samordningsansvar bärs av en fast vårdkontakt",
        "already-appointed": "Redan utsedd",
    }
)

#: Rule sets (policies): the routines a region follows besides the law.
POLICIES: Final = _table(
    {
        "national": "Nationell",
        "norrbotten": "Region Norrbotten",
        "gavleborg": "Region Gävleborg",
    }
)

#: The packs the rules come in.
PACKS: Final = _table(
    {
        "lag": "Lag och föreskrift",
        "rutin": "Rutin",
        "norrbotten": "Region Norrbottens anvisning",
        "gavleborg": "Region Gävleborgs rutin",
    }
)

UNIT_TYPES: Final = _table(
    {
        "slutenvard": "Slutenvård",
        "specialistoppenvard": "Specialiserad öppenvård",
        "primarvard": "Primärvård",
        "kommunal_hsv": "Kommunal hälso- och sjukvård",
        "hemtjanst": "Hemtjänst",
        "socialtjanst": "Socialtjänst",
    }
)

PROFESSIONS: Final = _table(
    {
        "lakare": "Läkare",
        "sjukskoterska": "Sjuksköterska",
        "specialistsjukskoterska": "Specialistsjuksköterska",
        "barnmorska": "Barnmorska",
        "fysioterapeut": "Fysioterapeut",
        "arbetsterapeut": "Arbetsterapeut",
        "dietist": "Dietist",
        "logoped": "Logoped",
        "kurator": "Kurator",
        "psykolog": "Psykolog",
        "underskoterska": "Undersköterska",
        "vardbitrade": "Vårdbiträde",
        "skotare": "Skötare",
        "socialsekreterare": "Socialsekreterare",
        "administrator": "Administratör",
    }
)

CONTACT_KINDS: Final = _table(
    {
        "fast_vardkontakt": "Fast vårdkontakt",
        "fast_lakarkontakt": "Fast läkarkontakt",
        "fast_omsorgskontakt": "Fast omsorgskontakt",
        "behandlande_roll": "Behandlande roll",
        "sip_samordnare": "Samordningsansvarig för SIP",
        "kontaktansvarig": "Kontaktansvarig",
    }
)

#: The fixed contact a unit of each type is selectable for: home care and social services offer
#: a fast omsorgskontakt (socialtjänstlagen), the health services a fast vårdkontakt.
SELECTABLE_KIND_BY_UNIT_TYPE: Final = _table(
    {
        "slutenvard": "fast_vardkontakt",
        "specialistoppenvard": "fast_vardkontakt",
        "primarvard": "fast_vardkontakt",
        "kommunal_hsv": "fast_vardkontakt",
        "hemtjanst": "fast_omsorgskontakt",
        "socialtjanst": "fast_omsorgskontakt",
    }
)

RESIDENCES: Final = _table({"ordinart": "Ordinärt boende", "sarskilt_boende": "Särskilt boende"})

NEEDS: Final = _table(
    {
        "stort_omvardnadsbehov": "Stort omvårdnadsbehov",
        "instabilt_sjukdomsforlopp": "Instabilt sjukdomsförlopp",
        "stora_rehabiliteringsbehov": "Stora rehabiliteringsbehov",
        "samordningsbehov": "Behov av samordning",
    }
)

#: Home-care services of a biståndsbeslut.
SERVICES: Final = _table(
    {
        "personlig_omvardnad": "Personlig omvårdnad",
        "stod_och_service": "Stöd och service",
        "inkop": "Inköp",
        "tvatt": "Tvätt",
        "stadning": "Städning",
        "matdistribution": "Matdistribution",
        "trygghetslarm": "Trygghetslarm",
        "ledsagning": "Ledsagning",
        "dusch": "Dusch",
    }
)

VISIT_KINDS: Final = _table(
    {
        "omsorg": "Omsorg",
        "serviceinsats": "Serviceinsats",
        "matdistribution": "Matdistribution",
        "larm": "Larm",
    }
)

APPOINTMENT_REASONS: Final = _table(
    {
        "begaran": "Personen har begärt det",
        "behov": "Personens behov",
        "utskrivning": "Utskrivning från slutenvård",
        "livshotande": "Livshotande tillstånd",
        "hemtjanst": "Beslut om hemtjänst",
        "overlamning": "Överlämning från tidigare kontakt",
    }
)

END_REASONS: Final = _table(
    {
        "personens_onskan": "Personens önskan",
        "behov_upphort": "Behovet har upphört",
        "medarbetaren_slutar": "Medarbetaren slutar",
        "lang_franvaro": "Medarbetaren är borta en längre tid",
        "flytt": "Personen har flyttat eller bytt enhet",
        "avliden": "Personen har avlidit",
        "annat": "Annat skäl",
        "samordning_overford": "Samordningsansvaret fördes över",
    }
)

HANDOVER_REASONS: Final = _table(
    {
        "medarbetaren_slutar": "Medarbetaren slutar",
        "lang_franvaro": "Medarbetaren är borta en längre tid",
    }
)

#: How a letter reached the person.
DELIVERY_METHODS: Final = _table(
    {
        "post": "Brev med post",
        "personligen": "Lämnat personligen",
        "digital_brevlada": "Digital brevlåda",
        "1177": "1177",
        "digitalt": "Digitalt, öppnat av personen",
    }
)

RECIPIENTS: Final = _table({"person": "personen", "narstaende": "närstående"})

#: Access-log actions, legal bases and flags.
LOG_ACTIONS: Final = _table({"read": "Läsning", "write": "Ändring", "denied": "Nekad"})
LOG_BASES: Final = _table(
    {
        "care_relationship": "Vårdrelation",
        "emergency": "Nödåtkomst",
        "none": "Ingen",
        "log_review": "Logggranskning",
        "system": "Systemkörning",
        "own_data": "Egen uppgift (invånare)",
        "proxy": "Ombud (närstående)",
    }
)
LOG_FLAGS: Final = _table(
    {
        "emergency": "Nödåtkomst",
        "no_relationship": "Utan vårdrelation",
        "own_record": "Egen journal",
        "namesake": "Samma efternamn",
    }
)

#: What an access-log entry read or wrote (the ``what`` of every logged action).
LOG_WHAT: Final = _table(
    {
        "person.page": "Personens sida",
        "person.search": "Sökning av person",
        "person.residence": "Boende",
        "person.address": "Postadress",
        "consent.record": "Samtycke till kopia registrerat",
        "consent.withdraw": "Samtycke till kopia återkallat",
        "information_transfer.consent": "Samtycke till informationsöverföring i efterhand",
        "staff.absence": "Medarbetarens frånvaro",
        "staff.eligible": "Medarbetaren valbar eller inte",
        "admin.change": "Ändring i administrationen",
        "care.page": "Vård och omsorg",
        "care.form": "Formulär för vård och omsorg",
        "care_team.update": "Uppdatering av vårdteam (API)",
        "caseload.staff": "Medarbetarens kontakter",
        "contact.appoint": "Utseende av fast kontakt",
        "contact.appoint.form": "Formulär för att utse fast kontakt",
        "contact.candidates": "Kandidater till fast kontakt",
        "contact.end": "Avslut av fast kontakt",
        "contact.end.form": "Formulär för avslut av fast kontakt",
        "contact.handover": "Överlämning",
        "contact.handover.done": "Genomförd överlämning",
        "contact.handover.form": "Formulär för överlämning",
        "emergency_access": "Nödåtkomst",
        "home_care_decision.record": "Beslut om hemtjänst",
        "home_care_decision.no_contact_reason": "Skäl att inte utse fast omsorgskontakt",
        "implementation_plan.establish": "Genomförandeplan upprättad",
        "implementation_plan.update": "Genomförandeplan uppdaterad",
        "implementation_plan.revise": "Genomförandeplan reviderad",
        "information_transfer.record": "Informationsöverföring",
        "inpatient_stay.admit": "Inskrivning i slutenvård",
        "inpatient_stay.discharge": "Utskrivning från slutenvård",
        "inpatient_stay.notice": "Meddelande om inskrivning",
        "inpatient_stay.ready": "Utskrivningsklar",
        "letter.create": "Brev skapat",
        "letter.deliver": "Brev lämnat",
        "letter.handover": "Brev vid överlämning",
        "letter.page": "Brev",
        "letter.pdf": "Brev (PDF)",
        "letters.page": "Brevlista",
        "planning.changes": "Ändringar i besöksplanen",
        "planning.continuity": "Kontinuitet för kund",
        "planning.customers": "Kunder i besöksplaneringen",
        "planning.demand": "Besöksbehov",
        "planning.location": "Besöksadress",
        "planning.move": "Besök flyttat i besöksplanen",
        "planning.plan": "Besöksplan",
        "planning.visits_made": "Planerat mot utförda besök",
        "scenario.export": "Export av registret",
        "scenario.load": "Inläsning av fil",
        "sip.create": "SIP upprättad",
        "sip.coordinator": "Samordningsansvarig i SIP",
        "sip.invitation": "Kallelse till SIP",
        "visits.import": "Inläsning av utförda besök",
        "visits.report": "Rapport om utförda besök",
        "worklist": "Arbetslista",
        "accesslog.page": "Logggranskning",
        "accesslog.csv": "Logggranskning (CSV-export)",
        "accesslog.emergency": "Logggranskning av nödåtkomster",
        "citizen.overview": "Invånarens startsida",
        "citizen.contacts": "Mina kontakter (invånare)",
        "citizen.letters": "Mina brev (invånare)",
        "citizen.letter": "Brev (invånare)",
        "citizen.letter.pdf": "Brev som PDF (invånare)",
        "citizen.letter.delivered": "Brev öppnat digitalt (invånare)",
        "citizen.request": "Begäran om fast vårdkontakt (invånare)",
        "citizen.request.form": "Formulär för begäran (invånare)",
        "citizen.physician": "Val av fast läkarkontakt (invånare)",
        "citizen.physician.form": "Formulär för val av läkare (invånare)",
        "citizen.proxy.grant": "Närstående fick rätt att se (invånare)",
        "citizen.proxy.withdraw": "Närståendes rätt återkallad (invånare)",
        "citizen.proxy.page": "Närstående (invånare)",
        "citizen.proxy.switch": "Närstående bytte till personen",
        "citizen.accesslog": "Vem har läst om mig (invånare)",
        "citizen.accesslog.pdf": "Vem har läst om mig, PDF (invånare)",
        "fhir.Patient.read": "Patient (API)",
        "fhir.Patient.search": "Sökning av patient (API)",
        "fhir.CareTeam.read": "Vårdteam (API)",
        "fhir.CareTeam.search": "Sökning av vårdteam (API)",
        "fhir.CarePlan.read": "Vårdplan (API)",
        "fhir.CarePlan.search": "Sökning av vårdplan (API)",
        "fhir.Task.read": "Uppgift (API)",
        "fhir.Task.search": "Sökning av uppgifter (API)",
        "fhir.Consent.read": "Samtycke (API)",
        "fhir.Consent.search": "Sökning av samtycken (API)",
        "fhir.AuditEvent.read": "Logghändelse (API)",
        "fhir.AuditEvent.search": "Sökning av logghändelser (API)",
    }
)

#: Every table by the name templates use in ``{{ code|sv:"table" }}``.
TABLES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "rule": RULES,
        "policy": POLICIES,
        "pack": PACKS,
        "unit_type": UNIT_TYPES,
        "profession": PROFESSIONS,
        "contact_kind": CONTACT_KINDS,
        "residence": RESIDENCES,
        "need": NEEDS,
        "service": SERVICES,
        "visit_kind": VISIT_KINDS,
        "appointment_reason": APPOINTMENT_REASONS,
        "end_reason": END_REASONS,
        "handover_reason": HANDOVER_REASONS,
        "delivery_method": DELIVERY_METHODS,
        "recipient": RECIPIENTS,
        "log_action": LOG_ACTIONS,
        "log_basis": LOG_BASES,
        "log_flag": LOG_FLAGS,
        "log_what": LOG_WHAT,
    }
)


def swedish(table: str, code: str) -> str:
    """The Swedish name of ``code`` in ``table``; :class:`UnknownCode` if either is unknown."""
    try:
        names = TABLES[table]
    except KeyError:
        raise UnknownCode(f"okänd ordlista {table!r}") from None
    try:
        return names[code]
    except KeyError:
        raise UnknownCode(f"okänd kod {code!r} i ordlistan {table!r}") from None


def swedish_flags(flags: str) -> str:
    """An access-log entry's comma-separated flags, each by its Swedish name."""
    return ", ".join(swedish("log_flag", flag) for flag in flags.split(",") if flag)


def tensed(day: date, today: date, *, past: str, present: str) -> str:
    """The verb for an event on ``day`` as read on ``today``: "slutade" once it has happened,
    "slutar" today and later."""
    return past if day < today else present


def count_phrase(count: int, singular: str, plural: str) -> str:
    """``count`` with the noun or adjective that agrees with it: "1 uppdrag är överlämnat",
    "2 uppdrag är överlämnade" (Swedish agrees in number with one, and only one)."""
    return f"{count} {singular if count == 1 else plural}"
