"""Home care, discharge, SIPs and information transfers: the writes behind the care page.

They record exactly what the rules look at (``spec/rules.md``): a home-care decision and its
documented reason that a fast omsorgskontakt is obviously unnecessary (``home-care-contact``),
the implementation plan drawn up at the first meeting, its update by the fast omsorgskontakt
and its revisions (``plan-initial-update``, ``plan-revision``), an inpatient stay with the
admission notice to the outpatient unit and the ready-for-discharge notice
(``discharge-contact``, ``discharge-sip-invitation``), SIPs with their invitation and
coordinator (``sip-coordinator``), and information transfers with or without consent
(``transfer-consent``).

Every service follows the path of :mod:`.contacts`:

1. **Validate the input** that needs no database (dates, texts, choices): one Swedish
   :class:`~fastkontakt.access.services.InvalidInput` problem per field.
2. **Check the role** at the unit concerned (``require_role``) and **the care relationship**
   (``person_read``: a person outside it is answered exactly as one who does not exist). Where
   the unit is a parameter the role comes first, so a refused actor reads nothing; where it is
   the unit of a record of the person (a decision, a stay), the person comes first, so that a
   record of someone outside the relationship answers 404 like one that does not exist.
3. **Check the input against what is recorded** (a plan already drawn up, a discharge before
   the admission...) and 4. **write and log the write** (``person_write_log``), in one
   transaction with the person's row locked: a refusal leaves nothing saved, and a write that
   rolls back leaves no log entry. The read of step 2 is logged outside that transaction, so
   a refused attempt stays in the access log.

Events (meetings, notices, admissions, invitations, transfers) cannot be recorded ahead of the
day they happen; a home-care decision is a period and may start ahead, as an appointment may.
The page's read, :func:`care_overview_get`, is here beside the writes it offers forms for.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.models import Role
from fastkontakt.access.selectors import person_read
from fastkontakt.access.services import InvalidInput, person_write_log
from fastkontakt.domain.calendar import overlaps
from fastkontakt.domain.errors import Problem
from fastkontakt.domain.model import REGION_OUTPATIENT, RESIDENCES, SERVICES
from fastkontakt.registry.models import (
    NAME_LENGTH,
    Contact,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    PlanRevision,
    Sip,
    Staff,
    Unit,
)
from fastkontakt.registry.selectors import care_relationship_q

__all__ = [
    "DECIDING_ROLES",
    "MUNICIPAL_UNIT_TYPES",
    "person_residence_record",
    "RECORDING_ROLES",
    "CareOverview",
    "care_overview_get",
    "home_care_decision_record",
    "home_care_no_contact_reason_record",
    "implementation_plan_establish",
    "implementation_plan_revise",
    "implementation_plan_update_record",
    "information_transfer_consent_record",
    "information_transfer_record",
    "inpatient_stay_admit",
    "inpatient_stay_discharge",
    "inpatient_stay_notice_record",
    "inpatient_stay_ready_record",
    "sip_coordinator_set",
    "sip_create",
    "sip_invitation_record",
]

#: Who records what happened in a person's care at a unit: everyone who works there (the fast
#: omsorgskontakt who updates the plan is staff).
RECORDING_ROLES: tuple[str, ...] = (
    Role.HEAD_OF_UNIT,
    Role.UNIT_MANAGER,
    Role.COORDINATOR,
    Role.STAFF,
)
#: Who records decisions about a unit's commitments: the home-care decision it carries out and
#: the judgement that a fast omsorgskontakt is obviously unnecessary.
DECIDING_ROLES: tuple[str, ...] = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR)

#: The municipality's units: who records where a person lives and whether a fast
#: omsorgskontakt in särskilt boende is obviously unnecessary.
MUNICIPAL_UNIT_TYPES: frozenset[str] = frozenset({"hemtjanst", "kommunal_hsv", "socialtjanst"})

#: A documented reason must say something; a word or two is not a documented judgement.
REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 2000
#: How far ahead a home-care decision may start: decisions are granted ahead, not years ahead.
_DECISION_AHEAD_DAYS = 366


# --- input checks ----------------------------------------------------------------------------


def _not_future(day: date, as_of: date, field: str, label: str, problems: list[Problem]) -> None:
    if day > as_of:
        problems.append(
            Problem(field, f"{label} kan inte ligga i framtiden (i dag är det {as_of}).")
        )


def _reason(text: str, field: str, problems: list[Problem], *, required: bool) -> str:
    text = text.strip()
    if not text and not required:
        return ""
    if len(text) < REASON_MIN_LENGTH:
        problems.append(Problem(field, f"Beskriv skälet med minst {REASON_MIN_LENGTH} tecken."))
    elif len(text) > REASON_MAX_LENGTH:
        problems.append(Problem(field, f"Högst {REASON_MAX_LENGTH} tecken."))
    return text


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInput(problems)


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(field, message)])


# --- lookups ---------------------------------------------------------------------------------


def _unit(unit_pk: int, field: str = "unit") -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise _refuse(field, "Enheten finns inte.")
    return unit


def _require_role_at_any(actor: Actor, roles: Iterable[str], units: Iterable[Unit]) -> Unit:
    """The first of ``units`` where the actor holds one of ``roles``; else ``NotAllowed``."""
    wanted = tuple(roles)
    candidates = list(units)
    for unit in candidates:
        if any(actor.has_role(role, unit.pk) for role in wanted):
            return unit
    require_role(actor, wanted, candidates[0].pk)  # raises, with the usual message
    raise AssertionError("unreachable")  # pragma: no cover


def _read_person(actor: Actor, person_pk: int, what: str, as_of: date) -> Person:
    # Outside the write's transaction on purpose: a refused attempt (no care relationship) is
    # logged and must stay logged, and so must a read whose write is then refused, because the
    # refusal's message may tell something about the person.
    return person_read(actor=actor, what=what, person_pk=person_pk, on=as_of)


def _lock(person: Person) -> None:
    # Serialises writes for one person (PostgreSQL): two notices recorded at once cannot both
    # pass the checks against what is recorded.
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").get()


def _related_to_unit(person: Person, unit: Unit, as_of: date) -> None:
    # The write is logged on behalf of ``unit`` with the care relationship as its basis, so
    # the relationship must be that unit's, not just any unit's of the actor.
    related = Person.objects.filter(pk=person.pk).filter(care_relationship_q([unit.pk], as_of))
    if not related.exists():
        raise _refuse("unit", f"{unit.name} har ingen vårdrelation med personen.")


def _staff_for_sip(staff_pk: int, as_of: date) -> Staff:
    staff = Staff.objects.filter(pk=staff_pk).first()
    if staff is None:
        raise _refuse("coordinator", "Medarbetaren finns inte.")
    if staff.employment_end is not None and staff.employment_end < as_of:
        raise _refuse(
            "coordinator",
            f"{staff.name} slutade {staff.employment_end} och kan inte vara samordningsansvarig.",
        )
    return staff


def _home_care_unit(person: Person, unit: Unit) -> None:
    if not HomeCareDecision.objects.filter(person=person, unit=unit).exists():
        raise _refuse("unit", f"Personen har inget biståndsbeslut vid {unit.name}.")


def _plan_of(person: Person, field: str) -> ImplementationPlan:
    plan = ImplementationPlan.objects.filter(person=person).first()
    if plan is None:
        raise _refuse(
            field,
            "Personen har ingen genomförandeplan; registrera först planen från första mötet.",
        )
    return plan


def _decision_of(person_pk: int, decision_pk: int) -> HomeCareDecision:
    decision = (
        HomeCareDecision.objects.filter(pk=decision_pk, person_id=person_pk)
        .select_related("unit")
        .first()
    )
    if decision is None:
        raise _refuse("decision", "Biståndsbeslutet finns inte hos personen.")
    return decision


def _stay_of(person: Person, stay_pk: int) -> InpatientStay:
    stay = (
        InpatientStay.objects.filter(pk=stay_pk, person=person)
        .select_related("unit", "outpatient_unit")
        .first()
    )
    if stay is None:
        raise _refuse("stay", "Vårdtillfället finns inte hos personen.")
    return stay


def _stay_units(stay: InpatientStay, also: Unit | None = None) -> list[Unit]:
    # The ward and the outpatient unit that got the admission notice both take part in the
    # discharge (lag 2017:612); either may record the notices it sent or received.
    units = [stay.unit]
    for unit in (stay.outpatient_unit, also):
        if unit is not None and unit not in units:
            units.append(unit)
    return units


def _sip_of(person: Person, sip_pk: int) -> Sip:
    sip = Sip.objects.filter(pk=sip_pk, person=person).select_related("coordinator").first()
    if sip is None:
        raise _refuse("sip", "SIP:en finns inte hos personen.")
    return sip


def _outpatient_unit(unit_pk: int | None) -> Unit | None:
    if unit_pk is None:
        return None
    unit = _unit(unit_pk, "outpatient_unit")
    if unit.type not in REGION_OUTPATIENT:
        raise _refuse(
            "outpatient_unit",
            f"{unit.name} är inte en regionfinansierad öppenvårdsenhet (primärvård eller "
            "specialiserad öppenvård); inskrivningsmeddelandet går till en sådan.",
        )
    return unit


# --- home care -------------------------------------------------------------------------------


def home_care_decision_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    start: date,
    services: Collection[str],
    end: date | None = None,
    no_contact_reason: str = "",
    as_of: date | None = None,
) -> HomeCareDecision:
    """Record a biståndsbeslut carried out by the home-care unit ``unit_pk`` from ``start``.

    ``services`` are the granted insatser (``domain.model.SERVICES``); ``no_contact_reason``
    documents, when given, why a fast omsorgskontakt is obviously unnecessary.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    chosen = [s for s in SERVICES if s in services]
    unknown = sorted(set(services) - set(SERVICES))
    if unknown:
        problems.append(Problem("services", f"Okända insatser: {', '.join(unknown)}."))
    elif not chosen:
        problems.append(Problem("services", "Välj minst en beviljad insats."))
    if start > as_of + timedelta(days=_DECISION_AHEAD_DAYS):
        problems.append(Problem("start", "Startdatum får ligga högst ett år framåt i tiden."))
    if end is not None and end < start:
        problems.append(Problem("end", "Slutdatum kan inte vara före startdatum."))
    reason = _reason(no_contact_reason, "no_contact_reason", problems, required=False)
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, DECIDING_ROLES, unit.pk)
    if unit.type != "hemtjanst":
        raise _refuse("unit", f"{unit.name} är inte en hemtjänstenhet.")
    person = _read_person(actor, person_pk, "home_care_decision.record", as_of)
    with write_transaction():
        _lock(person)
        for other in HomeCareDecision.objects.filter(person=person, unit=unit).order_by("start"):
            if overlaps(start, end, other.start, other.end):
                period = f"{other.start}–{other.end or ''}"
                raise _refuse(
                    "start",
                    f"Personen har redan ett biståndsbeslut vid {unit.name} under en del av "
                    f"perioden ({period}).",
                )
        decision = HomeCareDecision.objects.create(
            person=person,
            unit=unit,
            start=start,
            end=end,
            services=chosen,
            no_contact_reason=reason,
        )
        person_write_log(actor=actor, person=person, unit=unit, what="home_care_decision.record")
    return decision


