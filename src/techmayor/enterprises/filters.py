"""FilterSets for enterprises and 挂钩服务 links, shared by the list pages, the .xlsx exports and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techmayor.accounts.scopes import regions_under
from techmayor.core.models import Region, RegionLevel
from techmayor.roster.filters import CreditedRecordFilterSet, IdChoiceFilter

from .choices import EnterpriseTagKind
from .models import Enterprise, EnterpriseLink
from .selectors import search_condition


def _districts(request):
    return Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code", "name")


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("名称、拼音首字母或信用代码"))
    district = IdChoiceFilter(
        label=_("区（县级市）"), queryset=_districts, method="filter_district", empty_label=_("全部地区")
    )
    tag = django_filters.ChoiceFilter(
        label=_("企业标签"), choices=EnterpriseTagKind.choices, field_name="tags__kind", empty_label=_("全部")
    )
    linked = django_filters.BooleanFilter(label=_("挂钩服务企业"), method="filter_linked", widget=forms.CheckboxInput())
    visited = django_filters.BooleanFilter(label=_("走访过的"), method="filter_visited", widget=forms.CheckboxInput())
    no_code = django_filters.BooleanFilter(
        label=_("缺统一社会信用代码"), method="filter_no_code", widget=forms.CheckboxInput()
    )

    class Meta:
        model = Enterprise
        fields = ["q", "district", "tag", "linked", "visited", "no_code"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_condition(queryset, value)) if value else queryset

    def filter_district(self, queryset, name, value):
        return queryset.filter(region__in=regions_under(value)) if value else queryset

    def filter_linked(self, queryset, name, value):
        return queryset.filter(pk__in=EnterpriseLink.objects.values("enterprise")) if value else queryset

    def filter_visited(self, queryset, name, value):
        visits = apps.get_model("ledger", "Visit").objects.values("enterprise")
        return queryset.filter(pk__in=visits) if value else queryset

    def filter_no_code(self, queryset, name, value):
        return queryset.filter(Q(credit_code__isnull=True) | Q(credit_code="")) if value else queryset


class EnterpriseLinkFilterSet(CreditedRecordFilterSet):
    search_fields = ("enterprise__name", "enterprise__credit_code", "note", "members__name")

    class Meta:
        model = EnterpriseLink
        fields = ["q", "batch", "group", "member", "date_from", "date_to", "mine"]
