"""What the citizen pages read: always the data of the one person the session shows.

Every function takes a :class:`Citizen` (who signed in, whom they see, on which basis) and
logs its read of that person with the citizen's own basis (``own_data``, or ``proxy`` for a
relative), once per request (the request's access scope keeps the first). Anything named by
an id that is not the person's own answers ``NotFound``, exactly as an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.accesslog import LogRecord, log_reads, log_record
from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry, Account, Action, Basis, Membership
from fastkontakt.citizen.models import CitizenSession, ProxyGrant, UnitOpeningHours
from fastkontakt.domain import vocabulary
from fastkontakt.domain.errors import NotFound
from fastkontakt.domain.model import REGION_FINANCED
from fastkontakt.domain.postal import address_lines
from fastkontakt.letters.models import Letter, Recipient
from fastkontakt.registry.models import (
    Contact,
    ContactRequest,
    HomeCareDecision,
    InpatientStay,
    Person,
    Staff,
    Unit,
)
from fastkontakt.registry.services.requests import contact_request_open
from fastkontakt.runtime import clock

UNKNOWN = "Sidan finns inte."

#: What each role does for me, in two or three plain sentences (klarspråk), from the seeds.
ROLE_TEXT: dict[str, str] = {
    "fast_vardkontakt": (
        "Din fasta vårdkontakt hjälper dig att hålla ihop din vård. Hen kan svara på frågor om "
        "din vård och hjälpa dig med kontakter med andra i vården och med myndigheter."
    ),
    "fast_lakarkontakt": (
        "Din fasta läkarkontakt är en läkare på vårdcentralen där du är listad. Läkaren har "
        "ansvar för att du blir undersökt och får den vård du behöver, och samordnar dina "
        "undersökningar och behandlingar."
    ),
    "fast_omsorgskontakt": (
        "Din fasta omsorgskontakt är en undersköterska i hemtjänsten som gör så många av dina "
        "besök som möjligt. Hen planerar din hjälp tillsammans med dig, och du och dina "
        "närstående kan fråga hen om din hjälp."
    ),
    "behandlande_roll": (
        "Personen har hand om vården för en av dina sjukdomar eller behandlingar. Du kan ha "
        "flera behandlande kontakter, en för varje sjukdom eller behandling."
    ),
    "sip_samordnare": (
        "Personen kallar till och leder mötet om din samordnade individuella plan (SIP). Där "
        "bestämmer du, vården och kommunen tillsammans vem som gör vad."
    ),
    "kontaktansvarig": (
        "Din kontaktansvariga i hemtjänsten är den du i första hand vänder dig till med frågor "
        "om din hjälp. Rollen ersätts av fast omsorgskontakt."
    ),
}

#: Units where a person can ask for a fast vårdkontakt: health care, not home care or social
#: services (fast vårdkontakt is a duty of health care, 6 kap. 2 § patientlagen).
HEALTH_CARE_UNIT_TYPES = frozenset(REGION_FINANCED | {"kommunal_hsv"})


@dataclass(frozen=True, slots=True)
class Citizen:
    """Who signed in and whom they see, for one request."""

    session_pk: int
    #: The personnummer of whoever signed in.
    personal_id: str
    #: The person whose data the session shows (None: a relative who has not chosen yet).
    person: Person | None
    #: Set when a relative sees someone else's data by the right they were given.
    grant: ProxyGrant | None
    request_id: str
    #: The person who signed in, when the registry knows them.
    own_person_pk: int | None = None

    @property
    def as_relative(self) -> bool:
        return self.grant is not None

    @property
    def basis(self) -> str:
        return Basis.PROXY if self.grant is not None else Basis.OWN_DATA

    @property
    def actor(self) -> Actor:
        prefix = "narstaende" if self.grant is not None else "invanare"
        return Actor(
            user_id=None,
            username=f"{prefix}:{self.personal_id}",
            memberships=frozenset(),
            request_id=self.request_id,
            personal_id=self.personal_id,
        )

    def record(self, what: str, *, action: str = Action.READ, unit: str = "") -> LogRecord:
        assert self.person is not None  # noqa: S101 - views check that someone is shown
        return log_record(
            self.actor, self.person.personal_id, action=action, what=what, basis=self.basis,
            unit=unit,
        )


def person_shown(citizen: Citizen, *, what: str) -> Person:
    """The person the session shows; logs the read. ``NotFound`` if nobody is chosen yet."""
    if citizen.person is None:
        raise NotFound(UNKNOWN)
    log_reads([citizen.record(what)])
    return citizen.person


# --- my contacts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactCard:
    kind: str
    kind_label: str
    local_title: str
    coordinating: bool
    name: str
    profession: str
    unit: str
    phone: str
    unit_phone: str
    address: tuple[str, ...]
    hours: str
    start: date
    end: date | None
    text: str


@dataclass(frozen=True, slots=True)
class MyContacts:
    current: list[ContactCard]
    upcoming: list[ContactCard]
    past: list[ContactCard]


def _card(contact: Contact, hours: dict[int, str]) -> ContactCard:
    unit = contact.unit
    address = unit.postal_address()
    return ContactCard(
        kind=contact.kind,
        kind_label=vocabulary.CONTACT_KINDS[contact.kind],
        local_title=contact.local_title,
        coordinating=contact.coordinating,
        name=contact.staff.name,
        profession=vocabulary.PROFESSIONS[contact.staff.profession],
        unit=unit.name,
        phone=contact.staff.phone,
        unit_phone=unit.phone,
        address=address_lines(unit.name, address)[1:] if address else (),
        hours=hours.get(unit.pk, ""),
        start=contact.start,
        end=contact.end,
        text=ROLE_TEXT.get(contact.kind, ""),
    )


def my_contacts(citizen: Citizen, *, on: date | None = None) -> MyContacts:
    on = on or clock.today()
    person = person_shown(citizen, what="citizen.contacts")
    contacts = list(
        Contact.objects.filter(person=person)
        .select_related("staff", "unit")
        .order_by("kind", "start", "pk")
    )
    hours = dict(
        UnitOpeningHours.objects.filter(unit_id__in={c.unit_id for c in contacts}).values_list(
            "unit_id", "hours"
        )
    )
    cards = [(c, _card(c, hours)) for c in contacts]
    return MyContacts(
        current=[k for c, k in cards if c.start <= on and (c.end is None or c.end >= on)],
        upcoming=[k for c, k in cards if c.start > on],
        past=[k for c, k in cards if c.end is not None and c.end < on],
    )


# --- my letters ------------------------------------------------------------------------------


def my_letters(citizen: Citizen) -> list[Letter]:
    person = person_shown(citizen, what="citizen.letters")
    return list(
        Letter.objects.defer("pdf")
        .filter(person=person)
        .select_related("unit")
        .order_by("-created_at", "-pk")
    )


def my_letter(citizen: Citizen, *, letter_pk: int, what: str) -> Letter:
    """One letter about the person shown (without its PDF); another's answers ``NotFound``."""
    if citizen.person is None:
        raise NotFound(UNKNOWN)
    letter = (
        Letter.objects.defer("pdf")
        .filter(pk=letter_pk, person=citizen.person)
        .select_related("unit")
        .first()
    )
    if letter is None:
        raise NotFound(UNKNOWN)
    log_reads([citizen.record(what, unit=letter.unit.hsa_id)])
    return letter


