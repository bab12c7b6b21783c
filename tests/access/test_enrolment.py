"""Enrolling a code app needs an enrolment code from a system administrator, not just the
password (issue 11, item 2)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from fastkontakt.access.actors import actor_for_user, system_actor
from fastkontakt.access.enrolment import MAX_FAILURES, enrolment_code_issue
from fastkontakt.access.models import EnrolmentCode, Role
from fastkontakt.cli import main
from fastkontakt.domain.errors import NotAllowed
from tests.access.helpers import PASSWORD, current_code, device_for, make_user, signed_in
from tests.factories import UnitFactory

SETUP = reverse("web:otp_setup")
#: The pages a signed-in user may reach before the second factor.
BEFORE_SECOND_FACTOR = {"login", "otp_verify", "otp_setup", "logout"}


def _page_paths() -> Iterator[str]:
    """Every page of the site (args filled with 1), and the admin's."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield pattern.name or "", route

    web = next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "web"
    )
    for name, route in walk(web.url_patterns, "/"):
        if name not in BEFORE_SECOND_FACTOR:
            yield re.sub(r"<int:\w+>", "1", re.sub(r"<(?:str|slug):\w+>", "x", route))
    yield reverse("admin:index")
    yield reverse("admin:auth_user_changelist")
    yield reverse("admin:otp_totp_totpdevice_add")


def _password_only(username: str) -> Client:
    client = Client()
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _issue(user: User) -> str:
    return enrolment_code_issue(actor=system_actor("cli:test"), username=user.username)[1]


@pytest.mark.django_db
def test_a_log_reviewer_with_only_a_password_gets_nowhere() -> None:
    # given: a log reviewer without a code app signs in with the password
    make_user("lena", [(Role.LOG_REVIEWER, None)])
    client = _password_only("lena")
    paths = sorted(set(_page_paths()))

    # when: every page is asked for, read and posted to
    answers = {
        (method, path): getattr(client, method)(path)
        for path in paths
        for method in ("get", "post")
    }
    setup_page = client.get(SETUP)
    guessed = client.post(SETUP, {"otp_token": "123456"})

    # then: each answer sends the reviewer to the enrolment code, which shows no key
    assert len(paths) >= 30  # the walk found the site's pages
    assert {
        key: (response.status_code, response["Location"].split("?")[0])
        for key, response in answers.items()
    } == {key: (302, SETUP) for key in answers}
    for page in (setup_page, guessed):
        html = page.content.decode()
        assert page.status_code == 200
        assert 'name="enrolment_code"' in html
        assert "<svg" not in html
        assert "<code>" not in html
        assert "otpauth" not in html
    assert TOTPDevice.objects.count() == 0
    assert client.get(reverse("web:accesslog")).status_code == 302


@pytest.mark.django_db
def test_the_enrolment_code_opens_the_setup_and_then_the_pages() -> None:
    # given
    user = make_user("lena", [(Role.LOG_REVIEWER, None)])
    code = _issue(user)
    client = _password_only("lena")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    # when: the code (typed in lower case with spaces) opens the key, and the app's code confirms
    entered = client.post(SETUP, {"enrolment_code": code.lower().replace("-", " ")})
    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    confirmed = client.post(SETUP, {"otp_token": current_code(device)})

    # then
    assert entered.status_code == 302
    assert entered["Location"].startswith(SETUP)
    html = page.content.decode()
    assert "<svg" in html
    assert re.search(r"<code>[A-Z2-7]+</code>", html)
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(reverse("web:accesslog")).status_code == 200
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    enrolment = EnrolmentCode.objects.get(user=user)
    assert enrolment.used_at is not None
    assert enrolment.failures == 0


@pytest.mark.django_db
def test_only_a_hash_of_the_code_is_kept_and_it_expires_after_72_hours() -> None:
    # given
    user = make_user("lena")

    # when
    enrolment, code = enrolment_code_issue(actor=system_actor("cli:root"), username="lena")

    # then
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    row = EnrolmentCode.objects.filter(user=user).values().get()
    stored = " ".join(str(value) for value in row.values())
    assert code not in stored
    assert code.replace("-", "") not in stored
    assert enrolment.expires_at - enrolment.issued_at == timedelta(hours=72)
    assert (enrolment.issued_by, enrolment.used_at, enrolment.failures) == ("cli:root", None, 0)


@pytest.mark.django_db
def test_a_code_serves_once() -> None:
    # given: the code was used and the device set up; then the phone is lost
    user = make_user("lena")
    code = _issue(user)
    first = _password_only("lena")
    first.post(SETUP, {"enrolment_code": code})
    TOTPDevice.objects.filter(user=user).delete()

    # when: someone with the password tries the same code again
    client = _password_only("lena")
    response = client.post(SETUP, {"enrolment_code": code})

    # then
    assert response.status_code == 200
    assert "Registreringskoden stämmer inte eller har gått ut." in response.content.decode()
    assert "<svg" not in client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_an_expired_code_is_refused() -> None:
    # given
    user = make_user("lena")
    code = _issue(user)
    EnrolmentCode.objects.filter(user=user).update(
        issued_at=timezone.now() - timedelta(hours=73), expires_at=timezone.now()
    )
    client = _password_only("lena")

    # when
    response = client.post(SETUP, {"enrolment_code": code})

    # then
    assert "Registreringskoden stämmer inte eller har gått ut." in response.content.decode()
    assert EnrolmentCode.objects.get(user=user).used_at is None
    assert TOTPDevice.objects.count() == 0


