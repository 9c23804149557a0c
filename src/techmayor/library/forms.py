from __future__ import annotations

from django import forms
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm, ModelMultipleChoiceField, MultiPickerField, PickerField
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.selectors import enterprise_pickable
from techmayor.resources.choices import AchievementKind, AchievementStage
from techmayor.resources.models import Expert, University
from techmayor.roster.forms import CreditedForm

from . import permissions, services


def university_choices(user):
    """The universities the user may put an expert at: all for administrators, else their units'."""
    if permissions.is_library_admin(user):
        return University.objects.all()
    return University.objects.filter(pk__in=permissions.home_university_ids(user))


def editable_experts(user):
    """Live experts the user may attach a result to."""
    qs = Expert.objects.filter(merged_into__isnull=True).select_related("university")
    if permissions.is_library_admin(user):
        return qs
    unis = permissions.home_university_ids(user)
    orgs = permissions.home_organizations(user)
    return qs.filter(university_id__in=unis) | qs.filter(university__isnull=True, organization__in=orgs)


class ExpertForm(BaseForm):
    name = forms.CharField(label=_("姓名"), max_length=60)
    title = forms.CharField(label=_("职称"), max_length=40, required=False, help_text=_("如 教授、研究员、高级工程师"))
    organization = forms.CharField(
        label=_("所在机构"), max_length=120, required=False, help_text=_("院系或科研院所；不在高校的专家必填")
    )
    disciplines = forms.CharField(
        label=_("学科/研究方向"), max_length=300, required=False, help_text=_("多个用顿号或逗号分隔")
    )
    bio = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    email = forms.EmailField(label=_("邮箱"), required=False)
    allow_duplicate = forms.BooleanField(
        label=_("确认是同名的另一位专家"), required=False, help_text=_("同一高校已有同名专家时勾选")
    )

    def __init__(self, *args, user, instance: Expert | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["university"] = PickerField(
            university_choices(user), source="university", label=_("所在高校"), required=False
        )
        order = ["name", "title", "university", "organization", "disciplines", "bio", "email", "allow_duplicate"]
        self.order_fields(order)
        if instance is not None:
            del self.fields["allow_duplicate"]
            for name in ("name", "title", "organization", "bio", "email"):
                self.initial[name] = getattr(instance, name)
            self.initial["university"] = instance.university_id
            self.initial["disciplines"] = ", ".join(instance.disciplines)
        self._apply_bootstrap()

    def clean(self):
        data = super().clean()
        if not data.get("university") and not (data.get("organization") or "").strip():
            self.add_error("organization", _("请选择所在高校或填写所在机构"))
        return data


class AchievementForm(BaseForm):
    kind = forms.ChoiceField(label=_("类型"), choices=AchievementKind.choices)
    title = forms.CharField(label=_("标题"), max_length=500)
    external_id = forms.CharField(
        label=_("编号"),
        max_length=80,
        required=False,
        help_text=_("论文的 DOI、专利的申请号或公开号；不填则自动生成，保存后不能修改"),
    )
    abstract = forms.CharField(label=_("摘要/简介"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(label=_("关键词"), max_length=300, required=False, help_text=_("多个用顿号或逗号分隔"))
    discipline = forms.CharField(label=_("学科"), max_length=60, required=False)
    year = forms.IntegerField(label=_("年份"), required=False, min_value=1900, max_value=2100)
    stage = forms.ChoiceField(
        label=_("成熟度"),
        choices=[("", _("未知")), *AchievementStage.choices],
        required=False,
        help_text=_("按技术就绪度（TRL）：1–4级为实验室/小试，5–6级为中试，7–9级为产业化；不清楚的留空"),
    )

    def __init__(self, *args, user, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["experts"] = MultiPickerField(
            editable_experts(user), source="expert", label=_("专家"), help_text=_("成果的完成人（专家库中的专家）")
        )
        if instance is not None:
            del self.fields["external_id"]
            for name in ("kind", "title", "abstract", "discipline", "year", "stage"):
                self.initial[name] = getattr(instance, name)
            self.initial["keywords"] = ", ".join(instance.keywords or [])
            self.initial["experts"] = [e.pk for e in instance.experts.all()]
        self._apply_bootstrap()


class MergeForm(BaseForm):
    duplicate = forms.ModelChoiceField(
        queryset=Expert.objects.none(),
        label=_("要并入的重复专家"),
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择一位可以合并的专家"), "required": _("请选择要并入的重复专家")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = Expert.objects.filter(pk__in=[c.pk for c in candidates])
        self.fields["duplicate"].label_from_instance = lambda e: f"{e} · #{e.pk}"
        self._apply_bootstrap()


def promotion_title(results) -> str:
    """A 成果推介 event's suggested name: after its first result (and how many more)."""
    first = results[0].title if len(results[0].title) <= 30 else results[0].title[:30] + "…"
    if len(results) == 1:
        return _("成果推介会：%(title)s") % {"title": first}
    return _("成果推介会：%(title)s等%(n)s项成果") % {"title": first, "n": len(results)}


class PromotionEventForm(CreditedForm):
    """Saving the planner's plan as a 成果推介 event: its name, date, place, group and members (the
    user's own group for a member: ``CreditedForm``), and which of the proposed enterprises are
    invited (all, unless unticked). The results travel as the plan's ``r`` values."""

    title = forms.CharField(label=_("活动名称"), max_length=200)
    location = forms.CharField(label=_("地点"), max_length=120, required=False)
    enterprises = ModelMultipleChoiceField(
        queryset=Enterprise.objects.none(),
        label=_("邀请企业"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("取消勾选不邀请的企业；活动后可在台账中修改参与企业"),
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["title", "date", "location", "group", "members", "enterprises", "note"]

    def __init__(self, *args, user, ctx, results, candidates, **kwargs):
        super().__init__(*args, ctx=ctx, user=user, **kwargs)
        self.results = list(results)
        ids = [e.pk for e in candidates]
        rank = Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)), default=len(ids))
        field = self.fields["enterprises"]
        field.queryset = enterprise_pickable(user=user).filter(pk__in=ids).order_by(rank)
        field.label_from_instance = lambda e: e.name
        self.initial.setdefault("enterprises", ids)
        if self.results:
            self.initial.setdefault("title", promotion_title(self.results))
        self.order_fields(self.field_order)
        self._apply_bootstrap()

    def create(self, *, by, **data):
        return services.promotion_event_create(achievements=self.results, by=by, **data)
