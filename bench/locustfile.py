"""Locust users for ``bench/locust_staff.py``: signed-in staff browsing worklists and people.

Each simulated user signs in once as its own bench account (``bench-locust-NN``: password,
then the current TOTP code computed from the account's key, as an authenticator app would),
then, with about a second of think time between requests, opens the worklist of its unit, a
further page of it, and the pages of people on it. The driver passes the accounts in
``FK_LOCUST_ACCOUNTS`` (a JSON file: username, password, hex key) and collects the latencies
of browsing (sign-in left out) from ``FK_LOCUST_LATENCIES``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from typing import Any

from django_otp.oath import TOTP
from locust import HttpUser, between, events, task

_ACCOUNTS: list[dict[str, str]] = json.loads(
    open(os.environ["FK_LOCUST_ACCOUNTS"], encoding="utf-8").read()  # noqa: SIM115
)
_NEXT_ACCOUNT = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERSON = re.compile(r'href="/personer/(\d+)/"')
_LATENCIES: list[tuple[str, float]] = []
_LOCK = threading.Lock()
LOGIN = "sign-in"


@events.request.add_listener
def _record(name: str, response_time: float, exception: Exception | None, **_: Any) -> None:
    if exception is None and not name.startswith(LOGIN):
        with _LOCK:
            _LATENCIES.append((name, response_time))


@events.quitting.add_listener
def _write(**_: Any) -> None:
    with open(os.environ["FK_LOCUST_LATENCIES"], "w", encoding="utf-8") as out:
        json.dump(_LATENCIES, out)


class Staff(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        account = _ACCOUNTS[next(_NEXT_ACCOUNT) % len(_ACCOUNTS)]
        self.people: list[str] = []
        page = self.client.get("/konto/logga-in/", name=f"{LOGIN} form")
        self._post(
            "/konto/logga-in/",
            page.text,
            {
                "username": account["username"],
                "password": account["password"],
                "next": "/arbetslista/",
            },
            f"{LOGIN} password",
        )
        code = TOTP(bytes.fromhex(account["key"]), step=30, t0=0, digits=6).token()
        form = self.client.get("/konto/kod/?next=/arbetslista/", name=f"{LOGIN} code form")
        with self._post(
            "/konto/kod/",
            form.text,
            {"otp_token": f"{code:06d}", "next": "/arbetslista/"},
            f"{LOGIN} code",
            catch=True,
        ) as signed_in:
            if "/arbetslista/" not in signed_in.url or signed_in.status_code != 200:
                signed_in.failure(f"not signed in: {signed_in.status_code} {signed_in.url}")

    def _post(
        self, url: str, page: str, data: dict[str, str], name: str, catch: bool = False
    ) -> Any:
        token = _CSRF.search(page)
        if token is not None:
            data = {**data, "csrfmiddlewaretoken": token.group(1)}
        return self.client.post(
            url, data=data, name=name, catch_response=catch, headers={"Referer": self.host + url}
        )

    def _page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/konto/" in response.url:
                response.failure(f"{response.status_code} {response.url}")
                return ""
            return response.text

    @task(3)
    def worklist(self) -> None:
        text = self._page("/arbetslista/", "/arbetslista/")
        self.people = list(dict.fromkeys(_PERSON.findall(text))) or self.people

    @task(1)
    def worklist_page_two(self) -> None:
        self._page("/arbetslista/?page=2", "/arbetslista/?page=2")

    @task(6)
    def person(self) -> None:
        if not self.people:
            self.worklist()
            return
        self._page(f"/personer/{random.choice(self.people)}/", "/personer/[pk]/")
