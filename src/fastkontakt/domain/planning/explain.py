"""Why a visit could not be planned, and what would make room for it.

A plan never leaves a visit out silently: :func:`explain_unplanned` looks at each unplanned
visit against the finished plan and names the first reason that holds, in this order:

``no-qualified``
    nobody in the staff group has what the visit needs (competences and delegations);
``absence``
    a qualified member whose shift would cover the visit is away, and nobody else qualified works
    then;
``not-on-shift``
    no qualified member works at the visit's time;
``peak``
    qualified members work then, but every one of them is busy with other visits (or breaks)
    through the whole window;
``travel``
    one of them has time in the window, but not with the travel to and from the visit;
``left-out``
    there is room after all (the solver's time ran out first): the proposal says where.

The proposals are what a coordinator can do about it, smallest first: place it with someone
(``place``), a few minutes of overtime for a named person at the start or end of their shift
(``overtime``), widening the visit's window by some minutes (``widen-window``) or an extra shift
for a qualified person who is free that day (``extra-shift``; the customer's fast
omsorgskontakt first). A proposal is checked against the plan as it stands: the visit fits in
that person's day with the travel and the breaks, everything else unchanged. Breaks stay where
the plan put them, so a proposal is safe but not always the only way.

Pure: takes the plan, returns data; :func:`explanation_text` says it in Swedish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from fastkontakt.domain.planning.model import (
    Instance,
    Location,
    Plan,
    PlannedBreak,
    PlannedVisit,
    Shift,
    StaffMember,
    Visit,
    can_cover,
)

Reason = Literal["no-qualified", "absence", "not-on-shift", "peak", "travel", "left-out"]
ProposalKind = Literal["place", "overtime", "widen-window", "extra-shift"]

#: How far outside its window a visit is tried before "widen the window" gives up, in minutes.
WIDEN_LIMIT = 120
#: The most overtime proposed for one person, in minutes.
OVERTIME_LIMIT = 120
#: Start times are tried every this many minutes (and at both ends of the window).
STEP = 5


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: ProposalKind
    staff: tuple[str, ...] = ()
    minutes: int = 0
    """Overtime in total, or how far the window must be widened."""
    start: int | None = None
    """The start the proposal found room for (minutes after midnight)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    visit: str
    reason: Reason
    staff: tuple[str, ...] = ()
    """Who the reason is about: the absent members, or the qualified members on shift."""
    missing: tuple[str, ...] = ()
    """What nobody in the staff group has (``no-qualified``)."""
    proposals: tuple[Proposal, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "reason": self.reason,
            "staff": list(self.staff),
            "missing": list(self.missing),
            "proposals": [
                {"kind": p.kind, "staff": list(p.staff), "minutes": p.minutes, "start": p.start}
                for p in self.proposals
            ],
        }

    @classmethod
    def from_json(cls, visit: str, data: dict[str, object]) -> Explanation:
        proposals = data.get("proposals") or []
        assert isinstance(proposals, list)  # noqa: S101 - written by as_json
        return cls(
            visit,
            data["reason"],  # type: ignore[arg-type]
            tuple(data.get("staff") or ()),  # type: ignore[arg-type]
            tuple(data.get("missing") or ()),  # type: ignore[arg-type]
            tuple(
                Proposal(p["kind"], tuple(p["staff"]), int(p["minutes"]), p["start"])
                for p in proposals
            ),
        )


@dataclass(frozen=True, slots=True)
class _Stop:
    start: int
    end: int
    place: Location | None
    """None for a break."""


