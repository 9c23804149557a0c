"""One FilterSet per ledger model, shared by the list page, its .xlsx export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from techmayor.core.models import live_related
from techmayor.roster.filters import CreditedRecordFilterSet

from .choices import ApplicationKind, CultivationKind, CultivationStatus, EventKind, VisitorKind
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

ENTERPRISE = ("enterprise__name", "enterprise__credit_code")


class VisitFilterSet(CreditedRecordFilterSet):
    with_needs = django_filters.BooleanFilter(
        label=_("发现需求的"), method="filter_with_needs", widget=forms.CheckboxInput()
    )
    search_fields = (*ENTERPRISE, "note", "members__name")

    class Meta:
        model = Visit
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]

    def filter_with_needs(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Visit.objects.filter(live_related("leads")).values("pk"))


class EventFilterSet(CreditedRecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("活动类型"), choices=EventKind.choices, empty_label=_("全部类型"))
    search_fields = ("title", "location", "note", "enterprises__name", "universities__name", "members__name")

    class Meta:
        model = Event
        fields = ["q", "kind", "batch", "group", "member", "date_from", "date_to", "mine"]


class VisitorRecordFilterSet(CreditedRecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("来访类型"), choices=VisitorKind.choices, empty_label=_("全部类型"))
    search_fields = ("visitor_name", "organization", "university__name", "note", "members__name")

    class Meta:
        model = VisitorRecord
        fields = ["q", "kind", "batch", "group", "member", "date_from", "date_to", "mine"]


class ReportFilterSet(CreditedRecordFilterSet):
    search_fields = ("title", "summary", "members__name")

    class Meta:
        model = Report
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]


class TalentIntroductionFilterSet(CreditedRecordFilterSet):
    search_fields = ("talent_name", "description", *ENTERPRISE, "university__name", "members__name")

    class Meta:
        model = TalentIntroduction
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]


class ProjectBrokeredFilterSet(CreditedRecordFilterSet):
    is_provincial_major = django_filters.BooleanFilter(
        label=_("只看省重大项目"), method="filter_major", widget=forms.CheckboxInput()
    )
    search_fields = ("title", *ENTERPRISE, "university__name", "members__name")

    class Meta:
        model = ProjectBrokered
        fields = ["q", "is_provincial_major", "batch", "group", "member", "date_from", "date_to", "mine"]

    def filter_major(self, queryset, name, value):
        return queryset.filter(is_provincial_major=True) if value else queryset


class PlatformIntroductionFilterSet(CreditedRecordFilterSet):
    search_fields = ("platform__name", "platform__university__name", "note", "members__name")

    class Meta:
        model = PlatformIntroduction
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]


class EnterpriseLandingFilterSet(CreditedRecordFilterSet):
    search_fields = (*ENTERPRISE, "note", "members__name")

    class Meta:
        model = EnterpriseLanding
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]


class EmploymentBaseFilterSet(CreditedRecordFilterSet):
    search_fields = (*ENTERPRISE, "university__name", "note", "members__name")

    class Meta:
        model = EmploymentBase
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]


class FundLandingFilterSet(CreditedRecordFilterSet):
    search_fields = ("fund_name", "note", "members__name")

    class Meta:
        model = FundLanding
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]


class ApplicationSupportedFilterSet(CreditedRecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("申报类型"), choices=ApplicationKind.choices, empty_label=_("全部类型"))
    search_fields = ("title", *ENTERPRISE, "note", "members__name")

    class Meta:
        model = ApplicationSupported
        fields = ["q", "kind", "batch", "group", "member", "date_from", "date_to", "mine"]


class EnterpriseCultivationFilterSet(CreditedRecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("培育类型"), choices=CultivationKind.choices, empty_label=_("全部类型"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CultivationStatus.choices, empty_label=_("全部状态"))
    search_fields = (*ENTERPRISE, "note", "members__name")

    class Meta:
        model = EnterpriseCultivation
        fields = ["q", "kind", "status", "batch", "group", "member", "date_from", "date_to", "mine"]


class UniversityPairingFilterSet(CreditedRecordFilterSet):
    search_fields = ("university__name", "region__name", "note", "members__name")

    class Meta:
        model = UniversityPairing
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]