def my_letter_pdf(citizen: Citizen, *, letter_pk: int) -> tuple[Letter, bytes]:
    letter = my_letter(citizen, letter_pk=letter_pk, what="citizen.letter.pdf")
    pdf = Letter.objects.filter(pk=letter_pk).values_list("pdf", flat=True).get()
    return letter, bytes(pdf)


def letter_cards(letter: Letter) -> list[ContactCard]:
    """The contacts a letter names, as the contacts page shows them (the person's read of the
    letter is logged by :func:`my_letter`)."""
    named = list(letter.contacts.select_related("staff", "unit").order_by("kind", "pk"))
    hours = dict(
        UnitOpeningHours.objects.filter(unit_id__in={c.unit_id for c in named}).values_list(
            "unit_id", "hours"
        )
    )
    return [_card(contact, hours) for contact in named]


def is_to_person(letter: Letter) -> bool:
    return letter.recipient == Recipient.PERSON


# --- ask and choose --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestUnit:
    pk: int
    name: str
    has_contact: bool
    asked: bool


def _related_unit_pks(person: Person, on: date) -> set[int]:
    """The units with a care relationship with the person (as ``care_relationship_q``)."""
    pks: set[int] = {person.listed_at_id} if person.listed_at_id else set()
    current = Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))
    pks |= set(Contact.objects.filter(current, person=person).values_list("unit_id", flat=True))
    pks |= set(
        HomeCareDecision.objects.filter(current, person=person).values_list("unit_id", flat=True)
    )
    stays = InpatientStay.objects.filter(person=person, admitted__lte=on).filter(
        Q(discharged__isnull=True) | Q(discharged__gte=on)
    )
    for unit, outpatient in stays.values_list("unit_id", "outpatient_unit_id"):
        pks |= {unit} | ({outpatient} if outpatient else set())
    return pks


