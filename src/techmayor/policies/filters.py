"""The FilterSet of the policy library (list page and its export)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock

from .choices import PolicyLevel, PolicyValidity
from .models import Policy
from .selectors import search_condition


class PolicyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q", help_text=_("政策名称、发文机关、文号、内容或标签")
    )
    level = django_filters.ChoiceFilter(label=_("层级"), choices=PolicyLevel.choices, empty_label=_("全部"))
    validity = django_filters.ChoiceFilter(
        label=_("有效性"), choices=PolicyValidity.choices, method="filter_validity", empty_label=_("全部")
    )
    tag = django_filters.CharFilter(label=_("标签"), method="filter_tag")
    issued_from = django_filters.DateFilter(label=_("发布日期起"), field_name="issued_on", lookup_expr="gte")
    issued_to = django_filters.DateFilter(label=_("发布日期止"), field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Policy
        fields = ["q", "level", "validity", "tag", "issued_from", "issued_to"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_condition(value)) if value else queryset

    def filter_tag(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(tags__icontains=value) if value else queryset

    def filter_validity(self, queryset, name, value):
        today = clock.today()
        started = Q(valid_from__isnull=True) | Q(valid_from__lte=today)
        not_ended = Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        if value == PolicyValidity.VALID:
            return queryset.filter(started & not_ended)
        if value == PolicyValidity.NOT_YET:
            return queryset.filter(valid_from__gt=today)
        if value == PolicyValidity.EXPIRED:
            return queryset.filter(valid_to__lt=today)
        return queryset
