"""One realistic breach per rule, planted in a few percent of the people the rule applies to.

Each function plants the breaches of one rule of ``spec/rules.md`` (in its order) through
``Builder.plant``: what the rule applies to, who can be given a breach, and the breach itself,
so that every rule has people with a finding and people it applies to without one. A new rule
adds one function here and its name to ``BREACHES``. Everything draws from the builder's one
random generator, in this order, so a ``(people, seed, as_of)`` gives the same region.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from fastkontakt.demo.catalogue import _CARERS, _NURSES, _RESIDENCE_NO_CONTACT_REASONS
from fastkontakt.domain.calendar import active_on, current
from fastkontakt.domain.model import (
    SERVICE_ONLY,
    HomeCareDecision,
    ImplementationPlan,
    InpatientStay,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from fastkontakt.demo.population import _Builder as Builder
    from fastkontakt.demo.population import _Person, _StaffDraft


class Facts:
    """What the breaches ask about a person, as of the builder's date."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.as_of = b.as_of

    def fast_vardkontakter(self, p: _Person) -> list[int]:
        return self.b.current_index(p, ("fast_vardkontakt",))

    def fast_lakarkontakter(self, p: _Person) -> list[int]:
        return self.b.current_index(p, ("fast_lakarkontakt",))

    def fast_omsorgskontakter(self, p: _Person) -> list[int]:
        return self.b.current_index(p, ("fast_omsorgskontakt",))

    def coordinators(self, p: _Person) -> list[int]:
        return [
            i
            for i, c in enumerate(p.contacts)
            if c.kind == "fast_vardkontakt"
            and c.coordinating
            and active_on(c.start, c.end, self.as_of)
        ]

    def needing(self, p: _Person) -> list[HomeCareDecision]:
        return [
            d
            for d in p.home_care
            if active_on(d.start, d.end, self.as_of)
            and not set(d.services) <= SERVICE_ONLY
            and not d.no_contact_reason
        ]

    def followed_stays(self, p: _Person) -> list[InpatientStay]:
        cut = self.as_of - timedelta(days=30)
        return [
            s
            for s in p.stays
            if (s.ready_for_discharge or s.discharged)
            and not (s.discharged is not None and s.discharged < cut)
        ]

    def has_fast_lakarkontakt(self, p: _Person) -> bool:
        return bool(self.fast_lakarkontakter(p))

    def has_main_contact(self, p: _Person) -> bool:
        return bool(
            self.b.current_index(
                p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt")
            )
        )

    def has_any_contact(self, p: _Person) -> bool:
        return any(current(c.end, self.as_of) for c in p.contacts)

    def needs_fast_omsorgskontakt(self, p: _Person) -> bool:
        return bool(self.needing(p))

    def has_coordinator(self, p: _Person) -> bool:
        return bool(self.coordinators(p))


def _coordinating_nurse(b: Builder, p: _Person, unit: str, within: int, title: str) -> None:
    """Appoint a nurse of ``unit`` fast vårdkontakt with samordningsansvar, 30 to ``within``
    days ago."""
    nurse = b.pick_sure(unit, _NURSES, "eligible")
    b.appoint(
        p,
        "fast_vardkontakt",
        nurse,
        unit,
        b.days_ago(30, within, not_before=p.born),
        title=title,
        handover=False,
    )
    p.contacts[-1] = replace(p.contacts[-1], coordinating=True)


def contact_on_request(b: Builder, f: Facts) -> None:
    """contact-on-request: nobody acted on the request."""

    def unanswered(p: _Person) -> bool:
        request = p.requests[0]
        p.contacts = [
            c for c in p.contacts if not (c.kind == request.kind and c.unit == request.unit)
        ]
        asked = b.days_ago(20, 120, not_before=p.born)
        p.requests[0] = replace(request, date=asked)
        return True

    b.plant(0.15, lambda p: bool(p.requests), lambda p: bool(p.requests), unanswered)


