"""Inpatient stays under lag 2017:612: the admission, the notice to the outpatient unit, the
ready-for-discharge notice and the discharge (``discharge-contact``, ``discharge-sip-invitation``).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import Problem
from fastkontakt.domain.model import REGION_OUTPATIENT
from fastkontakt.registry.models import (
    InpatientStay,
    Person,
    Unit,
)
from fastkontakt.registry.services.care.checks import (
    RECORDING_ROLES,
    not_future,
    person_lock,
    person_read_outside,
    raise_problems,
    refusal,
    require_role_at_any,
    unit_checked,
)


def _stay_of(person: Person, stay_pk: int) -> InpatientStay:
    stay = (
        InpatientStay.objects.filter(pk=stay_pk, person=person)
        .select_related("unit", "outpatient_unit")
        .first()
    )
    if stay is None:
        raise refusal("stay", "Vårdtillfället finns inte hos personen.")
    return stay


def _stay_units(stay: InpatientStay, also: Unit | None = None) -> list[Unit]:
    # The ward and the outpatient unit that got the admission notice both take part in the
    # discharge (lag 2017:612); either may record the notices it sent or received.
    units = [stay.unit]
    for unit in (stay.outpatient_unit, also):
        if unit is not None and unit not in units:
            units.append(unit)
    return units


def _outpatient_unit(unit_pk: int | None) -> Unit | None:
    if unit_pk is None:
        return None
    unit = unit_checked(unit_pk, "outpatient_unit")
    if unit.type not in REGION_OUTPATIENT:
        raise refusal(
            "outpatient_unit",
            f"{unit.name} är inte en regionfinansierad öppenvårdsenhet (primärvård eller "
            "specialiserad öppenvård); inskrivningsmeddelandet går till en sådan.",
        )
    return unit


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
    not_future(admitted, as_of, "admitted", "Inskrivningsdatum", problems)
    raise_problems(problems)
    ward = unit_checked(unit_pk)
    outpatient = _outpatient_unit(outpatient_unit_pk)
    acting = require_role_at_any(actor, RECORDING_ROLES, [u for u in (ward, outpatient) if u])
    if ward.type != "slutenvard":
        raise refusal("unit", f"{ward.name} är inte en slutenvårdsenhet.")
    person = person_read_outside(actor, person_pk, "inpatient_stay.admit", as_of)
    with write_transaction():
        person_lock(person)
        for stay in InpatientStay.objects.filter(person=person).order_by("admitted"):
            if stay.discharged is None:
                raise refusal(
                    "admitted",
                    f"Personen är redan inskriven i slutenvård sedan {stay.admitted}; registrera "
                    "utskrivningen först.",
                )
            if stay.admitted <= admitted <= stay.discharged:
                raise refusal(
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
    person = person_read_outside(actor, person_pk, "inpatient_stay.notice", as_of)
    with write_transaction():
        person_lock(person)
        stay = _stay_of(person, stay_pk)
        outpatient = _outpatient_unit(outpatient_unit_pk)
        acting = require_role_at_any(actor, RECORDING_ROLES, _stay_units(stay, outpatient))
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
    not_future(ready, as_of, "ready", "Datum för utskrivningsklar", problems)
    raise_problems(problems)
    person = person_read_outside(actor, person_pk, "inpatient_stay.ready", as_of)
    with write_transaction():
        person_lock(person)
        stay = _stay_of(person, stay_pk)
        acting = require_role_at_any(actor, RECORDING_ROLES, _stay_units(stay))
        if ready < stay.admitted:
            raise refusal(
                "ready", f"Utskrivningsklar kan inte vara före inskrivningen ({stay.admitted})."
            )
        if stay.discharged is not None and ready > stay.discharged:
            raise refusal(
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
    not_future(discharged, as_of, "discharged", "Utskrivningsdatum", problems)
    raise_problems(problems)
    person = person_read_outside(actor, person_pk, "inpatient_stay.discharge", as_of)
    with write_transaction():
        person_lock(person)
        stay = _stay_of(person, stay_pk)
        acting = require_role_at_any(actor, RECORDING_ROLES, _stay_units(stay))
        if stay.discharged is not None:
            raise refusal("discharged", f"Personen skrevs redan ut {stay.discharged}.")
        if discharged < stay.admitted:
            raise refusal(
                "discharged", f"Utskrivningen kan inte vara före inskrivningen ({stay.admitted})."
            )
        if stay.ready_for_discharge is not None and discharged < stay.ready_for_discharge:
            raise refusal(
                "discharged",
                f"Utskrivningen kan inte vara före beskedet om utskrivningsklar "
                f"({stay.ready_for_discharge}).",
            )
        stay.discharged = discharged
        stay.save(update_fields=["discharged"])
        person_write_log(actor=actor, person=person, unit=acting, what="inpatient_stay.discharge")
    return stay
