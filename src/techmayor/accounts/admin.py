from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from techmayor.core.admin import AuditedModelAdmin

from .models import ApiToken, RoleAssignment, User


@admin.register(User)
class TechMayorUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "phone", "is_staff", "is_active")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (*UserAdmin.fieldsets, ("平台信息", {"fields": ("display_name", "phone", "must_change_password")}))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ("user", "role", "region", "group", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made and revoked by their owners (account page, ``techmayor api-token``); here they
    are only read: only a token's digest and first characters are kept."""

    list_display = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
