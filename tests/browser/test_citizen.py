"""The person's own pages (/invanare/) in Chromium at phone size, on the demo region (issue 16).

One walk: sign in through the stub provider (e-legitimation at loa3), see the contacts, open a
letter and see it counted as delivered on the staff side, ask for a fast vårdkontakt and see
the request on the unit's worklist, choose a fast läkarkontakt, give a relative the right and
sign in as the relative, read the access-log extract. axe-core runs on every citizen page
(zero serious or critical violations), none scrolls sideways at 375 px, and the keyboard
reaches the skip link first. With ``FASTKONTAKT_SCREENSHOTS`` set, each page is saved at
phone width as ``invanare-*.png``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, Page

from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.models import Membership, Role
from fastkontakt.compliance.store import findings_refresh
from fastkontakt.demo.login import DEMO_USERNAME
from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.letters.services import letter_create
from fastkontakt.registry.models import Contact, Person, Staff, Unit
from tests.browser.accessibility import axe_violations, describe, failing
from tests.browser.conftest import CHROMIUM_FLAGS, Demo  # noqa: F401 - the fixture's type
from tests.oidc_stub import StubProvider

PHONE = {"width": 375, "height": 812}
CLIENT_ID = "fastkontakt-invanare"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
PNR_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def provider(settings: Any) -> Iterator[StubProvider]:
    stub = StubProvider(client_id=CLIENT_ID)
    settings.FASTKONTAKT_CITIZEN_OIDC = {
        "client_id": CLIENT_ID,
        "client_secret": "secret",
        "authorization_endpoint": f"{stub.url}/authorize",
        "token_endpoint": f"{stub.url}/token",
        "jwks_endpoint": f"{stub.url}/jwks",
        "issuer": stub.url,
        "scopes": "openid",
    }
    yield stub
    stub.server.shutdown()


class Phone:
    """One citizen's browser at phone width, checking each page it shows."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.context = browser.new_context(locale="sv-SE", viewport=PHONE)  # type: ignore[arg-type]
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.url = url
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        """axe-core, sideways scrolling and a screenshot of the page as it is now."""
        path = self.page.url.removeprefix(self.url)
        self.checked.append(path)
        self.problems += [f"{path}: {describe(v)}" for v in failing(axe_violations(self.page))]
        sideways = self.page.evaluate(SIDEWAYS)
        if sideways > 0:
            self.problems.append(f"{path}: scrolls {sideways} px sideways")
        where = os.environ.get("FASTKONTAKT_SCREENSHOTS")
        if where:
            Path(where).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(where) / f"invanare-{name}.png"), full_page=True)

    def go(self, path: str, name: str) -> None:
        self.page.goto(self.url + path)
        self.check(name)


def _centre() -> Unit:
    return Unit.objects.get(
        type="primarvard",
        pk__in=Membership.objects.filter(
            user__username=DEMO_USERNAME, role=Role.UNIT_MANAGER
        ).values("unit_id"),
    )


def _astrid(centre: Unit) -> tuple[Person, Contact]:
    """A person listed at the demo centre with a fast läkarkontakt there and a letter about it
    (written through the service), and no fast vårdkontakt."""
    today = timezone.localdate()
    physicians = list(
        Staff.objects.filter(workplaces__unit=centre, profession="lakare", eligible=True)
        .filter(employment_end__isnull=True)
        .order_by("pk")
    )
    assert len(physicians) >= 2, "the demo centre needs two physicians to choose between"
    person = Person.objects.create(
        personal_id=make_personal_id(date(1948, 3, 14), 998),
        name="Astrid Invånare",
        listed_at=centre,
        address_street="Byvägen 3",
        postal_code="972 34",
        postal_town="Luleå",
    )
    contact = Contact.objects.create(
        external_id="astrid-flk",
        person=person,
        kind="fast_lakarkontakt",
        staff=physicians[0],
        unit=centre,
        start=today - timedelta(days=10),
    )
    findings_refresh(personal_ids=[person.personal_id])  # planted without the services
    demo_user = get_user_model().objects.get(username=DEMO_USERNAME)
    letter_create(actor=actor_for_user(demo_user, request_id="test"), contact_pk=contact.pk)
    return person, contact


def _sign_in(phone: Phone, provider: StubProvider, personal_id: str) -> None:
    provider.id_token_extra = {"acr": LOA3, PNR_CLAIM: personal_id}
    phone.go("/invanare/", "logga-in")
    phone.page.get_by_role("link", name="Logga in med e-legitimation").click()
    phone.page.wait_for_url("**/invanare/**")