def home_care_no_contact_reason_record(
    *,
    actor: Actor,
    person_pk: int,
    decision_pk: int,
    reason: str,
    as_of: date | None = None,
) -> HomeCareDecision:
    """Document on a decision why a fast omsorgskontakt is obviously unnecessary.

    The rule ``home-care-contact`` then no longer asks for one for this decision.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    text = _reason(reason, "reason", problems, required=True)
    _raise(problems)
    person = _read_person(actor, person_pk, "home_care_decision.no_contact_reason", as_of)
    with write_transaction():
        _lock(person)
        decision = _decision_of(person.pk, decision_pk)
        require_role(actor, DECIDING_ROLES, decision.unit_id)
        if decision.no_contact_reason:
            raise _refuse("reason", "Ett skäl är redan dokumenterat för beslutet.")
        current_contact = Contact.objects.filter(
            person=person, unit_id=decision.unit_id, kind="fast_omsorgskontakt"
        ).filter(Q(end__isnull=True) | Q(end__gte=as_of))
        if current_contact.exists():
            raise _refuse(
                "reason",
                "Personen har en fast omsorgskontakt vid enheten; avsluta uppdraget först om den "
                "inte behövs.",
            )
        decision.no_contact_reason = text
        decision.save(update_fields=["no_contact_reason"])
        person_write_log(
            actor=actor,
            person=person,
            unit=decision.unit,
            what="home_care_decision.no_contact_reason",
        )
    return decision


def implementation_plan_establish(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    established: date,
    as_of: date | None = None,
) -> ImplementationPlan:
    """Record the first meeting: the genomförandeplan drawn up with the customer that day."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(established, as_of, "established", "Datum för första mötet", problems)
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "implementation_plan.establish", as_of)
    with write_transaction():
        _lock(person)
        _home_care_unit(person, unit)
        existing = ImplementationPlan.objects.filter(person=person).first()
        if existing is not None:
            raise _refuse(
                "established",
                f"Personen har redan en genomförandeplan (upprättad {existing.established}); "
                "registrera en revidering i stället.",
            )
        active = HomeCareDecision.objects.filter(person=person, unit=unit, start__lte=established)
        if not active.filter(Q(end__isnull=True) | Q(end__gte=established)).exists():
            raise _refuse(
                "established",
                f"Personen hade inget biståndsbeslut vid {unit.name} den {established}; planen "
                "upprättas vid första mötet inom beslutet.",
            )
        plan = ImplementationPlan.objects.create(person=person, established=established)
        person_write_log(
            actor=actor, person=person, unit=unit, what="implementation_plan.establish"
        )
    return plan