class _Days:
    """Each member's planned day, as stops in time order, to try a visit in."""

    def __init__(self, plan: Plan) -> None:
        self.instance = plan.instance
        visits = plan.instance.visit_by_id
        self.stops: dict[tuple[str, date], list[_Stop]] = {}
        for planned in plan.visits:
            visit = visits[planned.visit]
            place = self.instance.location_of(visit)
            for staff in planned.staff:
                self.stops.setdefault((staff, visit.day), []).append(
                    _Stop(planned.start, planned.start + visit.duration, place)
                )
        for b in plan.breaks:
            self.stops.setdefault((b.staff, b.day), []).append(
                _Stop(b.start, b.start + b.minutes, None)
            )
        for stops in self.stops.values():
            stops.sort(key=lambda s: (s.start, s.end))

    def overtime_at(
        self,
        member: StaffMember,
        visit: Visit,
        start: int,
        *,
        travel: bool = True,
        stretch: int = 0,
    ) -> int | None:
        """Minutes beyond a shift ``member`` needs to make ``visit`` at ``start`` (0: none), or
        None when it does not fit. ``stretch`` lets a shift start or end that much later or
        earlier; ``travel`` False ignores travel (to tell a busy day from a far one)."""
        best: int | None = None
        for shift in member.shifts_on(visit.day):
            found = self._in_shift(member, shift, visit, start, travel, stretch)
            if found is not None and (best is None or found < best):
                best = found
        return best

    def _in_shift(
        self,
        member: StaffMember,
        shift: Shift,
        visit: Visit,
        start: int,
        travel: bool,
        stretch: int,
    ) -> int | None:
        end = start + visit.duration
        place = self.instance.location_of(visit)
        home = member.location

        def minutes(a: Location | None, b: Location | None) -> int:
            if not travel or a is None or b is None:
                return 0
            return self.instance.travel(a, b)

        inside = [
            s
            for s in self.stops.get((member.id, visit.day), [])
            if shift.start - stretch <= s.start and s.end <= shift.end + stretch
        ]
        if any(s.start < end and start < s.end for s in inside):
            return None
        before = [s for s in inside if s.end <= start]
        after = [s for s in inside if s.start >= end]
        last_visit = next((s for s in reversed(before) if s.place is not None), None)
        next_visit = next((s for s in after if s.place is not None), None)
        free_from = last_visit.end if last_visit else shift.start
        came_from = last_visit.place if last_visit else home
        due_at = next_visit.start if next_visit else shift.end
        going_to = next_visit.place if next_visit else home
        breaks_before = sum(
            s.end - s.start for s in before if s.place is None and s.start >= free_from
        )
        breaks_after = sum(s.end - s.start for s in after if s.place is None and s.end <= due_at)
        early = late = 0
        needed_before = minutes(came_from, place) + breaks_before
        if free_from + needed_before > start:
            if last_visit is not None:
                return None
            early = free_from + needed_before - start
        needed_after = minutes(place, going_to) + breaks_after
        if end + needed_after > due_at:
            if next_visit is not None:
                return None
            late = end + needed_after - due_at
        if early > stretch or late > stretch:
            return None
        return early + late


def _starts(earliest: int, latest: int) -> list[int]:
    return sorted({*range(earliest, latest + 1, STEP), latest})


def _widened(visit: Visit) -> list[tuple[int, int]]:
    """Starts outside the window, nearest first, with how far outside they are."""
    tried = [
        (distance, start)
        for distance in range(STEP, WIDEN_LIMIT + 1, STEP)
        for start in (visit.earliest - distance, visit.latest + distance)
        if start >= 0 and start + visit.duration <= 24 * 60
    ]
    return [(start, distance) for distance, start in tried]


def _fits(
    days: _Days,
    visit: Visit,
    first: Iterable[StaffMember],
    others: Iterable[StaffMember],
    starts: Iterable[int],
    *,
    travel: bool = True,
    stretch: int = 0,
) -> tuple[int, tuple[str, ...], int] | None:
    """The cheapest (overtime) way to staff ``visit`` at one of ``starts``: one of ``first``
    (qualified) and, for a double-staffed visit, another of ``others`` (competent)."""
    first, others = list(first), list(others)
    best: tuple[int, tuple[str, ...], int] | None = None
    for start in starts:
        leads = [
            (ot, m.id)
            for m in first
            if (ot := days.overtime_at(m, visit, start, travel=travel, stretch=stretch))
            is not None
        ]
        if not leads:
            continue
        if visit.staff_count == 1:
            ot, lead = min(leads)
            chosen: tuple[str, ...] = (lead,)
        else:
            seconds = [
                (ot, m.id)
                for m in others
                if (ot := days.overtime_at(m, visit, start, travel=travel, stretch=stretch))
                is not None
            ]
            pairs = [(a + b, (x, y)) for a, x in leads for b, y in seconds if x != y]
            if not pairs:
                continue
            ot, chosen = min(pairs)
        if best is None or ot < best[2]:
            best = (start, chosen, ot)
        if ot == 0:
            break
    return best


