"""Every page a user can reach, as each role, at laptop and phone size (issue 12, section 2).

One walk signs in as a head of unit, a coordinator, a staff member, a log reviewer and a system
administrator (each through the real login and code pages), visits every page of the site and
the admin with parameters from the demo region, the error pages, and forms sent back with their
validation errors, and runs axe-core on each at 1366×768 and 390×844. The tests below read the
walk:

- no serious or critical WCAG 2.1 AA violation on any page (axe-core);
- the walk reaches every page the URL patterns define, so a new page cannot go unchecked;
- the visible text passes ``tests.screen_text.screen_text_problems`` (a separate test, so that
  the integrator sees it on its own).

Pages whose markup is identical to one already checked (the same error page for two roles, say)
are not checked twice. Set ``FASTKONTAKT_WALK_SCREENSHOTS`` to a directory to save a phone-size
screenshot of every page the walk checks.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import RequestFactory
from django.urls import get_resolver, resolve
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

from fastkontakt.access.models import Account, EmergencyAccess, Membership, Role
from fastkontakt.citizen.models import UnitOpeningHours
from fastkontakt.demo.contact_details import demo_contact_details_fill
from fastkontakt.demo.planning import planning_demo_seed
from fastkontakt.demo.population import demo_scenario
from fastkontakt.fhir.clients import api_client_create
from fastkontakt.letters.models import Letter
from fastkontakt.planning.models import PlanJob, PlannedVisit
from fastkontakt.registry.models import Contact, Handover, Person, Staff, Unit
from fastkontakt.registry.services import scenario_load
from fastkontakt.web.views import errors as web_errors
from tests.browser.accessibility import axe_violations, describe, failing
from tests.browser.conftest import DEMO_PEOPLE, LAPTOP, PHONE
from tests.browser.conftest import Demo as Screenshots
from tests.screen_text import screen_text_problems

PASSWORD = "Tillganglighet-2026!"  # noqa: S105 - a test user's password on a test database

#: Pages of the URL patterns the walk does not open, and why.
NOT_PAGES = {
    "web:logout": "POST only; signs out",
    "web:letter_pdf": "a PDF, not a page",
    "web:letter_create": "POST only; answers with a redirect to the letters",
    "web:caseload_title_add": "POST only; the caseload page with its errors is walked",
    "web:caseload_title_remove": "POST only; answers with the caseload page",
    "web:caseload_eligible": "POST only; answers with the caseload page",
    "web:planning_job_status": "a fragment that the job's page polls through htmx",
    "admin:logout": "POST only; signs out",
    "admin:jsi18n": "JavaScript, not a page",
    "admin:autocomplete": "JSON, not a page",
    "admin:view_on_site": "no model has a page on the site",
    "admin:login": "redirects to the site's login",
    "admin:otp_totp_totpdevice_qrcode": "an SVG image, not a page",
    "admin:password_change_done": "after a password change only",
    "web:consent_withdraw": "POST only; answers with the consent page, which is walked",
    "web:person_address": "POST only; the form is on the person page, which is walked",
    # Rows that only a running worker writes; their lists and add forms are walked.
    "admin:django_tasks_database_dbtaskresult_change": "a job result: written by a worker",
    "admin:django_tasks_database_dbtaskresult_delete": "a job result: written by a worker",
    "admin:django_tasks_database_dbtaskresult_history": "a job result: written by a worker",
    "admin:reminders_outgoingmail_change": "a reminder mail: written by the daily job",
    "admin:reminders_outgoingmail_delete": "a reminder mail: written by the daily job",
    "admin:reminders_outgoingmail_history": "a reminder mail: written by the daily job",
}

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Seen:
    """One page as one role saw it."""

    role: str
    label: str
    path: str
    status: int
    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    text: str = ""
    checked: bool = True
    #: How many CSS pixels the page scrolls sideways at phone size (0: it reflows).
    sideways: int = 0


@dataclass
class Walk:
    pages: list[Seen]
    url_names: set[str]
    seconds: float
    #: What the keyboard reached: the first Tab's element, and where Enter on it moved focus.
    keyboard: list[str | bool]


@dataclass
class Walker:
    """Opens pages as one role and checks each at both sizes (once per distinct markup)."""

    page: Page
    url: str
    role: str
    walk: list[Seen]
    url_names: set[str]
    checked: dict[str, Seen]

    def visit(self, label: str, path: str) -> Seen:
        response = self.page.goto(self.url + path)
        assert response is not None, path
        return self.check(label, path, response.status)

    def submit(self, label: str, path: str, fill: Callable[[Page], None]) -> Seen:
        """Open ``path``, let ``fill`` send a form, and check the answer (errors shown)."""
        self.page.goto(self.url + path)
        # the server's answer to what the browser's own checks would have stopped
        self.page.evaluate(
            "() => document.querySelectorAll('form').forEach(f => f.noValidate = true)"
        )
        with self.page.expect_navigation() as navigation:
            fill(self.page)
        response = navigation.value
        return self.check(label, path, response.status if response else 200)

    def check(self, label: str, path: str, status: int) -> Seen:
        # goto and the navigations waited for "load"; htmx swaps were waited for by the caller
        where = self.page.url.removeprefix(self.url)
        self.url_names.add(_url_name(path))
        self.url_names.add(_url_name(where))
        # tokens and the signed-in user's name aside, the same markup is the same page for axe
        markup = re.sub(
            r"[0-9a-zA-Z]{32,}|<span class=\"who\">[^<]*</span>", "", self.page.content()
        )
        key = hashlib.sha256(markup.encode()).hexdigest()
        seen = Seen(role=self.role, label=label, path=where, status=status)
        if key in self.checked:
            earlier = self.checked[key]
            seen.violations, seen.text, seen.checked = earlier.violations, earlier.text, False
            seen.sideways = earlier.sideways
        else:
            self.checked[key] = seen
            seen.text = self.page.title() + "\n" + self.page.locator("body").inner_text()
            seen.violations["laptop"] = axe_violations(self.page)
            self.page.set_viewport_size(PHONE)
            seen.violations["phone"] = axe_violations(self.page)
            seen.sideways = self.page.evaluate(SIDEWAYS)
            _screenshot(self.page, f"{self.role}-{label}")
            self.page.set_viewport_size(LAPTOP)
        self.walk.append(seen)
        return seen


def _url_name(path: str) -> str:
    try:
        match = resolve(path.split("?", 1)[0])
    except Exception:  # noqa: BLE001 - an unknown address is the 404 page
        return "404"
    return match.view_name


def _screenshot(page: Page, name: str) -> None:
    where = os.environ.get("FASTKONTAKT_WALK_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^a-z0-9åäö-]+", "-", name.lower())
        page.screenshot(path=str(Path(where) / f"{safe}.png"), full_page=True)


def _units() -> tuple[Unit, Unit, Unit]:
    """The busiest unit of each type, as the demo user has them."""
    return tuple(  # type: ignore[return-value]
        Unit.objects.filter(type=kind).order_by("hsa_id")[0]
        for kind in ("primarvard", "hemtjanst", "kommunal_hsv")
    )


def _user(
    username: str,
    roles: list[tuple[str, Unit | None]],
    *,
    staff: Staff | None = None,
    admin_site: bool = False,
    device: bool = True,
) -> Any:
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name="Test",
        is_staff=admin_site,
        is_superuser=admin_site,
    )
    for role, unit in roles:
        Membership.objects.create(user=user, role=role, unit=unit)
    if staff is not None:
        Account.objects.create(user=user, staff=staff)
    if device:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def _code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/konto/logga-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.fill("input[name=otp_token]", _code(username))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Välkommen")


def _admin_pages() -> list[tuple[str, str]]:
    """Every registered model's list, add form and first object's change, history and delete
    pages, and the admin's index and app pages."""
    pages = [("admin", "/admin/")]
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        pages.append((f"admin-{meta.model_name}", base))
        pages.append((f"admin-{meta.model_name}-ny", base + "add/"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append((f"admin-{meta.model_name}-andra", f"{base}{first.pk}/change/"))
            pages.append((f"admin-{meta.model_name}-historik", f"{base}{first.pk}/history/"))
            pages.append((f"admin-{meta.model_name}-ta-bort", f"{base}{first.pk}/delete/"))
            if meta.model_name == "totpdevice":
                pages.append(("admin-kodapp-installning", f"{base}{first.pk}/config/"))
    for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
        pages.append((f"admin-app-{app_label}", f"/admin/{app_label}/"))
    return pages


@dataclass(frozen=True)
class Demo:
    centre: Unit
    home_care: Unit
    municipal: Unit
    person: Person
    customer: Person
    contact: Contact
    colleague: Staff
    leaving: Staff
    successor: Staff
    job: PlanJob
    visit: PlannedVisit
    unplanned: PlannedVisit | None


def _demo_region() -> Demo:
    today = timezone.localdate()
    scenario_load(scenario=demo_scenario(people=DEMO_PEOPLE, seed=1, as_of=today))
    demo_contact_details_fill(seed=1)
    planning_demo_seed(as_of=today, seed=1, time_limit=1.0)
    centre, home_care, municipal = _units()
    # the citizen pages' opening hours, so that the admin's pages of a row are walked too
    UnitOpeningHours.objects.create(unit=centre, hours="Vardagar 8–17")
    person = Person.objects.filter(listed_at=centre, contacts__unit=centre).order_by("pk")[0]
    contact = Contact.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today), person=person, unit=centre
    ).order_by("pk")[0]
    customer = Person.objects.filter(
        home_care_decisions__unit=home_care, location__isnull=False
    ).order_by("pk")[0]
    current = Q(contacts__end__isnull=True) | Q(contacts__end__gte=today)
    leaving = (
        Staff.objects.filter(workplaces__unit=home_care, employment_end=None)
        .annotate(held=Count("contacts", filter=current & Q(contacts__unit=home_care)))
        .filter(held__gte=1)
        .order_by("-held", "hsa_id")[0]
    )
    successor = (
        Staff.objects.filter(
            workplaces__unit=home_care, employment_end=None, profession=leaving.profession
        )
        .exclude(pk=leaving.pk)
        .order_by("hsa_id")[0]
    )
    colleague = Staff.objects.filter(workplaces__unit=centre, employment_end=None).order_by(
        "hsa_id"
    )[0]
    job = PlanJob.objects.create(
        unit=home_care,
        status=PlanJob.Status.DONE,
        progress=100,
        message="Planen är klar.",
        created_by_name="Koordinator Test",
        time_limit=1.0,
        finished_at=timezone.now(),
    )
    rows = PlannedVisit.objects.filter(run__unit=home_care, run__status="current").order_by(
        "day", "start", "pk"
    )
    return Demo(
        centre,
        home_care,
        municipal,
        person,
        customer,
        contact,
        colleague,
        leaving,
        successor,
        job,
        rows.filter(start__isnull=False)[0],
        rows.filter(start__isnull=True).first(),
    )