def implementation_plan_update_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    updated: date,
    as_of: date | None = None,
) -> ImplementationPlan:
    """Record that the fast omsorgskontakt updated the plan (due within 14 days, seed 002)."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(updated, as_of, "updated", "Datum för uppdateringen", problems)
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "implementation_plan.update", as_of)
    with write_transaction():
        _lock(person)
        _home_care_unit(person, unit)
        plan = _plan_of(person, "updated")
        if plan.updated_by_contact is not None:
            raise _refuse(
                "updated",
                f"Den fasta omsorgskontaktens uppdatering är redan registrerad "
                f"({plan.updated_by_contact}); registrera en revidering i stället.",
            )
        if updated < plan.established:
            raise _refuse(
                "updated",
                f"Uppdateringen kan inte vara före planen upprättades ({plan.established}).",
            )
        contact_then = Contact.objects.filter(
            person=person, unit=unit, kind="fast_omsorgskontakt", start__lte=updated
        ).filter(Q(end__isnull=True) | Q(end__gte=updated))
        if not contact_then.exists():
            raise _refuse(
                "updated",
                f"Personen hade ingen fast omsorgskontakt vid {unit.name} den {updated}; "
                "uppdateringen görs av den fasta omsorgskontakten.",
            )
        plan.updated_by_contact = updated
        plan.save(update_fields=["updated_by_contact"])
        person_write_log(actor=actor, person=person, unit=unit, what="implementation_plan.update")
    return plan


def implementation_plan_revise(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    revised: date,
    as_of: date | None = None,
) -> PlanRevision:
    """Record a revision of the plan (when needed, and at least every 6 months)."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(revised, as_of, "revised", "Datum för revideringen", problems)
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "implementation_plan.revise", as_of)
    with write_transaction():
        _lock(person)
        _home_care_unit(person, unit)
        plan = _plan_of(person, "revised")
        if revised < plan.established:
            raise _refuse(
                "revised",
                f"Revideringen kan inte vara före planen upprättades ({plan.established}).",
            )
        latest = plan.revisions.order_by("-date").values_list("date", flat=True).first()
        if latest is not None and revised <= latest:
            raise _refuse(
                "revised",
                f"Senaste registrerade revidering är {latest}; en ny revidering måste vara senare.",
            )
        revision = PlanRevision.objects.create(plan=plan, date=revised)
        person_write_log(actor=actor, person=person, unit=unit, what="implementation_plan.revise")
    return revision


