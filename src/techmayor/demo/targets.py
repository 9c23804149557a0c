"""The seed's figures, in one declarative place, and the checks that hold the demo to them.

Source: 「常州：科技镇长团，创新加速跑」(创新常州, 2022-05-12), the work of 常州市第十四批科技镇长团
from August 2021 to the exchange meeting on 11 May 2022 (``shared/seed/*.txt``, ``docs/DOMAIN.md``).

Each :class:`Target` is one figure as the article writes it: a scope (``合计`` for the whole batch,
or a group's name), a metric code of :mod:`techmayor.scorecard.metrics` (or ``members`` /
``dispatch_units`` / ``groups`` for the batch's roster), the rule in which the article rounds it,
and the number. How official Chinese writing rounds:

- ``exact``: the number itself (``83场次``);
- ``余``: "N余" is more than N but short of the next round number: N+1 … N+9 (``360余家次``);
- ``以上``: "N以上" is N or more (``100家以上``);
- ``超过``: "超过N" / "超N" is more than N (``合同金额超过3880万元``).

:data:`FACTS` holds what the article says by name (partners, companies, universities); the
demo generator reads both lists, so the article's figures and names live only here.
:func:`check_targets` checks a scorecard (``scorecard.services.scorecard``) against the figures,
:func:`check_facts` checks the records behind the named facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TOTAL = "合计"
EXACT, YU, YISHANG, CHAOGUO = "exact", "余", "以上", "超过"
RULES = (EXACT, YU, YISHANG, CHAOGUO)

CITY = "常州市"
BATCH_NUMBER = 14


@dataclass(frozen=True)
class Target:
    scope: str  # TOTAL or a group's name
    metric: str  # a scorecard metric code, or members / dispatch_units / groups
    rule: str  # one of RULES
    number: int | Decimal
    text: str  # the article's words

    def accepts(self, value) -> bool:
        return satisfies(value, self.rule, self.number)

    def describe(self) -> str:
        return {
            EXACT: f"= {self.number}",
            YU: f"{self.number}余（{self.number + 1}…{self.number + 9}）",
            YISHANG: f"≥ {self.number}",
            CHAOGUO: f"> {self.number}",
        }[self.rule]


def satisfies(value, rule: str, number) -> bool:
    """Whether ``value`` is what the article's ``number`` with ``rule`` can mean."""
    value = Decimal(str(value))
    number = Decimal(str(number))
    if rule == EXACT:
        return value == number
    if rule == YU:
        return number + 1 <= value <= number + 9
    if rule == YISHANG:
        return value >= number
    if rule == CHAOGUO:
        return value > number
    raise ValueError(f"unknown rule {rule!r}")


LIYANG, JINTAN, WUJIN, XINBEI = "溧阳团", "金坛团", "武进团", "新北团"

# The groups and the district or county-level city each serves, in the article's order.
GROUPS = ((LIYANG, "溧阳市"), (JINTAN, "金坛区"), (WUJIN, "武进区"), (XINBEI, "新北区"))

