"""Forms for resources: a 科创平台 (platform) added or changed from the pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm, DateInput, PickerField
from techmayor.core.models import RegionLevel

from . import services
from .choices import PlatformKind
from .models import University
from .selectors import platform_regions


class _RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == RegionLevel.DISTRICT:
            return obj.name
        return f"{obj.parent.name} · {obj.name}"


class PlatformForm(BaseForm):
    name = forms.CharField(label=_("平台名称"), max_length=150)
    kind = forms.ChoiceField(label=_("类型"), choices=PlatformKind.choices, initial=PlatformKind.OTHER)
    region = _RegionField(label=_("所在地"), queryset=None, required=False)
    established_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["name", "kind", "university", "region", "established_on", "description"]

    def __init__(self, *args, user, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "kind": instance.kind,
                    "university": instance.university_id,
                    "region": instance.region_id,
                    "established_on": instance.established_on,
                    "description": instance.description,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["university"] = PickerField(
            University.objects.all(),
            source="university",
            label=_("依托高校"),
            required=False,
            placeholder=_("高校名称"),
        )
        regions = platform_regions(user)
        if instance is not None and instance.region_id:
            regions = regions | type(instance.region).objects.filter(pk=instance.region_id)
        self.fields["region"].queryset = regions.select_related("parent").order_by("parent__code", "level", "code")
        self.order_fields(self.field_order)

    def save(self, *, by):
        if self.instance is not None:
            return services.platform_update(platform=self.instance, by=by, **self.cleaned_data)
        return services.platform_create(by=by, **self.cleaned_data)