# --- inpatient care and discharge ------------------------------------------------------------


def inpatient_stay_admit(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    admitted: date,
    outpatient_unit_pk: int | None = None,
    needs_municipal_care: bool = False,
    as_of: date | None = None,
) -> InpatientStay:
    """Record an admission to the ward ``unit_pk``, with the admission notice if it is known.

    The ward records it, or the outpatient unit that received the admission notice.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(admitted, as_of, "admitted", "Inskrivningsdatum", problems)
    _raise(problems)
    ward = _unit(unit_pk)
    outpatient = _outpatient_unit(outpatient_unit_pk)
    acting = _require_role_at_any(actor, RECORDING_ROLES, [u for u in (ward, outpatient) if u])
    if ward.type != "slutenvard":
        raise _refuse("unit", f"{ward.name} är inte en slutenvårdsenhet.")
    person = _read_person(actor, person_pk, "inpatient_stay.admit", as_of)
    with write_transaction():
        _lock(person)
        for stay in InpatientStay.objects.filter(person=person).order_by("admitted"):
            if stay.discharged is None:
                raise _refuse(
                    "admitted",
                    f"Personen är redan inskriven i slutenvård sedan {stay.admitted}; registrera "
                    "utskrivningen först.",
                )
            if stay.admitted <= admitted <= stay.discharged:
                raise _refuse(
                    "admitted",
                    f"Datumet ligger inom ett tidigare vårdtillfälle "
                    f"({stay.admitted}–{stay.discharged}).",
                )
        stay = InpatientStay.objects.create(
            person=person,
            unit=ward,
            admitted=admitted,
            outpatient_unit=outpatient,
            needs_municipal_care=needs_municipal_care,
        )
        person_write_log(actor=actor, person=person, unit=acting, what="inpatient_stay.admit")
    return stay


def inpatient_stay_notice_record(
    *,
    actor: Actor,
    person_pk: int,
    stay_pk: int,
    outpatient_unit_pk: int,
    needs_municipal_care: bool,
    as_of: date | None = None,
) -> InpatientStay:
    """Record the admission notice: which outpatient unit got it, and whether the person will
    need municipal care too after discharge (then a SIP is called for)."""
    as_of = as_of or timezone.localdate()
    person = _read_person(actor, person_pk, "inpatient_stay.notice", as_of)
    with write_transaction():
        _lock(person)
        stay = _stay_of(person, stay_pk)
        outpatient = _outpatient_unit(outpatient_unit_pk)
        acting = _require_role_at_any(actor, RECORDING_ROLES, _stay_units(stay, outpatient))
        stay.outpatient_unit = outpatient
        stay.needs_municipal_care = needs_municipal_care
        stay.save(update_fields=["outpatient_unit", "needs_municipal_care"])
        person_write_log(actor=actor, person=person, unit=acting, what="inpatient_stay.notice")
    return stay


def inpatient_stay_ready_record(
    *,
    actor: Actor,
    person_pk: int,
    stay_pk: int,
    ready: date,
    as_of: date | None = None,
) -> InpatientStay:
    """Record the notice that the treating physician judged the person ready for discharge."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(ready, as_of, "ready", "Datum för utskrivningsklar", problems)
    _raise(problems)
    person = _read_person(actor, person_pk, "inpatient_stay.ready", as_of)
    with write_transaction():
        _lock(person)
        stay = _stay_of(person, stay_pk)
        acting = _require_role_at_any(actor, RECORDING_ROLES, _stay_units(stay))
        if ready < stay.admitted:
            raise _refuse(
                "ready", f"Utskrivningsklar kan inte vara före inskrivningen ({stay.admitted})."
            )
        if stay.discharged is not None and ready > stay.discharged:
            raise _refuse(
                "ready", f"Utskrivningsklar kan inte vara efter utskrivningen ({stay.discharged})."
            )
        stay.ready_for_discharge = ready
        stay.save(update_fields=["ready_for_discharge"])
        person_write_log(actor=actor, person=person, unit=acting, what="inpatient_stay.ready")
    return stay


