"""Worklist → button → form → submit → the row is gone, for every rule id, in Chromium.

One person per rule, from the demo region: the demo user is given the roles of a unit whose
worklist has a row of the rule (``compliance.resolutions`` decides which units do), and the
region's policy is switched for the two regional rules.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page

from fastkontakt.access.models import Membership, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.compliance.worklists import WorklistRow, worklist_get
from fastkontakt.demo.login import DEMO_USERNAME
from fastkontakt.domain.rules.engine import RULES
from fastkontakt.registry.models import Contact, Person, RegionSettings, Staff, Unit, Visit
from fastkontakt.registry.selectors import region_policy_get
from tests.browser.conftest import Demo

MANAGING = frozenset({"head_of_unit", "unit_manager", "coordinator"})
REGIONAL = {"coordinator-setting": "norrbotten", "contact-eligible": "gavleborg"}


def _policy_set(policy: str) -> None:
    """The region follows ``policy``; set without the services, so the store is refreshed."""
    if region_policy_get().name != policy:
        RegionSettings.objects.update_or_create(pk=1, defaults={"policy": policy})
        findings_refresh()


def _rows_by_rule(policy: str) -> dict[str, list[tuple[Unit, WorklistRow]]]:
    """Every row of every unit's worklist under ``policy``, for a manager of the unit."""
    today = timezone.localdate()
    _policy_set(policy)
    found: dict[str, list[tuple[Unit, WorklistRow]]] = defaultdict(list)
    for unit in Unit.objects.order_by("type", "hsa_id"):
        listing = worklist_get(
            unit_pk=unit.pk,
            as_of=today,
            roles=MANAGING,
            page_size=10_000,
        )
        for row in listing.rows:
            found[row.rule].append((unit, row))
    return found


def _coordinator_setting_planted() -> None:
    """A home-health-care patient whose coordinator is at a health centre, connected to a
    municipal health-care unit through a fast vårdkontakt there (Norrbotten: the coordinator
    should come from municipal health care)."""
    today = timezone.localdate()
    municipal = Unit.objects.filter(type="kommunal_hsv").order_by("hsa_id").first()
    assert municipal is not None
    nurse = Staff.objects.filter(
        units=municipal, profession__in=["sjukskoterska", "specialistsjukskoterska"]
    ).order_by("hsa_id")[0]
    held = (
        Contact.objects.filter(
            kind="fast_vardkontakt", coordinating=True, unit__type="primarvard", end__isnull=True
        )
        .select_related("person")
        .order_by("person__personal_id")
        .first()
    )
    assert held is not None
    Person.objects.filter(pk=held.person_id).update(home_health_care=True)
    Contact.objects.create(
        external_id=f"planted-{held.person_id}",
        person_id=held.person_id,
        kind="fast_vardkontakt",
        staff=nurse,
        unit=municipal,
        start=today - timedelta(days=20),
        informed=today - timedelta(days=19),
    )
    # planted without the services: the person's stored findings are refreshed
    findings_refresh(personal_ids=[held.person.personal_id])


def _manage(unit: Unit) -> None:
    user_pk = Membership.objects.filter(user__username=DEMO_USERNAME).values("user_id")[:1]
    for role in (Role.HEAD_OF_UNIT, Role.UNIT_MANAGER, Role.COORDINATOR):
        Membership.objects.get_or_create(user_id=user_pk, role=role, unit=unit)


def _rows_of(demo: Demo, unit: Unit, rule: str, name: str) -> int:
    demo.go(f"/arbetslista/?unit={unit.pk}&rule={rule}")
    return demo.page.locator(f'tr[data-rule="{rule}"]', has_text=name).count()


def _most_visits_by_a_candidate(person_pk: int, unit: Unit) -> None:
    """Test data: an undersköterska of the unit made every visit of the last 14 days, so that
    appointing her the fast omsorgskontakt gives her the greater share (continuity-share)."""
    since = timezone.localdate() - timedelta(days=13)
    held = Contact.objects.filter(person_id=person_pk, kind="fast_omsorgskontakt").values("staff")
    carer = (
        Staff.objects.filter(units=unit, profession="underskoterska", employment_end__isnull=True)
        .exclude(pk__in=held)
        .exclude(absences__end__gte=since)
        .order_by("hsa_id")
        .first()
    )
    assert carer is not None
    Visit.objects.filter(person_id=person_pk, date__gte=since).update(staff=carer)


def _appoint(page: Page, rule: str, person_pk: int) -> None:
    page.wait_for_selector("#candidates")
    radios = page.locator("#candidates li:not(.refused) input[type=radio]")
    values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
    if rule == "continuity-share":
        # the one who made most of the customer's visits becomes the fast omsorgskontakt
        since = timezone.localdate() - timedelta(days=13)
        made = Counter(
            Visit.objects.filter(person_id=person_pk, date__gte=since).values_list(
                "staff_id", flat=True
            )
        )
        values.sort(key=lambda v: -made.get(int(v or 0), 0))
    assert values, f"{rule}: no candidate to appoint: " + page.locator("#candidates").inner_text()
    for value in values[:4]:
        page.locator(f'#candidates input[type=radio][value="{value}"]').check()
        page.get_by_role("button", name="Utse", exact=True).click()
        page.wait_for_load_state()
        if "/brev/" in page.url:
            return
    raise AssertionError(f"{rule}: every candidate was refused")