def _extra_shift(
    instance: Instance, visit: Visit, qualified: list[StaffMember]
) -> Proposal | None:
    free = [m for m in qualified if not m.absent_on(visit.day) and not m.shifts_on(visit.day)]
    if not free:
        return None
    contact = instance.customer_by_id[visit.customer].fast_omsorgskontakt
    free.sort(key=lambda m: (m.id != contact, m.id))
    return Proposal("extra-shift", (free[0].id,))


def _covering(
    visit: Visit, qualified: list[StaffMember], competent: list[StaffMember]
) -> tuple[list[StaffMember], list[StaffMember], bool]:
    """Who could make ``visit`` (and be its second), and whether they are enough."""
    covering = [m for m in qualified if can_cover(m, visit)]
    others = (
        [m for m in competent if can_cover(m, visit, as_second=True)]
        if visit.staff_count > 1 else covering
    )
    enough = bool(covering) and (visit.staff_count == 1 or len({m.id for m in others}) >= 2)
    return covering, others, enough


def explain_visit(plan: Plan, visit_id: str, days: _Days | None = None) -> Explanation:
    """Why ``visit_id`` is unplanned in ``plan``, and what would make room for it."""
    instance = plan.instance
    visit = instance.visit_by_id[visit_id]
    days = days or _Days(plan)
    demand = visit.demand
    double = visit.staff_count > 1
    qualified = [m for m in instance.staff if m.qualified_for(demand)]
    competent = [m for m in instance.staff if m.competent_for(demand)] if double else qualified
    if not qualified or (double and len(competent) < 2):
        needed = demand.competences | demand.delegations
        held = set().union(*(m.competences | m.delegations for m in instance.staff))
        return Explanation(visit_id, "no-qualified", missing=tuple(sorted(needed - held or needed)))

    window = _starts(visit.earliest, visit.latest)
    proposals: list[Proposal] = []
    covering, covering_others, enough = _covering(visit, qualified, competent)
    if enough:
        placed = _fits(days, visit, covering, covering_others, window)
        if placed is not None:
            start, staff, _ = placed
            return Explanation(
                visit_id, "left-out", tuple(m.id for m in covering), (),
                (Proposal("place", staff, 0, start),),
            )
        roomy = _fits(days, visit, covering, covering_others, window, travel=False)
        reason: Reason = "travel" if roomy is not None else "peak"
        about = tuple(m.id for m in covering)
    else:
        absent = tuple(
            m.id
            for m in qualified
            if m.absent_on(visit.day)
            and any(
                s.day == visit.day
                and max(s.start, visit.earliest) <= visit.latest
                and max(s.start, visit.earliest) + visit.duration <= s.end
                for s in m.shifts
            )
        )
        reason = "absence" if absent else "not-on-shift"
        about = absent
    working = [m for m in qualified if m.shifts_on(visit.day)]
    working_others = [m for m in competent if m.shifts_on(visit.day)] if double else working
    overtime = _fits(
        days, visit, working, working_others, window, stretch=OVERTIME_LIMIT
    )
    if overtime is not None and overtime[2] > 0:
        proposals.append(Proposal("overtime", overtime[1], overtime[2], overtime[0]))
    for start, distance in _widened(visit):
        found = _fits(days, visit, working, working_others, [start])
        if found is not None and found[2] == 0:
            proposals.append(Proposal("widen-window", found[1], distance, start))
            break
    if not double:
        extra = _extra_shift(instance, visit, qualified)
        if extra is not None:
            proposals.append(extra)
    return Explanation(visit_id, reason, about, (), tuple(proposals))