def inpatient_stay_discharge(
    *,
    actor: Actor,
    person_pk: int,
    stay_pk: int,
    discharged: date,
    as_of: date | None = None,
) -> InpatientStay:
    """Record the discharge from inpatient care."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(discharged, as_of, "discharged", "Utskrivningsdatum", problems)
    _raise(problems)
    person = _read_person(actor, person_pk, "inpatient_stay.discharge", as_of)
    with write_transaction():
        _lock(person)
        stay = _stay_of(person, stay_pk)
        acting = _require_role_at_any(actor, RECORDING_ROLES, _stay_units(stay))
        if stay.discharged is not None:
            raise _refuse("discharged", f"Personen skrevs redan ut {stay.discharged}.")
        if discharged < stay.admitted:
            raise _refuse(
                "discharged", f"Utskrivningen kan inte vara före inskrivningen ({stay.admitted})."
            )
        if stay.ready_for_discharge is not None and discharged < stay.ready_for_discharge:
            raise _refuse(
                "discharged",
                f"Utskrivningen kan inte vara före beskedet om utskrivningsklar "
                f"({stay.ready_for_discharge}).",
            )
        stay.discharged = discharged
        stay.save(update_fields=["discharged"])
        person_write_log(actor=actor, person=person, unit=acting, what="inpatient_stay.discharge")
    return stay


# --- SIP -------------------------------------------------------------------------------------


def _new_sip_id() -> str:
    # Random like contact ids (see contacts._new_contact_id): ids reach files and the API and
    # must not reveal how many plans a region makes; the unique index refuses a clash.
    return "sip-" + secrets.token_hex(8)


def sip_create(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    created: date,
    invited: date | None = None,
    coordinator_pk: int | None = None,
    as_of: date | None = None,
) -> Sip:
    """Start a SIP for the person on behalf of ``unit_pk``, with its invitation and
    coordinator when they are known."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(created, as_of, "created", "Datum då SIP:en inleddes", problems)
    if invited is not None:
        _not_future(invited, as_of, "invited", "Datum för kallelsen", problems)
        if invited < created:
            problems.append(
                Problem("invited", "Kallelsen kan inte vara skickad före SIP:en inleddes.")
            )
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "sip.create", as_of)
    with write_transaction():
        _lock(person)
        _related_to_unit(person, unit, as_of)
        coordinator = _staff_for_sip(coordinator_pk, as_of) if coordinator_pk is not None else None
        sip = Sip.objects.create(
            external_id=_new_sip_id(),
            person=person,
            created=created,
            invited=invited,
            coordinator=coordinator,
        )
        person_write_log(actor=actor, person=person, unit=unit, what="sip.create")
    return sip


