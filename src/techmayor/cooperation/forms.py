"""Forms for intents, agreements and money received; each calls the cooperation services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm, DateInput, PickerField, WanField
from techmayor.core.models import Region, RegionLevel
from techmayor.enterprises.selectors import enterprise_pickable
from techmayor.needs.choices import NeedState
from techmayor.needs.selectors import need_visible
from techmayor.resources.models import Expert, University
from techmayor.roster.forms import CreditedForm

from . import selectors, services
from .choices import AgreementKind


class _PartiesMixin:
    """Enterprise, university and expert pickers (the enterprise limited to those the user may pick)."""

    enterprise_required = True

    def add_parties(self, user, *, region=False):
        self.fields["enterprise"] = PickerField(
            enterprise_pickable(user=user),
            source="enterprise",
            label=_("企业"),
            required=self.enterprise_required,
            placeholder=_("企业名称、拼音首字母或信用代码"),
        )
        self.fields["university"] = PickerField(
            University.objects.all(), source="university", label=_("高校"), required=False
        )
        self.fields["expert"] = PickerField(
            Expert.objects.filter(merged_into__isnull=True).select_related("university"),
            source="expert",
            label=_("专家"),
            required=False,
        )
        if self.instance is not None:
            for name in ("enterprise", "university", "expert"):
                self.initial[name] = getattr(self.instance, f"{name}_id")

    def add_link(self, name: str, queryset, *, label, empty_label, help_text=""):
        """An optional link to an earlier record of the same batch the user may read (need, intent)."""
        self.fields[name] = forms.ModelChoiceField(
            queryset=queryset.filter(batch=self.ctx.batch).order_by("-date", "-id"),
            label=label,
            required=False,
            empty_label=empty_label,
            help_text=help_text,
        )
        if self.instance is not None:
            self.initial[name] = getattr(self.instance, f"{name}_id")


class IntentForm(_PartiesMixin, CreditedForm):
    title = forms.CharField(label=_("意向内容"), max_length=200)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["title", "enterprise", "university", "expert", "need", "date", "group", "members", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.add_parties(user)
        self.fields["university"].help_text = _("高校与专家至少填一项")
        self.add_link(
            "need",
            need_visible(user).exclude(state=NeedState.MERGED),
            label=_("对应需求"),
            empty_label=_("（不对应具体需求）"),
            help_text=_("这项意向回应的企业需求（可不填）"),
        )
        self.order_fields(self.field_order)

    def create(self, *, by, **data):
        return services.intent_create(by=by, **data)

    def update(self, record, *, by, **data):
        return services.intent_update(intent=record, by=by, **data)


class AgreementForm(_PartiesMixin, CreditedForm):
    kind = forms.ChoiceField(label=_("协议类型"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("协议名称"), max_length=200)
    contract_amount_wan = WanField(label=_("合同金额(万元)"))
    region = forms.ModelChoiceField(
        label=_("合作地方"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("（校企协议不填）"),
        help_text=_("校地合作协议填写"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    enterprise_required = False
    field_order = [
        "kind",
        "title",
        "university",
        "enterprise",
        "region",
        "expert",
        "intent",
        "contract_amount_wan",
        "date",
        "group",
        "members",
        "note",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.add_parties(user)
        self.fields["university"].required = True
        self.fields["enterprise"].help_text = _("校企合作协议必填")
        city = self.ctx.batch.city
        self.fields["region"].queryset = Region.objects.filter(
            level__in=[RegionLevel.DISTRICT, RegionLevel.TOWN, RegionLevel.PARK]
        ).filter(parent__in=Region.objects.filter(pk=city.pk) | Region.objects.filter(parent=city))
        if self.instance is not None:
            self.initial["region"] = self.instance.region_id
        self.add_link(
            "intent",
            selectors.scoped_intents(user=user),
            label=_("来自意向"),
            empty_label=_("（不来自已登记的意向）"),
            help_text=_("这份协议由哪项合作意向促成（可不填）"),
        )
        self.order_fields(self.field_order)

    def create(self, *, by, **data):
        return services.agreement_sign(by=by, **data)

    def update(self, record, *, by, **data):
        return services.agreement_update(agreement=record, by=by, **data)


class ReceiptForm(BaseForm):
    date = forms.DateField(label=_("到账日期"), widget=DateInput())
    amount_wan = WanField(label=_("到账金额(万元)"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
