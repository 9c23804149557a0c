"""Forms for logging ledger records. Each calls the app's service; its errors show on the field named."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import MultiPickerField, PickerField, WanField, count_field
from techmayor.core.models import Region, RegionLevel
from techmayor.enterprises.selectors import enterprise_pickable
from techmayor.resources.models import Achievement, Platform, University
from techmayor.roster.forms import CreditedForm

from . import services
from .choices import ApplicationKind, CultivationKind, CultivationStatus, EventKind, VisitorKind


def _enterprise_field(user, *, required=True, label=None):
    return PickerField(
        enterprise_pickable(user=user),
        source="enterprise",
        label=label or _("企业"),
        required=required,
        placeholder=_("企业名称、拼音首字母或信用代码"),
    )


def _university_field(*, required=False, label=None):
    return PickerField(
        University.objects.all(),
        source="university",
        label=label or _("高校"),
        required=required,
        placeholder=_("高校名称"),
    )


def _platform_field(*, label=None):
    return PickerField(
        Platform.objects.all(),
        source="platform",
        label=label or _("科创平台"),
        help_text=_("平台不在列表中时，请先在“台账 › 科创平台”中新建"),
    )


class LedgerForm(CreditedForm):
    """A ledger record's form: edits go through the generic ledger update (credit rule checked again, audited)."""

    m2m_fields: tuple[str, ...] = ()  # other many-to-many fields set from the form (e.g. enterprises)

    def update(self, record, *, by, date, members, **data):
        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        return services.record_update(record=record, by=by, date=date, members=members, m2m=m2m, **data)


class PickerForm(LedgerForm):
    """A credited form whose links to enterprises, universities or platforms are search pickers.

    ``pickers`` maps a field name (``enterprise`` / ``university`` / ``platform``) to the picker's
    options; on edit each picker starts at the record's current value.
    """

    pickers: dict[str, dict] = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name, options in self.pickers.items():
            if name == "enterprise":
                self.fields[name] = _enterprise_field(user, **options)
            elif name == "university":
                self.fields[name] = _university_field(**options)
            else:
                self.fields[name] = _platform_field(**options)
            if self.instance is not None:
                self.initial[name] = getattr(self.instance, f"{name}_id")
        self.order_fields(self.field_order)


