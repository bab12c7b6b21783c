"""An independent check of a plan against its instance: every hard constraint, from scratch.

It shares nothing with the solver but the problem model (and its travel-time model): a plan is
read as a list of visits with start times and staff, and each rule is checked directly, so a
bug in how the solver is set up cannot hide in the checker too. Each problem carries the JSON
path of what is wrong in the plan file (``visits[12].staff``, ``breaks[3].start``).

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

from fastkontakt.domain.errors import Problem
from fastkontakt.domain.planning.model import Location, Plan, PlannedBreak, Shift


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_plan(plan: Plan) -> list[Problem]:
    """Every broken hard constraint of ``plan``; an empty list means the plan holds."""
    instance = plan.instance
    visits = instance.visit_by_id
    staff_by_id = instance.staff_by_id
    problems: list[Problem] = []
    planned_at: dict[str, int] = {}
    # (staff, day) -> [(start, end, location, path)]
    days: dict[tuple[str, date], list[tuple[int, int, Location, str]]] = {}

    for i, planned in enumerate(plan.visits):
        path = f"visits[{i}]"
        visit = visits.get(planned.visit)
        if visit is None:
            problems.append(Problem(f"{path}.visit", f"unknown visit {planned.visit!r}"))
            continue
        if planned.visit in planned_at:
            problems.append(Problem(
                f"{path}.visit",
                f"visit planned twice (also at visits[{planned_at[planned.visit]}])",
            ))
            continue
        planned_at[planned.visit] = i
        end = planned.start + visit.duration
        if not visit.earliest <= planned.start <= visit.latest:
            problems.append(Problem(
                f"{path}.start",
                f"starts at {_hm(planned.start)}, outside its window "
                f"{_hm(visit.earliest)}-{_hm(visit.latest)}",
            ))
        if len(planned.staff) != visit.staff_count:
            problems.append(Problem(
                f"{path}.staff", f"needs {visit.staff_count} staff, has {len(planned.staff)}"
            ))
        if len(set(planned.staff)) != len(planned.staff):
            problems.append(Problem(f"{path}.staff", "the same staff member is listed twice"))
        if visit.staff_count > 1:
            delegated = set().union(
                *(staff_by_id[s].delegations for s in planned.staff if s in staff_by_id)
            )
            for task in sorted(visit.demand.delegations - delegated):
                problems.append(Problem(f"{path}.staff", f"no one on the visit has {task}"))
        location = instance.location_of(visit)
        for k, staff_id in enumerate(dict.fromkeys(planned.staff)):
            spath = f"{path}.staff[{k}]"
            member = staff_by_id.get(staff_id)
            if member is None:
                problems.append(Problem(spath, f"unknown staff {staff_id!r}"))
                continue
            missing = sorted(visit.demand.competences - member.competences)
            if visit.staff_count == 1:
                missing += sorted(visit.demand.delegations - member.delegations)
            if missing:
                problems.append(Problem(spath, f"{staff_id} lacks {', '.join(missing)}"))
            if member.absent_on(visit.day):
                problems.append(Problem(spath, f"{staff_id} is absent on {visit.day}"))
            elif not any(
                s.day == visit.day and s.start <= planned.start and end <= s.end
                for s in member.shifts
            ):
                problems.append(Problem(
                    spath,
                    f"{staff_id} has no shift on {visit.day} covering "
                    f"{_hm(planned.start)}-{_hm(end)}",
                ))
            days.setdefault((staff_id, visit.day), []).append(
                (planned.start, end, location, path)
            )

    unplanned_at: dict[str, int] = {}
    for i, visit_id in enumerate(plan.unplanned):
        path = f"unplanned[{i}]"
        if visit_id not in visits:
            problems.append(Problem(path, f"unknown visit {visit_id!r}"))
        elif visit_id in planned_at:
            problems.append(
                Problem(path, f"visit is also planned at visits[{planned_at[visit_id]}]")
            )
        elif visit_id in unplanned_at:
            problems.append(Problem(path, "visit listed twice"))
        unplanned_at.setdefault(visit_id, i)
    for visit in instance.visits:
        if visit.id not in planned_at and visit.id not in unplanned_at:
            problems.append(Problem("visits", f"visit {visit.id} is neither planned nor unplanned"))

    breaks: dict[tuple[str, date], list[tuple[int, PlannedBreak]]] = {}
    for i, planned_break in enumerate(plan.breaks):
        breaks.setdefault((planned_break.staff, planned_break.day), []).append((i, planned_break))
        if planned_break.staff not in staff_by_id:
            problems.append(Problem(f"breaks[{i}].staff", f"unknown staff {planned_break.staff!r}"))

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
                    staff_id,
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
                    f"breaks[{i}].start", f"{staff_id} has no shift on {day} at this break"
                ))
    return problems


def _check_shift(
    minutes: Callable[[Location, Location], int],
    home: Location,
    shift: Shift,
    visits: list[tuple[int, int, Location, str]],
    breaks: list[tuple[int, PlannedBreak]],
    staff_id: str,
) -> list[Problem]:
    problems: list[Problem] = []
    taken = sorted(breaks, key=lambda b: b[1].start)
    required = sorted(shift.breaks, key=lambda b: b.earliest)
    if len(taken) != len(required):
        problems.append(Problem(
            f"breaks[{taken[0][0]}]" if taken else "breaks",
            f"{staff_id} on {shift.day} has {len(taken)} breaks in the shift, needs "
            f"{len(required)}",
        ))
    for (i, planned_break), rule in zip(taken, required, strict=False):
        if planned_break.minutes != rule.minutes:
            problems.append(Problem(
                f"breaks[{i}].minutes",
                f"break is {planned_break.minutes} min, needs {rule.minutes}",
            ))
        if not rule.earliest <= planned_break.start <= rule.latest:
            problems.append(Problem(
                f"breaks[{i}].start",
                f"break at {_hm(planned_break.start)} outside its window "
                f"{_hm(rule.earliest)}-{_hm(rule.latest)}",
            ))
        if planned_break.start + planned_break.minutes > shift.end:
            problems.append(Problem(f"breaks[{i}].start", "break runs past the end of the shift"))
    # The day as stops: the start location, the visits in order, the start location again.
    stops = [(shift.start, shift.start, home, "")] + visits + [(shift.end, shift.end, home, "")]
    for (_, a_end, a_place, a_path), (b_start, b_end, b_place, b_path) in zip(
        stops, stops[1:], strict=False
    ):
        in_gap = 0
        for i, planned_break in taken:
            break_end = planned_break.start + planned_break.minutes
            if a_end <= planned_break.start and break_end <= b_start:
                in_gap += planned_break.minutes
            elif b_path and planned_break.start < b_end and b_start < break_end:
                problems.append(Problem(f"breaks[{i}].start", f"break overlaps {b_path}"))
        needed = minutes(a_place, b_place) + in_gap
        if a_end + needed > b_start:
            where = b_path or a_path
            what = "the end of the shift" if not b_path else "this visit"
            problems.append(Problem(
                f"{where}.start",
                f"{staff_id} cannot reach {what} in time: free from {_hm(a_end)}, needs "
                f"{needed} min (travel and breaks), due at {_hm(b_start)}",
            ))
    return problems
