"""The admin never shows a second factor's secret key: not in the list, the change page or a QR
code, where anyone looking over a system administrator's shoulder could copy a user's codes."""

from __future__ import annotations

import pytest

from fastkontakt.access.models import Role
from tests.access.helpers import device_for, make_user, signed_in


@pytest.mark.django_db
def test_the_admin_does_not_show_a_code_apps_secret_key() -> None:
    # given: a user's code app, and a system administrator
    device = device_for(make_user("kalle", []))
    admin = make_user("admin", [(Role.SYSTEM_ADMIN, None)])
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = signed_in(admin)

    # when
    listing = client.get("/admin/otp_totp/totpdevice/")
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    qrcode = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")

    # then
    assert listing.status_code == change.status_code == 200
    for page in (listing, change):
        assert device.key not in page.content.decode()
    assert qrcode.status_code in (403, 404)