T = Target
TARGETS: list[Target] = [
    # 常州市第十四批科技镇长团分4个支团共37名成员 … 来自 … 32家单位
    T(TOTAL, "groups", EXACT, 4, "分4个支团"),
    T(TOTAL, "members", EXACT, 37, "共37名成员"),
    T(TOTAL, "dispatch_units", EXACT, 32, "来自国家市场监管总局、省政府办公厅、省发改委、武汉大学、同济大学等32家单位"),
    T(TOTAL, "matchmaking_events", EXACT, 83, "组织产学研专场活动83场次"),
    T(TOTAL, "linked_enterprises", EXACT, 567, "挂钩服务企业567家"),
    T(TOTAL, "linked_hightech_enterprises", EXACT, 152, "（其中高新技术企业152家）"),
    T(TOTAL, "platforms_introduced", EXACT, 13, "协助引进科创平台13家"),
    T(TOTAL, "projects_brokered", EXACT, 36, "牵线科技项目36项"),
    T(TOTAL, "talents_introduced", EXACT, 92, "助力引才92人"),
    T(TOTAL, "other_events", EXACT, 79, "组织其他活动79场次"),
    # 溧阳团
    T(LIYANG, "major_projects", EXACT, 7, "推动7个项目列入全省2022年度重大项目名单"),
    T(LIYANG, "visits", YU, 360, "累计走访企业360余家次"),
    T(LIYANG, "research_reports", EXACT, 8, "撰写调研报告8篇"),
    T(LIYANG, "docking_events", YU, 30, "开展人才、项目、技术、资本等对接活动30余次"),
    T(LIYANG, "expert_visits", YU, 70, "累计联系来访专家70余人次"),
    T(LIYANG, "entrepreneur_visits", YU, 30, "来访企业家30余人次"),
    T(LIYANG, "cooperation_intents", EXACT, 17, "达成产学研合作意向项目17项"),
    T(LIYANG, "agreements", EXACT, 11, "促成校地、校企产学研合作协议11个"),
    T(LIYANG, "contract_amount_wan", EXACT, Decimal(2212), "合同总金额2212万元"),
    # 金坛团
    T(JINTAN, "enterprises_visited", YISHANG, 100, "走访企业100家以上"),
    T(JINTAN, "needs_collected", YU, 100, "采集企业需求100余条"),
    T(JINTAN, "expert_visits", YU, 40, "对接40余名专家、学者来坛开展产学研对接活动"),
    T(JINTAN, "agreements", EXACT, 11, "达成了产学研合作项目11项"),
    T(JINTAN, "contract_amount_wan", CHAOGUO, Decimal(3880), "合同金额超过3880万元"),
    T(JINTAN, "enterprises_landed", EXACT, 2, "招引常州赛恩斯精密仪器有限公司、常州新楠宇自动化技术有限公司注册落户"),
    T(JINTAN, "recruitment_events", YU, 10, "组织金坛区重点企业参加校园招聘活动10余场次"),
    T(JINTAN, "employment_bases", EXACT, 4, "促成中创新航、蜂巢能源、常州易控电子、江苏胜伟策等公司建立就业基地"),
    # 武进团
    T(WUJIN, "enterprises_landed", CHAOGUO, 30, "引进中欧知名暖通品牌商超30家"),
    T(WUJIN, "universities_engaged", YISHANG, 27, "对接同济大学、江苏大学、南京农业大学、常州大学等27所高校"),
    T(WUJIN, "agreements", YU, 20, "促成产学研合作20余项"),
    T(WUJIN, "contract_amount_wan", CHAOGUO, Decimal(5000), "合同金额超5000万元"),
    T(WUJIN, "applications_supported", YU, 80, "帮助企业申报技术、人才、资金等方面的各类需求80余项"),
    T(WUJIN, "funds_landed_wan", EXACT, Decimal(30000), "首期规模3亿元的常州高投毅达创业投资基金落地"),
    # 新北团
    T(XINBEI, "universities_engaged", EXACT, 9, "对接目标高校9个"),
    T(XINBEI, "linked_enterprises", EXACT, 41, "挂钩服务企业41家"),
    T(XINBEI, "hightech_cultivated", EXACT, 41, "跟进培育高新技术企业41家"),
    T(XINBEI, "platforms_introduced", EXACT, 2, "协助引进科创平台2个"),
    T(XINBEI, "enterprises_visited", EXACT, 196, "走访扬子江药业、华润化学等企业196家"),
    T(XINBEI, "needs_collected", EXACT, 186, "收集企业需求186项"),
    T(XINBEI, "cooperation_intents", EXACT, 6, "达成初步产学研合作意向的企业6家"),
    T(XINBEI, "bse_potential", YU, 10, "挖掘及储备高新区“北交所潜力企业”10余家"),
]
del T