def _site_pages(d: Demo, handover: Handover | None, letter: Letter | None) -> list[tuple[str, str]]:
    """Every page of the site (GET), with parameters from the demo region."""
    pages = [
        ("start", "/"),
        ("sok", "/personer/"),
        ("person", f"/personer/{d.person.pk}/"),
        ("person-kund", f"/personer/{d.customer.pk}/"),
        ("nodatkomst", "/nodatkomst/"),
        ("logg", "/logg/"),
        ("arbetslista", "/arbetslista/"),
        ("arbetslista-vardcentral", f"/arbetslista/?unit={d.centre.pk}"),
        ("arbetslista-hemtjanst", f"/arbetslista/?unit={d.home_care.pk}"),
        ("arbetslista-kommunal", f"/arbetslista/?unit={d.municipal.pk}"),
        ("utse", f"/kontakter/utse/{d.person.pk}/?unit={d.centre.pk}&kind=fast_vardkontakt"),
        ("avsluta", f"/kontakter/{d.contact.pk}/avsluta/"),
        ("overlamning", "/kontakter/overlamning/"),
        ("overlamning-medarbetare", f"/kontakter/overlamning/{d.leaving.pk}/"),
        ("vard", f"/vard/{d.customer.pk}/"),
        ("vard-listad", f"/vard/{d.person.pk}/"),
        ("arbetsbelastning", "/arbetsbelastning/"),
        ("arbetsbelastning-vardcentral", f"/arbetsbelastning/{d.centre.pk}/"),
        ("arbetsbelastning-hemtjanst", f"/arbetsbelastning/{d.home_care.pk}/"),
        ("arbetsbelastning-kommunal", f"/arbetsbelastning/{d.municipal.pk}/"),
        ("arbetsbelastning-medarbetare", f"/arbetsbelastning/medarbetare/{d.colleague.pk}/"),
        ("brev", f"/brev/person/{d.person.pk}/"),
        ("brev-samtycke", f"/brev/person/{d.person.pk}/samtycke/"),
        ("paminnelser", "/konto/paminnelser/"),
        ("planering", "/planering/"),
        ("planering-plan", f"/planering/{d.home_care.pk}/"),
        ("planering-kunder", f"/planering/{d.home_care.pk}/kunder/"),
        ("planering-kund", f"/planering/{d.home_care.pk}/kunder/{d.customer.pk}/"),
        ("planering-omplanering", f"/planering/{d.home_care.pk}/omplanering/"),
        ("planering-jobb", f"/planering/{d.home_care.pk}/omplanering/{d.job.pk}/"),
        ("planering-flytta", f"/planering/{d.home_care.pk}/besok/{d.visit.pk}/"),
        ("planering-utfort", f"/planering/{d.home_care.pk}/utfort/"),
        ("planering-utfort-kund", f"/planering/{d.home_care.pk}/utfort/{d.customer.pk}/"),
        ("finns-inte", "/finns-inte/"),
        ("konto-inloggad", "/konto/logga-in/"),
    ]
    if handover is not None:
        pages.append(("overlamning-klar", f"/kontakter/overlamning/klar/{handover.pk}/"))
        person = handover.items.order_by("pk")[0].previous.person
        pages.append(("brev-overlamning", f"/brev/person/{person.pk}/"))
    if letter is not None:
        pages.append(("brev-lamnat", f"/brev/{letter.pk}/lamnat/"))
    if d.unplanned is not None:
        unplanned = f"/planering/{d.home_care.pk}/besok/{d.unplanned.pk}/"
        pages.append(("planering-planera-in", unplanned))
    return pages