class VisitForm(LedgerForm):
    """Editing a visit (the quick log with needs is :class:`VisitLogForm`)."""

    note = forms.CharField(label=_("走访情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    members_required = True
    field_order = ["date", "members", "note"]


class EventForm(LedgerForm):
    kind = forms.ChoiceField(label=_("活动类型"), choices=EventKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    location = forms.CharField(label=_("地点"), max_length=120, required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    m2m_fields = ("enterprises", "universities", "achievements")
    field_order = [
        "kind",
        "title",
        "date",
        "location",
        "enterprises",
        "universities",
        "achievements",
        "group",
        "members",
        "note",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["enterprises"] = MultiPickerField(
            enterprise_pickable(user=user),
            source="enterprise",
            label=_("参与企业"),
            placeholder=_("企业名称、拼音首字母或信用代码"),
        )
        self.fields["universities"] = MultiPickerField(
            University.objects.all(), source="university", label=_("参与高校")
        )
        self.fields["achievements"] = MultiPickerField(
            Achievement.objects.all(),
            source="achievement",
            label=_("推介成果"),
            help_text=_("成果推介活动推介的科技成果（选填）"),
            placeholder=_("成果标题或编号"),
        )
        if self.instance is not None:
            self.initial["enterprises"] = [e.pk for e in self.instance.enterprises.all()]
            self.initial["universities"] = [u.pk for u in self.instance.universities.all()]
            self.initial["achievements"] = [a.pk for a in self.instance.achievements.all()]
        self.order_fields(self.field_order)

    def create(self, *, by, **data):
        return services.event_create(by=by, **data)


class VisitorRecordForm(PickerForm):
    kind = forms.ChoiceField(label=_("来访类型"), choices=VisitorKind.choices)
    visitor_name = forms.CharField(label=_("来访人"), max_length=120, help_text=_("多人同行时可填写代表姓名"))
    organization = forms.CharField(label=_("所在单位"), max_length=150, required=False)
    person_count = count_field(_("人次"), minimum=1, initial=1)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["kind", "visitor_name", "organization", "university", "person_count", "date", "group", "members"]
    pickers = {"university": {"label": _("所在高校")}}

    def create(self, *, by, **data):
        return services.visitor_record_create(by=by, **data)


class ReportForm(LedgerForm):
    title = forms.CharField(label=_("报告题目"), max_length=200)
    summary = forms.CharField(label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    members_required = True
    field_order = ["title", "date", "group", "members", "summary"]

    def create(self, *, by, **data):
        return services.report_create(by=by, **data)


class TalentIntroductionForm(PickerForm):
    talent_name = forms.CharField(label=_("人才/团队"), max_length=120)
    person_count = count_field(_("人数"), minimum=1, initial=1)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    field_order = ["talent_name", "person_count", "enterprise", "university", "date", "group", "members"]
    pickers = {"enterprise": {"required": False, "label": _("引进企业")}, "university": {"label": _("来源高校")}}

    def create(self, *, by, **data):
        return services.talent_introduce(by=by, **data)


class ProjectBrokeredForm(PickerForm):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    is_provincial_major = forms.BooleanField(label=_("列入省重大项目"), required=False)
    amount_wan = WanField(label=_("投资额(万元)"), required=False)
    field_order = ["title", "enterprise", "university", "amount_wan", "is_provincial_major", "date", "group"]
    pickers = {"enterprise": {"required": False, "label": _("承接企业")}, "university": {"label": _("合作高校")}}

    def create(self, *, by, **data):
        return services.project_broker(by=by, **data)


class PlatformIntroductionForm(PickerForm):
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["platform", "date", "group", "members", "note"]
    pickers = {"platform": {}}

    def create(self, *, by, **data):
        return services.platform_introduce(by=by, **data)


class EnterpriseLandingForm(PickerForm):
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["enterprise", "date", "group", "members", "note"]
    pickers = {"enterprise": {"label": _("落户企业")}}

    def create(self, *, by, **data):
        return services.enterprise_landing_create(by=by, **data)


class EmploymentBaseForm(PickerForm):
    field_order = ["enterprise", "university", "date", "group", "members"]
    pickers = {"enterprise": {}, "university": {"label": _("合作高校")}}

    def create(self, *, by, **data):
        return services.employment_base_create(by=by, **data)


class FundLandingForm(LedgerForm):
    fund_name = forms.CharField(label=_("基金名称"), max_length=150)
    amount_wan = WanField(label=_("规模(万元)"))
    field_order = ["fund_name", "amount_wan", "date", "group", "members"]

    def create(self, *, by, **data):
        return services.fund_landing_create(by=by, **data)


class ApplicationSupportedForm(PickerForm):
    kind = forms.ChoiceField(label=_("申报类型"), choices=ApplicationKind.choices)
    title = forms.CharField(label=_("申报事项"), max_length=200)
    field_order = ["enterprise", "kind", "title", "date", "group", "members"]
    pickers = {"enterprise": {}}

    def create(self, *, by, **data):
        return services.application_support_create(by=by, **data)


class EnterpriseCultivationForm(PickerForm):
    kind = forms.ChoiceField(label=_("培育类型"), choices=CultivationKind.choices)
    status = forms.ChoiceField(label=_("状态"), choices=CultivationStatus.choices)
    field_order = ["enterprise", "kind", "status", "date", "group", "members"]
    pickers = {"enterprise": {}}

    def create(self, *, by, **data):
        return services.cultivation_create(by=by, **data)


class UniversityPairingForm(PickerForm):
    region = forms.ModelChoiceField(
        label=_("结对园区/镇"), queryset=Region.objects.none(), required=False, empty_label=_("（未指定）")
    )
    field_order = ["university", "region", "date", "group", "members"]
    pickers = {"university": {"required": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            parent__parent=self.ctx.batch.city, level__in=[RegionLevel.TOWN, RegionLevel.PARK]
        ).select_related("parent")
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}"

    def create(self, *, by, **data):
        return services.university_pairing_create(by=by, **data)


class VisitLogForm(VisitForm):
    """走访登记 in one go: the enterprise (picked, or new with a duplicate check), the visit, the needs found.

    The needs come as parallel lists ``need_title`` / ``need_text`` (one row each, rows added by htmx).
    """

    new_name = forms.CharField(label=_("企业名称"), max_length=150, required=False)
    new_credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, required=False, help_text=_("18位；不知道可不填")
    )
    new_region = forms.ModelChoiceField(
        label=_("所在镇（街道）/园区"), queryset=Region.objects.none(), required=False, empty_label=_("（未知）")
    )
    confirm_new = forms.BooleanField(label=_("我已核对，确实是另一家企业，仍然新建"), required=False)

    field_aliases = {"name": "new_name", "credit_code": "new_credit_code", "raw_text": "needs", "title": "needs"}
    field_order = ["enterprise", "date", "members", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["enterprise"] = _enterprise_field(user, required=False, label=_("走访企业"))
        self.fields["new_region"].queryset = Region.objects.filter(
            parent__parent=self.ctx.batch.city, level__in=[RegionLevel.TOWN, RegionLevel.PARK]
        )
        self.fields["needs"] = forms.Field(required=False, label=_("发现的需求"))
        check = {
            "hx-get": reverse("ledger:enterprise_duplicates"),
            "hx-trigger": "input changed delay:500ms, change",
            "hx-target": "#tm-duplicates",
            "hx-swap": "outerHTML",
            "hx-include": "[name=new_name],[name=new_credit_code]",
            "autocomplete": "off",
        }
        self.fields["new_name"].widget.attrs.update(check)
        self.fields["new_credit_code"].widget.attrs.update(check)
        self.order_fields(self.field_order)
        self.need_rows = self._need_rows()

    def _need_rows(self) -> list[dict]:
        if not self.is_bound:
            return []
        titles = self.data.getlist("need_title") if hasattr(self.data, "getlist") else []
        texts = self.data.getlist("need_text") if hasattr(self.data, "getlist") else []
        size = max(len(titles), len(texts))
        titles += [""] * (size - len(titles))
        texts += [""] * (size - len(texts))
        return [{"title": t.strip(), "raw_text": x.strip()} for t, x in zip(titles, texts, strict=True)]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("enterprise") and not (cleaned.get("new_name") or "").strip():
            self.add_error("enterprise", _("请选择走访的企业，或在下方新建企业"))
        return cleaned

    def save(self, *, by):
        c = self.cleaned_data
        new_enterprise = None
        if c.get("enterprise") is None:
            new_enterprise = {
                "name": c["new_name"],
                "credit_code": c.get("new_credit_code") or None,
                "region": c.get("new_region"),
                "allow_similar_name": bool(c.get("confirm_new")),
            }
        return services.visit_log_with_leads(
            batch=self.ctx.batch,
            group=c["group"],
            date=c["date"],
            members=c["members"],
            enterprise=c.get("enterprise"),
            new_enterprise=new_enterprise,
            note=c.get("note", ""),
            needs=[row for row in self.need_rows if row["title"] or row["raw_text"]],
            by=by,
        )
