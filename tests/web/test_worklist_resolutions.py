"""No dead ends on the worklists of the demo region: every row a user sees carries a button
that opens a form that user may use to resolve it (``compliance.resolutions``)."""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.demo.population import demo_scenario
from fastkontakt.domain.rules.engine import POLICIES, RULES
from fastkontakt.registry.models import RegionSettings, Unit
from fastkontakt.registry.services import scenario_load
from tests.access.helpers import make_user, signed_in

#: Small, yet every rule is broken in it (tests/registry/test_demo.py).
DEMO_PEOPLE = 300
ROLES = (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR, Role.STAFF)
_ROW = re.compile(r'<tr class="[a-z_]+" data-rule="([a-z-]+)">(.*?)</tr>', re.S)
_BUTTON = re.compile(r'<a class="button" href="([^"]+)">([^<]+)</a>')

#: What the page behind the button must contain for the row's rule: the form that resolves it.
FORM_OF: dict[str, tuple[str, ...]] = {
    "appoint": ('name="staff"', 'name="action" value="save"'),
    "handover": ('name="effective"',),
    "letters": ('name="recipient" value="person"',),
}
CARE_FORMS: dict[str, tuple[str, ...]] = {
    "genomforandeplan": ("/genomforandeplan/", "/uppdatering/", "/revidering/"),
    "sip": ("/sip/", "/samordnare/"),
    "overforingar": ("/samtycke/",),
    "boende": ("/boende/",),
}


def _rows(client: Client, unit: Unit) -> list[tuple[str, str, str]]:
    """Every row of the unit's worklist (all pages): rule, button text and address."""
    rows: list[tuple[str, str, str]] = []
    page = 1
    while True:
        response = client.get(reverse("web:worklist"), {"unit": unit.pk, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        for rule, cells in _ROW.findall(html):
            button = _BUTTON.search(cells)
            assert button is not None, f"{unit.name}: a {rule} row without a button"
            rows.append((rule, unescape(button.group(2)), unescape(button.group(1))))
        if "Nästa</a>" not in html:
            return rows
        page += 1


def _resolving_form(rule: str, url: str, html: str) -> bool:
    path, _, fragment = url.partition("#")
    if path.startswith("/vard/"):
        section = html[html.index(f'id="{fragment}"') :]
        section = section[: section.index("</section>")]
        return "<form" in section and any(
            slug in section for slug in CARE_FORMS[fragment]
        )
    workflow = (
        "appoint"
        if path.startswith("/kontakter/utse/")
        else "handover"
        if path.startswith("/kontakter/overlamning/")
        else "letters"
        if path.startswith("/brev/")
        else ""
    )
    return bool(workflow) and all(needle in html for needle in FORM_OF[workflow])


@pytest.mark.django_db
@pytest.mark.parametrize("policy", ["norrbotten", "gavleborg"])
def test_every_row_of_every_worklist_opens_a_form_its_user_may_use(policy: str) -> None:
    # given the demo region under a policy, and a user per role at every unit
    started = time.monotonic()
    scenario_load(
        scenario=demo_scenario(people=DEMO_PEOPLE, seed=1, as_of=timezone.localdate())
    )
    RegionSettings.objects.update_or_create(pk=1, defaults={"policy": policy})
    findings_refresh()  # the policy was set without the services: refresh everyone
    seen: Counter[str] = Counter()
    dead_ends: list[str] = []
    checked: dict[tuple[str, str], bool] = {}
    by_unit_type: dict[str, set[str]] = defaultdict(set)

    # when every user opens every button of their worklist
    for unit in Unit.objects.order_by("hsa_id"):
        for role in ROLES:
            client = signed_in(make_user(f"{role}-{unit.pk}", [(role, unit)]))
            for rule, label, url in _rows(client, unit):
                seen[rule] += 1
                by_unit_type[rule].add(unit.type)
                key = (f"{role}-{unit.pk}", url)
                if key in checked:
                    continue
                response = client.get(url)
                html = response.content.decode()
                checked[key] = response.status_code == 200 and _resolving_form(rule, url, html)
                if not checked[key]:
                    dead_ends.append(
                        f"{unit.name} ({unit.type}), {role}: {rule} ”{label}” -> {url} "
                        f"answers {response.status_code}"
                    )

    # then: no dead end, and every rule of the policy was seen on some worklist
    assert dead_ends == []
    assert set(seen) == {rule for rule in RULES if rule in _rules_of(policy)}, seen
    # the known dead end: the plan is the home-care unit's, not the health centre's
    assert by_unit_type["plan-revision"] <= {"hemtjanst"}
    assert time.monotonic() - started < 300


def _rules_of(policy: str) -> set[str]:
    return {rule.id for rule in POLICIES[policy].rules}


@pytest.mark.django_db
def test_the_appoint_form_offers_to_replace_a_contact_that_ends_later() -> None:
    # given a contact whose staff member leaves in a month (a contact-vacancy or a replacement
    # the worklist asks for)
    from datetime import timedelta

    from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory

    today = timezone.localdate()
    centre = UnitFactory(type="primarvard")
    staff = StaffFactory()
    staff.units.add(centre)
    person = PersonFactory(listed_at=centre)
    leaving = ContactFactory(
        person=person, unit=centre, staff=staff, start=today - timedelta(50),
        end=today + timedelta(30),
    )
    client = signed_in(make_user("chef", [(Role.HEAD_OF_UNIT, centre)]))

    # when the worklist's button opens the form
    response = client.get(
        reverse("web:appoint", args=[person.pk]),
        {"unit": centre.pk, "kind": leaving.kind, "replaces": leaving.pk},
    )

    # then the contact is chosen as the one replaced
    html = response.content.decode()
    chooser = html[html.index('<select name="replaces"') :]
    chooser = chooser[: chooser.index("</select>")]
    assert f'<option value="{leaving.pk}" selected>' in chooser


@pytest.mark.django_db
def test_candidates_taking_over_coordination_are_not_shown_as_refused() -> None:
    # given a coordinating fast vårdkontakt, and a nurse of the unit
    from datetime import timedelta

    from tests.factories import ContactFactory, PersonFactory, StaffFactory, UnitFactory

    today = timezone.localdate()
    centre = UnitFactory(type="primarvard")
    held_by, nurse = StaffFactory(), StaffFactory(name="Nora Sjö", profession="sjukskoterska")
    for member in (held_by, nurse):
        member.units.add(centre)
    person = PersonFactory(listed_at=centre)
    coordinator = ContactFactory(
        person=person, unit=centre, staff=held_by, coordinating=True,
        start=today - timedelta(50), informed=today - timedelta(49),
    )
    client = signed_in(make_user("chef", [(Role.HEAD_OF_UNIT, centre)]))

    # when the form opens for a takeover (the button of a coordinator-setting row)
    response = client.get(
        reverse("web:appoint", args=[person.pk]),
        {
            "unit": centre.pk,
            "kind": "fast_vardkontakt",
            "coordinating": "on",
            "takes_over": coordinator.pk,
        },
    )

    # then the nurse is a candidate, not refused as a second coordinator
    html = response.content.decode()
    nurse_item = html[html.rindex("<li", 0, html.index("Nora Sjö")) : html.index("Nora Sjö")]
    assert 'class=""' in nurse_item
