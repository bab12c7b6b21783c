from django.contrib import admin

from fastkontakt.reminders.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin[OutgoingMail]):
    # Subject and status only: the body names people, and the admin is not a care relationship.
    list_display = ("key", "to", "status", "attempts", "last_error", "created_at", "sent_at")
    list_filter = ("status",)
    fields = ("key", "to", "subject", "status", "attempts", "last_error", "created_at", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
