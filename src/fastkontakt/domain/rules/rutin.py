"""Pack ``rutin``: the local routines in the seeds.

Rule ids and sources (``spec/rules.md``):
- ``one-coordinator``: Region Norrbottens anvisning: endast en med samordningsansvar
- ``plan-initial-update``: rutin för fast omsorgskontakt: uppdatera genomförandeplanen inom 14 dagar
- ``plan-revision``: rutin: revidera genomförandeplanen senast var 6:e månad
- ``contact-vacancy``: rutin för fast omsorgskontakt: överlämning när personal slutar eller är
  borta en längre period
- ``sip-coordinator``: Region Norrbottens anvisning: samordningsansvar dokumenteras i planen
- ``continuity-share``: rutin för fast omsorgskontakt: den fasta omsorgskontakten ska genomföra
  merparten av omsorgsarbetet
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from fastkontakt.domain.calendar import active_on, add_months, current, overlaps
from fastkontakt.domain.model import Patient, Staff
from fastkontakt.domain.rules.base import Context, Hit, Rule, coordinates_on, staff_name
from fastkontakt.domain.rules.lag import KIND_LABEL, needs_contact
from fastkontakt.domain.vocabulary import tensed


def one_coordinator(patient: Patient, context: Context) -> Iterator[Hit]:
    coordinators = [c for c in patient.contacts if coordinates_on(c, context.as_of)]
    if len(coordinators) > 1:
        names = ", ".join(staff_name(context, c.staff) for c in coordinators)
        yield Hit(
            None,
            None,
            f"{len(coordinators)} fasta vårdkontakter har samordningsansvar ({names}); "
            "endast en får ha det.",
        )


def plan_initial_update(patient: Patient, context: Context) -> Iterator[Hit]:
    needing = [d for d in patient.home_care if needs_contact(d, context)]
    if not needing:
        return
    earliest = min(needing, key=lambda d: d.start)
    days = timedelta(days=context.parameters.plan_update_days)
    plan = patient.implementation_plan
    if plan is None:
        yield Hit(
            None,
            earliest.start + days,
            f"Genomförandeplan saknas för hemtjänsten som började {earliest.start.isoformat()}.",
        )
    elif plan.updated_by_contact is None:
        yield Hit(
            None,
            plan.established + days,
            "Den fasta omsorgskontakten har inte uppdaterat genomförandeplanen från "
            f"{plan.established.isoformat()}.",
        )


def plan_revision(patient: Patient, context: Context) -> Iterator[Hit]:
    plan = patient.implementation_plan
    if plan is None or not any(
        active_on(d.start, d.end, context.as_of) for d in patient.home_care
    ):
        return
    latest = max(
        (plan.established, plan.updated_by_contact or plan.established, *plan.revisions)
    )
    yield Hit(
        None,
        add_months(latest, context.parameters.plan_revision_months),
        f"Genomförandeplanen ska revideras minst var "
        f"{context.parameters.plan_revision_months}:e månad; den ändrades senast "
        f"{latest.isoformat()}.",
    )


@dataclass(frozen=True, slots=True)
class Vacancy:
    """Why and from when a contact held by a staff member will need a successor."""

    due: date
    leaving: bool
    """True: the employment ends on ``due``; False: a long absence starts on ``due``."""


def vacancy(
    staff: Staff, start: date, end: date | None, *, as_of: date, long_absence_days: int
) -> Vacancy | None:
    """The ``contact-vacancy`` test for a contact held by ``staff`` from ``start`` to ``end``.

    (a) an employment end before the contact's end and (b) a long absence overlapping the
    contact each give a date; the vacancy is due the earliest (rules version 2).
    """
    leaves = staff.employment_end
    leaving = leaves if leaves is not None and (end is None or end > leaves) else None
    starts: list[date] = [
        a.start
        for a in staff.absences
        if (a.end - a.start).days + 1 >= long_absence_days
        and a.end >= as_of
        and overlaps(a.start, a.end, start, end)
    ]
    away = min(starts) if starts else None
    if leaving is not None and (away is None or leaving <= away):
        return Vacancy(leaving, leaving=True)
    if away is not None:
        return Vacancy(away, leaving=False)
    return None


def contact_vacancy(patient: Patient, context: Context) -> Iterator[Hit]:
    as_of = context.as_of
    for contact in patient.contacts:
        if not current(contact.end, as_of):
            continue
        staff = context.staff.get(contact.staff)
        if staff is None:
            continue
        found = vacancy(
            staff,
            contact.start,
            contact.end,
            as_of=as_of,
            long_absence_days=context.parameters.long_absence_days,
        )
        if found is None:
            continue
        label = KIND_LABEL[contact.kind]
        if found.leaving:
            yield Hit(
                contact.id,
                found.due,
                f"{staff.name} {tensed(found.due, as_of, past='slutade', present='slutar')} "
                f"{found.due.isoformat()}; uppdraget som {label} ska lämnas över till en "
                "efterträdare.",
            )
        else:
            yield Hit(
                contact.id,
                found.due,
                f"{staff.name} är borta en längre period "
                f"{tensed(found.due, as_of + timedelta(days=1), past='sedan', present='från')} "
                f"{found.due.isoformat()}; uppdraget som {label} ska lämnas över.",
            )


def sip_coordinator(patient: Patient, context: Context) -> Iterator[Hit]:
    for sip in patient.sips:
        if sip.coordinator is None:
            yield Hit(None, None, f"SIP {sip.id} saknar samordningsansvarig.")


def continuity_share(patient: Patient, context: Context) -> Iterator[Hit]:
    as_of = context.as_of
    holders = {
        c.staff
        for c in patient.contacts
        if c.kind == "fast_omsorgskontakt" and active_on(c.start, c.end, as_of)
    }
    if not holders:
        return
    window_start = as_of - timedelta(days=context.parameters.continuity_window_days - 1)
    visits = [
        v for v in patient.visits if v.kind == "omsorg" and window_start <= v.date <= as_of
    ]
    if len(visits) < context.parameters.continuity_min_visits:
        return
    by_holder = sum(1 for v in visits if v.staff in holders)
    # "Merparten" is more than half: a share of exactly the minimum is too little (v2).
    if by_holder / len(visits) <= context.parameters.continuity_min_share:
        yield Hit(
            None,
            None,
            f"Den fasta omsorgskontakten gjorde {by_holder} av {len(visits)} besök de senaste "
            f"{context.parameters.continuity_window_days} dagarna; målet är merparten.",
        )


RULES: tuple[Rule, ...] = (
    Rule("one-coordinator", "rutin", "patient",
         "Region Norrbottens anvisning: endast en med samordningsansvar", one_coordinator),
    Rule("plan-initial-update", "rutin", "patient",
         "rutin för fast omsorgskontakt: uppdatera genomförandeplanen inom 14 dagar",
         plan_initial_update),
    Rule("plan-revision", "rutin", "patient",
         "rutin: revidera genomförandeplanen senast var 6:e månad", plan_revision),
    Rule("contact-vacancy", "rutin", "contact",
         "rutin för fast omsorgskontakt: överlämning när personal slutar eller är borta en "
         "längre period", contact_vacancy),
    Rule("sip-coordinator", "rutin", "patient",
         "Region Norrbottens anvisning: samordningsansvar dokumenteras i planen",
         sip_coordinator),
    Rule("continuity-share", "rutin", "patient",
         "rutin för fast omsorgskontakt: den fasta omsorgskontakten ska genomföra merparten av "
         "omsorgsarbetet",
         continuity_share),
)
