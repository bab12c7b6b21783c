"""Planned against made (``planning.visits_made``), the page and the commands: the indicator
of an imported file checked by hand, missed and extra visits against a plan, who may see it."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.actors import Actor, system_actor
from fastkontakt.access.models import AccessLogEntry, Role
from fastkontakt.cli import main
from fastkontakt.planning.plan_store import plan_store
from fastkontakt.planning.visits_made import period_comparison
from fastkontakt.registry.models import HomeCareDecision, Staff, Visit
from fastkontakt.registry.services.visits import visits_import
from tests.access.helpers import make_user, signed_in
from tests.factories import PersonFactory, StaffFactory, StaffUnitFactory, UnitFactory
from tests.planning.builders import World, build_world, hand_made_plan

HEADER = "personnummer;medarbetare;start;slut;typ\n"
OPERATOR = replace(system_actor("cli:test"), region_wide=True)
SYSTEM = Actor(user_id=None, username="test", memberships=frozenset())


def line(person: str, staff: Staff, day: date, hhmm: str, kind: str = "omsorg") -> str:
    start = datetime.fromisoformat(f"{day.isoformat()} {hhmm}")
    end = start + timedelta(minutes=20)
    return f"{person};{staff.hsa_id};{start:%Y-%m-%d %H:%M};{end:%Y-%m-%d %H:%M};{kind}\n"


def csv(lines: list[str]) -> bytes:
    return (HEADER + "".join(lines)).encode()


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def w() -> World:
    return build_world()


def two_weeks_made(w: World) -> tuple[date, Staff, bytes]:
    """14 days up to yesterday, by hand:

    - Karin (born 1936; Anna is her fast omsorgskontakt): Anna every morning at 08:00,
      Cecilia the evenings of the first week and Bo those of the second at 19:30; Dan's alarm
      call-out at noon on day 3 and his 06:30 visit on day 5 do not count. 28 visits, 3 staff,
      14 by the contact.
    - Greta (born 1942, no contact): Bo every morning and evening but the last evening
      (Cecilia); Dan's visit at 22:00 on day 6 does not count. 28 visits, 2 staff.
    - Olle (born 1950): Bo on the first five days only, so not in the population.
    """
    start = timezone.localdate() - timedelta(days=14)
    dan = StaffFactory(name="Dan Dahl")
    StaffUnitFactory(staff=dan, unit=w.unit)
    k, g, o = w.karin.personal_id, w.greta.personal_id, w.olle.personal_id
    lines = []
    for i in range(14):
        day = start + timedelta(days=i)
        lines.append(line(k, w.anna, day, "08:00"))
        lines.append(line(k, w.cecilia if i < 7 else w.bo, day, "19:30"))
        lines.append(line(g, w.bo, day, "08:00"))
        lines.append(line(g, w.bo if i < 13 else w.cecilia, day, "18:00"))
        if i < 5:
            lines.append(line(o, w.bo, day, "10:00"))
    lines.append(line(k, dan, start + timedelta(days=3), "12:00", "larm"))
    lines.append(line(k, dan, start + timedelta(days=5), "06:30"))
    lines.append(line(g, dan, start + timedelta(days=6), "22:00"))
    return start, dan, csv(lines)


@pytest.mark.django_db
def test_an_import_of_made_visits_gives_the_hand_computed_indicator(w: World) -> None:
    # given
    start, _dan, data = two_weeks_made(w)

    # when
    imported = visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=data)
    period = period_comparison(unit_pk=w.unit.pk, start=start)

    # then
    assert (imported.lines, imported.created, imported.people) == (64, 64, 3)
    rows = {
        c.person_pk: (c.included, c.made.visits, c.made.distinct_staff, c.made.visits_by_contact)
        for c in period.customers
    }
    assert rows == {
        w.karin.pk: (True, 28, 3, 14),
        w.greta.pk: (True, 28, 2, 0),
        w.olle.pk: (False, 5, 1, 0),
    }
    assert period.median_made == 2.5
    assert period.indicator.median_contact_share == 0.5
    assert period.contact_share_made == 0.5
    assert period.run is None
    assert (period.median_planned, period.visits_planned) == (None, None)


@pytest.mark.django_db
def test_visits_report_prints_the_same_indicator_and_logs_each_customer_read(w: World) -> None:
    # given
    start, _dan, data = two_weeks_made(w)
    visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=data)
    out = io.StringIO()

    # when
    code = main(
        ["visits-report", "--unit", w.unit.hsa_id, "--from", start.isoformat(), "--format",
         "json"],
        out=out,
    )

    # then
    assert code == 0
    report = json.loads(out.getvalue())
    assert report["median_distinct_staff_made"] == 2.5
    assert report["contact_share_made"] == 0.5
    assert report["median_distinct_staff_planned"] is None
    karin = next(c for c in report["customers"] if c["customer"] == w.karin.personal_id)
    assert (karin["included"], karin["visits_made"], karin["distinct_staff_made"]) == (
        True, 28, 3
    )
    assert Counter(
        AccessLogEntry.objects.filter(what="visits.report").values_list("personal_id", flat=True)
    ) == Counter({w.karin.personal_id: 1, w.greta.personal_id: 1, w.olle.personal_id: 1})


@pytest.mark.django_db
def test_visits_import_command_imports_a_file_once_and_refuses_bad_lines_with_exit_2(
    w: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    _start, _dan, data = two_weeks_made(w)
    good = tmp_path / "besok.csv"
    good.write_bytes(data)
    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv([line(w.karin.personal_id, w.anna, date(2026, 1, 1), "08:00", "dusch")]))
    out = io.StringIO()

    # when
    codes = [main(["visits-import", str(p), "--unit", w.unit.hsa_id], out=out)
             for p in (good, good, bad)]

    # then
    assert codes == [0, 0, 2]
    assert out.getvalue().splitlines() == [
        "Inläst: 64 besök i filen, 64 nya, 0 redan inlästa, 3 personer med nya besök.",
        "Inläst: 64 besök i filen, 0 nya, 64 redan inlästa, 0 personer med nya besök.",
    ]
    assert capsys.readouterr().err.splitlines() == [
        "rad 2: Typen 'dusch' finns inte (välj omsorg, serviceinsats, matdistribution, larm)."
    ]
    assert Visit.objects.count() == 64
    assert main(["visits-import", str(good), "--unit", "SE0000000000-x"], out=out) == 2


@pytest.mark.django_db
def test_planned_against_made_counts_missed_and_extra_visits_per_customer_and_day(
    w: World,
) -> None:
    # given: the plan (Anna Karin's mornings at 08:00, Cecilia her evenings, Bo Olle's
    # shower on day 2) and what was made, imported once the three days have passed
    plan_store(actor=SYSTEM, unit=w.unit, plan=hand_made_plan(w))
    d1, d2, d3 = w.dates
    k = w.karin.personal_id
    made = csv([
        line(k, w.anna, d1, "08:05"), line(k, w.bo, d1, "19:40"),
        line(k, w.anna, d2, "08:00"),  # the evening was missed
        line(k, w.bo, d3, "08:10"), line(k, w.cecilia, d3, "19:30"),
        line(k, w.bo, d3, "13:00"),  # an extra visit
        line(w.olle.personal_id, w.bo, d2, "10:00"),
    ])
    later = timezone.now() + timedelta(days=5)
    visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=made, now=later)

    # when
    period = period_comparison(unit_pk=w.unit.pk, start=w.start, as_of=later.date())
    before = period_comparison(unit_pk=w.unit.pk, start=w.start)

    # then: the days had not passed before, so nothing was missed yet
    assert (before.compared_days, before.missed, before.extra) == (0, 0, 0)
    rows = {
        c.person_pk: (
            c.planned and (c.planned.visits, c.planned.distinct_staff, c.planned.visits_by_contact),
            (c.made.visits, c.made.distinct_staff, c.made.visits_by_contact),
            c.missed,
            c.extra,
        )
        for c in period.customers
    }
    assert rows[w.karin.pk] == ((6, 2, 3), (6, 3, 2), 1, 1)
    assert rows[w.olle.pk] == ((1, 1, 0), (1, 1, 0), 0, 0)
    assert rows[w.greta.pk] == ((0, 0, 0), (0, 0, 0), 0, 0)  # her visits were left unplanned
    assert (period.planned_days, period.compared_days) == (3, 3)
    assert (period.visits_planned, period.visits_made) == (7, 7)
    assert (period.missed, period.extra) == (1, 1)
    # each side's own population: Karin has two visits every day in both
    assert (period.median_planned, period.median_made) == (2, None)
    assert period.contact_share_planned == 0.5
    assert period.contact_share_made == pytest.approx(2 / 6)


# --- the page ------------------------------------------------------------------------------------


def page_url(w: World) -> str:
    return reverse("web:planning_visits_made", args=[w.unit.pk])


@pytest.mark.django_db
def test_the_page_shows_each_customer_planned_against_made_and_logs_the_names(w: World) -> None:
    # given
    start, _dan, data = two_weeks_made(w)
    visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=data)
    client = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))

    # when
    response = client.get(page_url(w), {"fran": start.isoformat()})

    # then
    assert response.status_code == 200
    page = text(response)
    assert "Median olika personal, utfört</dt><dd>2,5</dd>" in page
    karin = page[page.index("Karin Lind") : page.index("</tr>", page.index("Karin Lind"))]
    assert re.findall(r"<td>([^<]*)</td>", karin)[:2] == ["3", "–"]
    assert "14 av 28 (50 %)" in karin
    assert Counter(
        AccessLogEntry.objects.filter(what="planning.visits_made").values_list(
            "personal_id", flat=True
        )
    ) == Counter({w.karin.personal_id: 1, w.greta.personal_id: 1, w.olle.personal_id: 1})


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.UNIT_MANAGER, Role.HEAD_OF_UNIT])
def test_planning_roles_see_the_page_and_the_customer_page(w: World, role: str) -> None:
    start, _dan, data = two_weeks_made(w)
    visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=data)
    client = signed_in(make_user("chef", [(role, w.unit)]))
    customer = reverse("web:planning_customer_visits", args=[w.unit.pk, w.karin.pk])
    assert client.get(page_url(w)).status_code == 200
    response = client.get(customer, {"fran": start.isoformat()})
    assert response.status_code == 200
    page = text(response)
    assert "Fast omsorgskontakt: Anna Alm" in page
    assert page.count('title="Kundens fasta omsorgskontakt">FOK') == 14
    assert "14 av 28 (50 %)" in page


@pytest.mark.django_db
def test_other_roles_and_other_units_are_refused(w: World) -> None:
    other = UnitFactory(type="hemtjanst")
    staff_member = signed_in(make_user("personal", [(Role.STAFF, w.unit)]))
    elsewhere = signed_in(make_user("annan", [(Role.COORDINATOR, other)]))
    customer = reverse("web:planning_customer_visits", args=[w.unit.pk, w.karin.pk])
    for client in (staff_member, elsewhere):
        assert client.get(page_url(w)).status_code == 403
        assert client.get(customer).status_code == 403
    assert Client().get(page_url(w)).status_code == 302  # to the login page


@pytest.mark.django_db
def test_another_units_customer_answers_404_and_the_attempt_is_logged(w: World) -> None:
    # given: Sven has home care at another unit only
    other = UnitFactory(type="hemtjanst")
    sven = PersonFactory(name="Sven Söder")
    HomeCareDecision.objects.create(
        person=sven, unit=other, start=timezone.localdate() - timedelta(days=50),
        services=["personlig_omvardnad"],
    )
    client = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))

    # when
    response = client.get(reverse("web:planning_customer_visits", args=[w.unit.pk, sven.pk]))
    missing = client.get(reverse("web:planning_customer_visits", args=[w.unit.pk, 999999]))

    # then
    assert (response.status_code, missing.status_code) == (404, 404)
    assert "Sven" not in text(response)
    assert list(
        AccessLogEntry.objects.filter(what="planning.visits_made").values_list(
            "personal_id", "action"
        )
    ) == [(sven.personal_id, "denied")]


@pytest.mark.django_db
def test_a_coordinator_uploads_a_time_report_and_a_bad_one_is_refused_whole(w: World) -> None:
    # given
    start, _dan, data = two_weeks_made(w)
    client = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))
    bad = data + f"{w.karin.personal_id};{w.anna.hsa_id};2026-11-02 08:00;;omsorg\n".encode()

    # when
    refused = client.post(page_url(w), {"file": SimpleUploadedFile("fel.csv", bad)})
    saved_after_refusal = Visit.objects.count()
    good = client.post(page_url(w), {"file": SimpleUploadedFile("besok.csv", data)})

    # then
    assert refused.status_code == 400
    assert "Rad 66: Sluttiden &#x27;&#x27; ska skrivas ÅÅÅÅ-MM-DD TT:MM." in text(refused)
    assert saved_after_refusal == 0
    assert good.status_code == 200
    assert "Inläst: 64 besök i filen, 64 nya, 0 redan inlästa." in text(good)
    assert Visit.objects.count() == 64


@pytest.mark.django_db
def test_an_upload_without_a_file_or_by_staff_saves_nothing(w: World) -> None:
    _start, _dan, data = two_weeks_made(w)
    coordinator = signed_in(make_user("koordinator", [(Role.COORDINATOR, w.unit)]))
    staff_member = signed_in(make_user("personal", [(Role.STAFF, w.unit)]))
    assert coordinator.post(page_url(w), {}).status_code == 400
    upload = {"file": SimpleUploadedFile("besok.csv", data)}
    assert staff_member.post(page_url(w), upload).status_code == 403
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_two_staff_reported_on_one_visit_are_one_double_staffed_visit(w: World) -> None:
    # given: Anna and Bo at Karin's at the same time, Bo alone in the evening
    day = timezone.localdate() - timedelta(days=1)
    k = w.karin.personal_id
    data = csv([line(k, w.anna, day, "08:00"), line(k, w.bo, day, "08:00"),
                line(k, w.bo, day, "19:00")])
    visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=data)

    # when
    period = period_comparison(unit_pk=w.unit.pk, start=day, days=1)

    # then: two visits, two staff, one of them with the contact
    karin = next(c for c in period.customers if c.person_pk == w.karin.pk)
    assert (karin.made.visits, karin.made.distinct_staff, karin.made.visits_by_contact) == (
        2, 2, 1
    )
    assert karin.included is True


@pytest.mark.django_db
def test_visits_report_as_text(w: World) -> None:
    # given
    start, _dan, data = two_weeks_made(w)
    visits_import(actor=OPERATOR, unit_pk=w.unit.pk, data=data)
    out = io.StringIO()

    # when
    code = main(
        ["visits-report", "--unit", w.unit.hsa_id, "--from", start.isoformat(), "--customers"],
        out=out,
    )

    # then
    assert code == 0
    assert out.getvalue().splitlines() == [
        f"Utförda besök {start.isoformat()} + 14 dagar: 61 räknade besök, planerat - "
        "(0 dagar med plan), 0 missade och 0 extra under 0 dagar som passerat",
        "Kunder i indikatorn (65+, minst två utförda besök/dag 07-22): 2",
        "Median olika personal: utfört 2.5, planerat -",
        "Andel besök av fast omsorgskontakt: utfört 50.0 %, planerat -",
        "Kund  Besök  Personal utfört/planerat  Av FOK utfört/planerat",
        f"{w.karin.personal_id}  28  3/-  50.0 %/-",
        f"{w.greta.personal_id}  28  2/-  -/-",
    ]
