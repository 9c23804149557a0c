from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: a message is a record of what someone was told (and whether the e-mail went)."""

    list_display = ("created_at", "recipient", "kind", "text", "delivery", "read_at", "emailed_at", "email_error")
    list_filter = ("kind", "delivery")
    search_fields = ("recipient__username", "recipient__display_name", "key")
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery", "updated_at")
    list_filter = ("kind", "delivery")
    search_fields = ("user__username", "user__display_name")
    readonly_fields = ("user", "kind", "delivery", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
