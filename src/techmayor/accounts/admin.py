from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class TechMayorUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "phone", "is_staff", "is_active")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (*UserAdmin.fieldsets, ("平台信息", {"fields": ("display_name", "phone", "must_change_password")}))
