"""The planning pages: who may see them, what they show, what they log, and bad input."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.actors import Actor
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.domain.planning import PlannedVisit
from fastkontakt.planning import models as m
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.registry.models import Absence
from tests.access.helpers import make_user, signed_in
from tests.factories import PersonFactory, StaffFactory, UnitFactory
from tests.planning.builders import World, build_world, hand_made_plan, hm

SYSTEM = Actor(user_id=None, username="test", memberships=frozenset())


@pytest.fixture
def w() -> World:
    world = build_world()
    plan_store(actor=SYSTEM, unit=world.unit, plan=hand_made_plan(world))
    return world


@pytest.fixture
def client(w: World) -> Client:
    return signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))


def reads(what: str) -> Counter[str]:
    return Counter(
        AccessLogEntry.objects.filter(action="read", what=what).values_list(
            "personal_id", flat=True
        )
    )


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
def test_the_day_list_shows_each_staff_members_day_in_order_and_logs_the_names_shown(
    w: World, client: Client
) -> None:
    # given
    url = reverse("web:planning_plan", args=[w.unit.pk])

    # when
    response = client.get(url, {"dag": w.start.isoformat()})

    # then
    assert response.status_code == 200
    page = text(response)
    page = page[page.index('<section class="plan-day">') :]  # after the staff selector
    anna = page[page.index("Anna Alm") : page.index("Bo Berg")]
    assert re.findall(r'class="time">([0-9:–]+)<', anna) == ["08:00–08:25", "10:30–11:00"]
    assert "5 min resa" in anna
    assert "Karin Lind" in anna
    assert "Morgonbesök" in anna
    assert 'title="Kundens fasta omsorgskontakt">FOK' in anna
    assert "1 besök, 25 min hos kunder, 10 min resa" in anna
    cecilia = page[page.index("Cecilia Ek") :]
    assert re.findall(r'class="time">([0-9:–]+)<', cecilia)[:2] == ["16:00–16:30", "19:30–19:50"]
    assert "Olle Berg" not in page  # his shower is on the second day
    assert reads("planning.plan") == Counter({w.karin.personal_id: 1})


@pytest.mark.django_db
def test_one_staff_members_fourteen_days_are_one_page(w: World, client: Client) -> None:
    # when
    response = client.get(reverse("web:planning_plan", args=[w.unit.pk]), {"medarbetare": w.bo.pk})

    # then
    page = text(response)
    assert response.status_code == 200
    assert page.count('<section class="staff-day">') == 3
    assert "Olle Berg" in page
    assert "Karin Lind" not in page
    assert reads("planning.plan") == Counter({w.olle.personal_id: 1})


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["planning_plan", "planning_customers", "planning_replan"])
def test_planning_pages_need_a_planning_role_at_the_unit(w: World, name: str) -> None:
    # given staff of the unit, and a coordinator of another unit
    staff = signed_in(make_user("medarbetare", [(Role.STAFF, w.unit)]))
    other = signed_in(make_user("annan", [(Role.COORDINATOR, UnitFactory(type="hemtjanst"))]))
    url = reverse(f"web:{name}", args=[w.unit.pk])

    # when
    answers = [
        staff.get(url).status_code,
        other.get(url).status_code,
        staff.post(url, {"action": "replan"}).status_code,
    ]

    # then
    assert answers == [403, 403, 403 if name == "planning_replan" else 405]
    assert m.PlanJob.objects.count() == 0
    assert AccessLogEntry.objects.filter(action="read").count() == 0


@pytest.mark.django_db
def test_the_continuity_panel_and_job_pages_need_a_planning_role_too(w: World) -> None:
    # given
    staff = signed_in(make_user("medarbetare", [(Role.STAFF, w.unit)]))
    job = m.PlanJob.objects.create(unit=w.unit, created_by_name="x", time_limit=1)

    # when
    answers = [
        staff.get(reverse("web:planning_customer", args=[w.unit.pk, w.karin.pk])).status_code,
        staff.get(reverse("web:planning_job", args=[w.unit.pk, job.pk])).status_code,
        staff.get(reverse("web:planning_job_status", args=[w.unit.pk, job.pk])).status_code,
    ]

    # then
    assert answers == [403, 403, 403]
    assert AccessLogEntry.objects.exclude(action="write").count() == 0


@pytest.mark.django_db
def test_a_unit_that_is_not_home_care_is_not_found(client: Client) -> None:
    # given
    clinic = UnitFactory(type="primarvard")

    # when
    response = client.get(reverse("web:planning_plan", args=[clinic.pk]))

    # then
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_index_lists_the_home_care_units_where_the_user_plans(w: World) -> None:
    # given
    clinic = UnitFactory(name="Vårdcentralen Syd", type="primarvard")
    user = make_user("chef", [(Role.UNIT_MANAGER, w.unit), (Role.HEAD_OF_UNIT, clinic)])

    # when
    page = text(signed_in(user).get(reverse("web:planning")))

    # then
    assert "Hemtjänst Norr" in page
    assert "Vårdcentralen Syd" not in page


@pytest.mark.django_db
def test_the_continuity_panel_shows_who_visits_how_often_and_logs_the_read(
    w: World, client: Client
) -> None:
    # when
    response = client.get(reverse("web:planning_customer", args=[w.unit.pk, w.karin.pk]))

    # then
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Karin Lind" in page
    rows = re.findall(r"<tr><td>([^<]+)(?:<abbr[^>]*>FOK</abbr>)?</td><td>(\d+)</td></tr>", page)
    assert rows == [("Anna Alm ", "3"), ("Cecilia Ek", "3")]
    assert "3 av 6 (50 %)" in page
    assert "<dt>Fast omsorgskontakt</dt><dd>Anna Alm</dd>" in page
    # Karin is 90 (65+) but has two visits a day: she is in the indicator, bound 2 (one
    # day staff member with medicines and one evening staff member).
    assert '<dt>Olika personal</dt><dd>2 <span class="muted">(undre gräns 2)</span>' in page
    assert reads("planning.continuity") == Counter({w.karin.personal_id: 1})


@pytest.mark.django_db
def test_a_customer_outside_the_plan_or_the_care_relationship_is_not_found(
    w: World, client: Client
) -> None:
    # given a person outside the plan, and Olle whose home care ended yesterday
    stranger = PersonFactory(name="Stina Ström")
    w.olle_decision.end = timezone.localdate() - timedelta(days=1)
    w.olle_decision.save()

    # when
    outside = client.get(reverse("web:planning_customer", args=[w.unit.pk, stranger.pk]))
    ended = client.get(reverse("web:planning_customer", args=[w.unit.pk, w.olle.pk]))

    # then
    assert (outside.status_code, ended.status_code) == (404, 404)
    assert "Olle Berg" not in text(ended)
    for person in (w.olle, stranger):
        entries = AccessLogEntry.objects.filter(personal_id=person.personal_id)
        assert [(e.action, e.flags) for e in entries.filter(what="planning.continuity")] == [
            ("denied", "no_relationship")
        ]


@pytest.mark.django_db
def test_an_absence_that_ends_before_it_starts_is_refused_in_swedish_and_saves_nothing(
    w: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    url = reverse("web:planning_replan", args=[w.unit.pk])
    data = {
        "action": "absence",
        "staff": w.anna.pk,
        "start": w.dates[2].isoformat(),
        "end": w.dates[1].isoformat(),
    }

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, data)

    # then
    assert response.status_code == 400
    assert "Sista dagen är före den första." in text(response)
    assert (Absence.objects.count(), m.PlanJob.objects.count(), len(callbacks)) == (0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["unknown", "elsewhere"])
def test_an_unknown_staff_member_is_refused_in_swedish_and_saves_nothing(
    w: World, client: Client, who: str, django_capture_on_commit_callbacks: Any
) -> None:
    # given a staff number that does not exist, or staff not planned at the unit
    staff_pk = 999_999 if who == "unknown" else StaffFactory().pk
    url = reverse("web:planning_replan", args=[w.unit.pk])
    day = w.dates[1].isoformat()

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url, {"action": "absence", "staff": staff_pk, "start": day, "end": day}
        )

    # then
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ." in text(response)
    assert (Absence.objects.count(), m.PlanJob.objects.count(), len(callbacks)) == (0, 0, 0)


@pytest.mark.django_db
def test_registering_an_absence_queues_a_replanning_whose_progress_the_page_polls(
    w: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    url = reverse("web:planning_replan", args=[w.unit.pk])
    day = w.dates[1].isoformat()

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url, {"action": "absence", "staff": w.anna.pk, "start": day, "end": day}
        )

    # then
    job = m.PlanJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:planning_job", args=[w.unit.pk, job.pk])
    assert (job.status, job.absence, len(callbacks)) == ("queued", Absence.objects.get(), 1)
    assert list(Absence.objects.values_list("staff_id", "start", "end")) == [
        (w.anna.pk, w.dates[1], w.dates[1])
    ]

    # and while it runs
    m.PlanJob.objects.filter(pk=job.pk).update(
        status="running",
        progress=40,
        message="Planerar: 8 s av ungefär 20 s.",
        heartbeat_at=timezone.now(),
    )
    page = text(client.get(response["Location"]))
    fragment = text(client.get(reverse("web:planning_job_status", args=[w.unit.pk, job.pk])))
    status_url = reverse("web:planning_job_status", args=[w.unit.pk, job.pk])
    assert f'hx-get="{status_url}" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress id="job-progress" max="100" value="40">' in page
    assert "Planerar: 8 s av ungefär 20 s." in page
    assert "efter frånvaro för Anna Alm" in page
    assert fragment.startswith(' <div id="job-status"')
    assert '<progress id="job-progress" max="100" value="40">' in fragment
    assert "<html" not in fragment


@pytest.mark.django_db
def test_a_finished_replanning_shows_what_changed_and_stops_polling(
    w: World, client: Client
) -> None:
    # given Bo took over Karin's morning on the second day
    base = m.PlanRun.objects.get()
    before = hand_made_plan(w)
    moved = f"p{w.karin.pk}/d{w.morning.pk}/{w.dates[1]}"
    visits = tuple(
        PlannedVisit(v.visit, hm("08:45"), (f"s{w.bo.pk}",)) if v.visit == moved else v
        for v in before.visits
    )
    run = plan_store(
        actor=SYSTEM, unit=w.unit, plan=replace(before, visits=visits), previous_run=base
    )
    job = m.PlanJob.objects.create(
        unit=w.unit,
        status="done",
        progress=100,
        created_by_name="koordinator",
        time_limit=1,
        message="Klar: 7 besök planerade, 1 med ändrad personal mot förra planen.",
        base_run=base,
        result_run=run,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )

    # when
    page = text(client.get(reverse("web:planning_job", args=[w.unit.pk, job.pk])))

    # then
    assert "hx-trigger" not in page
    assert "http-equiv" not in page
    assert "Klar: 7 besök planerade, 1 med ändrad personal mot förra planen." in page
    # the list's count agrees with the message's: 1 with other staff, none with only a new time
    assert "1 med ändrad personal och 0 med bara ny tid." in page
    assert "6 besök är oförändrade." in page
    rows = re.findall(
        r"<tr><td>[^<]+</td><td><a [^>]+>([^<]+)</a></td><td>([^<]+)</td>"
        r"<td>([^<]+)</td><td>([^<]+)</td></tr>",
        page,
    )
    assert rows == [("Karin Lind", "Morgonbesök", "08:00 Anna Alm", "08:45 Bo Berg")]
    assert ">Karin Lind</a>: Bo Berg</li>" in page
    assert reads("planning.changes") == Counter({w.karin.personal_id: 1})


@pytest.mark.django_db
def test_the_replan_button_queues_a_job_without_an_absence(
    w: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("web:planning_replan", args=[w.unit.pk]), {"action": "replan"}
        )

    # then
    job = m.PlanJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.absence_id, job.created_by_name, len(callbacks)) == (
        "queued",
        None,
        "koordinator",
        1,
    )
    assert Absence.objects.count() == 0


@pytest.mark.django_db
def test_a_job_of_another_unit_is_not_found(w: World, client: Client) -> None:
    # given a job of another unit, asked for under this unit's address
    other = UnitFactory(type="hemtjanst")
    job = m.PlanJob.objects.create(unit=other, created_by_name="x", time_limit=1)

    # when
    page = client.get(reverse("web:planning_job", args=[w.unit.pk, job.pk]))
    fragment = client.get(reverse("web:planning_job_status", args=[w.unit.pk, job.pk]))

    # then
    assert (page.status_code, fragment.status_code) == (404, 404)
