"""Signing in on the citizen pages: e-legitimation through the stub provider at loa3, the
demo login only in development, sessions apart from staff sessions, 15 idle minutes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.utils import timezone

from fastkontakt.citizen.models import CitizenSession
from fastkontakt.citizen.views import COOKIE
from tests.access.helpers import signed_in
from tests.citizen.conftest import LOA3, PNR_CLAIM, RELATIVE_PNR, Region, citizen_client
from tests.oidc_stub import StubProvider


def _sign_in(client: Client, provider: StubProvider) -> Any:
    start = client.get("/invanare/logga-in/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert location.netloc == urlparse(provider.url).netloc
    query = parse_qs(location.query)
    assert query["acr_values"] == [LOA3]
    provider.nonce = query["nonce"][0]
    return client.get("/invanare/inloggning/", {"code": "the-code", "state": query["state"][0]})


@pytest.mark.django_db
def test_a_known_person_signs_in_at_loa3_and_sees_their_page(
    region: Region, provider: StubProvider
) -> None:
    # given
    provider.id_token_extra = {"acr": LOA3, PNR_CLAIM: region.anna.personal_id}
    client = Client()

    # when
    answer = _sign_in(client, provider)

    # then
    assert answer.status_code == 302
    assert answer.cookies[COOKIE]["httponly"]
    assert answer.cookies[COOKIE]["path"] == "/invanare/"
    page = client.get("/invanare/")
    assert page.status_code == 200
    assert "Hej Anna Andersson" in page.content.decode()
    assert CitizenSession.objects.get().personal_id == region.anna.personal_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"acr": "http://id.elegnamnden.se/loa/1.0/loa2", PNR_CLAIM: "ANNA"}, "inte tillräckligt"),
        ({PNR_CLAIM: "ANNA"}, "inte tillräckligt säker"),
        ({"acr": LOA3, PNR_CLAIM: "199001019999"}, "inget personnummer"),
        ({"acr": LOA3}, "inget personnummer"),
        ({"acr": LOA3, PNR_CLAIM: "191212121212"}, "Vi har inga uppgifter om dig"),
    ],
    ids=["loa2", "no-acr", "bad-luhn", "no-personnummer", "unknown-personnummer"],
)
def test_without_loa3_or_with_an_unknown_personnummer_sign_in_is_refused(
    region: Region, provider: StubProvider, extra: dict[str, str], message: str
) -> None:
    # given: Anna's own number where it says ANNA; a well-formed number of nobody the
    # registry knows in the last case
    provider.id_token_extra = {
        k: region.anna.personal_id if v == "ANNA" else v for k, v in extra.items()
    }
    client = Client()

    # when
    answer = _sign_in(client, provider)

    # then
    assert answer.status_code == 403
    assert message in answer.content.decode()
    assert COOKIE not in answer.cookies or not answer.cookies[COOKIE].value
    assert CitizenSession.objects.count() == 0
    assert client.get("/invanare/kontakter/").status_code == 302


@pytest.mark.django_db
def test_a_token_signed_by_someone_else_or_a_wrong_state_is_refused(
    region: Region, provider: StubProvider
) -> None:
    # given: a forged token
    provider.id_token_extra = {"acr": LOA3, PNR_CLAIM: region.anna.personal_id}
    genuine = provider.key
    provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = provider.id_token()
    provider.key = genuine
    provider.id_token = lambda: forged  # type: ignore[method-assign]

    # when / then
    assert _sign_in(Client(), provider).status_code == 403
    # a callback with no sign-in started here
    answer = Client().get("/invanare/inloggning/", {"code": "the-code", "state": "x"})
    assert answer.status_code == 403
    assert CitizenSession.objects.count() == 0


@pytest.mark.django_db
def test_a_relative_unknown_to_the_registry_signs_in_only_with_a_right(
    region: Region, provider: StubProvider
) -> None:
    provider.id_token_extra = {"acr": LOA3, PNR_CLAIM: RELATIVE_PNR}
    assert _sign_in(Client(), provider).status_code == 403
    # given a right
    owner = citizen_client(region.anna.personal_id)
    owner.post(
        "/invanare/narstaende/",
        {"relative_name": "Rut Andersson", "relative_personal_id": RELATIVE_PNR},
    )
    client = Client()
    # when
    assert _sign_in(client, provider).status_code == 302
    # then: nobody is shown until the relative chooses
    assert client.get("/invanare/kontakter/")["Location"] == "/invanare/vem/"


@pytest.mark.django_db
def test_the_routes_are_off_without_a_provider(region: Region) -> None:
    assert Client().get("/invanare/logga-in/").status_code == 404
    assert Client().get("/invanare/inloggning/", {"code": "c", "state": "s"}).status_code == 404


@pytest.mark.django_db
def test_staff_and_citizen_sessions_give_nothing_to_each_other(region: Region) -> None:
    # a staff member signed in with both factors is not a citizen
    staff = signed_in(region.staff_user)
    assert staff.get("/invanare/kontakter/").status_code == 302
    assert staff.get("/invanare/kontakter/")["Location"] == "/invanare/"
    assert CitizenSession.objects.count() == 0
    # a citizen is not signed in on the staff pages
    citizen = citizen_client(region.anna.personal_id)
    assert citizen.get("/invanare/kontakter/").status_code == 200
    answer = citizen.get("/arbetslista/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/konto/logga-in/")


@pytest.mark.django_db
def test_a_session_ends_after_15_idle_minutes_and_on_sign_out(region: Region) -> None:
    # given
    client = citizen_client(region.anna.personal_id)
    assert client.get("/invanare/kontakter/").status_code == 200
    session = CitizenSession.objects.get()

    # when: 14 minutes idle it still holds; 16 it does not
    CitizenSession.objects.filter(pk=session.pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=14)
    )
    assert client.get("/invanare/kontakter/").status_code == 200
    CitizenSession.objects.filter(pk=session.pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=16)
    )
    assert client.get("/invanare/kontakter/").status_code == 302
    assert CitizenSession.objects.get().ended_at is not None

    # and signing out ends a session at once
    other = citizen_client(region.anna.personal_id)
    other.post("/invanare/logga-ut/")
    assert other.get("/invanare/kontakter/").status_code == 302


@pytest.mark.django_db
def test_the_demo_login_works_in_development_only(region: Region, settings: Any) -> None:
    # given development (make run)
    settings.DEBUG = True
    settings.PRODUCTION = False
    settings.FASTKONTAKT_CITIZEN_DEMO_LOGIN = True
    assert "Demoinloggning" in Client().get("/invanare/").content.decode()
    client = Client()
    answer = client.post("/invanare/demo/", {"personal_id": region.anna.personal_id})
    assert answer.status_code == 302
    assert client.get("/invanare/kontakter/").status_code == 200

    # when DEBUG is off, or in production, it is refused and not offered
    for debug, production in [(False, False), (True, True)]:
        settings.DEBUG, settings.PRODUCTION = debug, production
        refused = Client().post("/invanare/demo/", {"personal_id": region.anna.personal_id})
        assert refused.status_code == 404
        assert "Demoinloggning" not in Client().get("/invanare/").content.decode()
    assert CitizenSession.objects.count() == 1


@pytest.mark.django_db
def test_posts_need_the_csrf_token(region: Region) -> None:
    client = citizen_client(region.anna.personal_id)
    client.handler.enforce_csrf_checks = True
    answer = client.post("/invanare/be-om-kontakt/", {"unit": region.clinic.pk})
    assert answer.status_code == 403


@pytest.mark.django_db
def test_signing_in_again_ends_the_browsers_earlier_session(
    region: Region, provider: StubProvider
) -> None:
    # given: signed in as Anna
    client = citizen_client(region.anna.personal_id)
    first = client.cookies[COOKIE].value

    # when: the same browser signs in as Bertil
    provider.id_token_extra = {"acr": LOA3, PNR_CLAIM: region.bertil.personal_id}
    assert _sign_in(client, provider).status_code == 302

    # then: Anna's session is over, even with her old cookie
    ended = CitizenSession.objects.get(personal_id=region.anna.personal_id)
    assert ended.ended_at is not None
    old = Client()
    old.cookies[COOKIE] = first
    assert old.get("/invanare/kontakter/").status_code == 302
    assert "Bertil Berg" in client.get("/invanare/").content.decode()