def _send(button: str) -> Callable[[Page], None]:
    def send(page: Page) -> None:
        page.locator("main").get_by_role("button", name=button, exact=True).first.click()

    return send


ITEM_FORM_EMPTIED = r"""() => {
    const form = [...document.querySelectorAll("form[hx-post]")].find(
        (f) => /\/vard\/\d+\/[\w-]+\/\d+\/$/.test(f.getAttribute("hx-post")));
    if (!form) return null;
    for (let d = form.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    form.querySelectorAll("input:not([type=hidden]), textarea").forEach((i) => {
        if (i.type === "radio" || i.type === "checkbox") i.checked = false; else i.value = "";
    });
    form.querySelectorAll("select").forEach((s) => { s.selectedIndex = 0; });
    form.classList.add("item-sent");
    return form.getAttribute("hx-target").slice(1);
}"""


def _fill(fields: dict[str, str], button: str) -> Callable[[Page], None]:
    def fill(page: Page) -> None:
        for selector, value in fields.items():
            page.fill(selector, value)
        _send(button)(page)

    return fill


def _forms_with_errors(walker: Walker, d: Demo) -> None:
    """Forms sent back with their validation errors (nothing is saved)."""
    walker.submit("sok-fel", "/personer/", _fill({"#id_q": "19000000-0000"}, "Sök"))
    walker.submit(
        "sok-traff",
        "/personer/",
        _fill({"#id_q": d.person.name.split()[0]}, "Sök"),
    )
    walker.submit("nodatkomst-fel", "/nodatkomst/", _send("Begär nödåtkomst"))
    walker.submit(
        "utse-fel",
        f"/kontakter/utse/{d.person.pk}/?unit={d.centre.pk}&kind=fast_vardkontakt",
        _send("Utse"),
    )
    walker.submit(
        "avsluta-fel",
        f"/kontakter/{d.contact.pk}/avsluta/",
        _fill({"#id_end": ""}, "Avsluta"),
    )
    walker.submit(
        "planering-flytta-fel",
        f"/planering/{d.home_care.pk}/besok/{d.visit.pk}/",
        _fill({"#id_start": "25:00"}, "Pröva"),
    )
    walker.submit(
        "planering-omplanering-fel",
        f"/planering/{d.home_care.pk}/omplanering/",
        _send("Registrera och planera om"),
    )
    walker.submit("planering-utfort-fel", f"/planering/{d.home_care.pk}/utfort/", _send("Läs in"))
    # the care page's forms post through htmx and swap their section: the errors appear in place
    walker.page.goto(walker.url + f"/vard/{d.customer.pk}/")
    section = walker.page.locator("#overforingar")
    section.get_by_role("button", name="Registrera överföringen").click()
    section.locator("[role=alert]").first.wait_for()
    walker.check("vard-fel", f"/vard/{d.customer.pk}/", 200)
    walker.url_names.add("web:care_record")  # the form's answer is what the walk checked
    # a form about one item (a stay, a SIP, a decision), emptied and sent: its errors in place
    for person in (d.customer, d.person):
        walker.page.goto(walker.url + f"/vard/{person.pk}/")
        section = walker.page.evaluate(ITEM_FORM_EMPTIED)
        if section:
            walker.page.locator(f"#{section} form.item-sent button[type=submit]").click()
            walker.page.locator(f"#{section} [role=alert]").first.wait_for()
            walker.check("vard-post-fel", f"/vard/{person.pk}/", 200)
            walker.url_names.add("web:care_item")
            break
    walker.page.goto(walker.url + f"/arbetsbelastning/{d.centre.pk}/")
    titles = walker.page.locator("#titlar")
    titles.get_by_role("button").last.click()
    walker.page.locator("#titlar .errorlist, #titlar [role=alert]").first.wait_for()
    walker.check("arbetsbelastning-fel", f"/arbetsbelastning/{d.centre.pk}/", 200)


