"""Units' opening hours in the admin: what the citizen pages show beside a contact's unit.

People's data (sessions, relatives' rights, choices) is not here: a system administrator has no
care relationship with anyone (see ``registry.admin``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin

from fastkontakt.citizen.models import UnitOpeningHours

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(UnitOpeningHours)
class UnitOpeningHoursAdmin(_ModelAdmin):
    list_display = ("unit", "hours")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    search_fields = ("unit__name", "unit__hsa_id", "hours")
