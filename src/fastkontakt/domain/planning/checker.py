"""An independent check of a plan against its instance: every hard constraint, from scratch.

It shares nothing with the solver but the problem model (and its travel-time model): a plan is
read as a list of visits with start times and staff, and each rule is checked directly, so a
bug in how the solver is set up cannot hide in the checker too. Each problem carries the JSON
path of what is wrong in the plan file (``visits[12].staff``, ``breaks[3].start``).

Each problem names the rule it breaks (``Problem.rule``: ``window``, ``qualification``,
``absence``, ``shift``, ``reach``, ``break-overlap``, ...) and says it in Swedish; staff and visits
are named through ``staff_name`` and ``visit_name`` (the ids by default, the registry's names on
the plan page).

Rules: every visit is planned once or listed as unplanned, never both; the right number of
distinct, known staff; each of them with the visit's competences, and one of them with its
delegations (the one who does the delegated tasks); each not absent and on a
shift from before the start to after the end of the visit; the start within the window; each
staff member's day feasible in order: from the start location at the start of the shift, through
the visits with the travel between them, back by the end of the shift, with no overlaps; and
every shift in which a staff member works has its breaks, each starting in its window, inside
the shift, not during a visit, and fitted into a gap long enough for the travel and the break.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from fastkontakt.domain.errors import Problem
from fastkontakt.domain.planning.model import Location, Plan, PlannedBreak, Shift


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Stop(NamedTuple):
    start: int
    end: int
    place: Location
    path: str
    visit: str


def _same(text: str) -> str:
    return text


def check_plan(
    plan: Plan,
    *,
    staff_name: Callable[[str], str] = _same,
    visit_name: Callable[[str], str] = _same,
) -> list[Problem]:
    """Every broken hard constraint of ``plan``; an empty list means the plan holds."""
    instance = plan.instance
    visits = instance.visit_by_id
    staff_by_id = instance.staff_by_id
    problems: list[Problem] = []
    planned_at: dict[str, int] = {}
    days: dict[tuple[str, date], list[_Stop]] = {}

    for i, planned in enumerate(plan.visits):
        path = f"visits[{i}]"
        visit = visits.get(planned.visit)
        if visit is None:
            problems.append(
                Problem(f"{path}.visit", f"okänt besök {planned.visit!r}", "visit-known")
            )
            continue
        if planned.visit in planned_at:
            problems.append(Problem(
                f"{path}.visit",
                f"besöket är planerat två gånger (även visits[{planned_at[planned.visit]}])",
                "visit-once",
            ))
            continue
        planned_at[planned.visit] = i
        end = planned.start + visit.duration
        if not visit.earliest <= planned.start <= visit.latest:
            problems.append(Problem(
                f"{path}.start",
                f"{visit_name(planned.visit)} börjar {_hm(planned.start)}, utanför fönstret "
                f"{_hm(visit.earliest)}–{_hm(visit.latest)}",
                "window",
            ))
        if len(planned.staff) != visit.staff_count:
            problems.append(Problem(
                f"{path}.staff",
                f"{visit_name(planned.visit)} behöver {visit.staff_count} i personalen, "
                f"har {len(planned.staff)}",
                "staff-count",
            ))
        if len(set(planned.staff)) != len(planned.staff):
            problems.append(Problem(
                f"{path}.staff", "samma medarbetare står två gånger på besöket", "staff-count"
            ))
        if visit.staff_count > 1:
            delegated = set().union(
                *(staff_by_id[s].delegations for s in planned.staff if s in staff_by_id)
            )
            for task in sorted(visit.demand.delegations - delegated):
                problems.append(Problem(
                    f"{path}.staff",
                    f"ingen på {visit_name(planned.visit)} har delegering för {task}",
                    "qualification",
                ))
        location = instance.location_of(visit)
        for k, staff_id in enumerate(dict.fromkeys(planned.staff)):
            spath = f"{path}.staff[{k}]"
            member = staff_by_id.get(staff_id)
            if member is None:
                problems.append(Problem(spath, f"okänd medarbetare {staff_id!r}", "staff-known"))
                continue
            missing = sorted(visit.demand.competences - member.competences)
            if visit.staff_count == 1:
                missing += sorted(visit.demand.delegations - member.delegations)
            if missing:
                problems.append(Problem(
                    spath, f"{staff_name(staff_id)} saknar {', '.join(missing)}", "qualification"
                ))
            if member.absent_on(visit.day):
                problems.append(Problem(
                    spath, f"{staff_name(staff_id)} är frånvarande {visit.day}", "absence"
                ))
            elif not any(
                s.day == visit.day and s.start <= planned.start and end <= s.end
                for s in member.shifts
            ):
                problems.append(Problem(
                    spath,
                    f"{staff_name(staff_id)} har inget pass {visit.day} som täcker "
                    f"{_hm(planned.start)}–{_hm(end)}",
                    "shift",
                ))
            days.setdefault((staff_id, visit.day), []).append(
                _Stop(planned.start, end, location, path, planned.visit)
            )

    unplanned_at: dict[str, int] = {}
    for i, visit_id in enumerate(plan.unplanned):
        path = f"unplanned[{i}]"
        if visit_id not in visits:
            problems.append(Problem(path, f"okänt besök {visit_id!r}", "visit-known"))
        elif visit_id in planned_at:
            problems.append(Problem(
                path, f"besöket är också planerat (visits[{planned_at[visit_id]}])", "visit-once"
            ))
        elif visit_id in unplanned_at:
            problems.append(Problem(path, "besöket står två gånger", "visit-once"))
        unplanned_at.setdefault(visit_id, i)
    for visit in instance.visits:
        if visit.id not in planned_at and visit.id not in unplanned_at:
            problems.append(Problem(
                "visits", f"besöket {visit.id} är varken planerat eller oplanerat", "visit-once"
            ))

    breaks: dict[tuple[str, date], list[tuple[int, PlannedBreak]]] = {}
    for i, planned_break in enumerate(plan.breaks):
        breaks.setdefault((planned_break.staff, planned_break.day), []).append((i, planned_break))
        if planned_break.staff not in staff_by_id:
            problems.append(Problem(
                f"breaks[{i}].staff", f"okänd medarbetare {planned_break.staff!r}", "staff-known"
            ))

    for (staff_id, day), items in sorted(days.items()):
        member = staff_by_id.get(staff_id)
        if member is None or member.absent_on(day):
            continue
        for shift in (s for s in member.shifts if s.day == day):
            inside = sorted(
                (item for item in items if shift.start <= item[0] and item[1] <= shift.end),
                key=lambda item: (item[0], item[1]),
            )
            if inside:
                problems += _check_shift(
                    instance.travel, member.location, shift, inside,
                    [b for b in breaks.get((staff_id, day), [])
                     if shift.start <= b[1].start < shift.end],
                    staff_name(staff_id),
                    visit_name,
                )
    for (staff_id, day), taken in sorted(breaks.items()):
        member = staff_by_id.get(staff_id)
        for i, planned_break in taken:
            if member is None:
                continue
            if member.absent_on(day) or not any(
                s.day == day and s.start <= planned_break.start < s.end for s in member.shifts
            ):
                problems.append(Problem(
                    f"breaks[{i}].start",
                    f"{staff_name(staff_id)} har inget pass {day} vid rasten",
                    "break-shift",
                ))
    return problems


def _check_shift(
    minutes: Callable[[Location, Location], int],
    home: Location,
    shift: Shift,
    visits: list[_Stop],
    breaks: list[tuple[int, PlannedBreak]],
    name: str,
    visit_name: Callable[[str], str],
) -> list[Problem]:
    problems: list[Problem] = []
    taken = sorted(breaks, key=lambda b: b[1].start)
    required = sorted(shift.breaks, key=lambda b: b.earliest)
    if len(taken) != len(required):
        problems.append(Problem(
            f"breaks[{taken[0][0]}]" if taken else "breaks",
            f"{name} har {len(taken)} raster i passet {shift.day}, ska ha {len(required)}",
            "break-count",
        ))
    for (i, planned_break), rule in zip(taken, required, strict=False):
        if planned_break.minutes != rule.minutes:
            problems.append(Problem(
                f"breaks[{i}].minutes",
                f"rasten är {planned_break.minutes} min, ska vara {rule.minutes}",
                "break-minutes",
            ))
        if not rule.earliest <= planned_break.start <= rule.latest:
            problems.append(Problem(
                f"breaks[{i}].start",
                f"rasten {_hm(planned_break.start)} för {name} ligger utanför sitt fönster "
                f"{_hm(rule.earliest)}–{_hm(rule.latest)}",
                "break-window",
            ))
        if planned_break.start + planned_break.minutes > shift.end:
            problems.append(Problem(
                f"breaks[{i}].start",
                f"rasten för {name} slutar efter passets slut",
                "break-window",
            ))
    # The day as stops: the start location, the visits in order, the start location again.
    stops = [
        _Stop(shift.start, shift.start, home, "", ""),
        *visits,
        _Stop(shift.end, shift.end, home, "", ""),
    ]
    for a, b in zip(stops, stops[1:], strict=False):
        a_end, a_place, a_path = a.end, a.place, a.path
        b_start, b_end, b_place, b_path = b.start, b.end, b.place, b.path
        in_gap = 0
        for i, planned_break in taken:
            break_end = planned_break.start + planned_break.minutes
            if a_end <= planned_break.start and break_end <= b_start:
                in_gap += planned_break.minutes
            elif b_path and planned_break.start < b_end and b_start < break_end:
                problems.append(Problem(
                    f"breaks[{i}].start",
                    f"rasten för {name} krockar med {visit_name(b.visit)}",
                    "break-overlap",
                ))
        needed = minutes(a_place, b_place) + in_gap
        if a_end + needed > b_start:
            where = b_path or a_path
            what = visit_name(b.visit) if b_path else "passets slut"
            problems.append(Problem(
                f"{where}.start",
                f"{name} hinner inte till {what}: ledig {_hm(a_end)}, behöver {needed} min "
                f"för resa och raster, ska vara där {_hm(b_start)}",
                "reach",
            ))
    return problems
