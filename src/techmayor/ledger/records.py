"""The ledger's kinds of record (visits, events, visitors, reports …), registered in ``core.registry``."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techmayor.core.registry import Column, RecordKind, Timeline, members_text, registry, safe_reverse
from techmayor.enterprises.selectors import enterprise_get

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
    prefix="visits/",
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
    timeline=Timeline("enterprise", lambda o: _("走访"), lambda o: o.note),
    custom_create=True,
)

EVENT = RecordKind(
    key="event",
    app="ledger",
    prefix="events/",
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
        Column(
            _("参与企业"), lambda o: gettext("、").join(e.name for e in o.enterprises.all()), width=30, in_list=False
        ),
        Column(_("参与高校"), lambda o: gettext("、").join(u.name for u in o.universities.all()), width=30),
        Column(_("推介成果"), lambda o: "\n".join(a.title for a in o.achievements.all()), width=40, in_list=False),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
    timeline=Timeline("enterprises", lambda o: o.get_kind_display(), lambda o: o.title),
)

VISITOR = RecordKind(
    key="visitor",
    app="ledger",
    prefix="visitors/",
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
    prefix="reports/",
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
    prefix="talents/",
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
    timeline=Timeline(
        "enterprise",
        lambda o: _("引进人才"),
        lambda o: _("%(name)s（%(count)s人）") % {"name": o.talent_name, "count": o.person_count},
    ),
)

PROJECT = RecordKind(
    key="project",
    app="ledger",
    prefix="projects/",
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
    timeline=Timeline("enterprise", lambda o: _("牵线科技项目"), lambda o: o.title),
)

PLATFORM = RecordKind(
    key="platform",
    app="ledger",
    prefix="platforms/",
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
    prefix="landings/",
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
    timeline=Timeline("enterprise", lambda o: _("招引落户"), lambda o: o.note),
)

EMPLOYMENT_BASE = RecordKind(
    key="employment_base",
    app="ledger",
    prefix="employment-bases/",
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
    timeline=Timeline("enterprise", lambda o: _("就业基地"), lambda o: o.university.name if o.university else ""),
)

FUND = RecordKind(
    key="fund",
    app="ledger",
    prefix="funds/",
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
    prefix="applications/",
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
    timeline=Timeline("enterprise", lambda o: _("帮助申报"), lambda o: o.title),
)

CULTIVATION = RecordKind(
    key="cultivation",
    app="ledger",
    prefix="cultivations/",
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
    timeline=Timeline("enterprise", lambda o: o.get_kind_display(), lambda o: o.get_status_display()),
)

PAIRING = RecordKind(
    key="pairing",
    app="ledger",
    prefix="pairings/",
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

registry.register(*KINDS)
