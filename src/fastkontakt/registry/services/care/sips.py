"""SIPs: created, their invitation and their coordinator (``sip-coordinator``).
"""

from __future__ import annotations

import secrets
from datetime import date

from django.utils import timezone

from fastkontakt.access.accesslog import write_transaction
from fastkontakt.access.actors import Actor, require_role
from fastkontakt.access.services import person_write_log
from fastkontakt.domain.errors import Problem
from fastkontakt.registry.models import (
    Person,
    Sip,
    Staff,
)
from fastkontakt.registry.services.care.checks import (
    RECORDING_ROLES,
    not_future,
    person_lock,
    person_read_outside,
    raise_problems,
    refusal,
    require_related_to_unit,
    unit_checked,
)


def _staff_for_sip(staff_pk: int, as_of: date) -> Staff:
    staff = Staff.objects.filter(pk=staff_pk).first()
    if staff is None:
        raise refusal("coordinator", "Medarbetaren finns inte.")
    if staff.employment_end is not None and staff.employment_end < as_of:
        raise refusal(
            "coordinator",
            f"{staff.name} slutade {staff.employment_end} och kan inte vara samordningsansvarig.",
        )
    return staff


def _sip_of(person: Person, sip_pk: int) -> Sip:
    sip = Sip.objects.filter(pk=sip_pk, person=person).select_related("coordinator").first()
    if sip is None:
        raise refusal("sip", "SIP:en finns inte hos personen.")
    return sip


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
    not_future(created, as_of, "created", "Datum då SIP:en inleddes", problems)
    if invited is not None:
        not_future(invited, as_of, "invited", "Datum för kallelsen", problems)
        if invited < created:
            problems.append(
                Problem("invited", "Kallelsen kan inte vara skickad före SIP:en inleddes.")
            )
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "sip.create", as_of)
    with write_transaction():
        person_lock(person)
        require_related_to_unit(person, unit, as_of)
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
    not_future(invited, as_of, "invited", "Datum för kallelsen", problems)
    raise_problems(problems)
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "sip.invitation", as_of)
    with write_transaction():
        person_lock(person)
        require_related_to_unit(person, unit, as_of)
        sip = _sip_of(person, sip_pk)
        if invited < sip.created:
            raise refusal(
                "invited", f"Kallelsen kan inte vara skickad före SIP:en inleddes ({sip.created})."
            )
        if sip.invited is not None and invited <= sip.invited:
            raise refusal(
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
    unit = unit_checked(unit_pk)
    require_role(actor, RECORDING_ROLES, unit.pk)
    person = person_read_outside(actor, person_pk, "sip.coordinator", as_of)
    with write_transaction():
        person_lock(person)
        require_related_to_unit(person, unit, as_of)
        sip = _sip_of(person, sip_pk)
        coordinator = _staff_for_sip(coordinator_pk, as_of)
        if sip.coordinator_id == coordinator.pk:
            raise refusal("coordinator", f"{coordinator.name} är redan samordningsansvarig.")
        sip.coordinator = coordinator
        sip.save(update_fields=["coordinator"])
        person_write_log(actor=actor, person=person, unit=unit, what="sip.coordinator")
    return sip
