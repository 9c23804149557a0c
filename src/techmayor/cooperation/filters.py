"""One FilterSet per cooperation model, shared by the list page, its .xlsx export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from techmayor.core.models import live_related
from techmayor.roster.filters import CreditedRecordFilterSet

from .choices import AgreementKind
from .models import Agreement, Intent


class IntentFilterSet(CreditedRecordFilterSet):
    progress = django_filters.ChoiceFilter(
        label=_("进展"),
        choices=(("agreement", _("已促成协议")), ("received", _("协议已到账"))),
        method="filter_progress",
        empty_label=_("进展：不限"),
    )
    search_fields = (
        "title",
        "enterprise__name",
        "enterprise__credit_code",
        "university__name",
        "expert__name",
        "note",
        "members__name",
    )

    class Meta:
        model = Intent
        fields = ["q", "progress", "batch", "group", "member", "date_from", "date_to", "mine"]

    def filter_progress(self, queryset, name, value):
        """The steps of the cooperation funnel (the dashboards count them: ``scorecard.metrics.FUNNEL_METRICS``)."""
        lookup = "agreements__receipts" if value == "received" else "agreements"
        return queryset.filter(pk__in=Intent.objects.filter(live_related(lookup)).values("pk"))


class AgreementFilterSet(CreditedRecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("协议类型"), choices=AgreementKind.choices, empty_label=_("全部类型"))
    amount_min = django_filters.NumberFilter(
        label=_("合同金额不低于(万元)"), field_name="contract_amount_wan", lookup_expr="gte"
    )
    search_fields = (
        "title",
        "enterprise__name",
        "enterprise__credit_code",
        "university__name",
        "expert__name",
        "region__name",
        "note",
        "members__name",
    )

    class Meta:
        model = Agreement
        fields = ["q", "kind", "amount_min", "batch", "group", "member", "date_from", "date_to", "mine"]
