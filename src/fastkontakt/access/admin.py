"""Admin for accounts and roles. Only system administrators who passed the second factor get in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from fastkontakt.access.middleware import has_second_factor
from fastkontakt.access.models import Account, EmergencyAccess, Membership, Role

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
    _StackedInline = admin.StackedInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline
    _StackedInline = admin.StackedInline


def _admin_permission(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(
        user.is_active
        and user.is_staff
        and has_second_factor(request)
        and Membership.objects.filter(user_id=user.pk, role=Role.SYSTEM_ADMIN).exists()
    )


admin.site.has_permission = _admin_permission  # type: ignore[method-assign]


class MembershipInline(_TabularInline):
    model = Membership
    autocomplete_fields = ("unit",)
    extra = 0


class AccountInline(_StackedInline):
    model = Account
    autocomplete_fields = ("staff",)
    can_delete = False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class FastKontaktUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = (AccountInline, MembershipInline)


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(_ModelAdmin):
    list_display = ("granted_at", "user", "unit", "expires_at")
    list_select_related = ("user", "unit")
    # The grant names a person: it is reviewed on the log review page, never edited here.
    fields = ("granted_at", "user", "unit", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
