from django.contrib import admin

from techmayor.roster.admin import CreditedRecordAdmin

from .models import (
    ApplicationSupported,
    EmploymentBase,
    EnterpriseCultivation,
    EnterpriseLanding,
    Event,
    FundLanding,
    PlatformIntroduction,
    ProjectBrokered,
    Report,
    TalentIntroduction,
    UniversityPairing,
    Visit,
    VisitorRecord,
)


@admin.register(Visit)
class VisitAdmin(CreditedRecordAdmin):
    list_display = ("date", "enterprise", "group", "batch")
    list_select_related = ("enterprise", "group", "batch__city")
    search_fields = ("enterprise__name", "enterprise__credit_code", "note")
    autocomplete_fields = ("enterprise",)


@admin.register(Event)
class EventAdmin(CreditedRecordAdmin):
    list_display = ("date", "title", "kind", "location", "group", "batch")
    list_filter = ("kind", "batch", "group")
    search_fields = ("title", "location", "note")
    autocomplete_fields = ("enterprises", "universities")


@admin.register(VisitorRecord)
class VisitorRecordAdmin(CreditedRecordAdmin):
    list_display = ("date", "kind", "visitor_name", "organization", "university", "person_count", "group")
    list_filter = ("kind", "batch", "group")
    list_select_related = ("university", "group", "batch__city")
    search_fields = ("visitor_name", "organization", "university__name")
    autocomplete_fields = ("university",)


@admin.register(Report)
class ReportAdmin(CreditedRecordAdmin):
    list_display = ("date", "title", "group", "batch")
    search_fields = ("title", "summary")


@admin.register(TalentIntroduction)
class TalentIntroductionAdmin(CreditedRecordAdmin):
    list_display = ("date", "talent_name", "person_count", "enterprise", "university", "group")
    list_select_related = ("enterprise", "university", "group", "batch__city")
    search_fields = ("talent_name", "description", "enterprise__name", "university__name")
    autocomplete_fields = ("enterprise", "university")


@admin.register(ProjectBrokered)
class ProjectBrokeredAdmin(CreditedRecordAdmin):
    list_display = ("date", "title", "enterprise", "university", "is_provincial_major", "amount_wan", "group")
    list_filter = ("is_provincial_major", "batch", "group")
    list_select_related = ("enterprise", "university", "group", "batch__city")
    search_fields = ("title", "enterprise__name", "university__name")
    autocomplete_fields = ("enterprise", "university")


@admin.register(PlatformIntroduction)
class PlatformIntroductionAdmin(CreditedRecordAdmin):
    list_display = ("date", "platform", "group", "batch")
    list_select_related = ("platform", "group", "batch__city")
    search_fields = ("platform__name", "note")
    autocomplete_fields = ("platform",)


@admin.register(EnterpriseLanding)
class EnterpriseLandingAdmin(CreditedRecordAdmin):
    list_display = ("date", "enterprise", "group", "batch")
    list_select_related = ("enterprise", "group", "batch__city")
    search_fields = ("enterprise__name", "note")
    autocomplete_fields = ("enterprise",)


@admin.register(EmploymentBase)
class EmploymentBaseAdmin(CreditedRecordAdmin):
    list_display = ("date", "enterprise", "university", "group", "batch")
    list_select_related = ("enterprise", "university", "group", "batch__city")
    search_fields = ("enterprise__name", "university__name", "note")
    autocomplete_fields = ("enterprise", "university")


@admin.register(FundLanding)
class FundLandingAdmin(CreditedRecordAdmin):
    list_display = ("date", "fund_name", "amount_wan", "group", "batch")
    search_fields = ("fund_name", "note")


@admin.register(ApplicationSupported)
class ApplicationSupportedAdmin(CreditedRecordAdmin):
    list_display = ("date", "title", "kind", "enterprise", "group")
    list_filter = ("kind", "batch", "group")
    list_select_related = ("enterprise", "group", "batch__city")
    search_fields = ("title", "enterprise__name")
    autocomplete_fields = ("enterprise",)


@admin.register(EnterpriseCultivation)
class EnterpriseCultivationAdmin(CreditedRecordAdmin):
    list_display = ("date", "enterprise", "kind", "status", "group")
    list_filter = ("kind", "status", "batch", "group")
    list_select_related = ("enterprise", "group", "batch__city")
    search_fields = ("enterprise__name", "note")
    autocomplete_fields = ("enterprise",)


@admin.register(UniversityPairing)
class UniversityPairingAdmin(CreditedRecordAdmin):
    list_display = ("date", "university", "region", "group", "batch")
    list_select_related = ("university", "region", "group", "batch__city")
    search_fields = ("university__name", "region__name", "note")
    autocomplete_fields = ("university", "region")
