from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin, WithdrawableAdmin

from .models import Batch, DispatchUnit, Group, Member, Tenure


class CreditedRecordAdmin(WithdrawableAdmin):
    """Common ground of the records credited to a batch, a group and members, on a date."""

    date_hierarchy = "date"
    list_filter = ("batch", "group")
    list_select_related = ("batch__city", "group")
    filter_horizontal = ("members",)
    search_fields = ("note",)


@admin.register(DispatchUnit)
class DispatchUnitAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "university")
    list_filter = ("kind",)
    list_select_related = ("university",)
    search_fields = ("name", "university__name")
    autocomplete_fields = ("university",)


@admin.register(Batch)
class BatchAdmin(AuditedModelAdmin):
    list_display = ("__str__", "city", "number", "start_date", "end_date", "is_active")
    list_filter = ("is_active", "city")
    list_select_related = ("city",)
    search_fields = ("city__name", "number")
    autocomplete_fields = ("city",)
    date_hierarchy = "start_date"


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin):
    list_display = ("name", "batch", "district")
    list_filter = ("batch",)
    list_select_related = ("batch__city", "district")
    search_fields = ("name", "district__name")
    autocomplete_fields = ("district",)


class TenureInline(admin.TabularInline):
    model = Tenure
    extra = 0
    fields = (
        "batch",
        "group",
        "role",
        "dispatch_unit",
        "home_post",
        "local_post",
        "local_region",
        "start_date",
        "end_date",
    )
    autocomplete_fields = ("dispatch_unit", "local_region")


@admin.register(Member)
class MemberAdmin(AuditedModelAdmin):
    list_display = ("name", "gender", "phone", "email", "user", "is_demo")
    list_filter = ("tenures__batch", "tenures__group", "tenures__role", "gender", "is_demo")
    list_select_related = ("user",)
    search_fields = ("name", "phone", "email", "expertise", "tenures__dispatch_unit__name")
    autocomplete_fields = ("user",)
    inlines = (TenureInline,)


@admin.register(Tenure)
class TenureAdmin(AuditedModelAdmin):
    list_display = ("member", "batch", "group", "role", "dispatch_unit", "local_post", "local_region", "start_date")
    list_filter = ("batch", "group", "role")
    list_select_related = ("member", "batch__city", "group", "dispatch_unit", "local_region")
    search_fields = ("member__name", "dispatch_unit__name", "local_post", "home_post")
    autocomplete_fields = ("member", "dispatch_unit", "local_region")
    date_hierarchy = "start_date"
