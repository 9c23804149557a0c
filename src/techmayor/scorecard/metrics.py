"""The one place where the scorecard's figures are defined.

Every figure is computed from records at the moment it is asked for; no total is ever stored.
A :class:`Metric` names its records (a model and filters), how they are counted, and the rule
in words. The same definition gives the figure (:func:`value`) and the records behind it
(:func:`records`), so every number can be drilled down to what it counts.

Counting rules (DOMAIN.md):
- a record belongs to the batch and the group in which its work happened (its own batch/group);
- a record shared by several members counts once for the group and the batch, and once for
  each member credited;
- 家 (distinct enterprises) de-duplicates by enterprise identity: 统一社会信用代码, else the
  normalised name; 家次/场次/次/篇/项/个 count records; 人次/人 sum head counts;
- money is summed from increments (agreements' contract amounts, receipts, outcome rounds);
  nothing is a running total, so nothing is counted twice;
- a withdrawn (作废) record counts nowhere: the records' default manager leaves it out, and a figure
  read through a credited record (receipts of an agreement, outcome rounds of a need) also leaves out
  those of a withdrawn one (:func:`_m` adds the condition; docs/decisions/0016-withdrawal.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext, pgettext, pgettext_lazy

from techmayor.core.models import live_related
from techmayor.needs.state_machine import rank

COUNT = "count"  # number of records
DISTINCT = "distinct"  # number of distinct values of ``expr``
SUM = "sum"  # sum of ``expr``

ENTERPRISE_IDENTITY = Coalesce("enterprise__credit_code", "enterprise__normalized_name")


@dataclass(frozen=True)
class Scope:
    """Whose figures, over which dates: a batch, optionally one group or one member, a period."""

    batch: Any
    group: Any = None
    member: Any = None
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return (self.start or self.batch.start_date, self.end or self.batch.end_date)


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    unit: str
    rule: str
    model: str  # "app_label.ModelName" of the records counted
    aggregate: str = COUNT
    expr: Any = None  # field or expression for DISTINCT / SUM
    filters: Q | None = None
    path: str = ""  # prefix from the records to the credited record ("agreement__" for receipts)
    date_field: str = "date"  # empty: not spread over days (read over the whole batch only)
    compute: Callable[[Scope], Any] | None = None  # for figures that combine several kinds of record

    # ``name``, ``unit`` and ``rule`` are the Chinese of the reports (exports, the briefing, the
    # JSON); pages show them in the user's language.
    @property
    def label(self) -> str:
        return pgettext("metric", self.name)

    @property
    def unit_label(self) -> str:
        return pgettext("metric", self.unit)

    @property
    def rule_label(self) -> str:
        return pgettext("metric", self.rule)

    @property
    def heading(self) -> str:
        return gettext("%(name)s（%(unit)s）") % {"name": self.label, "unit": self.unit_label}

    @property
    def record_model(self):
        return apps.get_model(self.model)


def _scoped(metric: Metric, scope: Scope) -> QuerySet:
    p = metric.path
    start, end = scope.period
    qs = metric.record_model.objects.filter(metric.filters or Q()).filter(**{f"{p}batch": scope.batch})
    if metric.date_field:
        qs = qs.filter(**{f"{metric.date_field}__gte": start, f"{metric.date_field}__lte": end})
    if scope.group is not None:
        qs = qs.filter(**{f"{p}group": scope.group})
    if scope.member is not None:
        qs = qs.filter(**{f"{p}members": scope.member})
    return qs


def records(metric: Metric | str, scope: Scope) -> QuerySet:
    """The records behind a figure (for ``universities_engaged``: the universities)."""
    metric = METRICS[metric] if isinstance(metric, str) else metric
    if metric.compute is not None:
        return apps.get_model("resources.University").objects.filter(pk__in=_engaged_university_ids(scope))
    order = (f"-{metric.date_field}", "-pk") if metric.date_field else ("-pk",)
    return _scoped(metric, scope).distinct().order_by(*order)


def value(metric: Metric | str, scope: Scope) -> int | Decimal:
    """The figure over ``scope``: from the pre-aggregated cells (``rollup``), or for one member's
    scope from the records."""
    metric = METRICS[metric] if isinstance(metric, str) else metric
    if scope.member is None:
        from . import rollup

        return rollup.value(metric, scope)
    return live_value(metric, scope)


def live_value(metric: Metric | str, scope: Scope) -> int | Decimal:
    """The figure over ``scope`` counted from the records themselves."""
    metric = METRICS[metric] if isinstance(metric, str) else metric
    if metric.compute is not None:
        return metric.compute(scope)
    qs = _scoped(metric, scope)
    if metric.aggregate == COUNT:
        return qs.values("pk").distinct().count()
    if metric.aggregate == DISTINCT:
        return qs.aggregate(n=Count(metric.expr, distinct=True))["n"]
    total = qs.aggregate(total=Sum(metric.expr))["total"]
    if total is None:
        return Decimal(0) if metric.unit == "万元" else 0
    return total.quantize(Decimal("0.0001")) if isinstance(total, Decimal) else total


def table(scope: Scope, metrics: list[Metric] | None = None) -> dict[str, dict]:
    """Every figure (default: the scorecard's) over the scope's batch and period, in total and for each
    group: ``{code: {None: total, group id: figure}}`` (groups with nothing absent), from the cells in a
    few queries. Each number equals :func:`value` over the same scope."""
    if scope.group is not None or scope.member is not None:
        raise ValueError("a table covers the whole batch")
    from . import rollup

    return rollup.table(SCORECARD_METRICS if metrics is None else metrics, scope)


def batch_totals(scopes: list[Scope], metrics: list[Metric] | None = None) -> dict[int, dict]:
    """``{batch id: {code: figure}}`` of several whole batches, each over its scope's period, from the
    cells in a constant number of queries whatever the number of batches. Each figure equals
    :func:`value` over the same scope."""
    if any(s.group is not None or s.member is not None for s in scopes):
        raise ValueError("totals cover whole batches")
    from . import rollup

    return rollup.batch_totals(SCORECARD_METRICS if metrics is None else metrics, scopes)


def breakdown(metric: Metric | str, scope: Scope, *, monthly: bool = False) -> dict[tuple, int | Decimal]:
    """The figure for each group of the scope (and each month, when ``monthly``), in one query.

    Keys are ``(group_id,)`` or ``(group_id, first day of the month)``; groups and months with no
    record are absent. Each value equals :func:`value` over the same group (and month) — a
    distinct count is distinct within its group and month, so those do not add up to the total.
    """
    metric = METRICS[metric] if isinstance(metric, str) else metric
    if scope.member is not None:
        raise ValueError("a member's figures are not broken down by group")
    from . import rollup

    return rollup.breakdown(metric, scope, monthly=monthly)


UNIVERSITY_SOURCES = (("_pairings", "university"), ("_events", "universities"), ("cooperation_intents", "university"),
                      ("agreements", "university"))  # fmt: skip


def _engaged_university_ids(scope: Scope) -> set[int]:
    """对接高校: universities paired with a park or town, in an event, or party to an intent or agreement."""
    ids: set[int] = set()
    for code, path in UNIVERSITY_SOURCES:
        ids.update(v for v in _scoped(METRICS[code], scope).values_list(path, flat=True) if v is not None)
    return ids


def _m(code, name, unit, rule, model, aggregate=COUNT, expr=None, filters=None, **kw) -> Metric:
    with translation.override(None):  # the untranslated Chinese of the definitions below
        name, unit, rule = str(name), str(unit), str(rule)
    if kw.get("path"):  # records counted through their credited record: not those of a withdrawn one
        filters = (filters or Q()) & Q(**{f"{kw['path']}withdrawn_at__isnull": True})
    return Metric(code, name, unit, rule, model, aggregate, expr, filters, **kw)


_DEFINITIONS = [
    _m("matchmaking_events", pgettext_lazy("metric", "产学研专场活动"), pgettext_lazy("metric", "场次"),
       pgettext_lazy("metric", "活动类型为产学研专场活动的活动数"), "ledger.Event",
       filters=Q(kind="matchmaking")),
    _m("docking_events", pgettext_lazy("metric", "对接活动"), pgettext_lazy("metric", "次"),
       pgettext_lazy("metric", "活动类型为对接活动（人才、项目、技术、资本等）的活动数"), "ledger.Event",
       filters=Q(kind="docking")),
    _m("other_events", pgettext_lazy("metric", "其他活动"), pgettext_lazy("metric", "场次"),
       pgettext_lazy("metric", "活动类型为其他的活动数"), "ledger.Event", filters=Q(kind="other")),
    _m("recruitment_events", pgettext_lazy("metric", "校园招聘"), pgettext_lazy("metric", "场次"),
       pgettext_lazy("metric", "活动类型为校园招聘的活动数"), "ledger.Event",
       filters=Q(kind="recruitment")),
    _m("linked_enterprises", pgettext_lazy("metric", "挂钩服务企业"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "挂钩服务的企业，按统一社会信用代码（无则按规范化名称）去重"),
       "enterprises.EnterpriseLink", DISTINCT, ENTERPRISE_IDENTITY),
    _m("linked_hightech_enterprises", pgettext_lazy("metric", "其中高新技术企业"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "挂钩服务企业中带高新技术企业标签的企业，去重"),
       "enterprises.EnterpriseLink", DISTINCT, ENTERPRISE_IDENTITY, Q(enterprise__tags__kind="high_tech")),
    _m("visits", pgettext_lazy("metric", "走访企业"), pgettext_lazy("metric", "家次"),
       pgettext_lazy("metric", "走访记录数：一次走访一家企业记一家次，多名团员同去仍记一次"), "ledger.Visit"),
    _m("enterprises_visited", pgettext_lazy("metric", "走访企业"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "被走访的企业，按统一社会信用代码（无则按规范化名称）去重"),
       "ledger.Visit", DISTINCT, ENTERPRISE_IDENTITY),
    _m("needs_collected", pgettext_lazy("metric", "企业需求"), pgettext_lazy("metric", "条"),
       pgettext_lazy("metric", "采集的企业需求数，不含已合并的重复需求"), "needs.Need",
       filters=~Q(state="merged")),
    _m("needs_completed", pgettext_lazy("metric", "办结需求"), pgettext_lazy("metric", "条"),
       pgettext_lazy("metric", "状态为已完成的需求数"), "needs.Need", filters=Q(state="completed")),
    _m("expert_visits", pgettext_lazy("metric", "来访专家"), pgettext_lazy("metric", "人次"),
       pgettext_lazy("metric", "来访专家的人次之和：同一人来访两次记两人次"), "ledger.VisitorRecord",
       SUM, "person_count", Q(kind="expert")),
    _m("entrepreneur_visits", pgettext_lazy("metric", "来访企业家"), pgettext_lazy("metric", "人次"),
       pgettext_lazy("metric", "来访企业家的人次之和"), "ledger.VisitorRecord", SUM,
       "person_count", Q(kind="entrepreneur")),
    _m("research_reports", pgettext_lazy("metric", "调研报告"), pgettext_lazy("metric", "篇"),
       pgettext_lazy("metric", "调研报告篇数"), "ledger.Report"),
    _m("cooperation_intents", pgettext_lazy("metric", "合作意向"), pgettext_lazy("metric", "项"),
       pgettext_lazy("metric", "达成的产学研合作意向数"), "cooperation.Intent"),
    _m("agreements", pgettext_lazy("metric", "合作协议"), pgettext_lazy("metric", "个"),
       pgettext_lazy("metric", "签订的校企、校地合作协议数"), "cooperation.Agreement"),
    _m("contract_amount_wan", pgettext_lazy("metric", "合同金额"), pgettext_lazy("metric", "万元"),
       pgettext_lazy("metric", "合作协议合同金额之和"), "cooperation.Agreement", SUM,
       "contract_amount_wan"),
    _m("received_amount_wan", pgettext_lazy("metric", "实际到账"), pgettext_lazy("metric", "万元"),
       pgettext_lazy("metric", "合作协议各笔到账金额之和（按到账日期计入期间）"),
       "cooperation.AgreementReceipt", SUM, "amount_wan", path="agreement__"),
    _m("outcome_signed_wan", pgettext_lazy("metric", "需求成效·签约"), pgettext_lazy("metric", "万元"),
       pgettext_lazy("metric", "已审核成效轮次的新增签约金额之和"), "needs.OutcomeRound",
       SUM, "signed_amount_wan", Q(is_approved=True), path="need__"),
    _m("outcome_received_wan", pgettext_lazy("metric", "需求成效·到账"), pgettext_lazy("metric", "万元"),
       pgettext_lazy("metric", "已审核成效轮次的新增到账金额之和"), "needs.OutcomeRound",
       SUM, "received_amount_wan", Q(is_approved=True), path="need__"),
    _m("platforms_introduced", pgettext_lazy("metric", "科创平台"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "协助引进的科创平台，按平台去重"), "ledger.PlatformIntroduction",
       DISTINCT, "platform"),
    _m("projects_brokered", pgettext_lazy("metric", "牵线科技项目"), pgettext_lazy("metric", "项"),
       pgettext_lazy("metric", "牵线的科技项目数（含列入省重大项目的）"), "ledger.ProjectBrokered"),
    _m("major_projects", pgettext_lazy("metric", "省重大项目"), pgettext_lazy("metric", "项"),
       pgettext_lazy("metric", "牵线项目中列入全省重大项目名单的项目数"), "ledger.ProjectBrokered",
       filters=Q(is_provincial_major=True)),
    _m("talents_introduced", pgettext_lazy("metric", "引才"), pgettext_lazy("metric", "人"),
       pgettext_lazy("metric", "助力引进人才的人数之和"), "ledger.TalentIntroduction", SUM,
       "person_count"),
    _m("universities_engaged", pgettext_lazy("metric", "对接高校"), pgettext_lazy("metric", "所"),
       pgettext_lazy("metric", "结对共建、参与活动、达成合作意向或签订协议的高校，按高校去重"), "resources.University",
       compute=lambda scope: len(_engaged_university_ids(scope))),
    _m("hightech_cultivated", pgettext_lazy("metric", "培育高新技术企业"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "跟进培育高新技术企业的企业，去重"),
       "ledger.EnterpriseCultivation", DISTINCT, ENTERPRISE_IDENTITY, Q(kind="high_tech")),
    _m("bse_potential", pgettext_lazy("metric", "北交所潜力企业"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "挖掘储备的北交所潜力企业，去重"), "ledger.EnterpriseCultivation",
       DISTINCT, ENTERPRISE_IDENTITY, Q(kind="bse_potential")),
    _m("enterprises_landed", pgettext_lazy("metric", "招引落户企业"), pgettext_lazy("metric", "家"),
       pgettext_lazy("metric", "招引注册落户的企业，去重"), "ledger.EnterpriseLanding",
       DISTINCT, ENTERPRISE_IDENTITY),
    _m("employment_bases", pgettext_lazy("metric", "就业基地"), pgettext_lazy("metric", "个"),
       pgettext_lazy("metric", "促成建立的就业基地数"), "ledger.EmploymentBase"),
    _m("applications_supported", pgettext_lazy("metric", "帮助企业申报"), pgettext_lazy("metric", "项"),
       pgettext_lazy("metric", "帮助企业申报技术、人才、资金等事项数"),
       "ledger.ApplicationSupported"),
    _m("funds_landed_wan", pgettext_lazy("metric", "基金落地"), pgettext_lazy("metric", "万元"),
       pgettext_lazy("metric", "落地基金规模之和"), "ledger.FundLanding", SUM, "amount_wan"),
    # Inputs to other figures, not shown on the scorecard itself.
    _m("_pairings", pgettext_lazy("metric", "高校结对共建"), pgettext_lazy("metric", "项"),
       pgettext_lazy("metric", "高校与园区、乡镇结对共建记录数"), "ledger.UniversityPairing"),
    _m("_events", pgettext_lazy("metric", "活动"), pgettext_lazy("metric", "场次"),
       pgettext_lazy("metric", "各类活动数"), "ledger.Event"),
]  # fmt: skip

# The dashboards' funnels (``dashboards.selectors.funnels``), kept in cells like the scorecard's figures.
# The need funnel: of the collected needs (as ``needs_collected``), those that reached each step, and the
# ended stays in each state of the main path as a histogram (key: tenths of a day; value: stays), which is
# not spread over days (``date_field`` empty) so that it stays small at any number of needs.
_COLLECTED = ~Q(state="merged")
_FUNNEL_STEPS = (("verified", "已核实"), ("published", "已发布"), ("claimed", "已认领"), ("completed", "已办结"))
_STAYS = (("pending", "待核实"), ("verified", "已核实"), ("published", "已发布"), ("claimed", "已认领"),
          ("completion_submitted", "办结待审核"))  # fmt: skip
FUNNEL_METRICS = [
    *(
        Metric(f"_needs_{state}", f"{label}需求", "条", f"采集的需求中曾到达“{label}”或其后环节的需求数", "needs.Need",
               filters=_COLLECTED & Q(reached__gte=rank(state)))
        for state, label in _FUNNEL_STEPS
    ),
    *(
        Metric(f"_stays_{state}", f"“{label}”停留时长", "次", f"采集的需求离开“{label}”时已停留的时长（0.1天）",
               "needs.NeedTransition", DISTINCT, "stay_tenths",
               Q(from_state=state) & live_related("need") & ~Q(need__state="merged"),
               path="need__", date_field="")
        for state, label in _STAYS
    ),
    # The cooperation funnel: of the intents, those that led to an agreement, and to money received under it.
    Metric("_intents_agreed", "促成协议的合作意向", "项", "有协议注明来自该意向的合作意向数", "cooperation.Intent",
           filters=live_related("agreements")),
    Metric("_intents_received", "协议到账的合作意向", "项", "其协议有到账记录的合作意向数", "cooperation.Intent",
           filters=live_related("agreements__receipts")),
]  # fmt: skip

METRICS: dict[str, Metric] = {m.code: m for m in [*_DEFINITIONS, *FUNNEL_METRICS]}
SCORECARD_METRICS: list[Metric] = [m for m in _DEFINITIONS if not m.code.startswith("_")]
# Every figure kept in pre-aggregated cells (``rollup``).
ROLLUP_METRICS: list[Metric] = [*SCORECARD_METRICS, *FUNNEL_METRICS]
