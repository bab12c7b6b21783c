"""The API clients in the admin, in Swedish, for system administrators (ADR 0023).

A system administrator sees each client's unit, allowed scopes and registered public keys, and
can switch a client off: that refuses its next token request and every access token it holds
at once. Clients are registered with ``fastkontakt api-client`` (``--jwks FILE``), which checks
the keys and who may grant a region-wide client; so the admin neither adds clients nor changes
their keys, scopes or unit, and never shows a token's hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join

from fastkontakt.fhir.models import ApiClient
from fastkontakt.fhir.scopes import LETTERS, scope_permission

_LETTER_NAMES = {"c": "skapa", "r": "läsa", "u": "ändra", "d": "ta bort", "s": "söka"}


def scopes_in_swedish(scopes: str) -> str:
    """``system/*.read system/CareTeam.u`` as ``alla typer: läsa, söka; CareTeam: ändra``."""
    parts = []
    for scope in scopes.split():
        parsed = scope_permission(scope)
        if parsed is None:
            parts.append(scope)
            continue
        resource, letters = parsed
        names = ", ".join(_LETTER_NAMES[c] for c in LETTERS if c in letters)
        parts.append(f"{'alla typer' if resource == '*' else resource}: {names}")
    return "; ".join(parts)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(ApiClient)
class ApiClientAdmin(_ModelAdmin):
    list_display = ("name", "unit", "allowed", "keys", "region", "active", "created_at")
    list_filter = ("active", "region")
    search_fields = ("name", "unit__hsa_id", "unit__name")
    list_select_related = ("unit",)
    ordering = ("name",)
    fields = (
        "name",
        "unit",
        "allowed",
        "key_list",
        "region_wide",
        "region_granted_by",
        "created_at",
        "active",
    )
    readonly_fields = (
        "name",
        "unit",
        "allowed",
        "key_list",
        "region_wide",
        "region_granted_by",
        "created_at",
    )

    @admin.display(description="behörigheter")
    def allowed(self, obj: ApiClient) -> str:
        return scopes_in_swedish(obj.scopes)

    @admin.display(description="regionsomfattande")
    def region_wide(self, obj: ApiClient) -> str:
        return "Ja" if obj.region else "Nej"

    @admin.display(description="nycklar")
    def keys(self, obj: ApiClient) -> int:
        return len((obj.jwks or {}).get("keys", []))

    @admin.display(description="publika nycklar (JWKS)")
    def key_list(self, obj: ApiClient) -> str:
        keys = (obj.jwks or {}).get("keys", [])
        if not keys:
            return "inga (bara utvecklingstoken)"
        return format_html_join(
            ", ",
            "{} {} (kid {})",
            (
                (key.get("kty", "?"), key.get("crv") or "", key.get("kid") or "–")
                for key in keys
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        return False
