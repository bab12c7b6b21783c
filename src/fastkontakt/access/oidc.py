"""Login through the region's OpenID Connect provider (mozilla-django-oidc).

The provider names the user by HSA-id (claim ``FASTKONTAKT_OIDC_HSA_CLAIM``). A user is the
account linked to the staff member with that HSA-id; the first login of a known staff member
creates the account, with no roles (the roles are given in the registry, never by the provider).
Anyone the registry does not know as staff is refused. When the ID token says the provider
checked a second factor (``acr``/``amr``), no TOTP code is asked for.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from fastkontakt.access.middleware import SESSION_MFA_BY_PROVIDER
from fastkontakt.access.models import Account
from fastkontakt.domain.identifiers import is_hsa_id
from fastkontakt.registry.models import Staff


def _hsa_id(claims: dict[str, Any]) -> str:
    value = claims.get(settings.FASTKONTAKT_OIDC_HSA_CLAIM, "")
    return value if isinstance(value, str) and is_hsa_id(value) else ""


def provider_checked_second_factor(id_token_claims: dict[str, Any]) -> bool:
    wanted = set(settings.FASTKONTAKT_OIDC_MFA_VALUES)
    amr = id_token_claims.get("amr") or []
    acr = id_token_claims.get("acr") or ""
    said = set(amr if isinstance(amr, list) else [amr]) | {acr}
    return bool(wanted & {str(v) for v in said})


class RegionOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(_hsa_id(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        hsa_id = _hsa_id(claims)
        if not hsa_id:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(account__staff__hsa_id=hsa_id)

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> Any:
        staff = Staff.objects.filter(hsa_id=_hsa_id(claims)).first()
        if staff is None:
            raise SuspiciousOperation("the provider's user is not staff in the registry")
        user = get_user_model().objects.create_user(username=staff.hsa_id)
        user.set_unusable_password()
        user.save()
        Account.objects.create(user=user, staff=staff)
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return user

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and provider_checked_second_factor(payload):
            self.request.session[SESSION_MFA_BY_PROVIDER] = True
        return user
