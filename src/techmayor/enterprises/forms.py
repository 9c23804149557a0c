"""Forms for enterprises: the profile (with the duplicate check), contacts, tags, 挂钩服务 links."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm, PickerField
from techmayor.core.models import Industry, Region, RegionLevel
from techmayor.roster.forms import CreditedForm

from . import services
from .choices import EnterpriseTagKind
from .selectors import assignable_regions, enterprise_pickable


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == RegionLevel.DISTRICT:
            return obj.name
        return f"{obj.parent.name} · {obj.name}"


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class EnterpriseForm(BaseForm):
    name = forms.CharField(label=_("企业名称"), max_length=150)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, required=False, help_text=_("18位，含校验位；不知道可不填")
    )
    region = RegionChoiceField(label=_("所在地"), queryset=Region.objects.none(), required=False)
    industry = IndustryChoiceField(
        label=_("所属行业（大类）"), queryset=Industry.objects.none(), required=False, empty_label=_("（未知）")
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm_new = forms.BooleanField(label=_("我已核对，确实是另一家企业，仍然新建"), required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "credit_code": instance.credit_code or "",
                    "region": instance.region_id,
                    "industry": instance.industry_id,
                    "address": instance.address,
                    "description": instance.description,
                },
            )
        super().__init__(*args, **kwargs)
        # Only where the user may place an enterprise: a town's staff cannot move one into another district.
        self.fields["region"].queryset = (
            assignable_regions(user)
            .select_related("parent")
            .order_by("parent__code", "parent__name", "level", "code", "name")
        )
        self.fields["industry"].queryset = Industry.objects.filter(level__lte=2).order_by("code")
        if instance is not None:
            del self.fields["confirm_new"]
        # As the name or credit code is typed: the enterprises it may duplicate, with a score.
        query = f"?exclude={instance.pk}" if instance is not None else ""
        check = {
            "hx-get": reverse("enterprises:enterprise_duplicates") + query,
            "hx-trigger": "input changed delay:500ms, change",
            "hx-target": "#tm-duplicates",
            "hx-swap": "outerHTML",
            "hx-include": "[name=name],[name=credit_code]",
            "autocomplete": "off",
        }
        self.fields["name"].widget.attrs.update(check)
        self.fields["credit_code"].widget.attrs.update(check)

    def save(self, *, by):
        c = dict(self.cleaned_data)
        if self.instance is not None:
            return services.enterprise_update(enterprise=self.instance, by=by, **c)
        confirm = c.pop("confirm_new", False)
        return services.enterprise_create(by=by, allow_similar_name=bool(confirm), **c)


class ContactForm(BaseForm):
    name = forms.CharField(label=_("联系人"), max_length=60)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)


class TagForm(BaseForm):
    kind = forms.ChoiceField(label=_("标签"), choices=EnterpriseTagKind.choices)
    year = forms.IntegerField(label=_("认定年份"), min_value=1990, max_value=2100, required=False)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)


class EnterpriseLinkForm(CreditedForm):
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    field_order = ["enterprise", "date", "group", "members", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance is None:
            self.fields["enterprise"] = PickerField(
                enterprise_pickable(user=user),
                source="enterprise",
                label=_("挂钩企业"),
                placeholder=_("企业名称、拼音首字母或信用代码"),
            )
        self.order_fields(self.field_order)

    def create(self, *, by, **data):
        return services.enterprise_link(by=by, **data)

    def update(self, record, *, by, **data):
        return services.enterprise_link_update(link=record, by=by, **data)
