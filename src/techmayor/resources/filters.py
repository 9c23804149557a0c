"""The FilterSets of the resource pool: the 科创平台 directory and the expert library's results (their
list page, its export and the 成果推介 planner's search)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AchievementKind, AchievementStage, PlatformKind
from .models import Achievement, Platform

STAGE_UNKNOWN = "unknown"  # the stage filter's choice for results whose stage nobody gave


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


class AchievementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", help_text=_("标题、关键词或编号"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=AchievementKind.choices, empty_label=_("全部"))
    stage = django_filters.MultipleChoiceFilter(
        label=_("成熟度"),
        choices=[*AchievementStage.choices, (STAGE_UNKNOWN, _("未知"))],
        method="filter_stage",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Achievement
        fields = ["q", "kind", "stage"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(external_id=value) | Q(keywords__icontains=value))

    def filter_stage(self, queryset, name, value):
        if not value:
            return queryset
        stages = [v for v in value if v != STAGE_UNKNOWN]
        return queryset.filter(Q(stage__in=stages) | Q(stage="") if STAGE_UNKNOWN in value else Q(stage__in=stages))