def life_threatening_physician(b: Builder, f: Facts) -> None:
    """life-threatening-physician: the contact is the clinic's nurse, not a physician."""

    def nurse_not_physician(p: _Person) -> bool:
        for i in f.fast_vardkontakter(p):
            contact = p.contacts[i]
            if contact.local_title == "patientansvarig läkare":
                nurse = b.pick_sure(contact.unit, _NURSES, "eligible")
                p.contacts[i] = replace(contact, staff=nurse.id, local_title="kontaktsjuksköterska")
                return True
        return False

    def lt(p: _Person) -> bool:
        return p.life_threatening_since is not None

    b.plant(0.1, lt, lt, nurse_not_physician)


def discharge_contact(b: Builder, f: Facts) -> None:
    """discharge-contact: no FVK at the unit that got the admission notice."""

    def no_discharge_contact(p: _Person) -> bool:
        units = {s.outpatient_unit for s in f.followed_stays(p) if s.outpatient_unit}
        p.contacts = [
            c for c in p.contacts if not (c.kind == "fast_vardkontakt" and c.unit in units)
        ]
        return True

    def discharge_applies(p: _Person) -> bool:
        return any(s.outpatient_unit for s in f.followed_stays(p))

    b.plant(0.08, discharge_applies, discharge_applies, no_discharge_contact)


def discharge_sip_invitation(b: Builder, f: Facts) -> None:
    """discharge-sip-invitation: the invitation was never sent."""

    def municipal_stay(p: _Person) -> bool:
        return any(s.needs_municipal_care and s.ready_for_discharge for s in f.followed_stays(p))

    def not_invited(p: _Person) -> bool:
        admitted = min(s.admitted for s in p.stays)
        p.sips = [replace(s, invited=None) if s.created >= admitted else s for s in p.sips]
        return True

    b.plant(0.1, municipal_stay, municipal_stay, not_invited)


def home_care_contact(b: Builder, f: Facts) -> None:
    """home-care-contact: the FOK left the unit and nobody took over."""

    def fast_omsorgskontakt_gone(p: _Person) -> bool:
        for i in f.fast_omsorgskontakter(p):
            contact = p.contacts[i]
            ended = b.days_ago(5, 40)
            if ended < contact.start:
                del p.contacts[i]
            else:
                p.contacts[i] = replace(contact, end=ended)
            return True
        return False

    b.plant(
        0.04,
        f.needs_fast_omsorgskontakt,
        lambda p: f.needs_fast_omsorgskontakt(p) and bool(f.fast_omsorgskontakter(p)),
        fast_omsorgskontakt_gone,
    )


def omsorgskontakt_profession(b: Builder, f: Facts) -> None:
    """omsorgskontakt-profession: a vårdbiträde was made FOK."""

    def vardbitrade_as_contact(p: _Person) -> bool:
        i = f.fast_omsorgskontakter(p)[0]
        unit = p.contacts[i].unit
        b.reassign(p, i, b.pick_sure(unit, ("vardbitrade",)))
        return True

    def has_fast_omsorgskontakt(p: _Person) -> bool:
        return bool(f.fast_omsorgskontakter(p))

    b.plant(0.02, has_fast_omsorgskontakt, has_fast_omsorgskontakt, vardbitrade_as_contact)


def lakarkontakt_profession(b: Builder, f: Facts) -> None:
    """lakarkontakt-profession: the district nurse was registered as fixed physician."""

    def nurse_as_physician(p: _Person) -> bool:
        i = f.fast_lakarkontakter(p)[0]
        b.reassign(p, i, b.pick_sure(p.contacts[i].unit, _NURSES))
        return True

    b.plant(0.01, f.has_fast_lakarkontakt, f.has_fast_lakarkontakt, nurse_as_physician)


def lakarkontakt_listed_unit(b: Builder, f: Facts) -> None:
    """lakarkontakt-listed-unit: the person listed elsewhere; the old FLK stayed."""
    rng, region = b.rng, b.region

    def relisted(p: _Person) -> bool:
        old = p.contacts[f.fast_lakarkontakter(p)[0]].unit
        options = [u for u in region.health_centres[p.municipality] if u != old] or [
            u for u in region.by_type["primarvard"] if u != old
        ]
        p.listed_at = rng.choice(options)
        return True

    b.plant(
        0.02,
        f.has_fast_lakarkontakt,
        lambda p: f.has_fast_lakarkontakt(p) and not p.requests,
        relisted,
    )