def _care(page: Page, rule: str, url: str) -> None:
    section = url.partition("#")[2]
    slug = {
        "plan-revision": "revidering",
        "discharge-sip-invitation": "sip",
        "sip-coordinator": "samordnare",
        "transfer-consent": "samtycke",
        "residential-care-contact": "boende",
    }.get(rule)
    if rule == "plan-initial-update":
        if page.locator('form[action*="/genomforandeplan/"]').count():
            # No plan yet: the plan is drawn up first, then the fast omsorgskontakt updates it
            # (the finding asks for both).
            _care_form(page, "genomforandeplan", "genomforandeplan", rule)
            page.locator('form[action*="/uppdatering/"]').first.wait_for()
        slug = "uppdatering"
    _care_form(page, section, slug or "", rule)


def _care_form(page: Page, section: str, slug: str, rule: str) -> None:
    form = page.locator(f'#{section} form[action*="/{slug}/"]').first
    form.wait_for()
    today = timezone.localdate().isoformat()
    dates = form.locator("input[type=date]")
    for i in range(dates.count()):
        if not dates.nth(i).input_value():
            dates.nth(i).fill(today)
    if rule == "transfer-consent":
        form.locator("input[type=checkbox]").check()
    if rule == "residential-care-contact":
        form.locator("textarea").fill("Personen har tackat nej efter samtal med oss.")
    # The care forms post with htmx: wait for the answer, not for a navigation.
    with page.expect_response(lambda r: r.request.method == "POST" and "/vard/" in r.url):
        form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _letters(page: Page, staff_name: str) -> None:
    page.locator("tr", has_text=staff_name).get_by_role(
        "button", name="Brev till personen"
    ).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Registrera lämnat").first.click()
    page.locator('input[name="method"]').first.check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()


def _handover(page: Page) -> None:
    selects = page.locator('select[name^="successor-"]')
    for i in range(selects.count()):
        options = selects.nth(i).locator("option")
        selects.nth(i).select_option(options.nth(options.count() - 1).get_attribute("value"))
    page.get_by_role("button", name="Lämna över och skapa brev").click()
    page.wait_for_load_state()


def test_every_rule_is_resolved_from_the_worklist(demo: Demo) -> None:
    started = time.monotonic()
    _coordinator_setting_planted()
    rows = {
        policy: _rows_by_rule(policy) for policy in ("norrbotten", "gavleborg")
    }
    resolved: list[str] = []
    failures: list[str] = []
    used: set[int] = set()
    for rule in sorted(RULES, key=lambda r: (r in REGIONAL, r)):
        # given a row of the rule on the worklist of a unit, one person per rule
        policy = REGIONAL.get(rule, "norrbotten")
        _policy_set(policy)
        candidates = rows[policy].get(rule, [])
        if not candidates:
            failures.append(f"{rule}: on no worklist of the demo region")
            continue
        unit, row = next(
            ((u, r) for u, r in candidates if r.person_pk not in used), candidates[0]
        )
        used.add(row.person_pk)
        _manage(unit)
        if rule == "continuity-share":
            _most_visits_by_a_candidate(row.person_pk, unit)
        before = _rows_of(demo, unit, rule, row.name)
        if before < 1:
            failures.append(f"{rule}: {row.name} not on the worklist of {unit.name}")
            continue

        # when its button is followed and its form sent
        link = demo.page.locator(f'tr[data-rule="{rule}"]', has_text=row.name).first.locator(
            "a.button"
        )
        url = link.get_attribute("href") or ""
        link.click()
        demo.page.wait_for_load_state()
        try:
            if "/kontakter/utse/" in url:
                _appoint(demo.page, rule, row.person_pk)
            elif "/vard/" in url:
                _care(demo.page, rule, url)
            elif "/brev/" in url:
                contact = Contact.objects.select_related("staff").get(external_id=row.contact)
                _letters(demo.page, contact.staff.name)
            elif "/overlamning/" in url:
                _handover(demo.page)
            else:
                raise AssertionError(f"unknown workflow {url}")
        except Exception as error:  # noqa: BLE001 - collected and reported per rule below
            failures.append(f"{rule} ({url}): {str(error)[:300]}")
            continue

        # then the person's row of the rule has gone from the worklist
        after = _rows_of(demo, unit, rule, row.name)
        if after < before:
            resolved.append(rule)
        else:
            failures.append(f"{rule} ({url}): still {after} row(s) for {row.name}")

    elapsed = time.monotonic() - started
    assert failures == [], "\n".join(failures)
    assert sorted(resolved) == sorted(RULES)
    assert elapsed < 120, elapsed
