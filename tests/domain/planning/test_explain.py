"""Why a visit could not be planned, and what would make room: each reason on a hand-made plan,
and the planner's own unplanned visit explained."""

from __future__ import annotations

from fastkontakt.domain.planning import Plan, PlannedBreak, PlannedVisit, Weights, plan
from fastkontakt.domain.planning.explain import (
    Explanation,
    Proposal,
    explain_unplanned,
    explanation_text,
)
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

DAY = START.isoformat()


def visit(customer_id: str, demand_id: str) -> str:
    return f"{customer_id}/{demand_id}/{DAY}"


def test_nobody_in_the_group_has_the_delegation() -> None:
    # given the visit needs insulin and nobody holds the delegation
    inst = instance(
        (customer("k1", demand("insulin", ("08:00", "09:00"), 15, delegations=("insulin",))),),
        (member("A", shifts(range(1), pause=None)),),
    )
    # when
    found = explain_unplanned(Plan(inst, (), (), (visit("k1", "insulin"),)))
    # then
    assert found == {
        visit("k1", "insulin"): Explanation(
            visit("k1", "insulin"), "no-qualified", missing=("insulin",)
        )
    }


def test_the_only_qualified_member_on_shift_is_absent() -> None:
    # given A (insulin, on shift) is away; B (insulin) has the day off; C works but lacks insulin
    inst = instance(
        (customer("k1", demand("insulin", ("08:00", "09:00"), 15, delegations=("insulin",))),),
        (
            member("A", shifts(range(1), pause=None), delegations=("insulin",), absent=((0, 0),)),
            member("B", (), delegations=("insulin",)),
            member("C", shifts(range(1), pause=None)),
        ),
    )
    # when
    found = explain_unplanned(Plan(inst, (), (), (visit("k1", "insulin"),)))
    # then
    explanation = found[visit("k1", "insulin")]
    assert explanation.reason == "absence"
    assert explanation.staff == ("A",)
    assert explanation.proposals == (Proposal("extra-shift", ("B",)),)
    reason, proposals = explanation_text(
        explanation, inst.visit_by_id[visit("k1", "insulin")], {"A": "Anna", "B": "Berit"}.get
    )
    assert reason == (
        "Anna är frånvarande, och ingen annan behörig arbetar mellan 08:00 och 09:15."
    )
    assert proposals == ["Ett extra pass för Berit."]


def test_nobody_qualified_works_then_overtime_or_a_wider_window() -> None:
    # given A works 07:00-12:00 and the visit (30 min) starts 12:20-12:40, at the office
    inst = instance(
        (customer("k1", demand("lunch", ("12:20", "12:40"), 30)),),
        (member("A", shifts(range(1), end="12:00", pause=None)),),
    )
    # when
    explanation = explain_unplanned(Plan(inst, (), (), (visit("k1", "lunch"),)))[
        visit("k1", "lunch")
    ]
    # then: 50 minutes of overtime at 12:20, or the window opened 50 minutes earlier (11:30)
    assert explanation.reason == "not-on-shift"
    assert explanation.proposals == (
        Proposal("overtime", ("A",), 50, hm("12:20")),
        Proposal("widen-window", ("A",), 50, hm("11:30")),
    )
    _, proposals = explanation_text(explanation, inst.visit_by_id[visit("k1", "lunch")])
    assert proposals == [
        "50 minuters övertid för A, med besöket kl. 12:20.",
        "Vidga fönstret med 50 minuter, så kan A komma kl. 11:30.",
    ]


def test_the_peak_exceeds_the_staff_on_shift() -> None:
    # given A, the only one on shift, makes k1 and k2 08:00-09:00; k3 must start 08:00-08:30
    inst = instance(
        (
            customer("k1", demand("a", ("08:00", "08:00"), 30)),
            customer("k2", demand("b", ("08:30", "08:30"), 30)),
            customer("k3", demand("c", ("08:00", "08:30"), 30)),
        ),
        (member("A", shifts(range(1), pause=None)), member("B", ())),
    )
    made = Plan(
        inst,
        (
            PlannedVisit(visit("k1", "a"), hm("08:00"), ("A",)),
            PlannedVisit(visit("k2", "b"), hm("08:30"), ("A",)),
        ),
        (),
        (visit("k3", "c"),),
    )
    # when
    explanation = explain_unplanned(made)[visit("k3", "c")]
    # then
    assert explanation.reason == "peak"
    assert explanation.staff == ("A",)
    assert explanation.proposals == (
        Proposal("widen-window", ("A",), 30, hm("07:30")),
        Proposal("extra-shift", ("B",)),
    )


