"""The FilterSet of the 科创平台 directory (list page and its export)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import PlatformKind
from .models import Platform


class PlatformFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("平台名称或依托高校"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=PlatformKind.choices, empty_label=_("全部"))

    class Meta:
        model = Platform
        fields = ["q", "kind"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(university__name__icontains=value))
