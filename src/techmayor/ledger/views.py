"""Ledger pages: the quick visit log, and list / detail / export / create / edit for every kind of record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.enterprises.selectors import enterprise_get, enterprise_pickable, enterprise_region_choices
from techmayor.enterprises.services import clean_credit_code, enterprise_duplicates
from techmayor.roster.selectors import write_context
from techmayor.web.records import Column, RecordKind, members_text, safe_reverse

from . import filters, forms, selectors
from .models import (
    ApplicationSupported,
    EmploymentBase,
    EnterpriseCultivation,
    EnterpriseLanding,
    Event,
    FundLanding,
    PlatformIntroduction,
    ProjectBrokered,
    Report,
    TalentIntroduction,
    UniversityPairing,
    Visit,
    VisitorRecord,
)

# --- columns shared by every credited record ---------------------------------------------------

DATE = Column(_("日期"), lambda o: o.date, width=12, role="meta")
GROUP = Column(_("支团"), lambda o: o.group.name, width=10, role="meta")
MEMBERS = Column(_("团员"), members_text, width=24)
BATCH = Column(_("批次"), lambda o: str(o.batch), width=16, in_list=False)
NOTE = Column(_("备注"), lambda o: o.note, width=40, in_list=False)


def _name(obj) -> str:
    return obj.name if obj is not None else ""


def _region(enterprise) -> str:
    return enterprise.region.name if enterprise is not None and enterprise.region_id else ""


def _q(model):
    def queryset(*, user):
        return selectors.record_list(model, user=user)

    return queryset


def _visit_detail(request, visit):
    leads = list(visit.leads.all().order_by("id"))
    for lead in leads:
        lead.url = safe_reverse("needs:lead_detail", lead.pk)
    enterprise = enterprise_get(user=request.user, pk=visit.enterprise_id)
    return {
        "leads": leads,
        "enterprise_url": safe_reverse("enterprises:enterprise_detail", visit.enterprise_id) if enterprise else None,
    }


VISIT = RecordKind(
    key="visit",
    app="ledger",
    model=Visit,
    queryset=selectors.visit_list,
    filterset=filters.VisitFilterSet,
    form=forms.VisitForm,
    icon="bi-geo-alt",
    columns=[
        DATE,
        Column(_("企业"), lambda o: o.enterprise.name, width=32, role="title"),
        Column(_("统一社会信用代码"), lambda o: o.enterprise.credit_code or "", width=22, in_list=False),
        Column(_("所在地"), lambda o: _region(o.enterprise), width=14, role="meta"),
        GROUP,
        MEMBERS,
        Column(_("发现需求(条)"), lambda o: o.lead_count, width=10, number=True),
        Column(_("走访情况"), lambda o: o.note, width=40, in_list=False),
        BATCH,
    ],
    detail_template="ledger/visit_detail.html",
    detail_context=_visit_detail,
    title=lambda o: f"{o.date:%Y-%m-%d} {o.enterprise.name}",
)

EVENT = RecordKind(
    key="event",
    app="ledger",
    model=Event,
    queryset=_q(Event),
    filterset=filters.EventFilterSet,
    form=forms.EventForm,
    icon="bi-calendar-event",
    columns=[
        DATE,
        Column(_("活动名称"), lambda o: o.title, width=32, role="title"),
        Column(_("活动类型"), lambda o: o.get_kind_display(), width=14, role="meta"),
        Column(_("地点"), lambda o: o.location, width=16),
        Column(_("参与企业"), lambda o: "、".join(e.name for e in o.enterprises.all()), width=30, in_list=False),
        Column(_("参与高校"), lambda o: "、".join(u.name for u in o.universities.all()), width=30),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
)

VISITOR = RecordKind(
    key="visitor",
    app="ledger",
    model=VisitorRecord,
    queryset=_q(VisitorRecord),
    filterset=filters.VisitorRecordFilterSet,
    form=forms.VisitorRecordForm,
    icon="bi-person-walking",
    columns=[
        DATE,
        Column(_("来访人"), lambda o: o.visitor_name, width=20, role="title"),
        Column(_("来访类型"), lambda o: o.get_kind_display(), width=12, role="meta"),
        Column(_("所在单位"), lambda o: o.organization or _name(o.university), width=24),
        Column(_("所在高校"), lambda o: _name(o.university), width=20, in_list=False),
        Column(_("人次"), lambda o: o.person_count, width=8, number=True),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
)

REPORT = RecordKind(
    key="report",
    app="ledger",
    model=Report,
    queryset=_q(Report),
    filterset=filters.ReportFilterSet,
    form=forms.ReportForm,
    icon="bi-file-earmark-text",
    columns=[
        DATE,
        Column(_("报告题目"), lambda o: o.title, width=40, role="title"),
        GROUP,
        MEMBERS,
        Column(_("摘要"), lambda o: o.summary, width=60, in_list=False),
        BATCH,
    ],
)

TALENT = RecordKind(
    key="talent",
    app="ledger",
    model=TalentIntroduction,
    queryset=_q(TalentIntroduction),
    filterset=filters.TalentIntroductionFilterSet,
    form=forms.TalentIntroductionForm,
    icon="bi-person-plus",
    columns=[
        DATE,
        Column(_("人才/团队"), lambda o: o.talent_name, width=24, role="title"),
        Column(_("人数"), lambda o: o.person_count, width=8, number=True, role="meta"),
        Column(_("引进企业"), lambda o: _name(o.enterprise), width=28),
        Column(_("来源高校"), lambda o: _name(o.university), width=20),
        Column(_("说明"), lambda o: o.description, width=30, in_list=False),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

PROJECT = RecordKind(
    key="project",
    app="ledger",
    model=ProjectBrokered,
    queryset=_q(ProjectBrokered),
    filterset=filters.ProjectBrokeredFilterSet,
    form=forms.ProjectBrokeredForm,
    icon="bi-kanban",
    columns=[
        DATE,
        Column(_("项目名称"), lambda o: o.title, width=36, role="title"),
        Column(_("承接企业"), lambda o: _name(o.enterprise), width=28),
        Column(_("合作高校"), lambda o: _name(o.university), width=20),
        Column(_("列入省重大项目"), lambda o: o.is_provincial_major, width=10, role="meta"),
        Column(_("投资额(万元)"), lambda o: o.amount_wan, width=12, number=True),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

PLATFORM = RecordKind(
    key="platform",
    app="ledger",
    model=PlatformIntroduction,
    queryset=_q(PlatformIntroduction),
    filterset=filters.PlatformIntroductionFilterSet,
    form=forms.PlatformIntroductionForm,
    icon="bi-bank",
    columns=[
        DATE,
        Column(_("科创平台"), lambda o: o.platform.name, width=36, role="title"),
        Column(_("平台类型"), lambda o: o.platform.get_kind_display(), width=14),
        Column(_("依托高校"), lambda o: _name(o.platform.university), width=20),
        Column(_("所在地"), lambda o: _name(o.platform.region), width=14, in_list=False),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
)

LANDING = RecordKind(
    key="landing",
    app="ledger",
    model=EnterpriseLanding,
    queryset=_q(EnterpriseLanding),
    filterset=filters.EnterpriseLandingFilterSet,
    form=forms.EnterpriseLandingForm,
    icon="bi-building-add",
    columns=[
        DATE,
        Column(_("落户企业"), lambda o: o.enterprise.name, width=32, role="title"),
        Column(_("所在地"), lambda o: _region(o.enterprise), width=14, role="meta"),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
)

EMPLOYMENT_BASE = RecordKind(
    key="employment_base",
    app="ledger",
    model=EmploymentBase,
    queryset=_q(EmploymentBase),
    filterset=filters.EmploymentBaseFilterSet,
    form=forms.EmploymentBaseForm,
    icon="bi-mortarboard",
    columns=[
        DATE,
        Column(_("企业"), lambda o: o.enterprise.name, width=32, role="title"),
        Column(_("合作高校"), lambda o: _name(o.university), width=20, role="meta"),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

FUND = RecordKind(
    key="fund",
    app="ledger",
    model=FundLanding,
    queryset=_q(FundLanding),
    filterset=filters.FundLandingFilterSet,
    form=forms.FundLandingForm,
    icon="bi-cash-stack",
    columns=[
        DATE,
        Column(_("基金名称"), lambda o: o.fund_name, width=30, role="title"),
        Column(_("规模(万元)"), lambda o: o.amount_wan, width=12, number=True, role="meta"),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

APPLICATION = RecordKind(
    key="application",
    app="ledger",
    model=ApplicationSupported,
    queryset=_q(ApplicationSupported),
    filterset=filters.ApplicationSupportedFilterSet,
    form=forms.ApplicationSupportedForm,
    icon="bi-file-earmark-check",
    columns=[
        DATE,
        Column(_("申报事项"), lambda o: o.title, width=36, role="title"),
        Column(_("申报类型"), lambda o: o.get_kind_display(), width=10, role="meta"),
        Column(_("企业"), lambda o: o.enterprise.name, width=30),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

CULTIVATION = RecordKind(
    key="cultivation",
    app="ledger",
    model=EnterpriseCultivation,
    queryset=_q(EnterpriseCultivation),
    filterset=filters.EnterpriseCultivationFilterSet,
    form=forms.EnterpriseCultivationForm,
    icon="bi-graph-up-arrow",
    columns=[
        DATE,
        Column(_("企业"), lambda o: o.enterprise.name, width=32, role="title"),
        Column(_("培育类型"), lambda o: o.get_kind_display(), width=16, role="meta"),
        Column(_("状态"), lambda o: o.get_status_display(), width=10, role="meta"),
        Column(_("所在地"), lambda o: _region(o.enterprise), width=14),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

PAIRING = RecordKind(
    key="pairing",
    app="ledger",
    model=UniversityPairing,
    queryset=_q(UniversityPairing),
    filterset=filters.UniversityPairingFilterSet,
    form=forms.UniversityPairingForm,
    icon="bi-link-45deg",
    columns=[
        DATE,
        Column(_("高校"), lambda o: o.university.name, width=24, role="title"),
        Column(_("结对园区/镇"), lambda o: _name(o.region), width=24, role="meta"),
        GROUP,
        MEMBERS,
        BATCH,
    ],
)

KINDS = [
    VISIT,
    EVENT,
    VISITOR,
    REPORT,
    TALENT,
    PROJECT,
    PLATFORM,
    LANDING,
    EMPLOYMENT_BASE,
    FUND,
    APPLICATION,
    CULTIVATION,
    PAIRING,
]


# --- the ledger index -----------------------------------------------------------------------------


@login_required
@require_GET
def record_index(request):
    """Every kind of record: how many the user may see, a link to the list and (for writers) to log one."""
    from techmayor.cooperation.views import KINDS as COOPERATION
    from techmayor.enterprises.views import KINDS as ENTERPRISES

    can_write = write_context(request.user) is not None
    sections = []
    for title, kinds in (
        (_("企业服务"), [VISIT, *ENTERPRISES]),
        (_("工作台账"), KINDS[1:]),
        (_("产学研合作"), COOPERATION),
    ):
        items = [{"kind": k, "count": k.queryset(user=request.user).count(), "list_url": k.url("list")} for k in kinds]
        sections.append({"title": title, "items": items})
    return render(request, "ledger/record_index.html", {"sections": sections, "can_write": can_write})


# --- the quick visit log ---------------------------------------------------------------------------


def _duplicates_for(user, name: str, code: str) -> list:
    """Enterprises that look like the one being created, among those the user may pick."""
    if not name and not code:
        return []
    try:
        code = clean_credit_code(code) if code else None
    except ApplicationError:
        code = None
    found = enterprise_duplicates(name=name or "", credit_code=code)
    return list(enterprise_pickable(user=user).filter(pk__in=found.values("pk"))[:5])


def _render_visit_log(request, form, status=200):
    data = form.data if form.is_bound else {}
    duplicates = _duplicates_for(request.user, data.get("new_name", ""), data.get("new_credit_code", ""))
    context = {
        "form": form,
        "kind": VISIT,
        "duplicates": duplicates if form.is_bound else [],
        "regions": enterprise_region_choices(request.user),
        "need_rows": form.need_rows or [{"title": "", "raw_text": ""}],
    }
    return render(request, "ledger/visit_log.html", context, status=status)


@login_required
def visit_log(request):
    """走访登记: one form on a phone — enterprise, date, fellow members, notes, needs found."""
    ctx = write_context(request.user)
    if ctx is None:
        raise PermissionDenied(_("你没有登记走访的权限"))
    if request.method != "POST":
        initial = {}
        if request.GET.get("enterprise", "").isdigit():
            initial["enterprise"] = request.GET["enterprise"]
        return _render_visit_log(request, forms.VisitLogForm(ctx=ctx, user=request.user, initial=initial))
    form = forms.VisitLogForm(request.POST, ctx=ctx, user=request.user)
    if not form.is_valid():
        return _render_visit_log(request, form)
    try:
        with audit_source("web"):
            visit, leads = form.save(by=request.user)
    except ApplicationError as err:
        form.add_service_error(err)
        return _render_visit_log(request, form)
    text = _("已登记走访：%(name)s") % {"name": visit.enterprise.name}
    if leads:
        text += _("，发现需求 %(n)d 条（线索编号 %(refs)s）") % {
            "n": len(leads),
            "refs": "、".join(lead.reference for lead in leads),
        }
    messages.success(request, text)
    if request.POST.get("next") == "again":
        return redirect("ledger:visit_create")
    return redirect(VISIT.detail_url(visit))


@login_required
@require_GET
def visit_need_row(request):
    """One more empty "need found" row for the visit form (htmx)."""
    return render(request, "ledger/_need_row.html", {"row": {"title": "", "raw_text": ""}})


@login_required
@require_GET
def enterprise_duplicates_check(request):
    """As the user types a new enterprise's name or credit code: the existing ones it may duplicate (htmx)."""
    name = request.GET.get("new_name", "").strip()
    code = request.GET.get("new_credit_code", "").strip()
    duplicates = _duplicates_for(request.user, name, code)
    return render(request, "ledger/_duplicates.html", {"duplicates": duplicates, "checked": bool(name or code)})


VISIT.create_view = visit_log
