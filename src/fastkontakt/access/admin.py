"""Admin for accounts and roles. Only system administrators who passed the second factor get in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from fastkontakt.access.actors import actor_for_user
from fastkontakt.access.enrolment import enrolment_code_issue
from fastkontakt.access.middleware import has_second_factor
from fastkontakt.access.models import Account, EmergencyAccess, Membership, Role
from fastkontakt.domain.errors import DomainError

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


#: Django names the permissions it creates in English ("Can delete konto"), whatever the language.
_PERMISSION_VERBS = {
    "add": "Får lägga till",
    "change": "Får ändra",
    "delete": "Får ta bort",
    "view": "Får se",
}


def permission_label(permission: Permission) -> str:
    """A permission as a Swedish administrator reads it: "Konto: Får ta bort"."""
    action, _, _ = permission.codename.partition("_")
    verb = _PERMISSION_VERBS.get(action)
    model = permission.content_type.model_class()
    subject = str(model._meta.verbose_name) if model is not None else permission.content_type.model
    what = verb if verb is not None else permission.name
    return f"{subject[:1].upper()}{subject[1:]}: {what.lower() if verb is None else what}"


class _SwedishPermissions:
    """Admins whose permission lists are in Swedish."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class FastKontaktGroupAdmin(_SwedishPermissions, GroupAdmin):  # type: ignore[misc]
    pass


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class FastKontaktUserAdmin(_SwedishPermissions, UserAdmin):  # type: ignore[type-arg]
    inlines = (AccountInline, MembershipInline)
    actions = ("issue_enrolment_code",)

    @admin.action(description="Skapa registreringskod för kodapp", permissions=["change"])
    def issue_enrolment_code(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        """Show one user's new enrolment code on a page of its own, this once (never in a
        message, which would sit in a cookie or the session)."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, "Välj en användare.", messages.ERROR)
            return None
        actor = actor_for_user(request.user, request_id=getattr(request, "request_id", ""))
        try:
            enrolment, code = enrolment_code_issue(actor=actor, username=users[0].get_username())
        except DomainError as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Registreringskod",
            "enrolment": enrolment,
            "code": code,
        }
        # The admin's views are never cached (no-store), so the code is not kept either.
        return TemplateResponse(request, "access/enrolment_code_issued.html", context)


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
