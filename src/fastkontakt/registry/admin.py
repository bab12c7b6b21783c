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
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fastkontakt.access.accesslog import write_affects
from fastkontakt.registry.models import (
    Absence,
    Person,
    RegionSettings,
    Staff,
    StaffUnit,
    Unit,
)
from fastkontakt.registry.selectors import care_relationship_q, personal_ids_of_staff

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic, but at run time they cannot be subscripted
    # (django_stubs_ext.monkeypatch() would allow it, and is not a runtime dependency).
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline


class _ChangesFindings(_ModelAdmin):
    """Saving or deleting here changes what findings the rules give (a unit's type, a staff
    member's profession, an absence, the region's policy): the findings store is refreshed for
    the people concerned in the admin's own transaction (``write_affects``, ADR 0020), so the
    worklists are right at once and not only after the nightly refresh."""

    def affected(self, obj: Any) -> list[str] | None:
        """The personnummer of the people whose findings ``obj`` bears on (None: everyone)."""
        raise NotImplementedError

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the inlines too (a staff member's absences and units).
        super().save_related(request, form, formsets, change)
        write_affects(self.affected(form.instance), what="admin.change")

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        affected = self.affected(obj)
        super().delete_model(request, obj)
        write_affects(affected, what="admin.change")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        affected = sorted({pid for obj in queryset for pid in self.affected(obj) or ()})
        everyone = any(self.affected(obj) is None for obj in queryset)
        super().delete_queryset(request, queryset)
        write_affects(None if everyone else affected, what="admin.change")


def _connected_to(unit: Unit) -> list[str]:
    return list(
        Person.objects.filter(
            care_relationship_q([unit.pk], timezone.localdate()) | Q(contacts__unit=unit)
        )
        .distinct()
        .values_list("personal_id", flat=True)
    )


@admin.register(Unit)
class UnitAdmin(_ChangesFindings):
    list_display = ("hsa_id", "name", "type")
    list_filter = ("type",)
    search_fields = ("hsa_id", "name")
    ordering = ("name",)

    def affected(self, obj: Unit) -> list[str] | None:
        return _connected_to(obj) if obj.pk is not None else []


class StaffUnitInline(_TabularInline):
    model = StaffUnit
    autocomplete_fields = ("unit",)
    extra = 0


class AbsenceInline(_TabularInline):
    model = Absence
    extra = 0


@admin.register(Staff)
class StaffAdmin(_ChangesFindings):
    list_display = ("hsa_id", "name", "profession", "licensed", "eligible", "employment_end")
    list_filter = ("profession", "licensed", "eligible")
    search_fields = ("hsa_id", "name")
    ordering = ("name",)
    inlines = (StaffUnitInline, AbsenceInline)

    def affected(self, obj: Staff) -> list[str] | None:
        return personal_ids_of_staff(staff_pk=obj.pk) if obj.pk is not None else []


@admin.register(StaffUnit)
class StaffUnitAdmin(_ChangesFindings):
    list_display = ("staff", "unit")
    search_fields = ("staff__hsa_id", "staff__name", "unit__hsa_id", "unit__name")
    autocomplete_fields = ("staff", "unit")
    list_select_related = ("staff", "unit")

    def affected(self, obj: StaffUnit) -> list[str] | None:
        return personal_ids_of_staff(staff_pk=obj.staff_id)


@admin.register(Absence)
class AbsenceAdmin(_ChangesFindings):
    list_display = ("staff", "start", "end")
    search_fields = ("staff__hsa_id", "staff__name")
    autocomplete_fields = ("staff",)
    list_select_related = ("staff",)
    date_hierarchy = "start"

    def affected(self, obj: Absence) -> list[str] | None:
        return personal_ids_of_staff(staff_pk=obj.staff_id)


@admin.register(RegionSettings)
class RegionSettingsAdmin(_ChangesFindings):
    """The region's policy: a change refreshes everyone's findings at once (issue 14)."""

    list_display = ("__str__", "policy")

    def affected(self, obj: RegionSettings) -> list[str] | None:
        return None

    # One row only: it can be created once and never deleted (no row means the defaults).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RegionSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
