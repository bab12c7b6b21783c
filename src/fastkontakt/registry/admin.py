"""The Django admin over the registry, in Swedish, for system administrators.

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
    Contact,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Person,
    PlanRevision,
    RegionSettings,
    Sip,
    Staff,
    StaffUnit,
    Unit,
    Visit,
)

if TYPE_CHECKING:
    # django-stubs makes the admin classes generic, but at run time they cannot be subscripted
    # (django_stubs_ext.monkeypatch() would allow it, and is not a runtime dependency).
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
    _StackedInline = admin.StackedInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline
    _StackedInline = admin.StackedInline


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


class ContactInline(_TabularInline):
    model = Contact
    fields = (
        "external_id",
        "kind",
        "staff",
        "unit",
        "coordinating",
        "start",
        "end",
        "informed",
        "local_title",
    )
    autocomplete_fields = ("staff", "unit")
    extra = 0


class ContactRequestInline(_TabularInline):
    model = ContactRequest
    autocomplete_fields = ("unit",)
    extra = 0


class InpatientStayInline(_TabularInline):
    model = InpatientStay
    autocomplete_fields = ("unit", "outpatient_unit")
    extra = 0


class HomeCareDecisionInline(_StackedInline):
    model = HomeCareDecision
    autocomplete_fields = ("unit",)
    extra = 0


class ImplementationPlanInline(_StackedInline):
    model = ImplementationPlan
    extra = 0
    show_change_link = True  # its revisions are edited on the plan's own page


class SipInline(_TabularInline):
    model = Sip
    autocomplete_fields = ("coordinator",)
    extra = 0


class InformationTransferInline(_TabularInline):
    model = InformationTransfer
    extra = 0


@admin.register(Person)
class PersonAdmin(_ModelAdmin):
    list_display = ("personal_id", "name", "residence", "home_health_care", "listed_at")
    list_filter = ("residence", "home_health_care")
    search_fields = ("personal_id", "name")
    autocomplete_fields = ("listed_at",)
    list_select_related = ("listed_at",)
    ordering = ("personal_id",)
    # Visits are left out: a home-care customer has hundreds; they have their own list.
    inlines = (
        ContactInline,
        ContactRequestInline,
        InpatientStayInline,
        HomeCareDecisionInline,
        ImplementationPlanInline,
        SipInline,
        InformationTransferInline,
    )


@admin.register(Contact)
class ContactAdmin(_ModelAdmin):
    list_display = (
        "external_id",
        "person",
        "kind",
        "staff",
        "unit",
        "coordinating",
        "start",
        "end",
        "informed",
    )
    list_filter = ("kind", "coordinating")
    search_fields = ("external_id", "person__personal_id", "person__name", "staff__name")
    autocomplete_fields = ("person", "staff", "unit")
    list_select_related = ("person", "staff", "unit")
    date_hierarchy = "start"
    ordering = ("-start", "external_id")


@admin.register(ContactRequest)
class ContactRequestAdmin(_ModelAdmin):
    search_fields = ("person__personal_id", "person__name")
    list_display = ("person", "kind", "unit", "date")
    list_filter = ("kind",)
    autocomplete_fields = ("person", "unit")
    list_select_related = ("person", "unit")


@admin.register(InpatientStay)
class InpatientStayAdmin(_ModelAdmin):
    search_fields = ("person__personal_id", "person__name")
    list_display = ("person", "unit", "admitted", "ready_for_discharge", "discharged")
    list_filter = ("needs_municipal_care",)
    autocomplete_fields = ("person", "unit", "outpatient_unit")
    list_select_related = ("person", "unit")


@admin.register(HomeCareDecision)
class HomeCareDecisionAdmin(_ModelAdmin):
    search_fields = ("person__personal_id", "person__name")
    list_display = ("person", "unit", "start", "end")
    autocomplete_fields = ("person", "unit")
    list_select_related = ("person", "unit")


class PlanRevisionInline(_TabularInline):
    model = PlanRevision
    extra = 0


@admin.register(PlanRevision)
class PlanRevisionAdmin(_ModelAdmin):
    list_display = ("plan", "date")
    search_fields = ("plan__person__personal_id", "plan__person__name")
    raw_id_fields = ("plan",)
    list_select_related = ("plan",)


@admin.register(ImplementationPlan)
class ImplementationPlanAdmin(_ModelAdmin):
    search_fields = ("person__personal_id", "person__name")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)
    list_display = ("person", "established", "updated_by_contact")
    inlines = (PlanRevisionInline,)


@admin.register(Sip)
class SipAdmin(_ModelAdmin):
    list_display = ("external_id", "person", "created", "invited", "coordinator")
    search_fields = ("external_id", "person__personal_id", "person__name")
    autocomplete_fields = ("person", "coordinator")
    list_select_related = ("person", "coordinator")


@admin.register(InformationTransfer)
class InformationTransferAdmin(_ModelAdmin):
    search_fields = ("person__personal_id", "person__name")
    autocomplete_fields = ("person",)
    list_select_related = ("person",)
    list_display = ("person", "recipient", "date", "consent")
    list_filter = ("consent",)


@admin.register(Visit)
class VisitAdmin(_ModelAdmin):
    list_display = ("person", "date", "staff", "kind")
    list_filter = ("kind",)
    search_fields = ("person__personal_id", "person__name", "staff__name")
    autocomplete_fields = ("person", "staff")
    list_select_related = ("person", "staff")
    date_hierarchy = "date"


@admin.register(RegionSettings)
class RegionSettingsAdmin(_ModelAdmin):
    list_display = ("__str__", "policy")

    # One row only: it can be created once and never deleted (no row means the defaults).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RegionSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