# What the article says by name. Legal names of the companies are the demo's best reading of the
# short names in the article (see builder notes); 常州赛恩斯 and 常州新楠宇 are written in full there.
FACTS: dict[str, dict] = {
    TOTAL: {
        # 国家市场监管总局、省政府办公厅、省发改委, written with their full names.
        "dispatch_units": [
            "国家市场监督管理总局",
            "江苏省人民政府办公厅",
            "江苏省发展和改革委员会",
            "武汉大学",
            "同济大学",
        ],
    },
    LIYANG: {
        "partners": ["重庆大学", "东南大学"],  # 积极对接重庆大学、东南大学等知名高校
    },
    JINTAN: {
        "landed": ["常州赛恩斯精密仪器有限公司", "常州新楠宇自动化技术有限公司"],
        "agreement_universities": ["江苏大学"],  # 与江苏大学、常州江苏大学工程技术研究院签订产学研合作协议
        "agreement_note": "常州江苏大学工程技术研究院",
        "employment_bases": {  # short name in the article → the enterprise's name in the demo
            "中创新航": "中创新航科技股份有限公司",
            "蜂巢能源": "蜂巢能源科技股份有限公司",
            "常州易控电子": "常州易控电子科技有限公司",
            "江苏胜伟策": "江苏胜伟策电力科技有限公司",
        },
    },
    WUJIN: {
        "paired_universities": 27,
        "paired_named": ["同济大学", "江苏大学", "南京农业大学", "常州大学"],
        "landed_note": "中欧暖通人才创新港",
        "fund": ("常州高投毅达创业投资基金", Decimal(30000)),
        "foreign_visitors": ["德国柏林工业大学", "德国波恩大学"],
    },
    XINBEI: {
        "universities_named": ["上海交通大学", "湖南大学", "湖南师范大学"],
        "visited": {"扬子江药业": "扬子江药业集团江苏龙凤堂中药有限公司", "华润化学": "华润化学材料科技股份有限公司"},
        "talent_enterprise": ("天合光能", "天合光能股份有限公司"),
        "intent_enterprises": 6,
    },
}


def target_for(scope: str, metric: str) -> Target | None:
    for target in TARGETS:
        if target.scope == scope and target.metric == metric:
            return target
    return None


def _figure(card: dict, target: Target):
    if target.metric == "groups":
        return len(card["groups"])
    if target.metric in ("members", "dispatch_units"):
        return card[target.metric]
    if target.scope == TOTAL:
        return card["totals"][target.metric]
    return card["groups"][target.scope][target.metric]


def check_targets(card: dict) -> list[str]:
    """Every figure of the article that the scorecard ``card`` does not reproduce, in words."""
    problems = []
    for target in TARGETS:
        try:
            figure = _figure(card, target)
        except KeyError:
            problems.append(f"{target.scope}·{target.metric}: 成绩单中没有该项（原文：{target.text}）")
            continue
        if not target.accepts(figure):
            problems.append(
                f"{target.scope}·{target.metric}: 实际 {_plain(figure)}，应 {target.describe()}（原文：{target.text}）"
            )
    return problems


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


