"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

The region is the demo region of ``make run`` (``demo.population.demo_scenario``, loaded the way
``fastkontakt seed-demo`` loads it, at a smaller size), and the user is the demo user, who signs
in through the real login and code pages.

Chromium comes from Debian's ``chromium`` package (``make test`` installs it); set
``FASTKONTAKT_CHROMIUM`` to use another binary. A missing browser fails the tests: it is not a
reason to skip them.

Set ``FASTKONTAKT_SCREENSHOTS`` to a directory to save screenshots of the main pages there
(``make screenshots`` writes ``docs/screenshots/``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from fastkontakt.demo.contact_details import demo_contact_details_fill
from fastkontakt.demo.login import demo_totp_code, demo_user_ensure
from fastkontakt.demo.population import demo_scenario
from fastkontakt.registry.services import scenario_load

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls, so Django's guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PEOPLE = 150
#: The sizes the pages are checked and photographed at: a laptop and a phone.
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
]


def _chromium() -> str:
    path = os.environ.get("FASTKONTAKT_CHROMIUM") or shutil.which("chromium") or ""
    if not path:
        pytest.fail(
            "Chromium is not installed: `apt-get install chromium` (make test does this), or "
            "set FASTKONTAKT_CHROMIUM to a Chromium binary."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@dataclass
class Demo:
    url: str
    page: Page

    def go(self, path: str) -> None:
        self.page.goto(self.url + path)

    def shot(self, name: str) -> None:
        """Save full-page screenshots at laptop size (``name.png``) and phone size
        (``name-mobil.png``) when FASTKONTAKT_SCREENSHOTS names a directory."""
        where = os.environ.get("FASTKONTAKT_SCREENSHOTS")
        if where:
            Path(where).mkdir(parents=True, exist_ok=True)
            before = self.page.viewport_size
            for suffix, size in (("", LAPTOP), ("-mobil", PHONE)):
                self.page.set_viewport_size(size)
                self.page.screenshot(path=str(Path(where) / f"{name}{suffix}.png"), full_page=True)
            if before:
                self.page.set_viewport_size(before)


@pytest.fixture
def demo(live_server: object, transactional_db: None, browser: Browser) -> Iterator[Demo]:
    """The demo region loaded, the demo user signed in with password and code."""
    scenario_load(scenario=demo_scenario(people=DEMO_PEOPLE, seed=1, as_of=timezone.localdate()))
    demo_contact_details_fill(seed=1)
    username, password, _ = demo_user_ensure()
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    url = str(live_server.url)  # type: ignore[attr-defined]
    page.goto(url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.fill("input[name=otp_token]", demo_totp_code())
    # "main": the header's logout button is a submit button too, once the password is in.
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Välkommen")
    yield Demo(url=url, page=page)
    context.close()
