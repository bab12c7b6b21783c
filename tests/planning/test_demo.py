"""The demo's planning data: every home-care unit gets some, the demo user's unit a plan."""

from __future__ import annotations

import io
from datetime import date

import pytest

from fastkontakt.cli import main
from fastkontakt.demo.planning import planning_demo_seed
from fastkontakt.demo.population import demo_scenario
from fastkontakt.domain.planning import check_plan
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import plan_get
from fastkontakt.registry.models import HomeCareDecision, Unit
from fastkontakt.registry.services import scenario_load

AS_OF = date(2026, 11, 23)


@pytest.mark.django_db
def test_the_demo_gets_planning_data_for_every_home_care_unit_and_a_checked_plan() -> None:
    # given
    scenario_load(scenario=demo_scenario(people=400, seed=1, as_of=AS_OF))
    units = list(Unit.objects.filter(type="hemtjanst").order_by("hsa_id"))

    # when
    summary = planning_demo_seed(as_of=AS_OF, time_limit=1, days=3)

    # then
    assert summary.units == len(units) > 1
    assert set(m.StartLocation.objects.values_list("unit_id", flat=True)) == {u.pk for u in units}
    assert m.PlanningStaff.objects.count() == summary.staff > 0
    customers = set(
        HomeCareDecision.objects.filter(unit__in=units, start__lte=AS_OF)
        .exclude(end__lt=AS_OF)
        .values_list("person_id", flat=True)
    )
    assert set(m.CustomerLocation.objects.values_list("person_id", flat=True)) == customers
    assert summary.customers == len(customers)
    run = m.PlanRun.objects.get()
    assert (run.unit, run.start, run.days, run.status) == (units[0], AS_OF, 3, "current")
    assert check_plan(plan_get(run=run)) == []
    assert str(summary).startswith(
        f"Besöksplanering: underlag för {len(units)} hemtjänstenheter ({len(customers)} kunder"
    )


@pytest.mark.django_db
def test_seed_demo_plans_and_replace_starts_the_planning_over() -> None:
    # given
    out = io.StringIO()
    assert main(["seed-demo", "--people", "150", "--as-of", "2026-11-23"], out=out) == 0
    first = m.PlanRun.objects.get()

    # when
    again = io.StringIO()
    code = main(["seed-demo", "--people", "150", "--replace", "--as-of", "2026-11-23"], out=again)

    # then
    assert code == 0
    assert "Besöksplanering: underlag för" in out.getvalue()
    assert "Besöksplanering: underlag för" in again.getvalue()
    run = m.PlanRun.objects.get()
    assert run.pk != first.pk
    assert check_plan(plan_get(run=run)) == []
