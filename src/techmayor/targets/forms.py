"""Forms of the targets pages: set a target, revise one with a reason, the city's behind-pace margin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm
from techmayor.scorecard.metrics import SCORECARD_METRICS

VALUE_ERRORS = {
    "invalid": _("目标值须为数字"),
    "min_value": _("目标值须大于0"),
    "max_digits": _("目标值过大"),
    "max_value": _("目标值过大"),
}


def _metric_choices():
    return [(m.code, m.heading) for m in SCORECARD_METRICS]


class TargetForm(BaseForm):
    metric = forms.ChoiceField(label=_("指标"), choices=_metric_choices)
    group = forms.ModelChoiceField(label=_("支团"), queryset=None, required=False, empty_label=_("全批次"))
    member = forms.ModelChoiceField(label=_("团员（可选）"), queryset=None, required=False, empty_label=_("不指定"))
    value = forms.DecimalField(
        label=_("目标值"),
        min_value=0.0001,
        max_value=10**11,
        max_digits=16,
        decimal_places=4,
        error_messages=VALUE_ERRORS,
    )
    reason = forms.CharField(
        label=_("说明或调整原因"), max_length=200, required=False, help_text=_("修改已设定的目标时必填")
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        from techmayor.roster.models import Group, Member

        self.fields["group"].queryset = Group.objects.filter(batch=batch).order_by("id")
        self.fields["member"].queryset = Member.objects.filter(tenures__batch=batch).order_by("id")

    def clean(self):
        data = super().clean()
        member, group = data.get("member"), data.get("group")
        if member is not None and group is not None and not member.tenures.filter(group=group).exists():
            self.add_error("member", _("该团员不在所选支团任职"))
        return data


class ReviseForm(BaseForm):
    value = forms.DecimalField(
        label=_("新的目标值"),
        min_value=0.0001,
        max_value=10**11,
        max_digits=16,
        decimal_places=4,
        error_messages=VALUE_ERRORS,
    )
    reason = forms.CharField(label=_("调整原因"), max_length=200, error_messages={"required": _("请填写调整原因")})


class MarginForm(BaseForm):
    margin = forms.IntegerField(
        label=_("滞后容差（百分点）"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("滞后容差须为0到100的整数"),
            "max_value": _("滞后容差须为0到100的整数"),
            "invalid": _("滞后容差须为0到100的整数"),
        },
    )
