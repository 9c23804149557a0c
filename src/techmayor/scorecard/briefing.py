"""The briefing (简报): the scorecard written out in the voice of the program's own news report.

Structure (``shared/seed``): the roster sentence (分N个支团共M名成员，分别来自…等K家单位), the
totals sentence (组织产学研专场活动83场次，挂钩服务企业567家（其中高新技术企业152家），…), then one
section per group with its figures. Every figure is a :class:`Figure`: the scorecard's value,
written by the rounding policy (:mod:`.rounding`), with the URL of its drill-down. A figure that
is zero is left out with its clause. The text is a :class:`techmayor.core.documents.Document`,
which the platform's writers turn into .docx, .pdf or .md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from techmayor.core.documents import HEADING, PARAGRAPH, Block, Document
from techmayor.core.errors import ApplicationError
from techmayor.roster.choices import DispatchUnitKind
from techmayor.roster.models import Batch, Group, Tenure

from .metrics import METRICS, Scope
from .rounding import Rendered, render
from .selectors import drill_url
from .services import figures

NAMED_UNITS = 5  # dispatching units named before "等N家单位"

# Official short forms of government bodies' names, applied in order (the seed's 省发改委, 省政府办公厅).
SHORT_FORMS = (
    ("监督管理", "监管"),
    ("人民政府", "政府"),
    ("发展和改革委员会", "发改委"),
    ("科学技术厅", "科技厅"),
    ("工业和信息化厅", "工信厅"),
    ("人力资源和社会保障厅", "人社厅"),
)

# The totals sentence, in the seed's words: (metric, clause with {} for the figure).
TOTALS = (
    ("matchmaking_events", "组织产学研专场活动{}"),
    ("linked_enterprises", "挂钩服务企业{}"),
    ("platforms_introduced", "协助引进科创平台{}"),
    ("projects_brokered", "牵线科技项目{}"),
    ("talents_introduced", "助力引才{}"),
    ("other_events", "组织其他活动{}"),
)
SUBTOTALS = {"linked_enterprises": ("linked_hightech_enterprises", "（其中高新技术企业{}）")}

# A group's section: sentences of clauses (metric, clause, unit when the prose differs from the metric's).
GROUP_SENTENCES = (
    (
        ("major_projects", "推动{}项目列入全省重大项目名单", "个"),
        ("visits", "累计走访企业{}", None),
        ("enterprises_visited", "覆盖企业{}", None),
        ("needs_collected", "采集企业需求{}", None),
        ("research_reports", "撰写调研报告{}", None),
    ),
    (
        ("docking_events", "开展人才、项目、技术、资本等对接活动{}", None),
        ("matchmaking_events", "组织产学研专场活动{}", None),
        ("recruitment_events", "组织企业参加校园招聘活动{}", None),
        ("universities_engaged", "对接高校{}", None),
        ("expert_visits", "联系来访专家{}", None),
        ("entrepreneur_visits", "来访企业家{}", None),
    ),
    (
        ("cooperation_intents", "达成产学研合作意向{}", None),
        ("agreements", "促成校地、校企产学研合作协议{}", None),
        ("contract_amount_wan", "合同总金额{}", None),
        ("received_amount_wan", "实际到账{}", None),
        ("needs_completed", "办结企业需求{}", None),
    ),
    (
        ("linked_enterprises", "挂钩服务企业{}", None),
        ("hightech_cultivated", "跟进培育高新技术企业{}", None),
        ("bse_potential", "挖掘储备北交所潜力企业{}", None),
        ("platforms_introduced", "协助引进科创平台{}", None),
        ("projects_brokered", "牵线科技项目{}", None),
        ("talents_introduced", "助力引才{}", None),
        ("employment_bases", "促成建立就业基地{}", None),
        ("enterprises_landed", "招引企业注册落户{}", None),
        ("applications_supported", "帮助企业申报技术、人才、资金等各类需求{}", None),
        ("funds_landed_wan", "推动基金落地，规模{}", None),
    ),
)


# Sentences the apps above the scorecard add after a scope's figures (``targets``: "完成年度目标的N%"):
# each is called with the scope and its figures and returns segments of text (none: nothing added).
TARGET_SENTENCES: list = []


def _target_sentences(scope: Scope, values: dict) -> list:
    return [segment for sentence in TARGET_SENTENCES for segment in sentence(scope, values)]


@dataclass(frozen=True)
class Figure:
    code: str
    value: int | Decimal
    rendered: Rendered
    url: str

    def __str__(self) -> str:
        return self.rendered.text


@dataclass(frozen=True)
class Section:
    kind: str  # HEADING or PARAGRAPH
    segments: tuple  # str or Figure

    @property
    def text(self) -> str:
        return "".join(str(s) for s in self.segments)


@dataclass(frozen=True)
class Briefing:
    title: str
    sections: tuple[Section, ...]
    period: tuple[dt.date, dt.date]

    @property
    def figures(self) -> list[Figure]:
        return [s for section in self.sections for s in section.segments if isinstance(s, Figure)]

    def document(self) -> Document:
        return Document(self.title, tuple(Block(s.kind, s.text) for s in self.sections))


def chinese_date(day: dt.date) -> str:
    """2022年5月12日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def briefing_end(batch: Batch, until: dt.date | None = None) -> dt.date:
    """The last day counted: ``until``, else the batch's end or today, whichever comes first."""
    end = until or min(batch.end_date, timezone.localdate())
    if end < batch.start_date:
        raise ApplicationError(
            gettext("截止日期 %(end)s 早于批次开始日期 %(start_date)s") % {"end": end, "start_date": batch.start_date},
            field="until",
        )
    return end


def briefing(*, batch: Batch, until: dt.date | None = None, group: Group | None = None) -> Briefing:
    """The briefing of ``batch`` (or of one ``group``) counted to ``until``."""
    end = briefing_end(batch, until)
    if group is not None and group.batch_id != batch.pk:
        raise ApplicationError(gettext("%(name)s不属于%(batch)s") % {"name": group.name, "batch": batch}, field="group")
    since = f"{batch.start_date.year}年{batch.start_date.month}月到位以来，截至{chinese_date(end)}，"
    if group is not None:
        scope = Scope(batch=batch, group=group, end=end)
        sections = [
            Section(PARAGRAPH, (_roster_sentence(batch, group),)),
            Section(PARAGRAPH, (since, *_group_clauses(scope))),
        ]
        return Briefing(f"{batch}科技镇长团{group.name}工作简报", tuple(sections), (batch.start_date, end))
    scope = Scope(batch=batch, end=end)
    sections = [Section(PARAGRAPH, (_roster_sentence(batch, None), since, *_totals(scope)))]
    for g in Group.objects.filter(batch=batch).order_by("id"):
        sections.append(Section(HEADING, (f"{g.name}：",)))
        sections.append(Section(PARAGRAPH, tuple(_group_clauses(Scope(batch=batch, group=g, end=end)))))
    return Briefing(f"{batch}科技镇长团工作简报", tuple(sections), (batch.start_date, end))


def _figure(code: str, values: dict, scope: Scope, unit: str | None = None) -> Figure:
    value = values[code]
    return Figure(code, value, render(code, value, unit or METRICS[code].unit), drill_url(code, scope))


def _totals(scope: Scope) -> list:
    values = figures(scope)
    segments: list = []
    for code, clause in TOTALS:
        if not values[code]:
            continue
        segments += _clause(clause, _figure(code, values, scope), "，" if segments else "")
        sub = SUBTOTALS.get(code)
        if sub and values[sub[0]]:
            segments += _clause(sub[1], _figure(sub[0], values, scope), "")
    if not segments:
        return ["尚无统计到的工作成效。"]
    return ["团员迅速进入角色，", *segments, "。", *_target_sentences(scope, values)]


def _group_clauses(scope: Scope) -> list:
    values = figures(scope)
    segments: list = []
    for sentence in GROUP_SENTENCES:
        clauses: list = []
        for code, clause, unit in sentence:
            if values[code]:
                clauses += _clause(clause, _figure(code, values, scope, unit), "，" if clauses else "")
        if clauses:
            segments += [*clauses, "。"]
    if segments:
        segments += _target_sentences(scope, values)
    return segments or ["尚无统计到的工作成效。"]


def _clause(clause: str, figure: Figure, joiner: str) -> list:
    before, after = clause.split("{}")
    return [s for s in (joiner + before, figure, after) if s != ""]


# --- the roster sentence -----------------------------------------------------------------------


def _roster_sentence(batch: Batch, group: Group | None) -> str:
    tenures = Tenure.objects.filter(batch=batch)
    if group is not None:
        tenures = tenures.filter(group=group)
    members = tenures.values("member").distinct().count()
    units = _ordered_units(batch, tenures)
    named = "、".join(_short_name(unit, batch) for unit in units[:NAMED_UNITS])
    more = "等" if len(units) > NAMED_UNITS else "共"
    if group is not None:
        head = f"{group.name}共{members}名成员"
    else:
        head = f"{batch}科技镇长团分{batch.groups.count()}个支团共{members}名成员"
    return f"{head}，分别来自{named}{more}{len(units)}家单位。" if units else f"{head}。"


def _ordered_units(batch: Batch, tenures) -> list:
    """Dispatching units in the order they are named: national bodies, provincial bodies, other
    government bodies, then universities, then institutes and the rest; within each, the units
    sending more members first, then by 学校标识码 (universities without one last), then by name."""
    sent = Counter(tenures.values_list("dispatch_unit", flat=True))
    province = batch.city.parent.name if batch.city.parent_id else ""
    units = {t.dispatch_unit for t in tenures.select_related("dispatch_unit__university")}

    def rank(unit) -> tuple:
        if unit.kind == DispatchUnitKind.GOVERNMENT:
            level = 0 if unit.name.startswith(("国家", "中华人民共和国", "中央")) else 1
            level = level if level == 0 or (province and unit.name.startswith(province)) else 2
        else:
            level = {DispatchUnitKind.UNIVERSITY: 3, DispatchUnitKind.INSTITUTE: 4}.get(unit.kind, 5)
        code = unit.university.code if unit.university_id else ""
        return (level, -sent[unit.pk], not code, code, unit.name)

    return sorted(units, key=rank)


def _short_name(unit, batch: Batch) -> str:
    """国家市场监督管理总局 → 国家市场监管总局; 江苏省发展和改革委员会 → 省发改委 (government bodies only)."""
    if unit.kind != DispatchUnitKind.GOVERNMENT:
        return unit.name
    name = unit.name
    for long, short in SHORT_FORMS:
        name = name.replace(long, short)
    province = batch.city.parent.name if batch.city.parent_id else ""
    if province and name.startswith(province):
        name = "省" + name.removeprefix(province)
    return name