def _hand_over(walker: Walker, d: Demo) -> Handover:
    """A real handover through its form, so its result and letters can be walked."""
    page = walker.page
    page.goto(walker.url + f"/kontakter/overlamning/{d.leaving.pk}/")
    for select in page.locator("select[name^=all-]").all():
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        if str(d.successor.pk) in values:
            select.select_option(str(d.successor.pk))
    page.locator("#id_reason").select_option(index=1)
    # the README's screenshots of a handover (make screenshots)
    Screenshots(url=walker.url, page=page).shot("overlamning")
    with page.expect_navigation():
        page.get_by_role("button", name="Lämna över och skapa brev").click()
    Screenshots(url=walker.url, page=page).shot("overlamning-klar")
    walker.check("overlamning-klar", page.url.removeprefix(walker.url), 200)
    return Handover.objects.get(staff=d.leaving)


FOCUSED = """() => {
    const element = document.activeElement;
    return [element.id, element.textContent.trim(), element.getBoundingClientRect().top >= 0];
}"""


def _keyboard(walker: Walker, path: str) -> list[str | bool]:
    """The first Tab on a page (its text, and whether it is on screen), and where Enter on it
    moved focus."""
    page = walker.page
    page.goto(walker.url + path)
    page.keyboard.press("Tab")
    _, text, shown = page.evaluate(FOCUSED)
    page.keyboard.press("Enter")
    return [text, shown, page.evaluate(FOCUSED)[0]]


