"""Error pages are the project's Swedish pages, with DEBUG on as well as off."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fastkontakt.access.models import Role
from tests.access.helpers import PASSWORD, make_user, signed_in
from tests.factories import UnitFactory
from tests.screen_text import screen_text_problems, visible_text

ERROR_URLS = "tests.web.error_urls"


def _page(response: object) -> str:
    return visible_text(response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture(params=[True, False], ids=["debug", "production-like"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    settings.ROOT_URLCONF = ERROR_URLS
    return bool(request.param)


@pytest.mark.django_db
def test_a_path_that_matches_nothing_is_the_swedish_404(debug: bool) -> None:
    # given
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))

    # when
    response = client.get("/finns-inte/")

    # then
    assert response.status_code == 404
    text = _page(response)
    assert "Hittades inte" in text
    assert screen_text_problems(text) == []


@pytest.mark.django_db
def test_a_view_that_finds_nothing_is_the_swedish_404(debug: bool) -> None:
    # given: a person who does not exist
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))

    # when
    response = client.get("/personer/999999/")

    # then
    assert response.status_code == 404
    assert "Hittades inte" in _page(response)
    assert screen_text_problems(_page(response)) == []


@pytest.mark.django_db
def test_a_path_missing_its_slash_is_still_redirected(debug: bool) -> None:
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))
    response = client.get("/arbetslista")
    assert response.status_code == 301
    assert response["Location"] == "/arbetslista/"


@pytest.mark.django_db
def test_an_error_in_a_view_is_the_swedish_500(debug: bool) -> None:
    # given
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))
    client.raise_request_exception = False

    # when
    response = client.get("/test/krasch/")

    # then
    assert response.status_code == 500
    text = _page(response)
    assert "Något gick fel" in text
    assert "RuntimeError" not in response.content.decode()
    assert screen_text_problems(text) == []


@pytest.mark.django_db
def test_a_bad_request_is_the_swedish_400(debug: bool) -> None:
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))
    client.raise_request_exception = False
    response = client.get("/test/felaktig/")
    assert response.status_code == 400
    assert "Felaktig begäran" in _page(response)
    assert screen_text_problems(_page(response)) == []


@pytest.mark.django_db
def test_a_refused_csrf_check_is_the_swedish_403(debug: bool) -> None:
    # given: a login form posted without its CSRF token
    make_user("sara")
    client = Client(enforce_csrf_checks=True)

    # when
    response = client.post("/konto/logga-in/", {"username": "sara", "password": PASSWORD})

    # then
    assert response.status_code == 403
    text = _page(response)
    assert "Formuläret kunde inte skickas" in text
    assert screen_text_problems(text) == []
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_forbidden_page_is_the_swedish_403(debug: bool) -> None:
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))
    response = client.get("/logg/")
    assert response.status_code == 403
    assert "Ej behörig" in _page(response)
    assert screen_text_problems(_page(response)) == []


@pytest.mark.django_db
def test_a_browser_that_prefers_english_still_gets_swedish() -> None:
    # given a browser that asks for English
    client = signed_in(make_user("sara", [(Role.STAFF, UnitFactory())]))

    # when a form is sent empty, and the admin's login redirect target is asked for
    response = client.post("/personer/", {"q": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    # then the form error is Swedish too
    text = _page(response)
    assert "This field is required" not in text
    assert "Detta fält måste fyllas i." in text
    assert screen_text_problems(text) == []
