"""Storing a plan and reading it back: the same plan, rows as expected, the checker agrees."""

from __future__ import annotations

from collections import Counter

import pytest

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry
from fastkontakt.domain.planning import Weights, check_plan, plan
from fastkontakt.planning import models as m
from fastkontakt.planning.instances import plan_get, planning_instance_get
from fastkontakt.planning.plan_store import plan_store
from tests.planning.builders import DAYS, build_world, hand_made_plan, hm

COORDINATOR = Actor(user_id=None, username="koordinator", memberships=frozenset())


@pytest.mark.django_db
def test_a_stored_plan_is_rows_per_visit_and_break_and_logs_a_write_per_customer() -> None:
    # given
    w = build_world()
    made = hand_made_plan(w)
    assert check_plan(made) == []

    # when
    run = plan_store(actor=COORDINATOR, unit=w.unit, plan=made)

    # then
    rows = set(
        m.PlannedVisit.objects.filter(run=run).values_list(
            "person_id", "demand_id", "day", "start", "staff_id", "partner_id"
        )
    )
    d0, d1, d2 = w.dates
    karin, olle = w.karin.pk, w.olle.pk
    assert rows == {
        *((karin, w.morning.pk, d, hm("08:00"), w.anna.pk, None) for d in (d0, d1, d2)),
        *((karin, w.evening.pk, d, hm("19:30"), w.cecilia.pk, None) for d in (d0, d1, d2)),
        (olle, w.shower.pk, d1, hm("10:00"), w.bo.pk, None),
    }
    assert m.PlannedBreak.objects.filter(run=run).count() == 7
    assert (run.status, run.start, run.days, run.created_by) == (
        "current",
        w.start,
        DAYS,
        "koordinator",
    )
    assert (run.planned_visits, run.unplanned_visits, run.objective) == (7, 0, 123)
    # Karin: 6 visits by Anna and Cecilia; Anna, her contact, makes the 3 mornings.
    continuity = m.CustomerContinuity.objects.get(run=run, person=w.karin)
    assert (continuity.visits, continuity.distinct_staff, continuity.visits_by_contact) == (6, 2, 3)
    writes = Counter(
        AccessLogEntry.objects.filter(action="write").values_list("personal_id", "what")
    )
    assert writes == Counter(
        {(w.karin.personal_id, "planning.plan"): 1, (w.olle.personal_id, "planning.plan"): 1}
    )


@pytest.mark.django_db
def test_a_stored_plan_reads_back_as_the_same_plan_and_the_checker_passes_it() -> None:
    # given
    w = build_world()
    instance = planning_instance_get(unit_pk=w.unit.pk, start=w.start, days=DAYS).instance
    made = plan(instance, time_limit=1, weights=Weights(), workers=1)

    # when
    run = plan_store(actor=COORDINATOR, unit=w.unit, plan=made)
    back = plan_get(run=run)

    # then
    assert back.instance == instance
    assert back.visits == made.visits
    assert sorted(back.breaks, key=repr) == sorted(made.breaks, key=repr)
    assert back.unplanned == made.unplanned == ()
    assert check_plan(back) == []
    assert back.stats == made.stats
    assert run.travel_minutes == made.stats["travel_minutes"]


@pytest.mark.django_db
def test_a_new_plan_supersedes_the_current_one() -> None:
    # given
    w = build_world()
    first = plan_store(actor=COORDINATOR, unit=w.unit, plan=hand_made_plan(w))

    # when
    second = plan_store(actor=COORDINATOR, unit=w.unit, plan=hand_made_plan(w), previous_run=first)

    # then
    first.refresh_from_db()
    assert (first.status, second.status, second.previous_id) == ("superseded", "current", first.pk)
    assert m.PlanRun.objects.filter(unit=w.unit, status="current").get() == second
    assert check_plan(plan_get(run=first)) == check_plan(plan_get(run=second)) == []
