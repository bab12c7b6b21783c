"""The problem model: the travel-time model, visits of the horizon, who can cover a visit."""

from __future__ import annotations

from fastkontakt.domain.planning import SpeedModel
from fastkontakt.domain.planning.generator import generate
from fastkontakt.domain.planning.model import can_cover
from tests.domain.planning.builders import (
    OFFICE,
    START,
    customer,
    demand,
    instance,
    member,
    north,
    shifts,
)


def test_travel_minutes_follow_the_documented_speed_model() -> None:
    # given 30 km/h, roads 1.35 times the straight line, 2 minutes to park
    speed = SpeedModel()
    # when
    minutes = [speed.minutes(OFFICE, north(km)) for km in (0, 1, 3, 10)]
    # then 1 km -> ceil(2.7) + 2, 3 km -> ceil(8.1) + 2, 10 km -> 27 + 2
    assert minutes == [0, 5, 11, 29]
    assert round(speed.km(OFFICE, north(10)), 3) == 10.0


def test_a_faster_model_is_a_drop_in_replacement() -> None:
    # when
    minutes = SpeedModel(kmh=60, detour=1.0, stop_minutes=0).minutes(OFFICE, north(10))
    # then
    assert minutes == 10


def test_visits_of_the_horizon_by_weekday() -> None:
    # given Monday and Tuesday; a daily visit and one on Tuesdays only
    inst = instance(
        (customer("k1", demand("morgon"), demand("dusch", days=("tue",))),), (), days=2
    )
    # when
    ids = [v.id for v in inst.visits]
    # then
    assert ids == ["k1/morgon/2026-11-23", "k1/morgon/2026-11-24", "k1/dusch/2026-11-24"]


def test_who_can_cover_a_visit() -> None:
    # given a visit 08:00-09:00 start, 30 minutes, needing insulin
    visit = instance((customer("k1", demand(delegations=("insulin",))),), ()).visits[0]
    # when
    able = {
        name: can_cover(staff, visit)
        for name, staff in {
            "day": member("A", shifts(range(1)), delegations=("insulin",)),
            "no delegation": member("B", shifts(range(1))),
            "absent": member("C", shifts(range(1)), delegations=("insulin",), absent=((0, 0),)),
            "evening": member("D", shifts(range(1), "14:00", "22:00"), delegations=("insulin",)),
            "ends 08:29": member("E", shifts(range(1), "06:00", "08:29"),
                                 delegations=("insulin",)),
            "ends 08:30": member("F", shifts(range(1), "06:00", "08:30", pause=None),
                                 delegations=("insulin",)),
        }.items()
    }
    # then
    assert able == {
        "day": True, "no delegation": False, "absent": False, "evening": False,
        "ends 08:29": False, "ends 08:30": True,
    }
    assert visit.day == START


def test_generator_is_deterministic_by_seed_and_sized_as_asked() -> None:
    # when
    first = generate(customers=60, staff=15, seed=7)
    again = generate(customers=60, staff=15, seed=7)
    other = generate(customers=60, staff=15, seed=8)
    # then
    assert first == again
    assert first != other
    assert (len(first.customers), len(first.staff), first.days) == (60, 15, 14)
    assert all(c.fast_omsorgskontakt is None or c.fast_omsorgskontakt in first.staff_by_id
               for c in first.customers)
    worked = [len(s.shifts) for s in first.staff]
    assert min(worked) >= 8
    assert max(worked) <= 10


def test_the_municipality_shapes_differ_as_their_names_say() -> None:
    from fastkontakt.domain.planning.generator import CENTRE, SHAPES
    from fastkontakt.domain.planning.model import Instance

    # when
    made = {name: generate(customers=120, staff=30, days=7, seed=3, shape=shape)
            for name, shape in SHAPES.items()}
    town = generate(customers=120, staff=30, days=7, seed=3)
    speed = town.speed

    def far(instance: Instance) -> int:
        return sum(1 for c in instance.customers if speed.km(CENTRE, c.location) >= 8)

    def evening(instance: Instance) -> int:
        return sum(1 for v in instance.visits if v.earliest >= 16 * 60)

    def double(instance: Instance) -> int:
        return sum(1 for v in instance.visits if v.staff_count > 1)

    # then
    assert made == {name: generate(customers=120, staff=30, days=7, seed=3, shape=shape)
                    for name, shape in SHAPES.items()}
    assert far(town) == far(made["dense-town"]) == 0
    assert far(made["town-villages"]) > 20
    assert len({s.location for s in made["town-villages"].staff}) == 2  # the town's offices
    inland_offices = {s.location for s in made["sparse-inland"].staff}
    assert sum(1 for o in inland_offices if speed.km(CENTRE, o) >= 15) == 6
    assert evening(made["evening-heavy"]) > 1.3 * evening(town)
    assert double(made["many-double"]) > 3 * double(town)
    shifts = {(s.start, s.end) for m in made["town-villages"].staff for s in m.shifts}
    assert shifts == {(7 * 60, 16 * 60), (13 * 60 + 30, 21 * 60 + 30)}


def test_staffed_to_demand_no_shift_type_is_short_on_its_busiest_day() -> None:
    from fastkontakt.domain.planning.generator import SHAPES, UTILISATION, shift_loads

    for name, shape in SHAPES.items():
        # given a municipality staffed to its demand
        staffed = generate(customers=120, staff=None, seed=3, shape=shape)
        # then each shift type needs at most UTILISATION of the staff it has on its busiest day,
        # where the same municipality with a fixed 30 staff is short
        for kind, (need, present, members) in shift_loads(staffed, shape).items():
            assert members > 0, (name, kind)
            assert need <= UTILISATION * present, (name, kind, need, present)
        fixed = shift_loads(generate(customers=120, staff=30, seed=3, shape=shape), shape)
        assert any(need > UTILISATION * present for need, present, _ in fixed.values()), name
        assert staffed == generate(customers=120, staff=None, seed=3, shape=shape)


def test_the_peak_counts_when_staffing_to_demand() -> None:
    from fastkontakt.domain.planning.generator import TOWN, shift_loads

    # given twenty morning visits of 30 minutes that must all start 08:00-08:30 (a peak of an
    # hour), on a day with one day-shift member present
    from tests.domain.planning.builders import customer, demand, instance, member, north, shifts

    customers = tuple(
        customer(f"k{i}", demand("morgon", ("08:00", "08:30"), 30), at=north(i / 10))
        for i in range(20)
    )
    inst = instance(customers, (member("A", shifts((0,), "07:00", "15:30")),))
    # when
    need, present, members = shift_loads(inst, TOWN)["day"]
    # then the peak (20 visits of 30 minutes plus the travel to the nearest neighbour, 3
    # minutes, within an hour) needs 11 staff, not the 1.4 that the day's minutes over the
    # shift's 480 would say
    assert (present, members) == (1, 1)
    assert need == 20 * 33 / 60
