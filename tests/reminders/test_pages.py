"""The user's own page for the reminder mail: choose the hour, or none."""

from __future__ import annotations

import pytest
from django.test import Client

from fastkontakt.access.models import Role
from fastkontakt.reminders.models import MailPreference
from fastkontakt.reminders.services import mail_preference_get
from tests.access.helpers import make_user, signed_in
from tests.factories import UnitFactory

URL = "/konto/paminnelser/"


@pytest.mark.django_db
def test_a_user_chooses_the_hour_and_then_opts_out() -> None:
    # given
    user = make_user("anna", [(Role.STAFF, UnitFactory())])
    user.email = "anna@region.se"
    user.save()
    client = signed_in(user)

    # when
    page = client.get(URL)
    chosen = client.post(URL, {"hour": "15"})
    after_choice = mail_preference_get(user_pk=user.pk)
    off = client.post(URL, {"hour": "av"}, follow=True)

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "Påminnelser via e-post" in html
    assert "anna@region.se" in html
    assert '<option value="7" selected>kl. 07.00</option>' in html
    assert (chosen.status_code, chosen["Location"]) == (302, URL)
    assert after_choice == (15, False)
    assert mail_preference_get(user_pk=user.pk) == (15, True)
    assert "Dina val för påminnelser är sparade." in off.content.decode()


@pytest.mark.django_db
def test_a_bad_hour_is_refused_and_nothing_saved() -> None:
    client = signed_in(make_user("anna", [(Role.STAFF, UnitFactory())]))
    response = client.post(URL, {"hour": "25"})
    assert response.status_code == 200
    assert MailPreference.objects.count() == 0


@pytest.mark.django_db
def test_the_page_needs_a_signed_in_user() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")
