"""Forms of the need loop. They validate input; the services apply the rules and write."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from techmayor.core.attachments import ALL_TYPES
from techmayor.core.forms import PlausibleAmountsMixin, WanField, count_field
from techmayor.core.text import fold_width
from techmayor.roster.models import Group
from techmayor.roster.selectors import reference_day

from .choices import NeedKind, NeedState, Urgency

ACCEPT = ",".join(f".{ext}" for ext in sorted(ALL_TYPES | {"jpeg"}))


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.RadioSelect):
                css = "form-check-input"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


# ---------------------------------------------------------------- phone numbers

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?$")
SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
PHONE_ERROR = _("请填写正确的电话号码：11位手机号（如 13912345678），或带区号的座机（如 0519-88881234）")


def clean_phone(value: str) -> str:
    """A Chinese mobile (11 digits, 1[3-9]…), landline with area code (0519-88881234, extension allowed)
    or 400/800 number; returns it normalised, or raises a ValidationError in Chinese."""
    text = fold_width(value or "").strip()
    text = re.sub(r"[\s\u2010-\u2015\u2212]", lambda m: "" if m.group().isspace() else "-", text)
    text = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", text)
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :].lstrip("-")
    if MOBILE.match(text.replace("-", "")) and not text.startswith("0"):
        return text.replace("-", "")
    if LANDLINE.match(text) or SERVICE.match(text):
        return text
    raise ValidationError(PHONE_ERROR, code="phone")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return clean_phone(value) if value else value


# ---------------------------------------------------------------- public intake


class IntakeForm(BootstrapMixin, forms.Form):
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=150)
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    contact_phone = PhoneField(label=_("联系电话"))
    title = forms.CharField(label=_("需求标题"), max_length=200, help_text=_("一句话概括，如“电池低温续航不足”"))
    description = forms.CharField(
        label=_("需求描述"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("遇到的问题、希望达到的目标、已经做过的尝试等"),
    )
    consent = forms.BooleanField(
        label=_("我同意将以上信息提供给所在镇（街道）和科技镇长团工作人员，仅用于需求对接"),
        error_messages={"required": _("请阅读并勾选同意信息使用说明后再提交")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden); a robot that fills it is ignored.
    website = forms.CharField(label=_("请勿填写此项"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["enterprise_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get("website") or "").strip())


# ---------------------------------------------------------------- leads


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class LeadForm(BootstrapMixin, forms.Form):
    region = RegionChoiceField(queryset=None, label=_("所属镇（街道）"), empty_label=_("请选择"))
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=150)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = PhoneField(label=_("联系电话"), required=False)
    title = forms.CharField(label=_("需求标题"), max_length=200)
    raw_text = forms.CharField(label=_("需求原文"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    confirm_duplicate = forms.BooleanField(label=_("我已核对，不是重复需求，仍然提交"), required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        only = list(regions[:2]) if regions is not None else []
        if len(only) == 1:
            self.fields["region"].initial = only[0].pk


class LeadRejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("不予受理原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


NEW_ENTERPRISE = "new"

ADVANCE_LABELS = {
    NeedState.PENDING: _("待核实（稍后核实）"),
    NeedState.VERIFIED: _("已核实，提交市级审核"),
    NeedState.PUBLISHED: _("核实并直接发布"),
}


def _label_with_code(enterprise) -> str:
    if not enterprise.credit_code:
        return enterprise.name
    return _("%(name)s（%(code)s）") % {"name": enterprise.name, "code": enterprise.credit_code}


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return _("%(group)s（%(batch)s）") % {"group": obj.name, "batch": obj.batch}


class LeadConvertForm(BootstrapMixin, forms.Form):
    enterprise = forms.ChoiceField(label=_("企业"), widget=forms.RadioSelect)
    new_enterprise_name = forms.CharField(label=_("新建企业名称"), max_length=150, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码（选填）"), max_length=18, required=False)
    group = GroupChoiceField(queryset=Group.objects.none(), label=_("所属支团"), empty_label=_("请选择"))
    date = forms.DateField(label=_("采集日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    title = forms.CharField(label=_("需求标题"), max_length=200)
    description = forms.CharField(label=_("需求描述"), widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(label=_("需求类型"), choices=NeedKind.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    is_bottleneck = forms.BooleanField(label=_("卡脖子问题"), required=False)
    advance_to = forms.ChoiceField(label=_("转为需求后"), widget=forms.RadioSelect)
    confirm_duplicate = forms.BooleanField(label=_("我已核对，不是重复需求，仍然转为需求"), required=False)

    def __init__(self, *args, enterprises=(), groups=None, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(e.pk), _label_with_code(e)) for e in enterprises]
        choices.append((NEW_ENTERPRISE, _("新建企业")))
        self.fields["enterprise"].choices = choices
        if enterprises:
            self.fields["enterprise"].initial = str(enterprises[0].pk)
        else:
            self.fields["enterprise"].initial = NEW_ENTERPRISE
        self.fields["group"].queryset = groups if groups is not None else Group.objects.none()
        self.fields["advance_to"].choices = [(t, ADVANCE_LABELS[t]) for t in targets]
        if targets:
            self.fields["advance_to"].initial = NeedState.VERIFIED if NeedState.VERIFIED in targets else targets[0]
        self.enterprises = {str(e.pk): e for e in enterprises}

    def clean(self):
        data = super().clean()
        if data.get("enterprise") == NEW_ENTERPRISE and not (data.get("new_enterprise_name") or "").strip():
            self.add_error("new_enterprise_name", _("新建企业须填写企业名称"))
        return data


# ---------------------------------------------------------------- needs


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)


class NeedEditForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("需求标题"), max_length=200)
    description = forms.CharField(label=_("需求描述"), widget=forms.Textarea(attrs={"rows": 6}))
    kind = forms.ChoiceField(label=_("需求类型"), choices=NeedKind.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    is_bottleneck = forms.BooleanField(label=_("卡脖子问题"), required=False)


def _file_field(label):
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("可选；支持 jpg、png、webp、pdf、docx、xlsx"),
    )


class ProgressForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    current_status = forms.CharField(label=_("当前进展"), widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("下一步"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = _file_field(_("附件"))

    def __init__(self, *args, need, **kwargs):
        kwargs.setdefault("initial", {"date": reference_day(need.batch)})
        super().__init__(*args, **kwargs)


class CompletionForm(BootstrapMixin, forms.Form):
    solution = forms.CharField(
        label=_("解决方案及对接的资源"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("如：对接的高校、专家、平台，采取的方案，签订的协议等"),
    )
    file = _file_field(_("佐证材料"))


class MergeForm(BootstrapMixin, forms.Form):
    """The need to keep: picked from the suggestions (``into``) or typed as a number (``into_number``)."""

    into = forms.IntegerField(label=_("保留的需求"), min_value=1, required=False)
    into_number = forms.IntegerField(label=_("或填写需求编号"), min_value=1, required=False)
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        data["target"] = data.get("into_number") or data.get("into")
        if not data["target"] and not self.has_error("into") and not self.has_error("into_number"):
            self.add_error("into", _("请选择或填写要保留的需求"))
        return data


class OutcomeForm(PlausibleAmountsMixin, BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    signed_amount_wan = WanField(label=_("新增签约金额（万元）"), initial=0)
    received_amount_wan = WanField(label=_("新增到账金额（万元）"), initial=0)
    investment_wan = WanField(label=_("新增投资（万元）"), initial=0)
    talents = count_field(_("新增人才（人）"), initial=0)
    patents = count_field(_("新增专利（项）"), initial=0)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, need, **kwargs):
        kwargs.setdefault("initial", {"date": reference_day(need.batch)})
        super().__init__(*args, **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class InviteForm(BootstrapMixin, forms.Form):
    member = MemberChoiceField(queryset=None, label=_("邀请团员"), empty_label=_("请选择"))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates
