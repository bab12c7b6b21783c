"""The independent plan checker: a valid plan passes, and each kind of violation is caught."""

from __future__ import annotations

from dataclasses import replace

from fastkontakt.domain.errors import Problem
from fastkontakt.domain.planning import (
    Absence,
    Instance,
    Plan,
    PlannedBreak,
    PlannedVisit,
)
from fastkontakt.domain.planning import check_plan as check_plan_with_rules
from tests.domain.planning.builders import (
    START,
    customer,
    demand,
    hm,
    instance,
    member,
    north,
    shifts,
)

K1 = "k1/morgon/2026-11-23"
K2 = "k2/lunch/2026-11-23"
K3 = "k3/lyft/2026-11-23"


def check_plan(plan: Plan) -> list[Problem]:
    """The problems as path and message; ``test_each_problem_names_its_rule`` checks the rules."""
    return [Problem(p.path, p.message) for p in check_plan_with_rules(plan)]


def small(b_until: str = "16:00") -> Instance:
    """A with an insulin delegation, B without; k2 lives 5 minutes from the office.

    A's break starts 11:00-12:30, B's 09:30-12:30.
    """
    return instance(
        (
            customer("k1", demand("morgon", ("08:00", "09:00"), 30, delegations=("insulin",)),
                     contact="A"),
            customer("k2", demand("lunch", ("09:00", "13:00"), 20), contact="B", at=north(1.0)),
            customer("k3", demand("lyft", ("08:00", "10:00"), 30, staff=2)),
        ),
        (
            member("A", shifts(range(1)), delegations=("insulin",)),
            member("B", shifts(range(1), end=b_until, pause=("09:30", "12:30", 30))),
            member("C", ()),
        ),
    )


def valid_plan(inst: Instance | None = None) -> Plan:
    return Plan(
        inst or small(),
        (
            PlannedVisit(K1, hm("08:00"), ("A",)),
            PlannedVisit(K3, hm("09:00"), ("A", "B")),
            PlannedVisit(K2, hm("11:00"), ("B",)),
        ),
        (
            PlannedBreak("A", START, hm("11:00"), 30),
            PlannedBreak("B", START, hm("11:30"), 30),
        ),
        (),
    )


def with_visit(plan: Plan, index: int, **changes: object) -> Plan:
    visits = list(plan.visits)
    visits[index] = replace(visits[index], **changes)  # type: ignore[arg-type]
    return replace(plan, visits=tuple(visits))


def test_a_valid_plan_has_no_problems() -> None:
    # given
    plan = valid_plan()
    # when
    problems = check_plan(plan)
    # then
    assert problems == []
    assert plan.instance.travel(plan.instance.customers[0].location,
                                plan.instance.customers[1].location) == 5


def test_start_outside_the_window() -> None:
    # when
    problems = check_plan(with_visit(valid_plan(), 0, start=hm("07:50")))
    # then
    assert problems == [
        Problem("visits[0].start", f"{K1} börjar 07:50, utanför fönstret 08:00–09:00")
    ]


def test_staff_without_the_delegation() -> None:
    # given B makes k1, which needs insulin, and A makes k2 instead
    plan = with_visit(with_visit(valid_plan(), 0, staff=("B",)), 2, staff=("A",))
    plan = replace(plan, breaks=(PlannedBreak("A", START, hm("11:30"), 30),
                                 PlannedBreak("B", START, hm("11:00"), 30)))
    # when
    problems = check_plan(plan)
    # then
    assert problems == [Problem("visits[0].staff[0]", "B saknar insulin")]


def test_double_staffing_needs_two_different_staff() -> None:
    # when
    one = check_plan(with_visit(valid_plan(), 1, staff=("A",)))
    same = check_plan(with_visit(valid_plan(), 1, staff=("A", "A")))
    # then
    assert Problem("visits[1].staff", f"{K3} behöver 2 i personalen, har 1") in one
    assert Problem("visits[1].staff", "samma medarbetare står två gånger på besöket") in same


def test_absent_staff() -> None:
    # given B is away on the day
    inst = small().with_absences({"B": (Absence(START, START),)})
    # when
    problems = check_plan(valid_plan(inst))
    # then
    assert problems == [
        Problem("visits[1].staff[1]", "B är frånvarande 2026-11-23"),
        Problem("visits[2].staff[0]", "B är frånvarande 2026-11-23"),
        Problem("breaks[1].start", "B har inget pass 2026-11-23 vid rasten"),
    ]


def test_staff_without_a_shift() -> None:
    # when C, who has no shifts, makes k2
    plan = with_visit(valid_plan(), 2, staff=("C",))
    problems = check_plan(plan)
    # then
    assert Problem(
        "visits[2].staff[0]", "C har inget pass 2026-11-23 som täcker 11:00–11:20"
    ) in problems


def test_overlapping_visits() -> None:
    # when A starts the double visit while still at k1 (08:00-08:30)
    problems = check_plan(with_visit(valid_plan(), 1, start=hm("08:20")))
    # then
    assert problems == [Problem(
        "visits[1].start",
        f"A hinner inte till {K3}: ledig 08:30, behöver 0 min för resa och raster, "
        "ska vara där 08:20",
    )]


def test_travel_time_between_visits() -> None:
    # when B leaves k3 at 09:30 and k2 is 5 minutes away
    problems = check_plan(with_visit(valid_plan(), 2, start=hm("09:33")))
    # then
    assert problems == [Problem(
        "visits[2].start",
        f"B hinner inte till {K2}: ledig 09:30, behöver 5 min för resa och raster, "
        "ska vara där 09:33",
    )]


def test_travel_back_before_the_end_of_the_shift() -> None:
    # given B's shift ends at 11:22 and k2 ends at 11:20, 5 minutes from the office
    plan = valid_plan(small(b_until="11:22"))
    plan = replace(plan, breaks=(plan.breaks[0], PlannedBreak("B", START, hm("10:00"), 30)))
    # when
    problems = check_plan(plan)
    # then
    assert Problem(
        "visits[2].start",
        "B hinner inte till passets slut: ledig 11:20, behöver 5 min för resa och raster, "
        "ska vara där 11:22",
    ) in problems


def test_breaks_missing_outside_their_window_overlapping_or_too_short() -> None:
    # given
    plan = valid_plan()
    # when
    missing = check_plan(replace(plan, breaks=plan.breaks[1:]))
    early = check_plan(replace(plan, breaks=(
        PlannedBreak("A", START, hm("10:00"), 30), plan.breaks[1])))
    overlapping = check_plan(replace(plan, breaks=(
        plan.breaks[0], PlannedBreak("B", START, hm("11:10"), 30))))
    short = check_plan(replace(plan, breaks=(
        PlannedBreak("A", START, hm("11:00"), 20), plan.breaks[1])))
    # then
    assert missing == [Problem("breaks", "A har 0 raster i passet 2026-11-23, ska ha 1")]
    assert early == [
        Problem("breaks[0].start", "rasten 10:00 för A ligger utanför sitt fönster 11:00–12:30")
    ]
    assert Problem("breaks[1].start", f"rasten för B krockar med {K2}") in overlapping
    assert short == [Problem("breaks[0].minutes", "rasten är 20 min, ska vara 30")]


def test_a_break_needs_room_for_travel_too() -> None:
    # given B takes the break 09:30-10:00 right after k3 and reaches k2 (5 min away) at 10:02
    plan = with_visit(valid_plan(), 2, start=hm("10:02"))
    plan = replace(plan, breaks=(plan.breaks[0], PlannedBreak("B", START, hm("09:30"), 30)))
    # when
    problems = check_plan(plan)
    # then
    assert problems == [Problem(
        "visits[2].start",
        f"B hinner inte till {K2}: ledig 09:30, behöver 35 min för resa och raster, "
        "ska vara där 10:02",
    )]


def test_every_visit_planned_once_or_listed_as_unplanned() -> None:
    # given
    plan = valid_plan()
    # when
    missing = check_plan(replace(plan, visits=plan.visits[:2]))
    both = check_plan(replace(plan, unplanned=(K1,)))
    twice = check_plan(replace(plan, visits=(*plan.visits, plan.visits[0])))
    unknown = check_plan(replace(plan, unplanned=("k9/x/2026-11-23",)))
    # then
    assert missing == [Problem("visits", f"besöket {K2} är varken planerat eller oplanerat")]
    assert both == [Problem("unplanned[0]", "besöket är också planerat (visits[0])")]
    assert twice == [Problem("visits[3].visit", "besöket är planerat två gånger (även visits[0])")]
    assert unknown == [Problem("unplanned[0]", "okänt besök 'k9/x/2026-11-23'")]


def test_unknown_staff() -> None:
    # when
    problems = check_plan(with_visit(valid_plan(), 2, staff=("Z",)))
    # then
    assert problems == [Problem("visits[2].staff[0]", "okänd medarbetare 'Z'")]


def test_a_delegated_task_needs_one_delegated_staff_member_on_a_double_visit() -> None:
    # given the lift needs insulin: A has it, B has not
    inst = small()
    lift = replace(inst.customers[2].demands[0], delegations=frozenset({"insulin"}))
    inst = replace(inst, customers=(*inst.customers[:2], replace(inst.customers[2],
                                                                  demands=(lift,))))
    with_a = valid_plan(inst)
    b_twice = with_visit(with_visit(valid_plan(inst), 1, staff=("B", "C")), 0, staff=("A",))
    # when
    fine = check_plan(with_a)
    broken = check_plan(b_twice)
    # then
    assert fine == []
    assert Problem("visits[1].staff", f"ingen på {K3} har delegering för insulin") in broken


def test_each_problem_names_its_rule_and_names_staff_and_visits_as_asked() -> None:
    # given B, absent, makes k2 at 07:50 (before its window)
    inst = small().with_absences({"B": (Absence(START, START),)})
    plan = with_visit(valid_plan(inst), 2, start=hm("07:50"))
    # when
    problems = check_plan_with_rules(
        plan, staff_name={"B": "Berit Ek"}.get, visit_name=lambda v: f"besöket hos {v[:2]}"
    )
    # then
    assert {(p.path, p.rule) for p in problems} >= {
        ("visits[2].start", "window"),
        ("visits[2].staff[0]", "absence"),
        ("breaks[1].start", "break-shift"),
    }
    assert "besöket hos k2 börjar 07:50, utanför fönstret 09:00–13:00" in {
        p.message for p in problems
    }
    assert "Berit Ek är frånvarande 2026-11-23" in {p.message for p in problems}
    assert all(p.rule for p in problems)