def request_units(
    citizen: Citizen, *, on: date | None = None, log: bool = True
) -> list[RequestUnit]:
    """Health-care units with a care relationship with the person, where they can ask for a
    fast vårdkontakt (those where they have one or have asked are marked, not offered)."""
    on = on or clock.today()
    person = person_shown(citizen, what="citizen.request.form") if log else citizen.person
    if person is None:
        raise NotFound(UNKNOWN)
    units = Unit.objects.filter(
        pk__in=_related_unit_pks(person, on), type__in=sorted(HEALTH_CARE_UNIT_TYPES)
    ).order_by("name", "pk")
    having = set(
        Contact.objects.filter(person=person, kind="fast_vardkontakt", start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("unit_id", flat=True)
    )
    return [
        RequestUnit(
            pk=unit.pk,
            name=unit.name,
            has_contact=unit.pk in having,
            asked=contact_request_open(
                person_pk=person.pk, kind="fast_vardkontakt", unit_pk=unit.pk
            )
            is not None,
        )
        for unit in units
    ]


@dataclass(frozen=True, slots=True)
class RequestStatus:
    kind_label: str
    unit: str
    date: date
    answered: bool
    physician: str


def my_requests(citizen: Citizen) -> list[RequestStatus]:
    """The person's requests, newest first, each answered or still waiting (no log: the
    callers have logged the page's read)."""
    person = citizen.person
    if person is None:
        return []
    rows = (
        ContactRequest.objects.filter(person=person)
        .select_related("unit", "physician_choice__staff")
        .order_by("-date", "-pk")
    )
    statuses = []
    for request in rows:
        choice = getattr(request, "physician_choice", None)
        if choice is not None:
            # A choice is answered when the chosen physician is appointed.
            answered = (
                Contact.objects.filter(
                    person=person, kind=request.kind, unit_id=request.unit_id, staff=choice.staff
                )
                .filter(Q(end__isnull=True) | Q(end__gte=request.date))
                .exists()
            )
        else:
            answered = (
                contact_request_open(
                    person_pk=person.pk, kind=request.kind, unit_pk=request.unit_id
                )
                is None
            )
        statuses.append(
            RequestStatus(
                kind_label=vocabulary.CONTACT_KINDS[request.kind],
                unit=request.unit.name,
                date=request.date,
                answered=answered,
                physician=choice.staff.name if choice else "",
            )
        )
    return statuses


@dataclass(frozen=True, slots=True)
class Physicians:
    centre: Unit | None
    #: (staff pk, name) of the selectable physicians, by name.
    choices: list[tuple[int, str]] = field(default_factory=list)
    current: str = ""
    #: Why there is nothing to choose, in plain Swedish; empty when there is.
    nothing: str = ""


def selectable_physicians(person: Person, on: date) -> Physicians:
    centre = person.listed_at
    if centre is None or centre.type != "primarvard":
        return Physicians(
            centre=None,
            nothing=(
                "Du är inte listad på någon vårdcentral hos oss. Du väljer fast läkarkontakt "
                "på den vårdcentral där du är listad. Kontakta en vårdcentral för att lista dig."
            ),
        )
    current = (
        Contact.objects.filter(person=person, kind="fast_lakarkontakt", unit=centre, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("staff")
        .first()
    )
    staff = (
        Staff.objects.filter(workplaces__unit=centre, profession="lakare", eligible=True)
        .filter(Q(employment_end__isnull=True) | Q(employment_end__gte=on))
        .order_by("name", "pk")
    )
    choices = [(s.pk, s.name) for s in staff if current is None or s.pk != current.staff_id]
    return Physicians(
        centre=centre,
        choices=choices,
        current=current.staff.name if current else "",
        nothing=""
        if choices
        else f"Det finns ingen läkare att välja på {centre.name} just nu. Fråga vårdcentralen.",
    )


def my_physicians(citizen: Citizen, *, on: date | None = None) -> Physicians:
    person = person_shown(citizen, what="citizen.physician.form")
    return selectable_physicians(person, on or clock.today())


# --- relatives -------------------------------------------------------------------------------


def my_grants(citizen: Citizen) -> list[ProxyGrant]:
    person = person_shown(citizen, what="citizen.proxy.page")
    return list(ProxyGrant.objects.filter(person=person).order_by("-granted_at", "-pk"))


def grants_to_me(*, personal_id: str) -> list[ProxyGrant]:
    """The rights others gave the one who signed in (no person's data beyond the name)."""
    return list(
        ProxyGrant.objects.filter(relative_personal_id=personal_id, withdrawn_at__isnull=True)
        .select_related("person")
        .order_by("person__name", "pk")
    )


# --- who has read about me -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadEntry:
    at: date
    unit: str
    role: str
    name: str
    action: str


_ROLE_NAMES = {
    "head_of_unit": "Verksamhetschef",
    "unit_manager": "Vårdenhetschef",
    "coordinator": "Koordinator",
    "staff": "Vårdpersonal",
    "log_reviewer": "Logggranskare",
    "system_admin": "Systemadministratör",
}


def who_has_read(citizen: Citizen, *, what: str = "citizen.accesslog") -> list[ReadEntry]:
    """The access log's entries about the person by others: staff (unit, role, date; names
    only where the region shows them), relatives with a right, and the system's runs."""
    person = person_shown(citizen, what=what)
    entries = list(
        AccessLogEntry.objects.filter(personal_id=person.personal_id)
        .exclude(basis=Basis.OWN_DATA)
        .order_by("-at", "-id")[:1000]
    )
    units = dict(
        Unit.objects.filter(hsa_id__in={e.unit for e in entries if e.unit}).values_list(
            "hsa_id", "name"
        )
    )
    memberships = Membership.objects.filter(
        user_id__in={e.user_id for e in entries if e.user_id is not None}
    ).values_list("user_id", "unit__hsa_id", "role")
    roles: dict[tuple[int, str], str] = {}
    # The user's first role at the unit in the order of _ROLE_NAMES (the head of unit first).
    rank = {role: n for n, role in enumerate(_ROLE_NAMES)}
    for user_id, hsa_id, role in sorted(memberships, key=lambda m: rank.get(m[2], 99)):
        roles.setdefault((user_id, hsa_id or ""), _ROLE_NAMES.get(role, "Personal"))
    names: dict[int, str] = {}
    if settings.FASTKONTAKT_CITIZEN_SHOW_STAFF_NAMES:
        names = {
            a.user_id: (a.staff.name if a.staff else a.user.get_full_name())
            for a in Account.objects.filter(
                user_id__in={e.user_id for e in entries if e.user_id is not None}
            ).select_related("staff", "user")
        }
    found = []
    for entry in entries:
        action = vocabulary.LOG_ACTIONS.get(entry.action, entry.action)
        if entry.basis == Basis.PROXY:
            unit, role, name = "", "Närstående som du gett rätt att se", ""
        elif entry.basis == Basis.SYSTEM or entry.user_id is None:
            unit, role, name = units.get(entry.unit, ""), "Systemet (automatisk körning)", ""
        else:
            unit = units.get(entry.unit, "Okänd enhet" if entry.unit else "")
            role = roles.get((entry.user_id, entry.unit), "Personal")
            name = names.get(entry.user_id, "")
        found.append(
            ReadEntry(
                at=timezone.localdate(entry.at), unit=unit, role=role, name=name, action=action
            )
        )
    return found


def session_of(*, key_hash: str) -> CitizenSession | None:
    return (
        CitizenSession.objects.filter(key_hash=key_hash, ended_at__isnull=True)
        .select_related("acting_for", "grant")
        .first()
    )


def demo_personal_id() -> str:
    """Whom the demo login offers: someone listed at a health centre with a current contact
    (and a letter, when someone has one)."""
    listed = Person.objects.filter(listed_at__type="primarvard", contacts__end__isnull=True)
    with_letter = listed.filter(letters__isnull=False).order_by("pk").first()
    person = with_letter or listed.order_by("pk").first() or Person.objects.order_by("pk").first()
    return person.personal_id if person else ""
