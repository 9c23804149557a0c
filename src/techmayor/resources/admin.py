from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin

from .models import PROVINCE_CODES, Achievement, Expert, Platform, University


class ProvinceFilter(admin.SimpleListFilter):
    title = "所在省份"
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return list(PROVINCE_CODES.items())

    def queryset(self, request, queryset):
        return queryset.filter(province_code=self.value()) if self.value() else queryset


@admin.register(University)
class UniversityAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "authority", "location", "level", "province", "remark")
    list_filter = (ProvinceFilter, "level")
    search_fields = ("code", "name", "location", "authority")
    list_per_page = 100

    @admin.display(description="省份")
    def province(self, obj: University) -> str:
        return obj.province


@admin.register(Expert)
class ExpertAdmin(AuditedModelAdmin):
    list_display = ("name", "title", "university", "organization", "is_demo")
    list_filter = ("is_demo", "title")
    list_select_related = ("university",)
    search_fields = ("name", "organization", "university__name", "bio")
    autocomplete_fields = ("university",)


@admin.register(Achievement)
class AchievementAdmin(AuditedModelAdmin):
    list_display = ("short_title", "kind", "external_id", "year", "discipline", "university", "is_demo")
    list_filter = ("kind", "category", "is_demo")
    list_select_related = ("university",)
    search_fields = ("title", "external_id", "discipline")
    autocomplete_fields = ("university", "experts")

    @admin.display(description="标题", ordering="title")
    def short_title(self, obj: Achievement) -> str:
        return str(obj)


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "university", "region", "established_on", "is_demo")
    list_filter = ("kind", "is_demo")
    list_select_related = ("university", "region")
    search_fields = ("name", "university__name", "description")
    autocomplete_fields = ("university", "region")
    date_hierarchy = "established_on"