def test_there_is_time_but_not_with_the_travel() -> None:
    # given A is at the office 08:00-08:30 and 09:00-09:30; k3, 10 km away, must start 08:30
    far = north(10.0)
    inst = instance(
        (
            customer("k1", demand("a", ("08:00", "08:00"), 30)),
            customer("k2", demand("b", ("09:00", "09:00"), 30)),
            customer("k3", demand("c", ("08:30", "08:30"), 20), at=far),
        ),
        (member("A", shifts(range(1), pause=None)),),
    )
    made = Plan(
        inst,
        (
            PlannedVisit(visit("k1", "a"), hm("08:00"), ("A",)),
            PlannedVisit(visit("k2", "b"), hm("09:00"), ("A",)),
        ),
        (),
        (visit("k3", "c"),),
    )
    # when
    explanation = explain_unplanned(made)[visit("k3", "c")]
    # then
    assert inst.travel(inst.customers[0].location, far) > 10
    assert explanation.reason == "travel"


def test_room_the_solver_did_not_use_is_proposed_as_a_place() -> None:
    # given A has a free day with a break 11:00-11:30 and k1 (09:00-12:00) is left out
    inst = instance(
        (customer("k1", demand("a", ("09:00", "12:00"), 30)),),
        (member("A", shifts(range(1))),),
    )
    made = Plan(
        inst, (), (PlannedBreak("A", START, hm("11:00"), 30),), (visit("k1", "a"),)
    )
    # when
    explanation = explain_unplanned(made)[visit("k1", "a")]
    # then
    assert explanation.reason == "left-out"
    assert explanation.proposals == (Proposal("place", ("A",), 0, hm("09:00")),)


def test_a_double_staffed_visit_needs_two_free_at_once() -> None:
    # given A and B work, but B makes k1 08:00-09:00; the lift for k2 needs two at 08:00-08:30
    inst = instance(
        (
            customer("k1", demand("a", ("08:00", "08:00"), 60)),
            customer("k2", demand("lyft", ("08:00", "08:30"), 30, staff=2)),
        ),
        (member("A", shifts(range(1), pause=None)), member("B", shifts(range(1), pause=None))),
    )
    made = Plan(
        inst, (PlannedVisit(visit("k1", "a"), hm("08:00"), ("B",)),), (), (visit("k2", "lyft"),)
    )
    # when
    explanation = explain_unplanned(made)[visit("k2", "lyft")]
    # then: only one of them is free in the window; half an hour earlier both are
    assert explanation.reason == "peak"
    assert explanation.proposals == (Proposal("widen-window", ("A", "B"), 30, hm("07:30")),)


def test_what_the_planner_leaves_out_is_explained() -> None:
    # given one member and two customers whose visits must both start at 08:00
    inst = instance(
        (
            customer("k1", demand("a", ("08:00", "08:00"), 30)),
            customer("k2", demand("b", ("08:00", "08:00"), 30)),
        ),
        (member("A", shifts(range(1), pause=None)),),
    )
    # when
    made = plan(inst, time_limit=2, weights=Weights(), workers=1)
    found = explain_unplanned(made)
    # then
    assert len(made.unplanned) == 1
    (left,) = made.unplanned
    assert found[left].reason == "peak"
    assert found[left].proposals == (Proposal("widen-window", ("A",), 30, hm("07:30")),)


def test_room_left_by_the_search_is_taken_and_nothing_else_moves() -> None:
    from fastkontakt.domain.planning import check_plan
    from fastkontakt.domain.planning.explain import place_left_out

    # given a plan where A makes k1 at 08:00 and takes a break at 11:00; the double-staffed
    # shower of k2 (needs two) and k3's visit at 13:00-13:30 are left out, though A and B (who
    # makes nothing that day) have room; k4's visit at 05:00 is before every shift
    inst = instance(
        (
            customer("k1", demand("morgon", ("08:00", "09:00"), 30)),
            customer("k2", demand("dusch", ("09:00", "10:00"), 30, staff=2), at=north(1)),
            customer("k3", demand("lunch", ("13:00", "13:30"), 20), at=north(2)),
            customer("k4", demand("natt", ("05:00", "05:30"), 20)),
        ),
        (member("A", shifts(range(1))), member("B", shifts(range(1)))),
    )
    before = Plan(
        inst,
        (PlannedVisit(visit("k1", "morgon"), hm("08:00"), ("A",)),),
        (PlannedBreak("A", START, hm("11:00"), 30),),
        (visit("k2", "dusch"), visit("k3", "lunch"), visit("k4", "natt")),
    )
    # when
    after = place_left_out(before)
    # then the shower and the lunch are placed, the night visit stays out, and the plan holds
    # (B, who now works, takes the break the shift has)
    assert after.unplanned == (visit("k4", "natt"),)
    assert after.by_visit[visit("k1", "morgon")] == before.by_visit[visit("k1", "morgon")]
    assert after.by_visit[visit("k2", "dusch")].staff == ("A", "B")
    assert visit("k3", "lunch") in after.by_visit
    assert check_plan(after) == []
    assert PlannedBreak("B", START, hm("11:00"), 30) in after.breaks
    # and a plan with nothing left to place comes back as it was
    assert place_left_out(after) is after