def place_left_out(plan: Plan) -> Plan:
    """``plan`` with each unplanned visit that has room after all (``left-out``) placed there.

    The routing search can end with room it did not use, above all for a double-staffed visit,
    whose two halves it places one at a time. Each unplanned visit in turn is tried against the
    plan as it stands, as :func:`explain_visit` does before it calls a visit ``left-out``, and
    placed where that finds room; the next is tried with it in. A member who makes no visit
    that day takes the shift's breaks at their earliest, so that the room found keeps room for
    them. The result passes the same checks as a ``place`` proposal (travel, breaks, shifts,
    qualifications); nothing planned moves.
    """
    days = _Days(plan)
    idle_breaks: dict[tuple[str, date], list[PlannedBreak]] = {}
    for member in plan.instance.staff:
        for shift in member.shifts:
            key = (member.id, shift.day)
            if key in days.stops or member.absent_on(shift.day) or not shift.breaks:
                continue
            idle_breaks[key] = [
                PlannedBreak(member.id, shift.day, b.earliest, b.minutes) for b in shift.breaks
            ]
            days.stops[key] = [_Stop(b.start, b.start + b.minutes, None) for b in idle_breaks[key]]
    visits = list(plan.visits)
    breaks = list(plan.breaks)
    unplanned = []
    staff = plan.instance.staff
    for visit_id in plan.unplanned:
        # The first step of explain_visit: only whether there is room (the rest is slow).
        visit = plan.instance.visit_by_id[visit_id]
        qualified = [m for m in staff if m.qualified_for(visit.demand)]
        competent = (
            [m for m in staff if m.competent_for(visit.demand)]
            if visit.staff_count > 1 else qualified
        )
        covering, others, enough = _covering(visit, qualified, competent)
        placed = (
            _fits(days, visit, covering, others, _starts(visit.earliest, visit.latest))
            if enough else None
        )
        if placed is None:
            unplanned.append(visit_id)
            continue
        start, members, _ = placed
        visits.append(PlannedVisit(visit_id, start, tuple(sorted(members))))
        where = plan.instance.location_of(visit)
        for member_id in members:
            stops = days.stops.setdefault((member_id, visit.day), [])
            stops.append(_Stop(start, start + visit.duration, where))
            stops.sort(key=lambda s: (s.start, s.end))
            breaks.extend(idle_breaks.pop((member_id, visit.day), []))
    if len(unplanned) == len(plan.unplanned):
        return plan
    order = {v.id: i for i, v in enumerate(plan.instance.visits)}
    visits.sort(key=lambda p: order[p.visit])
    breaks.sort(key=lambda b: (b.day, b.staff, b.start))
    return Plan(plan.instance, tuple(visits), tuple(breaks), tuple(unplanned), dict(plan.stats))


def explain_unplanned(plan: Plan) -> dict[str, Explanation]:
    """An explanation for every unplanned visit of ``plan``, by visit id."""
    days = _Days(plan)
    return {v: explain_visit(plan, v, days) for v in plan.unplanned}


# --- in Swedish ------------------------------------------------------------------------------


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _names(ids: Iterable[str], name: Callable[[str], str]) -> str:
    names = [name(i) for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def explanation_text(
    explanation: Explanation, visit: Visit, staff_name: Callable[[str], str] = str
) -> tuple[str, list[str]]:
    """The reason as a sentence and each proposal as one, in Swedish."""
    window = f"{_hm(visit.earliest)}–{_hm(visit.latest)}"
    until = _hm(visit.latest + visit.duration)
    who = _names(explanation.staff, staff_name)
    reasons: dict[str, str] = {
        "no-qualified": "Ingen i personalgruppen har det som besöket kräver: "
        f"{', '.join(explanation.missing)}.",
        "absence": f"{who} är frånvarande, och ingen annan behörig arbetar "
        f"mellan {_hm(visit.earliest)} och {until}.",
        "not-on-shift": f"Ingen behörig medarbetare arbetar mellan {_hm(visit.earliest)} "
        f"och {until}.",
        "peak": f"Alla behöriga som arbetar då ({who}) är upptagna med andra besök eller "
        f"raster under hela fönstret {window}.",
        "travel": f"Behöriga som arbetar då har en lucka i fönstret {window}, men den räcker "
        "inte med restiden till och från kunden.",
        "left-out": "Det finns plats för besöket, men planeraren hann inte placera det inom "
        "sin tidsgräns.",
    }
    proposals = []
    for p in explanation.proposals:
        names = _names(p.staff, staff_name)
        at = _hm(p.start) if p.start is not None else ""
        if p.kind == "place":
            proposals.append(f"{names} kan ta besöket kl. {at}.")
        elif p.kind == "overtime":
            proposals.append(f"{p.minutes} minuters övertid för {names}, med besöket kl. {at}.")
        elif p.kind == "widen-window":
            proposals.append(
                f"Vidga fönstret med {p.minutes} minuter, så kan {names} komma kl. {at}."
            )
        else:
            proposals.append(f"Ett extra pass för {names}.")
    return reasons[explanation.reason], proposals
