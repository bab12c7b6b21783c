"""The Django admin over the registry's organisation, in Swedish, for system administrators.

Only units, staff and the region's settings are here. People's data is not: a system
administrator has no care relationship with anyone, and every read of a person must go through
the pages that check the relationship and log the read (access.selectors).

A region has thousands of staff and hundreds of thousands of people, so every foreign key is an
autocomplete field (never a select listing the whole table) and every list that shows related
objects selects them in the same query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from fastkontakt.registry.models import (
    Absence,
    RegionSettings,
    Staff,
    StaffUnit,
    Unit,
)

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic, but at run time they cannot be subscripted
    # (django_stubs_ext.monkeypatch() would allow it, and is not a runtime dependency).
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline


@admin.register(Unit)
class UnitAdmin(_ModelAdmin):
    list_display = ("hsa_id", "name", "type")
    list_filter = ("type",)
    search_fields = ("hsa_id", "name")
    ordering = ("name",)


class StaffUnitInline(_TabularInline):
    model = StaffUnit
    autocomplete_fields = ("unit",)
    extra = 0


class AbsenceInline(_TabularInline):
    model = Absence
    extra = 0


@admin.register(Staff)
class StaffAdmin(_ModelAdmin):
    list_display = ("hsa_id", "name", "profession", "licensed", "eligible", "employment_end")
    list_filter = ("profession", "licensed", "eligible")
    search_fields = ("hsa_id", "name")
    ordering = ("name",)
    inlines = (StaffUnitInline, AbsenceInline)


@admin.register(StaffUnit)
class StaffUnitAdmin(_ModelAdmin):
    list_display = ("staff", "unit")
    search_fields = ("staff__hsa_id", "staff__name", "unit__hsa_id", "unit__name")
    autocomplete_fields = ("staff", "unit")
    list_select_related = ("staff", "unit")


@admin.register(Absence)
class AbsenceAdmin(_ModelAdmin):
    list_display = ("staff", "start", "end")
    search_fields = ("staff__hsa_id", "staff__name")
    autocomplete_fields = ("staff",)
    list_select_related = ("staff",)
    date_hierarchy = "start"


@admin.register(RegionSettings)
class RegionSettingsAdmin(_ModelAdmin):
    list_display = ("__str__", "policy")

    # One row only: it can be created once and never deleted (no row means the defaults).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RegionSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
