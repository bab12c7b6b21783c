"""When the database is down or busy the pages answer 503 with a Swedish page and
``Retry-After``, never 500 (issue 11, item 8b; the FHIR side is in tests/fhir)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fastkontakt.access.models import Role
from fastkontakt.registry.models import Contact
from tests.access.helpers import PASSWORD, make_user, signed_in
from tests.database_faults import database_unreachable, in_threads, shared_database
from tests.factories import PersonFactory, StaffFactory, StaffUnitFactory, UnitFactory

UNAVAILABLE = "Fast kontakt är inte tillgängligt just nu"


def _assert_unavailable(response: Any) -> None:
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert UNAVAILABLE in html
    assert "Traceback" not in html


@pytest.mark.django_db
def test_a_signed_in_page_answers_503_when_the_database_is_down(tmp_path: Path) -> None:
    # given: a signed-in user, then the database goes away
    client = signed_in(make_user("anna", [(Role.STAFF, UnitFactory())]))
    client.raise_request_exception = False

    # when: the session cannot even be read
    with database_unreachable(tmp_path):
        [response] = in_threads(lambda: client.get(reverse("web:home")))

    # then
    _assert_unavailable(response)


@pytest.mark.django_db
def test_signing_in_answers_503_when_the_database_is_down(tmp_path: Path) -> None:
    # given
    make_user("anna")
    client = Client(raise_request_exception=False)

    # when: the login page needs no database; checking the password does
    with database_unreachable(tmp_path):
        [page, response] = in_threads(
            lambda: client.get(reverse("web:login")),
            lambda: client.post(
                reverse("web:login"), {"username": "anna", "password": PASSWORD}
            ),
        )

    # then
    assert page.status_code == 200
    _assert_unavailable(response)


def _appointment(tmp_path: Path) -> tuple[Client, str, dict[str, Any]]:
    centre = UnitFactory(name="Vårdcentralen Norr", type="primarvard")
    person = PersonFactory(listed_at=centre)
    nurse = StaffFactory(name="Nora Sjö")
    StaffUnitFactory(staff=nurse, unit=centre)
    manager = make_user("chef", [(Role.UNIT_MANAGER, centre)])
    data = {
        "unit": centre.pk,
        "kind": "fast_vardkontakt",
        "staff": nurse.pk,
        "start": timezone.localdate().isoformat(),
        "reason": "begaran",
        "agreed": "ja",
        "action": "save",
    }
    return signed_in(manager), reverse("web:appoint", args=[person.pk]), data


def _contacts_in_thread() -> list[tuple[int, int, date]]:
    [rows] = in_threads(
        lambda: list(Contact.objects.order_by("pk").values_list("person_id", "staff_id", "start"))
    )
    return rows


@pytest.mark.django_db(transaction=True)
def test_identical_appointments_at_the_same_moment_never_answer_500(tmp_path: Path) -> None:
    # given: the same appointment sent four times at once (a double click, two tabs)
    _, url, data = _appointment(tmp_path)
    manager = make_user("chef2")
    manager.memberships.create(role=Role.UNIT_MANAGER, unit_id=data["unit"])
    clients = [signed_in(manager) for _ in range(4)]
    for client in clients:
        client.raise_request_exception = False
    start = threading.Barrier(len(clients))

    def post(client: Client) -> int:
        start.wait()
        return int(client.post(url, data).status_code)

    # when
    with shared_database(tmp_path):
        statuses = in_threads(*[lambda c=c: post(c) for c in clients])
        contacts = _contacts_in_thread()

    # then: the first appoints; the others see the contact already held (a form again)
    assert sorted(statuses) == [200, 200, 200, 302]
    assert len(contacts) == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock; PostgreSQL locks rows"
)
@pytest.mark.django_db(transaction=True)
def test_a_write_that_waits_too_long_for_sqlite_answers_503_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # given: another process holds the write lock longer than the request will wait
    client, url, data = _appointment(tmp_path)
    client.raise_request_exception = False
    with shared_database(tmp_path, timeout=0.2) as path:
        assert path is not None
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            # when
            [response] = in_threads(lambda: client.post(url, data))
        finally:
            other.execute("ROLLBACK")
            other.close()
        contacts = _contacts_in_thread()

    # then
    _assert_unavailable(response)
    assert contacts == []