def contact_staff_at_unit(b: Builder, f: Facts) -> None:
    """contact-staff-at-unit: the holder works at another unit of the same kind."""
    rng, region = b.rng, b.region

    def elsewhere(p: _Person) -> bool:
        i = rng.choice(
            b.current_index(p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"))
        )
        contact = p.contacts[i]
        holder = b.staff_by_id[contact.staff]
        kind = region.type_of[contact.unit]
        others = [u for u in region.by_type[kind] if u not in holder.units]
        for unit in rng.sample(others, len(others)):
            found = [
                s
                for s in b.eligible.get((unit, holder.profession), [])
                if contact.unit not in s.units
            ]
            if found:
                b.reassign(p, i, rng.choice(found))
                return True
        return False

    b.plant(0.005, f.has_any_contact, f.has_main_contact, elsewhere)


def contact_informed(b: Builder, f: Facts) -> None:
    """contact-informed: the written information never went out."""
    rng, as_of = b.rng, b.as_of

    def not_informed(p: _Person) -> bool:
        options = [
            i
            for i in b.current_index(
                p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt")
            )
            if p.contacts[i].start <= as_of - timedelta(days=20)
        ]
        if not options:
            return False
        i = rng.choice(options)
        p.contacts[i] = replace(p.contacts[i], informed=None)
        return True

    b.plant(0.02, f.has_main_contact, f.has_main_contact, not_informed)


def transfer_consent(b: Builder, f: Facts) -> None:
    """transfer-consent: records sent to the residential home without consent."""

    def no_consent(p: _Person) -> bool:
        p.transfers[0] = replace(p.transfers[0], consent=False)
        return True

    def has_transfer(p: _Person) -> bool:
        return bool(p.transfers)

    b.plant(0.08, has_transfer, has_transfer, no_consent)


def one_coordinator(b: Builder, f: Facts) -> None:
    """one-coordinator: the health centre appointed a second coordinator."""

    def second_coordinator(p: _Person) -> bool:
        if p.listed_at is None:
            return False
        _coordinating_nurse(b, p, p.listed_at, 200, "kontaktsjuksköterska")
        return True

    b.plant(
        0.02,
        f.has_coordinator,
        lambda p: (
            f.has_coordinator(p)
            and p.listed_at is not None
            and not (p.home_health_care or p.residence == "sarskilt_boende")
        ),
        second_coordinator,
    )


def plan_initial_update(b: Builder, f: Facts) -> None:
    """plan-initial-update: the FOK never updated the plan (or there is no plan)."""
    rng = b.rng

    def plan_not_updated(p: _Person) -> bool:
        plan = p.plan
        if plan is None:
            return False
        if rng.random() < 0.3:
            p.plan = None
        else:
            p.plan = ImplementationPlan(plan.established)
        return True

    b.plant(
        0.04,
        f.needs_fast_omsorgskontakt,
        lambda p: f.needs_fast_omsorgskontakt(p) and p.plan is not None,
        plan_not_updated,
    )


def plan_revision(b: Builder, f: Facts) -> None:
    """plan-revision: revisions stopped long ago."""
    as_of = b.as_of

    def revision_overdue(p: _Person) -> bool:
        plan = p.plan
        if plan is None:
            return False
        stop = b.days_ago(220, 400)
        p.plan = replace(plan, revisions=tuple(r for r in plan.revisions if r <= stop))
        return True

    def has_plan(p: _Person) -> bool:
        return p.plan is not None and any(active_on(d.start, d.end, as_of) for d in p.home_care)

    b.plant(
        0.04,
        has_plan,
        lambda p: (
            has_plan(p)
            and p.plan is not None
            and (p.plan.updated_by_contact or p.plan.established) < as_of - timedelta(days=420)
        ),
        revision_overdue,
    )


def contact_vacancy(b: Builder, f: Facts) -> None:
    """contact-vacancy: the holder is leaving and nothing is handed over ..."""
    rng, as_of = b.rng, b.as_of

    def leaving(s: _StaffDraft) -> bool:
        # Within the worklist horizon, so the missing handover shows.
        end = s.employment_end
        return end is not None and end <= as_of + timedelta(days=25)

    def make_leaving(s: _StaffDraft) -> None:
        s.employment_end = b.after(as_of, 7, 28)

    def to_leaver(p: _Person, hand_over: bool) -> bool:
        i = rng.choice(has_main_steady(p))
        contact = p.contacts[i]
        holder = b.staff_by_id[contact.staff]
        if hand_over and not b.steady.get((contact.unit, holder.profession)):
            return False  # nobody to hand over to
        leaver = b.staff_like(
            contact.unit, (holder.profession,), lambda s: leaving(s) and s.eligible, make_leaving
        )
        b.reassign(p, i, leaver)
        return b.hand_over(p, i) if hand_over else True

    def has_main_steady(p: _Person) -> list[int]:
        return [
            i
            for i in b.current_index(
                p, ("fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt")
            )
            if p.contacts[i].start <= as_of
            and p.contacts[i].end is None
            and not b.away(b.staff_by_id[p.contacts[i].staff])
        ]

    def steady_main(p: _Person) -> bool:
        return bool(has_main_steady(p))

    b.plant(0.01, f.has_any_contact, steady_main, lambda p: to_leaver(p, False))
    # ... and, so that the worklist has its good examples too, some that were.
    b.plant(0.0, f.has_any_contact, steady_main, lambda p: to_leaver(p, True))


def sip_coordinator(b: Builder, f: Facts) -> None:
    """sip-coordinator: nobody was given samordningsansvar in the plan."""

    def no_sip_coordinator(p: _Person) -> bool:
        sip = p.sips[-1]
        p.sips[-1] = replace(sip, coordinator=None)
        p.contacts = [
            c for c in p.contacts if not (c.kind == "sip_samordnare" and c.staff == sip.coordinator)
        ]
        return True

    def has_sip(p: _Person) -> bool:
        return bool(p.sips)

    b.plant(0.05, has_sip, has_sip, no_sip_coordinator)


def continuity_share(b: Builder, f: Facts) -> None:
    """continuity-share: the FOK does too few of the visits."""
    rng, as_of = b.rng, b.as_of
    window = as_of - timedelta(days=13)

    def continuity_applies(p: _Person) -> bool:
        contacts = {
            p.contacts[i].staff
            for i in f.fast_omsorgskontakter(p)
            if active_on(p.contacts[i].start, p.contacts[i].end, as_of)
        }
        return (
            bool(contacts)
            and sum(1 for v in p.visits if v.kind == "omsorg" and v.date >= window) >= 10
        )

    def scattered(p: _Person) -> bool:
        contacts = {p.contacts[i].staff for i in f.fast_omsorgskontakter(p)}
        others = [v.staff for v in p.visits if v.staff not in contacts] or [
            b.pick_sure(p.home_care[-1].unit, _CARERS).id
        ]
        keep = rng.uniform(0.15, 0.35)
        p.visits = [
            replace(v, staff=rng.choice(others))
            if v.staff in contacts and v.kind == "omsorg" and rng.random() > keep
            else v
            for v in p.visits
        ]
        return True

    b.plant(0.1, continuity_applies, continuity_applies, scattered)


def coordinator_setting(b: Builder, f: Facts) -> None:
    """coordinator-setting (Norrbotten): the health centre kept coordination although the
    person now has municipal home health care."""
    as_of, region = b.as_of, b.region

    def region_coordinates(p: _Person) -> bool:
        if p.listed_at is None:
            return False
        for i in f.coordinators(p):
            p.contacts[i] = replace(p.contacts[i], coordinating=False)
        regional = [
            i
            for i in f.fast_vardkontakter(p)
            if region.type_of[p.contacts[i].unit] != "kommunal_hsv"
            and active_on(p.contacts[i].start, p.contacts[i].end, as_of)
        ]
        if regional:
            p.contacts[regional[0]] = replace(p.contacts[regional[0]], coordinating=True)
        else:
            _coordinating_nurse(b, p, p.listed_at, 400, "distriktssköterska")
        return True

    b.plant(
        0.03,
        f.has_coordinator,
        lambda p: (
            (p.home_health_care or p.residence == "sarskilt_boende")
            and p.listed_at is not None
            and len(f.coordinators(p)) == 1
        ),
        region_coordinates,
    )


def contact_eligible(b: Builder, f: Facts) -> None:
    """contact-eligible: the FVK is not registered as selectable."""
    rng = b.rng

    def not_selectable(p: _Person) -> bool:
        options = [
            i
            for i in f.fast_vardkontakter(p)
            if p.contacts[i].local_title != "patientansvarig läkare"
        ]
        if not options:
            return False
        i = rng.choice(options)
        contact = p.contacts[i]
        holder = b.staff_by_id[contact.staff]

        def make_ineligible(s: _StaffDraft) -> None:
            s.eligible = False

        other = b.staff_like(
            contact.unit,
            (holder.profession,),
            lambda s: not s.eligible and not b.away(s),
            make_ineligible,
        )
        b.reassign(p, i, other)
        return True

    def has_fast_vardkontakt(p: _Person) -> bool:
        return bool(f.fast_vardkontakter(p))

    b.plant(0.02, has_fast_vardkontakt, has_fast_vardkontakt, not_selectable)


def contact_needed(b: Builder, f: Facts) -> None:
    """contact-needed: needs recorded at a visit, nobody appointed yet."""
    rng = b.rng

    def needs_recorded(p: _Person) -> bool:
        if f.fast_vardkontakter(p) or p.needs or p.age < 18:
            return False
        p.add_need(rng.choice(("samordningsbehov", "stora_rehabiliteringsbehov")))
        return True

    def has_needs(p: _Person) -> bool:
        return bool(p.needs)

    b.plant(0.03, has_needs, lambda p: not f.fast_vardkontakter(p) and not p.needs, needs_recorded)


def residential_care_contact(b: Builder, f: Facts) -> None:
    """residential-care-contact (v2): in särskilt boende, the fast omsorgskontakt ended and
    nobody took over; a few have a documented reason instead (they keep the rule)."""
    rng = b.rng

    def in_residential(p: _Person) -> bool:
        return p.residence == "sarskilt_boende" and p.age >= 65

    def residential_contact_gone(p: _Person) -> bool:
        for i in f.fast_omsorgskontakter(p):
            contact = p.contacts[i]
            ended = b.days_ago(5, 40)
            if ended < contact.start:
                del p.contacts[i]
            else:
                p.contacts[i] = replace(contact, end=ended)
            return True
        return False

    def reason_documented(p: _Person) -> bool:
        p.contacts = [c for c in p.contacts if c.kind != "fast_omsorgskontakt"]
        p.residence_no_contact_reason = rng.choice(_RESIDENCE_NO_CONTACT_REASONS)
        return True

    def residential_with_contact(p: _Person) -> bool:
        return in_residential(p) and bool(f.fast_omsorgskontakter(p))

    # Few people live in särskilt boende, and other rules' plants took some: spare fewer.
    b.plant(0.1, in_residential, residential_with_contact, residential_contact_gone, spare=1)
    b.plant(0.05, in_residential, residential_with_contact, reason_documented, minimum=1, spare=0)


#: Every rule's breaches, in the order of ``spec/rules.md``.
BREACHES: tuple[Callable[[Builder, Facts], None], ...] = (
    contact_on_request,
    life_threatening_physician,
    discharge_contact,
    discharge_sip_invitation,
    home_care_contact,
    omsorgskontakt_profession,
    lakarkontakt_profession,
    lakarkontakt_listed_unit,
    contact_staff_at_unit,
    contact_informed,
    transfer_consent,
    one_coordinator,
    plan_initial_update,
    plan_revision,
    contact_vacancy,
    sip_coordinator,
    continuity_share,
    coordinator_setting,
    contact_eligible,
    contact_needed,
    residential_care_contact,
)


def plant_all(b: Builder) -> None:
    """One short, realistic breach per rule, in the order of ``rules.md``."""
    facts = Facts(b)
    for breach in BREACHES:
        breach(b, facts)