def _signed_out(walker: Walker, username: str) -> None:
    """The login and code pages, with their errors, before signing in."""
    page = walker.page
    walker.visit("logga-in", "/konto/logga-in/")
    walker.submit(
        "logga-in-fel",
        "/konto/logga-in/",
        _fill({"input[name=username]": username, "input[name=password]": "fel"}, "Logga in"),
    )
    page.goto(walker.url + "/konto/logga-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    walker.check("engangskod", "/konto/kod/", 200)
    page.fill("input[name=otp_token]", "000000")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    walker.check("engangskod-fel", "/konto/kod/", 200)


def _enrolment(walker: Walker) -> None:
    """A user with no code app yet: the enrolment code page, and its error."""
    page = walker.page
    page.goto(walker.url + "/konto/logga-in/")
    page.fill("input[name=username]", "nyanstalld")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    walker.check("registreringskod", "/konto/ny-kod/", 200)
    page.fill("input[name=enrolment_code]", "FEL-KOD")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    walker.check("registreringskod-fel", "/konto/ny-kod/", 200)


def _server_errors(walker: Walker) -> None:
    """The pages for a server error and a database that does not answer, served in the
    browser as the server would send them (an error cannot be caused on purpose here)."""
    request = RequestFactory().get("/")
    for label, status, response in (
        ("serverfel", 500, web_errors.server_error(request)),
        ("databasen-svarar-inte", 503, web_errors.database_unavailable(request)),
    ):
        path = f"/testfel/{label}/"
        walker.page.route(
            walker.url + path,
            lambda route, _request, body=response.content, status=status: route.fulfill(
                status=status, body=body, content_type="text/html; charset=utf-8"
            ),
        )
        walker.visit(label, path)
        walker.page.unroute(walker.url + path)


@pytest.fixture(scope="module")
def walk(
    browser: Browser, live_server: Any, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Walk]:
    started = time.monotonic()
    url = str(live_server.url)
    pages: list[Seen] = []
    url_names: set[str] = set()
    checked: dict[str, Seen] = {}
    with django_db_blocker.unblock():
        try:
            d = _demo_region()
            units = [d.centre, d.home_care, d.municipal]
            roles: list[tuple[str, Any]] = [
                (
                    "verksamhetschef",
                    _user("chef", [(Role.HEAD_OF_UNIT, u) for u in units], staff=d.colleague),
                ),
                ("koordinator", _user("koordinator", [(Role.COORDINATOR, u) for u in units])),
                (
                    "medarbetare",
                    _user("medarbetare", [(Role.STAFF, u) for u in units], staff=d.successor),
                ),
                ("logggranskare", _user("granskare", [(Role.LOG_REVIEWER, None)])),
                (
                    "systemadministrator",
                    _user("admin", [(Role.SYSTEM_ADMIN, None)], admin_site=True),
                ),
            ]
            newcomer = _user("nyanstalld", [(Role.STAFF, d.centre)], device=False)
            # an emergency access that has ended: on the log review and in the admin
            EmergencyAccess.objects.create(
                user=newcomer,
                unit=d.centre,
                person=d.customer,
                reason="Akut läge, test.",
                granted_at=timezone.now() - timedelta(hours=3),
                expires_at=timezone.now() - timedelta(hours=1),
            )
            Group.objects.create(name="Granskare")
            keyboard: list[str | bool] = []
            handover: Handover | None = None
            letter: Letter | None = None
            for number, (role, user) in enumerate(roles):
                context = browser.new_context(locale="sv-SE", viewport=LAPTOP)
                page = context.new_page()
                page.set_default_timeout(15_000)
                walker = Walker(page, url, role, pages, url_names, checked)
                if number == 0:
                    _signed_out(walker, user.username)
                    context.clear_cookies()
                    _enrolment(walker)
                    context.clear_cookies()
                _sign_in(page, url, user.username)
                if number == 0:
                    keyboard = _keyboard(walker, f"/personer/{d.person.pk}/")
                    handover = _hand_over(walker, d)
                    letter = (
                        Letter.objects.filter(
                            person__in=[i.previous.person for i in handover.items.all()]
                        )
                        .order_by("pk")
                        .first()
                    )
                    _forms_with_errors(walker, d)
                    _server_errors(walker)
                for label, path in _site_pages(d, handover, letter):
                    walker.visit(label, path)
                if role == "logggranskare":
                    walker.submit("logg-alla", "/logg/", _send("Visa"))
                    walker.submit(
                        "logg-fel",
                        "/logg/",
                        _fill({"#id_personal_id": "123"}, "Visa"),
                    )
                if role == "systemadministrator":
                    # a failed login as the lockout keeps it (signing in again resets it)
                    AccessAttempt.objects.create(
                        username="okand",
                        ip_address="127.0.0.1",
                        user_agent="test",
                        path_info="/konto/logga-in/",
                        http_accept="text/html",
                        get_data="",
                        post_data="",
                        failures_since_start=1,
                    )
                    AccessFailureLog.objects.create(
                        username="okand",
                        ip_address="127.0.0.1",
                        user_agent="test",
                        path_info="/konto/logga-in/",
                        http_accept="text/html",
                    )
                    # an API client, so that its admin pages have a row to show
                    api_client_create(
                        name="journalsystem",
                        unit_hsa_id=d.centre.hsa_id,
                        scopes=["system/CareTeam.rs"],
                    )
                    for label, path in _admin_pages():
                        walker.visit(label, path)
                    walker.submit(
                        "admin-enhet-ny-fel",
                        "/admin/registry/unit/add/",
                        lambda p: p.locator("input[name=_save]").click(),
                    )
                    user_pk = get_user_model().objects.get(username="medarbetare").pk
                    walker.visit("admin-losenord", f"/admin/auth/user/{user_pk}/password/")
                    walker.visit("admin-byt-losenord", "/admin/password_change/")
                context.close()
            yield Walk(pages, url_names, time.monotonic() - started, keyboard)
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_no_page_has_a_serious_or_critical_accessibility_violation(walk: Walk) -> None:
    # given: every page as each role saw it, at laptop and phone size
    checked = [seen for seen in walk.pages if seen.checked]

    # when: each failing rule once, with the pages it failed on and its first example
    by_rule: dict[str, list[str]] = {}
    example: dict[str, dict[str, Any]] = {}
    for seen in checked:
        for size, violations in seen.violations.items():
            for v in failing(violations):
                by_rule.setdefault(v["id"], []).append(
                    f"{seen.path} ({seen.label}, {seen.role}, {size})"
                )
                example.setdefault(v["id"], v)
    report = [
        describe(example[rule]) + "\n    on " + "\n       ".join(pages)
        for rule, pages in sorted(by_rule.items())
    ]

    # then
    print(f"walk: {len(walk.pages)} pages, {len(checked)} checked, {walk.seconds:.0f} s")
    assert len(checked) >= 60
    assert report == [], "\n" + "\n".join(report)


def test_no_page_scrolls_sideways_on_a_phone(walk: Walk) -> None:
    # given: every page at 390×844, where a wide table may scroll in its own box only (1.4.10)
    checked = [seen for seen in walk.pages if seen.checked]

    # when
    wide = [f"{s.path} ({s.label}, {s.role}): {s.sideways} px" for s in checked if s.sideways > 0]

    # then
    assert wide == [], "\n" + "\n".join(wide)


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(
    walk: Walk,
) -> None:
    # then: the skip link is the first stop, is shown when focused, and leads into <main>
    assert walk.keyboard == ["Hoppa till innehållet", True, "innehall"]


def test_the_walk_reaches_every_page_of_the_url_patterns(walk: Walk) -> None:
    # given: every named page of the site and the admin
    names: set[str] = set()

    def collect(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                collect(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name and namespace in {"web:", "admin:"}:
                names.add(namespace + p.name)

    collect(get_resolver().url_patterns, "")

    # then: each was opened by the walk, or is no page
    missing = sorted(names - walk.url_names - set(NOT_PAGES))
    assert missing == [], "not walked: " + ", ".join(missing)
    ok = {seen.label for seen in walk.pages if seen.status == 200}
    assert {
        "start",
        "arbetslista-vardcentral",
        "person",
        "utse",
        "vard",
        "planering-plan",
        "overlamning-klar",
        "brev-lamnat",
        "logg-alla",
        "admin",
        "admin-unit",
    } <= ok
    statuses = {(seen.label, seen.status) for seen in walk.pages}
    assert ("finns-inte", 404) in statuses
    assert ("serverfel", 500) in statuses


def test_no_page_shows_a_rule_id_or_a_personnummer_without_hyphen(walk: Walk) -> None:
    # given: the check sees what it must
    assert screen_text_problems("Personnummer 195807095566") != []
    assert screen_text_problems("Regel lakarkontakt-profession") != []
    assert screen_text_problems("19580709-5566, 2026-12-01") == []

    # when
    problems = [
        f"{seen.path} ({seen.label}, {seen.role}): " + "; ".join(dict.fromkeys(found))
        for seen in walk.pages
        if seen.checked
        and (found := screen_text_problems(seen.text))
    ]

    # then
    assert problems == [], "\n" + "\n".join(problems)


def test_axe_core_reports_a_violation_planted_in_a_page(browser: Browser) -> None:
    # given: a page with an unnamed button and text too faint to read
    context = browser.new_context(locale="sv-SE", viewport=LAPTOP)
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="sv"><head><title>Prov</title></head><body><main>'
        '<button></button><p style="color:#ccc;background:#fff">Blek text</p></main></body></html>'
    )

    # when
    violations = axe_violations(page)
    context.close()

    # then
    assert {v["id"]: v["impact"] for v in failing(violations)} == {
        "button-name": "critical",
        "color-contrast": "serious",
    }