def sip_invitation_record(
    *,
    actor: Actor,
    person_pk: int,
    sip_pk: int,
    unit_pk: int,
    invited: date,
    as_of: date | None = None,
) -> Sip:
    """Record that the invitation to the SIP meeting was sent on ``invited``.

    A later invitation (a follow-up meeting) replaces an earlier one: the discharge rule asks
    whether an invitation went out after the admission.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    _not_future(invited, as_of, "invited", "Datum för kallelsen", problems)
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "sip.invitation", as_of)
    with write_transaction():
        _lock(person)
        _related_to_unit(person, unit, as_of)
        sip = _sip_of(person, sip_pk)
        if invited < sip.created:
            raise _refuse(
                "invited", f"Kallelsen kan inte vara skickad före SIP:en inleddes ({sip.created})."
            )
        if sip.invited is not None and invited <= sip.invited:
            raise _refuse(
                "invited",
                f"En kallelse är redan registrerad {sip.invited}; "
                "en ny kallelse måste vara senare.",
            )
        sip.invited = invited
        sip.save(update_fields=["invited"])
        person_write_log(actor=actor, person=person, unit=unit, what="sip.invitation")
    return sip


def sip_coordinator_set(
    *,
    actor: Actor,
    person_pk: int,
    sip_pk: int,
    unit_pk: int,
    coordinator_pk: int,
    as_of: date | None = None,
) -> Sip:
    """Record who holds samordningsansvar for the SIP (documented in the plan, Norrbotten)."""
    as_of = as_of or timezone.localdate()
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "sip.coordinator", as_of)
    with write_transaction():
        _lock(person)
        _related_to_unit(person, unit, as_of)
        sip = _sip_of(person, sip_pk)
        coordinator = _staff_for_sip(coordinator_pk, as_of)
        if sip.coordinator_id == coordinator.pk:
            raise _refuse("coordinator", f"{coordinator.name} är redan samordningsansvarig.")
        sip.coordinator = coordinator
        sip.save(update_fields=["coordinator"])
        person_write_log(actor=actor, person=person, unit=unit, what="sip.coordinator")
    return sip


# --- information transfers -------------------------------------------------------------------


def information_transfer_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    recipient: str,
    transferred: date,
    consent: bool,
    as_of: date | None = None,
) -> InformationTransfer:
    """Record information handed by ``unit_pk`` to ``recipient``, with or without the person's
    consent (without it, the transfer is a finding of ``transfer-consent``)."""
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    recipient = recipient.strip()
    if not recipient:
        problems.append(Problem("recipient", "Ange mottagaren."))
    elif len(recipient) > NAME_LENGTH:
        problems.append(Problem("recipient", f"Högst {NAME_LENGTH} tecken."))
    _not_future(transferred, as_of, "transferred", "Datum för överföringen", problems)
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "information_transfer.record", as_of)
    with write_transaction():
        _lock(person)
        _related_to_unit(person, unit, as_of)
        transfer = InformationTransfer.objects.create(
            person=person, recipient=recipient, date=transferred, consent=consent
        )
        person_write_log(actor=actor, person=person, unit=unit, what="information_transfer.record")
    return transfer


def information_transfer_consent_record(
    *, actor: Actor, person_pk: int, transfer_pk: int, unit_pk: int, as_of: date | None = None
) -> InformationTransfer:
    """Record, on behalf of ``unit_pk``, that the person has consented to a transfer that was
    recorded without consent (the finding of ``transfer-consent`` is then resolved).

    A transfer already recorded with consent is refused: nothing to change.
    """
    as_of = as_of or timezone.localdate()
    unit = _unit(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = _read_person(actor, person_pk, "information_transfer.consent", as_of)
    with write_transaction():
        _lock(person)
        _related_to_unit(person, unit, as_of)
        transfer = InformationTransfer.objects.filter(pk=transfer_pk, person=person).first()
        if transfer is None:
            raise _refuse("transfer", "Informationsöverföringen finns inte.")
        if transfer.consent:
            raise _refuse("transfer", "Överföringen är redan registrerad med samtycke.")
        transfer.consent = True
        transfer.save(update_fields=["consent"])
        person_write_log(
            actor=actor, person=person, unit=unit, what="information_transfer.consent"
        )
    return transfer


# --- residence -------------------------------------------------------------------------------


def person_residence_record(
    *,
    actor: Actor,
    person_pk: int,
    unit_pk: int,
    residence: str,
    residence_from: date | None,
    no_contact_reason: str = "",
    as_of: date | None = None,
) -> Person:
    """Record where the person lives, since when, and (in särskilt boende) why a fast
    omsorgskontakt is obviously unnecessary, on behalf of the municipal unit ``unit_pk``.

    The rule ``residential-care-contact`` reads all three.
    """
    as_of = as_of or timezone.localdate()
    problems: list[Problem] = []
    if residence not in RESIDENCES:
        problems.append(Problem("residence", "Välj ordinärt eller särskilt boende."))
    if residence_from is not None and residence_from > as_of + timedelta(
        days=_DECISION_AHEAD_DAYS
    ):
        problems.append(
            Problem("residence_from", "Inflyttningen får ligga högst ett år framåt i tiden.")
        )
    reason = _reason(no_contact_reason, "no_contact_reason", problems, required=False)
    if reason and residence != "sarskilt_boende":
        problems.append(
            Problem("no_contact_reason", "Skälet gäller bara den som bor i särskilt boende.")
        )
    _raise(problems)
    unit = _unit(unit_pk)
    require_role(actor, DECIDING_ROLES, unit.pk)
    if unit.type not in MUNICIPAL_UNIT_TYPES:
        raise _refuse("unit", f"{unit.name} är inte en kommunal enhet.")
    person = _read_person(actor, person_pk, "person.residence", as_of)
    with write_transaction():
        _lock(person)
        _related_to_unit(person, unit, as_of)
        if reason and not person.residence_no_contact_reason:
            current_contact = Contact.objects.filter(
                person=person, kind="fast_omsorgskontakt"
            ).filter(Q(end__isnull=True) | Q(end__gte=as_of))
            if current_contact.exists():
                raise _refuse(
                    "no_contact_reason",
                    "Personen har en fast omsorgskontakt; avsluta uppdraget först om den inte "
                    "behövs.",
                )
        person.residence = residence
        person.residence_from = residence_from
        person.residence_no_contact_reason = reason
        person.save(update_fields=["residence", "residence_from", "residence_no_contact_reason"])
        person_write_log(actor=actor, person=person, unit=unit, what="person.residence")
    return person


# --- the care page's read --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CareOverview:
    """What the care page shows of one person, and what its forms may offer."""

    person: Person
    decisions: list[HomeCareDecision]
    """Newest first, with their units."""
    plan: ImplementationPlan | None
    revisions: list[PlanRevision]
    """Oldest first."""
    stays: list[InpatientStay]
    """Newest first, with their ward and outpatient unit."""
    sips: list[Sip]
    """Newest first, with their coordinators."""
    transfers: list[InformationTransfer]
    """Newest first."""
    deciding_units: list[Unit]
    """Home-care units where the actor may record a decision."""
    residence_units: list[Unit]
    """Municipal units with a care relationship where the actor may record the residence."""
    plan_units: list[Unit]
    """Units of the person's home-care decisions where the actor may record plan events."""
    recording_units: list[Unit]
    """The actor's units with a care relationship with the person: who a SIP or a transfer
    is recorded for."""
    wards: list[Unit]
    """Every inpatient unit (an outpatient unit records an admission at any ward)."""
    outpatient_units: list[Unit]
    """Every region-financed outpatient unit (where an admission notice can go)."""
    coordinator_choices: list[Staff]
    """Staff who may coordinate a SIP: those of the actor's units and the person's contacts."""


