"""No dead ends on a staff member's caseload page: each deadline carries the button of the form
that resolves it, as the worklist of an owning unit shows it to the viewer, or says in words
which unit handles it when the viewer has no role there that may use the form."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.compliance.worklists import worklist_get
from fastkontakt.demo.population import demo_scenario
from fastkontakt.registry.models import Staff, Unit
from fastkontakt.registry.services import scenario_load
from tests.access.helpers import make_user, signed_in
from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory
from tests.web.test_worklist_resolutions import _resolving_form, _rows

_ROW = re.compile(r'<li data-rule="([a-z-]+)"[^>]*>(.*?)</li>', re.S)
_BUTTON = re.compile(r'<a class="resolve" href="([^"]+)">([^<]+)</a>')
_HANDLED_BY = re.compile(r'<span class="muted handled-by">([^<]+)</span>')


def _deadlines(client: Client, staff: Staff) -> list[tuple[str, str, str]]:
    """The staff page's deadlines: rule, and the button's text and address, or ("", text)."""
    response = client.get(reverse("web:caseload_staff", args=[staff.pk]))
    assert response.status_code == 200
    rows = []
    for rule, item in _ROW.findall(response.content.decode()):
        button = _BUTTON.search(item)
        if button is None:
            words = _HANDLED_BY.search(item)
            rows.append((rule, "", unescape(words.group(1)) if words else ""))
        else:
            rows.append((rule, unescape(button.group(2)), unescape(button.group(1))))
    return rows


def _opens_its_form(client: Client, rule: str, url: str) -> bool:
    response = client.get(url)
    return response.status_code == 200 and _resolving_form(rule, url, response.content.decode())


@pytest.mark.django_db
def test_a_contact_rule_opens_the_letter_or_the_appointment_that_resolves_it() -> None:
    # given a nurse at a health centre who is a person's fast läkarkontakt (a physician's role)
    # and another person's fast vårdkontakt, neither person told in writing
    centre = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    nurse = StaffFactory(name="Karin Sköterska")
    nurse.units.add(centre)
    since = timezone.localdate() - timedelta(days=20)
    anna = PersonFactory(name="Anna Andersson")
    bertil = PersonFactory(name="Bertil Berg")
    ContactFactory(person=anna, staff=nurse, unit=centre, start=since, informed=since)
    wrong = ContactFactory(
        person=anna,
        staff=nurse,
        unit=centre,
        kind="fast_lakarkontakt",
        start=since,
        informed=since,
    )
    ContactFactory(person=bertil, staff=nurse, unit=centre, start=since, informed=None)
    head = signed_in(make_user("hugo", [(Role.HEAD_OF_UNIT, centre)]))
    herself = signed_in(make_user("karin", [(Role.STAFF, centre)], staff=nurse))

    findings_refresh()  # the data above was made without the services
    # when
    as_head = _deadlines(head, nurse)
    as_herself = _deadlines(herself, nurse)

    # then the head of unit replaces the physician's contact and writes the letter
    letter = reverse("web:letters", args=[bertil.pk])
    replace = (
        reverse("web:appoint", args=[anna.pk])
        + f"?unit={centre.pk}&kind=fast_lakarkontakt&replaces={wrong.pk}"
    )
    assert ("contact-informed", "Skicka brev", letter) in as_head
    assert ("lakarkontakt-profession", "Ersätt", replace) in as_head
    assert _opens_its_form(head, "contact-informed", letter)
    assert _opens_its_form(head, "lakarkontakt-profession", replace)
    # and the nurse herself writes the letter but may not appoint: words name the unit
    assert ("contact-informed", "Skicka brev", letter) in as_herself
    assert ("lakarkontakt-profession", "", "Åtgärdas av Vårdcentralen Norr.") in as_herself
    assert _opens_its_form(herself, "contact-informed", letter)
    assert herself.get(replace).status_code == 403


def _unit_with_staff_deadlines(kind: str, rules: set[str]) -> tuple[Unit, list[Staff]]:
    """The first unit of ``kind`` whose worklist has rows concerning a staff member, of one of
    ``rules`` if any are given, and (up to ten of) those staff members."""
    for unit in Unit.objects.filter(type=kind).order_by("hsa_id"):
        rows = worklist_get(unit_pk=unit.pk, as_of=timezone.localdate(), page_size=10_000).rows
        wanted = {row.staff_pk for row in rows if row.staff_pk and (not rules or row.rule in rules)}
        # (a row may concern a contact of another unit's staff, whose page is not the head's)
        staff = list(Staff.objects.filter(pk__in=wanted, units=unit).distinct().order_by("pk"))
        if staff:
            return unit, staff[:10]
    pytest.fail(f"the demo region has no {kind} unit with such deadlines")


#: Small, yet every rule is broken in it (tests/registry/test_demo.py).
DEMO_PEOPLE = 300


@pytest.mark.django_db
def test_every_deadline_on_a_staff_page_has_the_button_of_the_units_worklist() -> None:
    # given the demo region, and the head of a health centre and of a (municipal) home-care unit
    scenario_load(scenario=demo_scenario(people=DEMO_PEOPLE, seed=1, as_of=timezone.localdate()))
    seen: dict[str, set[str]] = {}

    for kind, rules in (
        ("primarvard", {"contact-informed"}),
        ("hemtjanst", {"plan-initial-update", "plan-revision"}),
    ):
        # the first unit of the type with a deadline of those rules on a staff member's page
        unit, staff = _unit_with_staff_deadlines(kind, rules)
        head = signed_in(make_user(f"chef-{kind}", [(Role.HEAD_OF_UNIT, unit)]))
        worklist = set(_rows(head, unit))

        # when the head opens those staff members' pages
        deadlines = {row for member in staff for row in _deadlines(head, member)}

        # then every deadline the unit owns has the worklist's button, and it opens the form
        buttons = {row for row in deadlines if row[1]}
        assert buttons, unit.name
        assert buttons <= worklist, sorted(buttons - worklist)[:5]
        for rule, _, url in sorted(buttons)[:40]:
            assert _opens_its_form(head, rule, url), f"{unit.name}: {rule} {url}"
        # and any other deadline says who handles it
        assert all(text.startswith("Åtgärdas av") for _, label, text in deadlines if not label)
        for rule, _, url in buttons:
            seen.setdefault(rule, set()).add(url)

    # a contact-level rule and the home-care plan are among them
    assert "contact-informed" in seen
    assert {"plan-initial-update", "plan-revision"} & set(seen)
    plan_urls = seen.get("plan-initial-update", set()) | seen.get("plan-revision", set())
    assert plan_urls
    assert all(re.fullmatch(r"/vard/\d+/#genomforandeplan", url) for url in plan_urls)
    assert all(re.fullmatch(r"/brev/person/\d+/", url) for url in seen["contact-informed"])
