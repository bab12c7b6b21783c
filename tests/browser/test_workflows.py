"""The appointment workflows end to end in Chromium, on the demo region."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from fastkontakt.access.models import Membership, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.demo.login import DEMO_USERNAME
from fastkontakt.demo.planning import planning_demo_seed
from fastkontakt.registry.models import Contact, ContactRequest, Handover, Person, Staff, Unit
from tests.browser.conftest import Demo


def _demo_unit(unit_type: str) -> Unit:
    return Unit.objects.get(
        type=unit_type,
        pk__in=Membership.objects.filter(
            user__username=DEMO_USERNAME, role=Role.UNIT_MANAGER
        ).values("unit_id"),
    )


def _current(on: object) -> Q:
    return Q(end__isnull=True) | Q(end__gte=on)


def _listed_without_vardkontakt(unit: Unit) -> Person:
    """A person listed at ``unit`` with no current fast vårdkontakt there."""
    today = timezone.localdate()
    holding = Contact.objects.filter(_current(today), kind="fast_vardkontakt", unit=unit)
    person = (
        Person.objects.filter(listed_at=unit, life_threatening_since__isnull=True)
        .exclude(pk__in=holding.values("person_id"))
        .order_by("personal_id")
        .first()
    )
    assert person is not None, "the demo region has no listed person without a fast vårdkontakt"
    return person


def test_appoint_from_the_worklist_and_see_the_worklist_change(demo: Demo) -> None:
    # given: a listed person asked for a fast vårdkontakt three weeks ago
    unit = _demo_unit("primarvard")
    person = _listed_without_vardkontakt(unit)
    today = timezone.localdate()
    ContactRequest.objects.create(
        person=person, kind="fast_vardkontakt", unit=unit, date=today - timedelta(days=21)
    )
    findings_refresh()  # the request was made without the services
    worklist = f"/arbetslista/?unit={unit.pk}&rule=contact-on-request"
    # the filter is chosen on the page (htmx swaps the list and puts the filter in the address)
    demo.go(f"/arbetslista/?unit={unit.pk}")
    demo.page.select_option("#id_rule", "contact-on-request")
    demo.page.wait_for_url("**rule=contact-on-request**")
    rules = demo.page.locator("tr[data-rule]")
    rules.first.wait_for()
    assert set(rules.evaluate_all("rows => rows.map(r => r.dataset.rule)")) == {
        "contact-on-request"
    }
    row = demo.page.locator("tr", has_text=person.name)
    assert row.count() == 1
    before = int(demo.page.locator(".count.overdue strong").inner_text()) + int(
        demo.page.locator(".count.due_soon strong").inner_text()
    )
    demo.shot("arbetslista")

    # when: the row's button opens the appointment with the kind filled in, and the best
    # candidate is chosen
    row.get_by_role("link", name="Utse").click()
    demo.page.wait_for_selector("#candidates")
    assert demo.page.locator("#id_kind").input_value() == "fast_vardkontakt"
    best = demo.page.locator("#candidates li:not(.refused) input[type=radio]").first
    chosen_pk = int(best.get_attribute("value") or 0)
    best.check()
    demo.page.select_option("#id_reason", "begaran")
    demo.page.get_by_role("button", name="Utse", exact=True).click()

    # then: saved, a letter is waiting, and the request has left the worklist
    demo.page.wait_for_selector("text=är utsedd")
    contact = Contact.objects.get(person=person, kind="fast_vardkontakt", unit=unit, end=None)
    assert (contact.staff_id, contact.reason) == (chosen_pk, "begaran")
    assert person.letters.filter(contact=contact).count() == 1
    demo.go(worklist)
    assert demo.page.locator("tr", has_text=person.name).count() == 0
    after = int(demo.page.locator(".count.overdue strong").inner_text()) + int(
        demo.page.locator(".count.due_soon strong").inner_text()
    )
    assert after == before - 1


def test_a_rule_refuses_a_nurse_replacing_the_physician_when_life_threatening(
    demo: Demo,
) -> None:
    # given a life-threatening condition whose fast vårdkontakt is a licensed physician
    unit = _demo_unit("primarvard")
    today = timezone.localdate()
    person = _listed_without_vardkontakt(unit)
    person.life_threatening_since = today - timedelta(days=2)
    person.save(update_fields=["life_threatening_since"])
    physician = Staff.objects.filter(
        workplaces__unit=unit, profession="lakare", licensed=True, employment_end__isnull=True
    ).first()
    assert physician is not None
    held = Contact.objects.create(
        external_id="browser-lt-1", person=person, kind="fast_vardkontakt", staff=physician,
        unit=unit, start=today - timedelta(days=2), informed=today,
    )
    before = list(Contact.objects.filter(person=person).values_list("pk", "end"))
    demo.go(
        f"/kontakter/utse/{person.pk}/?unit={unit.pk}&kind=fast_vardkontakt&replaces={held.pk}"
    )

    # when: a nurse, offered last with the reason she cannot be chosen, is chosen anyway
    refused = demo.page.locator("#candidates li.refused", has_text="sjuksköterska").first
    assert "Läkare som fast vårdkontakt vid livshotande tillstånd" in refused.inner_text()
    refused.locator("input[type=radio]").check()
    demo.page.get_by_role("button", name="Utse", exact=True).click()

    # then
    alert = demo.page.locator(".refusal")
    alert.wait_for()
    assert "Utnämningen kan inte sparas" in alert.inner_text()
    assert "legitimerad läkare" in alert.inner_text()
    assert "Läkare som fast vårdkontakt vid livshotande tillstånd" in alert.inner_text()
    # the form keeps the choice, so the manager sees whom the refusal is about
    kept = demo.page.locator("#candidates input[type=radio]:checked")
    assert kept.count() == 1
    demo.shot("utse-nekad")
    assert list(Contact.objects.filter(person=person).values_list("pk", "end")) == before


def test_hand_over_a_leaving_staff_members_contacts_and_produce_letters(demo: Demo) -> None:
    # given: the undersköterska of the demo's home-care unit with the most customers is leaving
    # (a small demo region spreads its customers thinly: one each is enough)
    unit = _demo_unit("hemtjanst")
    today = timezone.localdate()
    leaving = (
        Staff.objects.filter(workplaces__unit=unit, profession="underskoterska")
        .annotate(
            customers=Count(
                "contacts",
                filter=Q(contacts__kind="fast_omsorgskontakt", contacts__unit=unit)
                & (Q(contacts__end__isnull=True) | Q(contacts__end__gte=today)),
            )
        )
        .filter(customers__gte=1)
        .order_by("-customers", "hsa_id")
        .first()
    )
    assert leaving is not None, "the demo's home-care unit has no undersköterska with customers"
    leaving.employment_end = today + timedelta(days=14)
    leaving.save(update_fields=["employment_end"])
    customers = set(
        Contact.objects.filter(_current(today), staff=leaving, unit=unit).values_list(
            "person_id", flat=True
        )
    )
    successor = (
        Staff.objects.filter(
            workplaces__unit=unit, profession="underskoterska", employment_end=None
        )
        .exclude(pk=leaving.pk)
        .order_by("hsa_id")
        .first()
    )
    assert successor is not None

    # when
    demo.go("/kontakter/overlamning/")
    demo.page.locator(f"a[href='/kontakter/overlamning/{leaving.pk}/']").click()
    demo.page.wait_for_selector("form.handover")
    demo.page.select_option(f"select[name='all-fast_omsorgskontakt-{unit.pk}']", str(successor.pk))
    demo.page.select_option("#id_reason", "medarbetaren_slutar")
    demo.page.check("#id_relatives")
    demo.shot("overlamning")
    demo.page.get_by_role("button", name="Lämna över och skapa brev").click()

    # then
    demo.page.wait_for_selector("text=Överlämning registrerad")
    demo.shot("overlamning-klar")
    handover = Handover.objects.get(staff=leaving)
    moved = list(handover.items.values_list("successor__staff_id", "previous__person_id"))
    omsorg = set(
        Contact.objects.filter(
            _current(today), staff=leaving, unit=unit, kind="fast_omsorgskontakt"
        ).values_list("pk", flat=True)
    )
    assert {staff for staff, _ in moved} == {successor.pk}
    assert not omsorg or all(c.end is not None for c in Contact.objects.filter(pk__in=omsorg))
    handed = {person for _, person in moved}
    assert handed <= customers
    for person_pk in handed:
        # a letter to the person; copies only to relatives the person consented to (the demo
        # region records no consents)
        assert Person.objects.get(pk=person_pk).letters.count() >= 1


def test_produce_a_letter_record_its_delivery_and_see_the_worklist_change(demo: Demo) -> None:
    # given: a new fast vårdkontakt whose person has not been informed in writing, 20 days on
    unit = _demo_unit("primarvard")
    person = _listed_without_vardkontakt(unit)
    today = timezone.localdate()
    staff = Staff.objects.filter(workplaces__unit=unit, employment_end=None).order_by("hsa_id")[0]
    contact = Contact.objects.create(
        external_id="fk-browser-letter",
        person=person,
        kind="fast_vardkontakt",
        staff=staff,
        unit=unit,
        start=today - timedelta(days=20),
    )
    findings_refresh()  # the contact was made without the services
    worklist = f"/arbetslista/?unit={unit.pk}&rule=contact-informed"
    demo.go(worklist)
    row = demo.page.locator("tr", has_text=person.name)
    assert row.count() == 1

    # when: the row's button leads to the letters, a letter is made, opened and delivered
    row.get_by_role("link", name="Skicka brev").click()
    demo.page.locator(
        "form", has=demo.page.locator(f"input[name=contact][value='{contact.pk}']")
    ).get_by_role("button", name="Brev till personen").click()
    demo.page.get_by_role("link", name="Registrera lämnat").first.wait_for()
    demo.shot("brev")
    letter = person.letters.get(contact=contact)
    pdf = demo.page.request.get(f"{demo.url}/brev/{letter.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    demo.page.get_by_role("link", name="Registrera lämnat").first.click()
    demo.page.fill("input[name=delivered_on]", today.isoformat())
    demo.page.locator("input[name=method]").first.check()
    demo.page.get_by_role("button", name="Spara").click()
    demo.page.wait_for_load_state()

    # then
    contact.refresh_from_db()
    assert contact.informed == today
    demo.go(worklist)
    assert demo.page.locator("tr", has_text=person.name).count() == 0


def test_screenshots_of_the_person_page_and_the_worklist(demo: Demo) -> None:
    # given: the demo's primary-care unit and its first person with contacts
    unit = _demo_unit("primarvard")
    person = Person.objects.filter(listed_at=unit, contacts__isnull=False).order_by("pk").first()
    assert person is not None

    # when
    demo.go(f"/personer/{person.pk}/")

    # then
    assert person.name in demo.page.locator("h1").inner_text()
    assert demo.page.locator("table.contacts tbody tr").count() >= 1
    demo.shot("person")
    demo.go(f"/kontakter/utse/{person.pk}/?unit={unit.pk}&kind=fast_vardkontakt")
    assert demo.page.locator("#candidates li").count() >= 1
    demo.shot("utse")
    demo.go(f"/arbetsbelastning/{unit.pk}/")
    assert unit.name in demo.page.locator("main").inner_text()
    demo.shot("arbetsbelastning")
    home_care = _demo_unit("hemtjanst")
    customer = Person.objects.filter(home_care_decisions__unit=home_care).order_by("pk").first()
    assert customer is not None
    demo.go(f"/vard/{customer.pk}/")
    assert customer.name in demo.page.locator("main").inner_text()
    demo.shot("hemtjanst-och-utskrivning")


def test_the_coordinators_plan_and_a_customers_continuity(demo: Demo) -> None:
    # given: the demo's planning data and first plan, as `make run` seeds them
    planning_demo_seed(as_of=timezone.localdate(), seed=1, time_limit=2.0)
    unit = _demo_unit("hemtjanst")

    # when
    demo.go(f"/planering/{unit.pk}/")

    # then
    assert unit.name in demo.page.locator("h1").inner_text()
    demo.shot("planering")
    demo.go(f"/planering/{unit.pk}/kunder/")
    first = demo.page.locator("table.continuity tbody a").first
    name = first.inner_text()
    first.click()
    demo.page.wait_for_selector("h1")
    assert name in demo.page.locator("main").inner_text()
    demo.shot("kontinuitet")


def test_record_an_information_transfer_and_a_units_local_title(demo: Demo) -> None:
    # given: a home-care customer of the demo unit
    home_care = _demo_unit("hemtjanst")
    customer = Person.objects.filter(home_care_decisions__unit=home_care).order_by("pk").first()
    assert customer is not None
    today = timezone.localdate()
    before = customer.information_transfers.count()

    # when: a transfer without consent is recorded on the care page (htmx swaps the section)
    demo.go(f"/vard/{customer.pk}/")
    section = demo.page.locator("#overforingar")
    section.locator("input[name$=recipient]").fill("Region Norrbotten, Sunderby sjukhus")
    section.locator("input[type=date]").fill(today.isoformat())
    section.locator("input[name$=consent][value=nej]").check()
    section.get_by_role("button", name="Registrera överföringen").click()
    demo.page.locator("#overforingar", has_text="Sunderby sjukhus").wait_for()

    # then
    assert customer.information_transfers.count() == before + 1
    transfer = customer.information_transfers.order_by("-pk").first()
    assert transfer is not None
    assert (transfer.recipient, transfer.date, transfer.consent) == (
        "Region Norrbotten, Sunderby sjukhus",
        today,
        False,
    )

    # when: the head of unit declares a local title equal to fast vårdkontakt
    centre = _demo_unit("primarvard")
    demo.go(f"/arbetsbelastning/{centre.pk}/")
    titles = demo.page.locator("#titlar")
    titles.locator("input[name$=title]").fill("Vårdkoordinator")
    titles.get_by_role("button").last.click()
    demo.page.locator("#titlar", has_text="Vårdkoordinator").wait_for()

    # then
    assert centre.local_titles.filter(title="Vårdkoordinator", kind="fast_vardkontakt").exists()
