"""Chromium enforces the Content-Security-Policy on the main pages and reports no violation:
signing in, the worklist and its htmx filter, a person, appointing (htmx), care, caseloads,
planning, emergency access, the access log and the admin (issue 11, item 8a).

A canary (an inline style added on the last page) proves that a violation would be seen.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, Response

from fastkontakt.demo.contact_details import demo_contact_details_fill
from fastkontakt.demo.login import demo_totp_code, demo_user_ensure
from fastkontakt.demo.planning import planning_demo_seed
from fastkontakt.demo.population import demo_scenario
from fastkontakt.registry.models import Person
from fastkontakt.registry.services import scenario_load
from tests.browser.conftest import DEMO_PEOPLE
from tests.browser.test_workflows import _demo_unit

REPORT = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportViolation(
        `${location.pathname} ${event.violatedDirective} ${event.blockedURI} ${event.sample}`
    );
});
"""


class Watch:
    """Console errors and warnings, failed loads, and each document's policy."""

    def __init__(self, page: Page) -> None:
        self.console: list[str] = []
        self.failed: list[str] = []
        self.policies: dict[str, str | None] = {}
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text} ({message.location['url']})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")
        if response.request.resource_type == "document":
            path = response.url.split("//", 1)[1].partition("/")[2]
            self.policies["/" + path] = response.headers.get("content-security-policy")


def test_the_main_pages_break_no_rule_of_the_content_security_policy(
    live_server: Any, transactional_db: None, browser: Browser
) -> None:
    # given: the demo region, its plans, and a browser that reports violations
    today = timezone.localdate()
    scenario_load(scenario=demo_scenario(people=DEMO_PEOPLE, seed=1, as_of=today))
    demo_contact_details_fill(seed=1)
    planning_demo_seed(as_of=today, seed=1, time_limit=2.0)
    username, password, _ = demo_user_ensure()
    centre, home_care = _demo_unit("primarvard"), _demo_unit("hemtjanst")
    person = Person.objects.filter(listed_at=centre, contacts__isnull=False).order_by("pk")[0]
    customer = Person.objects.filter(home_care_decisions__unit=home_care).order_by("pk")[0]
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    context.expose_binding("reportViolation", lambda _source, text: violations.append(text))
    context.add_init_script(REPORT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch(page)
    url = str(live_server.url)

    # when: signing in with password and code
    page.goto(url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.fill("input[name=otp_token]", demo_totp_code())
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Välkommen")
    # the worklist, filtered through htmx (which swaps the list and pushes the address)
    page.goto(f"{url}/arbetslista/?unit={centre.pk}")
    rule = page.locator("#id_rule option").nth(1).get_attribute("value")
    page.select_option("#id_rule", rule)
    page.wait_for_url(f"**rule={rule}**")
    # appointing: htmx posts the form and swaps the candidates on each change
    page.goto(f"{url}/kontakter/utse/{person.pk}/?unit={centre.pk}&kind=fast_vardkontakt")
    page.wait_for_selector("#candidates li")
    page.select_option("#id_kind", "fast_lakarkontakt")
    page.wait_for_load_state("networkidle")
    for path in (
        "/personer/",
        f"/personer/{person.pk}/",
        f"/vard/{customer.pk}/",
        "/kontakter/overlamning/",
        "/arbetsbelastning/",
        f"/arbetsbelastning/{centre.pk}/",
        "/planering/",
        f"/planering/{home_care.pk}/",
        f"/planering/{home_care.pk}/kunder/",
        f"/brev/person/{person.pk}/",
        "/nodatkomst/",
        "/logg/",
        "/admin/",
        "/admin/auth/user/",
        "/konto/logga-in/",  # signed in: on to the start page
    ):
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
    seen_before_canary = list(violations)
    # the canary: an inline style must be refused and reported
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
    )
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(200)
    context.close()

    # then
    assert seen_before_canary == []
    assert len(violations) == 1
    assert " style-src-elem " in violations[0]
    assert [line for line in watch.console if "Content Security Policy" not in line] == []
    assert len(watch.console) == 1  # the canary's, nothing else
    assert watch.failed == []
    assert len(watch.policies) >= 20
    assert {path: policy for path, policy in watch.policies.items() if not policy} == {}
