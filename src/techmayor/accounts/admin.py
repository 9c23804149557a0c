from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from techmayor.core.admin import AuditedModelAdmin

from .models import RoleAssignment, User


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
