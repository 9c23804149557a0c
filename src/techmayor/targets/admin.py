from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin

from .models import Target, TargetSetting


@admin.register(Target)
class TargetAdmin(AuditedModelAdmin):
    list_display = ("batch", "group", "member", "metric", "value", "reason", "is_demo", "updated_at")
    list_filter = ("batch", "metric", "is_demo")
    list_select_related = ("batch__city", "group", "member")


@admin.register(TargetSetting)
class TargetSettingAdmin(AuditedModelAdmin):
    list_display = ("city", "margin", "updated_at", "updated_by")
    list_select_related = ("city", "updated_by")