@pytest.mark.django_db
def test_a_code_is_bound_to_its_user() -> None:
    # given
    make_user("lena")
    bo = make_user("bo")
    bos_code = _issue(bo)
    client = _password_only("lena")

    # when
    response = client.post(SETUP, {"enrolment_code": bos_code})

    # then: refused for lena, and still good for bo
    assert "Registreringskoden stämmer inte" in response.content.decode()
    assert "<svg" not in client.get(SETUP).content.decode()
    assert _password_only("bo").post(SETUP, {"enrolment_code": bos_code}).status_code == 302


@pytest.mark.django_db
def test_wrong_codes_are_counted_and_the_code_dies_after_the_limit() -> None:
    # given
    user = make_user("lena")
    code = _issue(user)
    client = _password_only("lena")

    # when
    for _ in range(MAX_FAILURES):
        client.post(SETUP, {"enrolment_code": "AAAA-BBBB-CCCC"})
    response = client.post(SETUP, {"enrolment_code": code})

    # then: even the right code no longer works
    assert "För många felaktiga försök" in response.content.decode()
    enrolment = EnrolmentCode.objects.get(user=user)
    assert (enrolment.failures, enrolment.used_at) == (MAX_FAILURES, None)
    assert TOTPDevice.objects.count() == 0


@pytest.mark.django_db
def test_a_new_code_replaces_the_unused_one() -> None:
    # given
    user = make_user("lena")
    old = _issue(user)
    new = _issue(user)

    # when
    refused = _password_only("lena").post(SETUP, {"enrolment_code": old})
    accepted = _password_only("lena").post(SETUP, {"enrolment_code": new})

    # then
    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert EnrolmentCode.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_only_system_administrators_issue_codes() -> None:
    # given
    unit = UnitFactory()
    head = make_user("hans", [(Role.HEAD_OF_UNIT, unit), (Role.LOG_REVIEWER, None)])
    make_user("lena")

    # when / then
    with pytest.raises(NotAllowed):
        enrolment_code_issue(actor=actor_for_user(head, request_id="r"), username="lena")
    assert EnrolmentCode.objects.count() == 0


@pytest.mark.django_db
def test_a_user_with_a_code_app_needs_replace_device() -> None:
    # given
    user = make_user("lena")
    device_for(user)

    # when / then: refused and nothing changed
    with pytest.raises(NotAllowed):
        enrolment_code_issue(actor=system_actor("cli:root"), username="lena")
    assert (EnrolmentCode.objects.count(), TOTPDevice.objects.filter(user=user).count()) == (0, 1)

    # when: the phone is lost
    enrolment_code_issue(actor=system_actor("cli:root"), username="lena", replace_device=True)

    # then
    assert (EnrolmentCode.objects.count(), TOTPDevice.objects.filter(user=user).count()) == (1, 0)


@pytest.mark.django_db
def test_the_command_line_issues_a_code_that_works(capsys: pytest.CaptureFixture[str]) -> None:
    # given
    make_user("lena")
    out = io.StringIO()

    # when
    status = main(["enrolment-code", "lena"], out=out)

    # then
    assert status == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Registreringskod för lena, gäller en gång till ")
    assert len(lines) == 3
    assert EnrolmentCode.objects.get().issued_by.startswith("cli:")
    assert _password_only("lena").post(SETUP, {"enrolment_code": lines[2]}).status_code == 302


@pytest.mark.django_db
def test_the_command_line_refuses_an_unknown_user(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    status = main(["enrolment-code", "ingen"], out=io.StringIO())

    # then
    assert status == 2
    assert capsys.readouterr().err == "Det finns ingen aktiv användare som heter ingen.\n"
    assert EnrolmentCode.objects.count() == 0


@pytest.mark.django_db
def test_a_system_administrator_issues_a_code_in_the_admin() -> None:
    # given
    admin_user = make_user("gun", [(Role.SYSTEM_ADMIN, None)])
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    lena = make_user("lena")
    client = signed_in(admin_user)

    # when
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_code", "_selected_action": [lena.pk]},
    )

    # then: the code is on the page, once, and it works
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    found = re.search(r'<code class="enrolment-code">([A-Z2-9-]+)</code>', html)
    assert found is not None
    assert EnrolmentCode.objects.get(user=lena).issued_by == "gun"
    assert _password_only("lena").post(SETUP, {"enrolment_code": found[1]}).status_code == 302