def check_facts(batch) -> list[str]:
    """The article's named facts that the records of ``batch`` do not bear out, in words."""
    from django.db.models import F, Q

    from techmayor.cooperation.models import Agreement, Intent
    from techmayor.ledger.models import (
        EmploymentBase,
        EnterpriseLanding,
        FundLanding,
        TalentIntroduction,
        UniversityPairing,
        Visit,
        VisitorRecord,
    )
    from techmayor.needs.models import Need
    from techmayor.roster.choices import TenureRole
    from techmayor.roster.models import Group, Tenure
    from techmayor.scorecard.metrics import Scope, records

    problems: list[str] = []
    groups = {g.name: g for g in Group.objects.filter(batch=batch).select_related("district")}
    for name, district in GROUPS:
        group = groups.get(name)
        if group is None:
            problems.append(f"缺少支团「{name}」")
            return problems
        if group.district.name != district:
            problems.append(f"{name} 服务地区为「{group.district}」，应为「{district}」")
        roles = list(Tenure.objects.filter(group=group).values_list("role", flat=True))
        if roles.count(TenureRole.LEADER) != 1 or TenureRole.DEPUTY not in roles:
            problems.append(f"{name} 应有一名团长和副团长")

    units = set(Tenure.objects.filter(batch=batch).values_list("dispatch_unit__name", flat=True))
    missing = [u for u in FACTS[TOTAL]["dispatch_units"] if u not in units]
    if missing:
        problems.append(f"派出单位缺少：{'、'.join(missing)}")

    def engaged(group_name: str) -> set[str]:
        scope = Scope(batch=batch, group=groups[group_name])
        return set(records("universities_engaged", scope).values_list("name", flat=True))

    # 溧阳团: partners
    partners = set(Intent.objects.filter(group=groups[LIYANG]).values_list("university__name", flat=True)) | set(
        Agreement.objects.filter(group=groups[LIYANG]).values_list("university__name", flat=True)
    )
    for name in FACTS[LIYANG]["partners"]:
        if name not in partners:
            problems.append(f"溧阳团 没有与{name}的合作意向或协议")

    # 金坛团
    jintan = FACTS[JINTAN]
    landed = set(EnterpriseLanding.objects.filter(group=groups[JINTAN]).values_list("enterprise__name", flat=True))
    if landed != set(jintan["landed"]):
        problems.append(f"金坛团 落户企业为 {sorted(landed)}，应为 {jintan['landed']}")
    bases = set(EmploymentBase.objects.filter(group=groups[JINTAN]).values_list("enterprise__name", flat=True))
    if bases != set(jintan["employment_bases"].values()):
        problems.append(f"金坛团 就业基地企业为 {sorted(bases)}")
    for name in jintan["agreement_universities"]:
        if not Agreement.objects.filter(group=groups[JINTAN], university__name=name).exists():
            problems.append(f"金坛团 没有与{name}的合作协议")
    if not Agreement.objects.filter(group=groups[JINTAN], note__contains=jintan["agreement_note"]).exists():
        problems.append(f"金坛团 没有与{jintan['agreement_note']}的合作协议")

    # 武进团
    wujin = FACTS[WUJIN]
    paired = set(UniversityPairing.objects.filter(group=groups[WUJIN]).values_list("university__name", flat=True))
    if len(paired) != wujin["paired_universities"]:
        problems.append(f"武进团 结对共建高校 {len(paired)} 所，应为 {wujin['paired_universities']} 所")
    missing = [u for u in wujin["paired_named"] if u not in paired]
    if missing:
        problems.append(f"武进团 结对共建高校缺少：{'、'.join(missing)}")
    fund_name, fund_amount = wujin["fund"]
    if not FundLanding.objects.filter(group=groups[WUJIN], fund_name=fund_name, amount_wan=fund_amount).exists():
        problems.append(f"武进团 没有{fund_name}（{fund_amount}万元）")
    hvac = EnterpriseLanding.objects.filter(group=groups[WUJIN])
    if hvac.exclude(note__contains=wujin["landed_note"]).exists():
        problems.append(f"武进团 有落户企业不属于{wujin['landed_note']}")
    visitors = set(VisitorRecord.objects.filter(group=groups[WUJIN]).values_list("organization", flat=True))
    for name in wujin["foreign_visitors"]:
        if not any(org.startswith(name) for org in visitors):
            problems.append(f"武进团 没有{name}来访记录")

    # 新北团
    xinbei = FACTS[XINBEI]
    universities = engaged(XINBEI)
    missing = [u for u in xinbei["universities_named"] if u not in universities]
    if missing:
        problems.append(f"新北团 对接高校缺少：{'、'.join(missing)}")
    visited = set(Visit.objects.filter(group=groups[XINBEI]).values_list("enterprise__name", flat=True))
    for short, name in xinbei["visited"].items():
        if name not in visited:
            problems.append(f"新北团 没有走访{short}（{name}）")
    intents = Intent.objects.filter(group=groups[XINBEI])
    if intents.values("enterprise").distinct().count() != xinbei["intent_enterprises"]:
        problems.append(f"新北团 合作意向应来自 {xinbei['intent_enterprises']} 家不同企业")
    short, name = xinbei["talent_enterprise"]
    if not TalentIntroduction.objects.filter(group=groups[XINBEI], enterprise__name=name).exists():
        problems.append(f"新北团 没有为{short}引进人才")

    # Every need comes from an enterprise in its group's district (the district or one of its towns/parks).
    in_district = Q(enterprise__region=F("group__district")) | Q(enterprise__region__parent=F("group__district"))
    wrong = Need.objects.filter(batch=batch).exclude(in_district).count()
    if wrong:
        problems.append(f"{wrong} 条需求的企业不在所属支团的服务地区")
    return problems
