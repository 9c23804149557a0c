from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin, WithdrawableAdmin

from .models import Contact, Enterprise, EnterpriseLink, EnterpriseTag


class EnterpriseTagInline(admin.TabularInline):
    model = EnterpriseTag
    extra = 0
    fields = ("kind", "year", "note")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "position", "phone", "email")


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ("name", "credit_code", "region", "industry", "tag_list", "is_demo")
    list_filter = ("tags__kind", ("region", admin.RelatedOnlyFieldListFilter), "is_demo")
    list_select_related = ("region", "industry")
    search_fields = ("name", "normalized_name", "credit_code", "address")
    autocomplete_fields = ("region", "industry")
    readonly_fields = ("normalized_name",)
    inlines = (EnterpriseTagInline, ContactInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="标签")
    def tag_list(self, obj: Enterprise) -> str:
        return "、".join(str(tag) for tag in obj.tags.all())


@admin.register(EnterpriseTag)
class EnterpriseTagAdmin(AuditedModelAdmin):
    list_display = ("enterprise", "kind", "year", "note")
    list_filter = ("kind", "year")
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__credit_code")
    autocomplete_fields = ("enterprise",)


@admin.register(Contact)
class ContactAdmin(AuditedModelAdmin):
    list_display = ("name", "enterprise", "position", "phone", "email")
    list_select_related = ("enterprise",)
    search_fields = ("name", "phone", "email", "enterprise__name")
    autocomplete_fields = ("enterprise",)


@admin.register(EnterpriseLink)
class EnterpriseLinkAdmin(WithdrawableAdmin):
    list_display = ("enterprise", "group", "batch", "date", "note")
    list_filter = ("batch", "group")
    list_select_related = ("enterprise", "group", "batch__city")
    search_fields = ("enterprise__name", "enterprise__credit_code", "note")
    autocomplete_fields = ("enterprise",)
    filter_horizontal = ("members",)
    date_hierarchy = "date"