def care_overview_get(
    *, actor: Actor, person_pk: int, as_of: date | None = None, what: str = "care.page"
) -> CareOverview:
    """The person's home care, stays, SIPs and transfers; logs the read as ``what``.

    A fixed number of queries whatever the person's records, plus one per unit of the actor.
    Raises ``NotFound`` outside the actor's care relationships.
    """
    as_of = as_of or timezone.localdate()
    person = person_read(actor=actor, what=what, person_pk=person_pk, on=as_of)
    decisions = list(
        HomeCareDecision.objects.filter(person=person)
        .select_related("unit")
        .order_by("-start", "-pk")
    )
    plan = ImplementationPlan.objects.filter(person=person).first()
    revisions = list(plan.revisions.order_by("date", "pk")) if plan is not None else []
    actor_units = list(Unit.objects.filter(pk__in=actor.unit_pks).order_by("name", "pk"))
    deciding = actor.units_with_role(*DECIDING_ROLES)
    recording = actor.units_with_role(*RECORDING_ROLES)
    # One query per unit of the actor (a handful), through the one definition of a relationship.
    related_units = {
        u.pk
        for u in actor_units
        if Person.objects.filter(pk=person.pk).filter(care_relationship_q([u.pk], as_of)).exists()
    }
    decision_units = {d.unit_id for d in decisions}
    contact_staff = Contact.objects.filter(person=person).filter(
        Q(end__isnull=True) | Q(end__gte=as_of)
    )
    coordinators = (
        Staff.objects.filter(
            Q(workplaces__unit_id__in=sorted(recording)) | Q(pk__in=contact_staff.values("staff"))
        )
        .filter(Q(employment_end__isnull=True) | Q(employment_end__gte=as_of))
        .distinct()
        .order_by("name", "pk")
    )
    region_units = list(
        Unit.objects.filter(type__in=["slutenvard", *sorted(REGION_OUTPATIENT)]).order_by(
            "name", "pk"
        )
    )
    return CareOverview(
        person=person,
        decisions=decisions,
        plan=plan,
        revisions=revisions,
        stays=list(
            InpatientStay.objects.filter(person=person)
            .select_related("unit", "outpatient_unit")
            .order_by("-admitted", "-pk")
        ),
        sips=list(
            Sip.objects.filter(person=person)
            .select_related("coordinator")
            .order_by("-created", "-pk")
        ),
        transfers=list(InformationTransfer.objects.filter(person=person).order_by("-date", "-pk")),
        deciding_units=[u for u in actor_units if u.pk in deciding and u.type == "hemtjanst"],
        residence_units=[
            u
            for u in actor_units
            if u.pk in deciding and u.pk in related_units and u.type in MUNICIPAL_UNIT_TYPES
        ],
        plan_units=[u for u in actor_units if u.pk in recording and u.pk in decision_units],
        recording_units=[u for u in actor_units if u.pk in recording and u.pk in related_units],
        wards=[u for u in region_units if u.type == "slutenvard"],
        outpatient_units=[u for u in region_units if u.type in REGION_OUTPATIENT],
        coordinator_choices=list(coordinators),
    )
