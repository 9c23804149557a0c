from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin

from .models import CityDashboard


@admin.register(CityDashboard)
class CityDashboardAdmin(AuditedModelAdmin):
    list_display = ("city", "show_ranking", "updated_at", "updated_by")
    list_select_related = ("city", "updated_by")