def test_the_citizen_walk_at_phone_size(
    demo: Demo, browser: Browser, provider: StubProvider
) -> None:
    # given
    centre = _centre()
    person, contact = _astrid(centre)
    phone = Phone(browser, demo.url)

    # sign in through the stub provider
    _sign_in(phone, provider, person.personal_id)
    phone.page.wait_for_selector("text=Hej Astrid Invånare")
    phone.check("start")
    # the keyboard reaches the skip link first, and it leads into the content
    phone.page.keyboard.press("Tab")
    assert phone.page.evaluate("() => document.activeElement.textContent") == (
        "Hoppa till innehållet"
    )

    # see the contacts
    phone.page.get_by_role("link", name="Kontakter", exact=True).click()
    phone.page.wait_for_selector("h1:has-text('Mina kontakter')")
    assert phone.page.locator(".card", has_text=contact.staff.name).count() == 1
    phone.check("kontakter")

    # open a letter, and see it delivered on the staff side
    phone.page.get_by_role("link", name="Brev", exact=True).click()
    phone.check("brev")
    phone.page.locator("ul.letters a").first.click()
    phone.page.wait_for_selector("text=Du öppnade brevet här")
    phone.check("brevet")
    demo.go(f"/brev/person/{person.pk}/")
    assert demo.page.locator("text=Digitalt, öppnat av personen").count() >= 1
    contact.refresh_from_db()
    assert contact.informed == timezone.localdate()

    # ask for a fast vårdkontakt, and see the request on the unit's worklist
    phone.page.get_by_role("link", name="Be om kontakt").click()
    phone.check("be-om-kontakt")
    phone.page.get_by_label(centre.name).check()
    phone.page.get_by_role("button", name="Skicka begäran").click()
    phone.page.wait_for_selector("text=Din begäran är skickad")
    assert phone.page.locator("text=väntar på svar").count() == 1
    phone.check("be-om-kontakt-skickad")
    demo.go(f"/arbetslista/?unit={centre.pk}&rule=contact-on-request")
    assert demo.page.locator("tr", has_text=person.name).count() == 1

    # choose a fast läkarkontakt
    phone.page.get_by_role("link", name="Välj läkare").click()
    phone.check("valj-lakare")
    phone.page.locator("input[name=staff]").first.check()
    phone.page.get_by_role("button", name="Välj läkare").click()
    phone.page.wait_for_selector("text=Ditt val är skickat")
    phone.check("valj-lakare-skickad")

    # give a relative the right, and sign in as the relative
    relative = make_personal_id(date(1975, 8, 20), 997)
    phone.page.get_by_role("link", name="Närstående").click()
    phone.check("narstaende")
    phone.page.get_by_label("Den närståendes namn").fill("Rut Invånare")
    phone.page.get_by_label("Den närståendes personnummer").fill(relative)
    phone.page.get_by_role("button", name="Ge rätt att se").click()
    phone.page.wait_for_selector("text=Klart. Ändringen är sparad.")
    phone.check("narstaende-klar")
    relative_phone = Phone(browser, demo.url)
    _sign_in(relative_phone, provider, relative)
    relative_phone.page.wait_for_selector("text=Vems uppgifter vill du se?")
    relative_phone.check("valj-person")
    relative_phone.page.get_by_role("button", name="Astrid Invånare").click()
    relative_phone.page.get_by_role("link", name="Kontakter", exact=True).click()
    relative_phone.page.wait_for_selector("text=som närstående")
    assert relative_phone.page.locator(".card", has_text=contact.staff.name).count() == 1
    relative_phone.check("narstaende-ser-kontakter")

    # read who has read about me, and keep the extract
    phone.page.get_by_role("link", name="Vem har läst").click()
    phone.page.wait_for_selector("h1:has-text('Vem har läst om mig')")
    assert phone.page.locator("td", has_text="Närstående som du gett rätt att se").count() >= 1
    phone.check("vem-har-last")
    with phone.page.expect_download() as download:
        phone.page.get_by_role("link", name="Spara som PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # then: every citizen page passed axe-core and reflowed at 375 px
    relative_phone.context.close()
    phone.context.close()
    assert len(phone.checked) + len(relative_phone.checked) >= 14
    assert phone.problems + relative_phone.problems == [], "\n" + "\n".join(
        phone.problems + relative_phone.problems
    )
