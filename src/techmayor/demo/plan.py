"""The demo as data: every person, company and record of 常州市第十四批科技镇长团, planned from a seed.

:func:`plan_demo` is a pure function of the seed (``random.Random(seed)``, no database): it
returns a :class:`Plan` naming every record by the natural keys the builder resolves (region
and university names, enterprise names, GB/T 4754 codes). The builder writes the plan through
the services. Keeping the two apart makes the demo deterministic by construction
(``plan_demo(7) == plan_demo(7)``) and lets tests compare what was planned with what was written.

The figures come from :mod:`techmayor.demo.targets`: an exact figure is used as it is, an
"N余" figure becomes N+2…N+8, "N以上" N+5…N+20, "超过N" a little more than N; the batch totals are
split across the four groups. Everything the article does not say is made plausible around it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stdnum.cn import uscc

from techmayor.core.text import normalize_company_name

from . import targets as tg
from . import vocab as V

BATCH_START = dt.date(2021, 8, 1)
BATCH_END = dt.date(2022, 5, 31)
ARRIVAL = dt.date(2021, 8, 9)  # 2021年8月到位
REPORT_DATE = dt.date(2022, 5, 11)  # 5月11日 工作交流会
DEMO_TODAY = REPORT_DATE  # the demo's "today" (settings.TECHMAYOR_TODAY under `make run`)

# Work slows in August (arrival), around the Spring Festival (Feb 2022) and in the spring 2022
# epidemic (Mar–Apr); weights per month.
MONTH_WEIGHTS = {
    (2021, 8): 0.6,
    (2021, 9): 1.0,
    (2021, 10): 1.0,
    (2021, 11): 1.15,
    (2021, 12): 1.15,
    (2022, 1): 0.85,
    (2022, 2): 0.55,
    (2022, 3): 0.75,
    (2022, 4): 0.65,
    (2022, 5): 0.8,
}

GROUP_NAMES = [name for name, _ in tg.GROUPS]
DISTRICT = dict(tg.GROUPS)
DISTRICT_CODE = {"溧阳市": "320481", "金坛区": "320413", "武进区": "320412", "新北区": "320411"}

# Towns, streets and parks of each district (as in core/data/changzhou_regions.json).
TOWNS = {
    "溧阳市": [
        "溧城街道",
        "古县街道",
        "昆仑街道",
        "埭头镇",
        "上黄镇",
        "戴埠镇",
        "天目湖镇",
        "别桥镇",
        "上兴镇",
        "竹箦镇",
        "南渡镇",
        "社渚镇",
    ],
    "金坛区": ["东城街道", "西城街道", "尧塘街道", "金城镇", "儒林镇", "直溪镇", "朱林镇", "薛埠镇", "指前镇"],
    "武进区": [
        "南夏墅街道",
        "西湖街道",
        "湖塘镇",
        "牛塘镇",
        "洛阳镇",
        "雪堰镇",
        "前黄镇",
        "礼嘉镇",
        "嘉泽镇",
        "湟里镇",
    ],
    "新北区": [
        "新桥街道",
        "河海街道",
        "三井街道",
        "龙虎塘街道",
        "春江街道",
        "薛家镇",
        "罗溪镇",
        "西夏墅镇",
        "孟河镇",
        "奔牛镇",
    ],
}
PARKS = {
    "溧阳市": ["溧阳高新技术产业开发区", "天目湖旅游度假区"],
    "金坛区": ["金坛经济开发区", "华罗庚高新技术产业开发区"],
    "武进区": ["武进国家高新技术产业开发区", "西太湖科技产业园", "武进绿色建筑产业集聚示范区", "常州科教城"],
    "新北区": ["常州国家高新技术产业开发区", "常州综合保税区", "常州滨江经济开发区"],
}
HVAC_PARK = "武进绿色建筑产业集聚示范区"

# The companies the article names (legal names as the demo reads the short names), their
# industry and where they are. No credit code: the demo does not make one up for a real company.
NAMED_ENTERPRISES = {
    "新北团": [
        ("扬子江药业集团江苏龙凤堂中药有限公司", "pharma", "2740", "常州国家高新技术产业开发区", "中成药、中药饮片"),
        ("华润化学材料科技股份有限公司", "materials", "2651", "常州滨江经济开发区", "聚酯材料（PET）"),
        ("天合光能股份有限公司", "pv", "3825", "常州国家高新技术产业开发区", "光伏组件与储能系统"),
    ],
    "金坛团": [
        ("中创新航科技股份有限公司", "battery", "3841", "金坛经济开发区", "动力电池与储能电池"),
        ("蜂巢能源科技股份有限公司", "battery", "3841", "金坛经济开发区", "动力电池与电池管理系统"),
        ("常州易控电子科技有限公司", "instrument", "4011", "华罗庚高新技术产业开发区", "工业电子控制器"),
        ("江苏胜伟策电力科技有限公司", "grid", "3829", "金坛经济开发区", "输配电控制设备"),
    ],
}
LANDED_JINTAN = [
    ("常州赛恩斯精密仪器有限公司", "instrument", "4090", "华罗庚高新技术产业开发区", "精密测量仪器"),
    ("常州新楠宇自动化技术有限公司", "instrument", "4011", "金坛经济开发区", "工业自动化控制系统"),
]
FUND_NAME, FUND_AMOUNT = tg.FACTS[tg.WUJIN]["fund"]

FIELDS = {
    "battery": "新型储能",
    "pv": "光伏",
    "grid": "智能电网",
    "machinery": "高端装备",
    "auto": "汽车零部件",
    "materials": "新材料",
    "carbon": "先进碳材料",
    "pharma": "生物医药",
    "meddev": "医疗器械",
    "electronics": "电子信息",
    "instrument": "智能制造",
    "hvac": "绿色建筑",
    "motor": "高效电机",
    "textile": "功能纺织",
    "food": "农产品精深加工",
}

REPORTS = {
    "溧阳团": [
        "溧阳市动力电池产业链创新能力调研报告",
        "溧阳市智能电网产业集群发展现状与对策",
        "关于溧阳高端装备制造企业数字化转型的调研",
        "溧阳市新材料产业科技创新资源需求调研报告",
        "天目湖地区农产品精深加工技术需求调研",
        "溧阳市科技型中小企业研发投入情况调研",
        "关于推动重大项目列入省级名单的工作思考",
        "溧阳市产学研合作成效与问题分析",
        "溧阳新型储能产业发展路径研究",
    ],
    "金坛团": [
        "金坛区新能源产业人才需求调研报告",
        "金坛区企业技术需求分析报告",
        "关于金坛区光储产业链协同创新的调研",
        "金坛区校企合作现状与对策调研",
        "华罗庚高新区科创载体建设情况调研",
        "金坛区高校毕业生就业基地建设调研",
    ],
    "武进团": [
        "武进绿色建筑产业集聚示范区发展调研报告",
        "关于打造长三角建筑科技创新中心的思考",
        "武进区高校结对共建工作调研",
        "武进区科创平台运行绩效调研",
        "武进区企业科技项目申报情况分析",
        "西太湖科技产业园医疗器械产业调研",
        "武进区电机产业转型升级调研",
        "中欧暖通人才创新港建设运营方案研究",
    ],
    "新北团": [
        "新北区生物医药产业链创新资源图谱",
        "新北区先进碳材料产业发展调研报告",
        "高新区北交所潜力企业培育情况调研",
        "新北区企业技术需求分析（2021年度）",
        "关于新北区新型储能产业引才工作的思考",
        "新北区高新技术企业培育情况调研",
    ],
}

ROADS = [
    "创业路",
    "科技大道",
    "兴业路",
    "工业园路",
    "发展大道",
    "创新路",
    "园区路",
    "振兴路",
    "富民路",
    "新材料路",
    "光明路",
    "长江路",
    "通江大道",
    "江东大道",
    "金湖路",
    "常武路",
    "淹城路",
    "天目湖大道",
    "昆仑北路",
    "育才路",
]


# ------------------------------------------------------------------------------------------
# the plan's data


@dataclass
class UnitSpec:
    name: str
    kind: str
    university: str | None


@dataclass
class MemberSpec:
    name: str
    gender: str
    group: str
    role: str
    unit: str
    home_post: str
    local_post: str
    local_region: str  # a town/park of the group's district, or the district itself
    expertise: str


@dataclass
class EnterpriseSpec:
    name: str
    credit_code: str  # "" for the real companies the article names
    group: str
    town: str
    sector: str
    industry: str  # GB/T 4754 小类 code
    address: str
    description: str
    tags: list[tuple[str, int | None]] = field(default_factory=list)
    is_named: bool = False


@dataclass
class PlatformSpec:
    name: str
    kind: str
    university: str | None
    group: str
    town: str
    established_on: dt.date
    description: str


@dataclass
class Rec:
    """One record to write: its kind, group, date, members (names) and kind-specific data."""

    kind: str
    group: str
    date: dt.date
    members: tuple[str, ...]
    data: dict[str, Any]
    key: str = ""


@dataclass
class Plan:
    seed: int
    units: list[UnitSpec]
    members: list[MemberSpec]
    enterprises: list[EnterpriseSpec]
    platforms: list[PlatformSpec]
    records: list[Rec]
    figures: dict[str, dict[str, Any]]  # the numbers chosen for each group (for reading, not writing)

    def counts(self) -> Counter:
        return Counter(rec.kind for rec in self.records)

    def universities(self) -> list[str]:
        """Every university name the plan refers to."""
        names = {u.university for u in self.units if u.university}
        names |= {p.university for p in self.platforms if p.university}
        for rec in self.records:
            for key in ("university", "universities"):
                value = rec.data.get(key)
                if isinstance(value, str):
                    names.add(value)
                elif isinstance(value, list | tuple):
                    names.update(value)
        return sorted(names)


RECORD_ORDER = [
    "link",
    "visit",
    "event",
    "visitor",
    "report",
    "lead",
    "need",
    "intent",
    "agreement",
    "platform",
    "project",
    "talent",
    "landing",
    "employment_base",
    "fund",
    "application",
    "cultivation",
    "pairing",
]


# ------------------------------------------------------------------------------------------
# helpers


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


class _Dates:
    """Random working days between two dates, weighted by month (weekends less likely)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._cache: dict[tuple[dt.date, dt.date], tuple[list[dt.date], list[float]]] = {}

    def pick(self, start: dt.date = ARRIVAL, end: dt.date = REPORT_DATE) -> dt.date:
        start, end = max(start, ARRIVAL), min(end, REPORT_DATE)
        if end <= start:
            return end
        key = (start, end)
        if key not in self._cache:
            days = _days(start, end)
            weights, total = [], 0.0
            for day in days:
                total += MONTH_WEIGHTS[(day.year, day.month)] * (0.25 if day.weekday() >= 5 else 1.0)
                weights.append(total)
            self._cache[key] = (days, weights)
        days, cum = self._cache[key]
        return self.rng.choices(days, cum_weights=cum)[0]


def _split(rng: random.Random, total: int, weights: list[float], jitter: float = 0.12) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (with a little noise), summing to ``total``."""
    noisy = [w * (1 + rng.uniform(-jitter, jitter)) for w in weights]
    scale = total / sum(noisy)
    parts = [int(w * scale) for w in noisy]
    remainders = sorted(range(len(parts)), key=lambda i: -(noisy[i] * scale - parts[i]))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _amounts(rng: random.Random, total: Decimal, n: int, step: Decimal, low: float = 0.3) -> list[Decimal]:
    """``n`` contract amounts (multiples of ``step``) summing exactly to ``total``."""
    weights = [rng.lognormvariate(0, 0.7) + low for _ in range(n)]
    scale = total / Decimal(str(sum(weights)))
    parts = [max(step, (Decimal(str(w)) * scale / step).to_integral_value() * step) for w in weights]
    diff = total - sum(parts)
    parts[max(range(n), key=lambda i: parts[i])] += diff
    assert sum(parts) == total and min(parts) > 0
    rng.shuffle(parts)
    return parts


def _pick_value(rng: random.Random, scope: str, metric: str, default: int | None = None) -> Any:
    """A number the article's figure for (scope, metric) can mean."""
    target = tg.target_for(scope, metric)
    if target is None:
        if default is None:
            raise KeyError((scope, metric))
        return default
    n = target.number
    if target.rule == tg.EXACT:
        return n
    if target.rule == tg.YU:
        return n + rng.randint(2, 8)
    if target.rule == tg.YISHANG:
        return n + rng.randint(5, 20)
    if isinstance(n, Decimal):  # 超过: a little more money
        return n + Decimal(rng.randint(3, 60 if n < 4000 else 480)) + rng.choice([Decimal(0), Decimal("0.5")])
    return n + rng.randint(1, 6)


_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # letters allowed in a credit code


def _org_check(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def credit_code(rng: random.Random, district_code: str, recent: bool) -> str:
    """A valid 统一社会信用代码: 9 (市场监管) 1 (企业), the district's code, an organisation code, a check digit.

    Companies registered since the 2015 reform have organisation codes of the ``MA…`` series;
    older ones keep their earlier 8-digit codes.
    """
    if recent:
        body = "MA" + rng.choice("12") + "".join(rng.choice(_ORG_ALPHABET[1:]) for _ in range(5))
    else:
        body = rng.choice("1567") + "".join(rng.choice("0123456789") for _ in range(7))
    code17 = "91" + district_code + body + _org_check(body)
    return code17 + uscc.calc_check_digit(code17)


# ------------------------------------------------------------------------------------------
# the planner


class _Planner:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.dates = _Dates(self.rng)
        self.units: list[UnitSpec] = []
        self.members: list[MemberSpec] = []
        self.enterprises: list[EnterpriseSpec] = []
        self.platforms: list[PlatformSpec] = []
        self.records: list[Rec] = []
        self.figures: dict[str, dict[str, Any]] = {g: {} for g in GROUP_NAMES}
        self._names: set[str] = set(V.RESERVED_NAMES)
        self._company_keys: set[str] = set()
        self._codes: set[str] = set()
        self.by_group: dict[str, list[MemberSpec]] = {}
        self.pool: dict[str, list[EnterpriseSpec]] = {}
        self.linked: dict[str, list[EnterpriseSpec]] = {}
        self.visited: dict[str, list[EnterpriseSpec]] = {}
        self.visits: dict[str, list[Rec]] = {}
        self.needs: dict[str, list[Rec]] = {}
        self._counter = Counter()
        self.by_name: dict[str, EnterpriseSpec] = {}

    # ---- small helpers

    def key(self, kind: str) -> str:
        self._counter[kind] += 1
        return f"{kind}-{self._counter[kind]:04d}"

    def person(self, gender: str | None = None) -> tuple[str, str]:
        rng = self.rng
        while True:
            gender = gender or ("男" if rng.random() < 0.74 else "女")
            pool = V.GIVEN_MALE if gender == "男" else V.GIVEN_FEMALE
            given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
            name = rng.choice(V.SURNAMES) + given
            if name not in self._names:
                self._names.add(name)
                return name, gender

    def add(self, kind: str, group: str, date: dt.date, members, data: dict, key: str = "") -> Rec:
        rec = Rec(kind, group, date, tuple(members), data, key or self.key(kind))
        self.records.append(rec)
        return rec

    def crew(self, group: str, town: str | None = None, extra: tuple[float, float] = (0.35, 0.1)) -> tuple[str, ...]:
        """1–3 members of ``group``: the one posted in ``town`` when there is one, and maybe colleagues."""
        rng = self.rng
        members = self.by_group[group]
        local = [m for m in members if m.local_region == town] if town else []
        if local and rng.random() < 0.65:
            first = rng.choice(local)
        else:
            weights = [1.4 if m.role == "团长" else 1.2 if m.role == "副团长" else 1.0 for m in members]
            first = rng.choices(members, weights=weights)[0]
        chosen = [first]
        r = rng.random()
        more = 2 if r < extra[1] else 1 if r < extra[0] + extra[1] else 0
        others = [m for m in members if m is not first]
        chosen += rng.sample(others, more)
        return tuple(m.name for m in chosen)

    def regions(self, group: str) -> list[str]:
        district = DISTRICT[group]
        return TOWNS[district] + PARKS[district]

    def company_name(self, group: str, sector: str) -> str:
        rng = self.rng
        while True:
            prefix = rng.choice(V.NAME_PREFIXES[group])
            brand = "".join(rng.sample(V.BRAND_CHARS, 2))
            word = rng.choice(V.SECTORS[sector]["words"])
            suffix = "股份有限公司" if rng.random() < 0.12 else "有限公司"
            name = f"{prefix}{brand}{word}{suffix}"
            key = normalize_company_name(name)
            # one 字号 per district: 常州恒瑞新能源 and 常州市恒瑞电气 would read as one group of companies
            brand_key = (group, brand)
            if key not in self._company_keys and brand_key not in self._company_keys:
                self._company_keys.update({key, brand_key})
                return name

    def new_code(self, group: str, recent: bool) -> str:
        while True:
            code = credit_code(self.rng, DISTRICT_CODE[DISTRICT[group]], recent)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def address(self, group: str, town: str) -> str:
        district = DISTRICT[group]
        return f"江苏省常州市{district}{town}{self.rng.choice(ROADS)}{self.rng.randint(1, 388)}号"

    def enterprise(
        self,
        group: str,
        sector: str,
        *,
        recent: bool = False,
        town: str | None = None,
        name: str | None = None,
        industry: str | None = None,
        product: str | None = None,
        named: bool = False,
    ) -> EnterpriseSpec:
        rng = self.rng
        town = town or rng.choice(self.regions(group))
        spec = V.SECTORS[sector]
        product = product or rng.choice(spec["products"])
        if name is None:
            name = self.company_name(group, sector)
            code = self.new_code(group, recent)
        else:
            self._company_keys.add(normalize_company_name(name))
            code = ""
        ent = EnterpriseSpec(
            name=name,
            credit_code=code,
            group=group,
            town=town,
            sector=sector,
            industry=industry or rng.choice(spec["codes"]),
            address=self.address(group, town),
            description=f"主要从事{product}的研发、生产和销售。",
            is_named=named,
        )
        self.enterprises.append(ent)
        self.by_name[name] = ent
        return ent

    def topic(self, ent: EnterpriseSpec) -> str:
        return self.rng.choice(V.SECTORS[ent.sector]["needs"])[0]

    def universities(self, group: str) -> list[str]:
        return V.PARTNER_UNIVERSITIES[group]

    # ---- the roster

    def plan_roster(self) -> None:
        rng = self.rng
        seen: dict[str, UnitSpec] = {}
        for group in GROUP_NAMES:
            district = DISTRICT[group]
            towns = rng.sample(TOWNS[district], len(TOWNS[district]))
            parks = list(PARKS[district])
            members = []
            for index, (unit, kind) in enumerate(V.MEMBER_UNITS[group]):
                if unit not in seen:
                    seen[unit] = UnitSpec(unit, kind, unit if unit in V.UNIVERSITIES else None)
                    self.units.append(seen[unit])
                deputies = 2 if len(V.MEMBER_UNITS[group]) >= 10 else 1
                role = "团长" if index == 0 else "副团长" if index <= deputies else "团员"
                name, gender = self.person()
                if role == "团长":
                    home_post = rng.choice(V.LEADER_HOME_POSTS[kind])
                    local_post, region = f"{district}科技局副局长", district
                elif role == "副团长":
                    region = parks[(index - 1) % len(parks)]
                    home_post, local_post = rng.choice(V.HOME_POSTS[kind]), "管委会副主任"
                else:
                    region = towns.pop()
                    home_post = rng.choice(V.HOME_POSTS[kind])
                    local_post = "副镇长" if region.endswith("镇") else "街道办事处副主任"
                expertise = V.EXPERTISE.get(unit) or rng.choice(V.DISCIPLINES)
                members.append(MemberSpec(name, gender, group, role, unit, home_post, local_post, region, expertise))
            self.members += members
            self.by_group[group] = members

    # ---- enterprises, links, visits

    def plan_enterprises(self) -> None:
        rng = self.rng
        linked_total = _pick_value(rng, tg.TOTAL, "linked_enterprises")
        hightech_total = _pick_value(rng, tg.TOTAL, "linked_hightech_enterprises")
        xb_linked = _pick_value(rng, tg.XINBEI, "linked_enterprises")
        others = [g for g in GROUP_NAMES if g != tg.XINBEI]
        linked = dict(zip(others, _split(rng, linked_total - xb_linked, [36, 27, 37]), strict=True))
        linked[tg.XINBEI] = xb_linked
        xb_hightech = round(xb_linked * rng.uniform(0.3, 0.4))
        hightech = dict(
            zip(others, _split(rng, hightech_total - xb_hightech, [linked[g] for g in others]), strict=True)
        )
        hightech[tg.XINBEI] = xb_hightech

        for group in GROUP_NAMES:
            fig = self.figures[group]
            visits = _pick_value(rng, group, "visits", default=0)
            visited = _pick_value(rng, group, "enterprises_visited", default=0)
            if group == tg.LIYANG:
                visited = round(visits * rng.uniform(0.56, 0.62))
            elif group == tg.JINTAN:
                visits = round(visited * rng.uniform(1.3, 1.45))
            elif group == tg.WUJIN:
                visits = rng.randint(206, 236)
                visited = round(visits * rng.uniform(0.68, 0.74))
            else:  # 新北团
                visits = visited + rng.randint(22, 40)
            fig.update(visits=visits, enterprises_visited=visited, linked=linked[group], hightech=hightech[group])

            n_linked = linked[group]
            linked_visited = min(n_linked, round(visited * 0.8))
            size = n_linked + (visited - linked_visited) + rng.randint(14, 24)
            named = [
                self.enterprise(group, sector, name=name, industry=code, town=town, product=product, named=True)
                for name, sector, code, town, product in NAMED_ENTERPRISES.get(group, [])
            ]
            sectors = V.DISTRICT_SECTORS[group]
            generated = [
                self.enterprise(
                    group, rng.choices(list(sectors), weights=list(sectors.values()))[0], recent=rng.random() < 0.3
                )
                for _ in range(size - len(named))
            ]
            rng.shuffle(generated)
            pool = named + generated
            self.pool[group] = pool
            # Linked: the named companies and the first of the rest; visited: most linked ones and others.
            linked_set = pool[:n_linked]
            rest = pool[n_linked:]
            visited_set = named + rng.sample(linked_set[len(named) :], linked_visited - len(named))
            visited_set += rng.sample(rest, visited - len(visited_set))
            self.linked[group] = linked_set
            self.visited[group] = visited_set

            # Tags: exactly `hightech` of the linked companies are 高新技术企业.
            ht_linked = set(map(id, named[: min(len(named), hightech[group])]))
            ht_linked |= set(map(id, rng.sample(linked_set[len(ht_linked) :], hightech[group] - len(ht_linked))))
            linked_ids = set(map(id, linked_set))
            for ent in pool:
                is_ht = id(ent) in ht_linked if id(ent) in linked_ids else rng.random() < 0.22
                if is_ht:
                    ent.tags.append(("high_tech", rng.choice([2019, 2020, 2021])))
                if ent.is_named or rng.random() < (0.55 if is_ht else 0.3):
                    ent.tags.append(("above_scale", None))
                if not ent.is_named and is_ht and rng.random() < 0.18:  # 省级专精特新中小企业
                    ent.tags.append(("srdi", rng.choice([2021, 2022])))

            self.plan_links(group)
            self.plan_visits(group, visits)

    def plan_links(self, group: str) -> None:
        rng = self.rng
        for ent in self.linked[group]:
            start = ARRIVAL if rng.random() < 0.75 else dt.date(2021, 12, 1)
            end = dt.date(2021, 11, 30) if start == ARRIVAL else REPORT_DATE
            date = self.dates.pick(start + dt.timedelta(days=7), end)
            members = self.crew(group, ent.town, extra=(0.3, 0.0))
            self.add("link", group, date, members, {"enterprise": ent.name, "note": ""})

    def plan_visits(self, group: str, n_visits: int) -> None:
        rng = self.rng
        visited = self.visited[group]
        linked_ids = set(map(id, self.linked[group]))
        counts = Counter({id(e): 1 for e in visited})
        weights = [3.0 if id(e) in linked_ids else 1.0 for e in visited]
        for ent in rng.choices(visited, weights=weights, k=n_visits - len(visited)):
            counts[id(ent)] += 1
        recs = []
        for ent in visited:
            days: set[dt.date] = set()
            while len(days) < counts[id(ent)]:
                days.add(self.dates.pick())
            for day in sorted(days):
                note = rng.choice(
                    [
                        "了解企业研发与生产情况",
                        "走访调研，宣讲科技政策",
                        "了解企业技术和人才需求",
                        "回访企业需求对接进展",
                        "实地调研企业创新平台建设",
                    ]
                )
                recs.append(
                    self.add("visit", group, day, self.crew(group, ent.town), {"enterprise": ent.name, "note": note})
                )
        self.visits[group] = recs

    # ---- events, visitors, reports

    def plan_events(self) -> None:
        rng = self.rng
        totals = {kind: _pick_value(rng, tg.TOTAL, f"{kind}_events") for kind in ("matchmaking", "other")}
        splits = {
            "matchmaking": _split(rng, totals["matchmaking"], [28, 22, 27, 23]),
            "other": _split(rng, totals["other"], [25, 22, 30, 23]),
        }
        for index, group in enumerate(GROUP_NAMES):
            counts = {
                "matchmaking": splits["matchmaking"][index],
                "other": splits["other"][index],
                "docking": _pick_value(rng, group, "docking_events", default=rng.randint(9, 16)),
                "recruitment": _pick_value(rng, group, "recruitment_events", default=rng.randint(2, 4)),
            }
            self.figures[group].update({f"{k}_events": v for k, v in counts.items()})
            universities = list(self.universities(group))
            rng.shuffle(universities)
            unseen = list(universities)  # every partner university takes part in at least one event
            for kind, n in counts.items():
                for _ in range(n):
                    self.plan_event(group, kind, unseen)

    def plan_event(self, group: str, kind: str, unseen: list[str]) -> None:
        rng = self.rng
        district = DISTRICT[group]
        universities = self.universities(group)
        pool = self.pool[group]
        place = rng.choice(self.regions(group))
        field_ = FIELDS[rng.choice(list(V.DISTRICT_SECTORS[group]))]
        n_univ = {
            "matchmaking": rng.choice([1, 1, 1, 2, 2, 3]),
            "docking": rng.choice([0, 1, 1, 2]),
            "recruitment": 1,
            "other": rng.choice([0, 0, 0, 1]),
        }[kind]
        chosen: list[str] = []
        while unseen and len(chosen) < n_univ:
            chosen.append(unseen.pop())
        while len(chosen) < n_univ:
            u = rng.choice(universities)
            if u not in chosen:
                chosen.append(u)
        u0 = chosen[0] if chosen else rng.choice(universities)
        if kind == "matchmaking":
            title = rng.choice(
                [
                    f"{u0}—{district}{field_}产学研合作对接会",
                    f"“{u0}科技成果走进{place}”专场活动",
                    f"{field_}产业链产学研专场对接活动",
                    f"{district}{field_}企业与{u0}技术需求对接会",
                    f"{u0}专家团{place}企业行产学研专场",
                ]
            )
            n_ent = rng.randint(4, 12)
        elif kind == "docking":
            title = (
                rng.choice(
                    [
                        f"{field_}领域人才项目对接会",
                        f"{place}科技企业资本对接路演",
                        f"{u0}{field_}技术成果对接会",
                        f"“专家进企业”{field_}技术对接活动",
                        f"{district}高层次人才创新创业项目对接会",
                    ]
                )
                if chosen
                else rng.choice(
                    [f"{place}科技企业资本对接路演", f"{district}科技金融对接会", f"{district}人才项目线上对接会"]
                )
            )
            n_ent = rng.randint(3, 9)
        elif kind == "recruitment":
            title = ""  # set with the date below
            n_ent = rng.randint(6, 16)
        else:
            title = rng.choice(
                [
                    f"{district}科技政策宣讲会",
                    f"{place}高新技术企业申报培训会",
                    "知识产权保护与运用培训",
                    f"{group}团团结对共建活动",
                    f"{place}园区集中调研",
                    f"{district}科技型企业研发费用加计扣除辅导",
                    f"“科技镇长团服务月”{place}专场",
                    f"{group}月度工作例会暨业务交流",
                ]
            )
            n_ent = rng.choice([0, 0, 2, 3, 5, 8])
        weights = [3 if e.is_named else 1 for e in pool]
        enterprises = []
        for ent in rng.choices(pool, weights=weights, k=n_ent):
            if ent.name not in enterprises:
                enterprises.append(ent.name)
        date = self.dates.pick()
        if kind == "recruitment":  # autumn and spring recruitment seasons
            date = self.dates.pick(
                *rng.choice([(dt.date(2021, 9, 15), dt.date(2021, 12, 20)), (dt.date(2022, 2, 20), REPORT_DATE)])
            )
            title = f"{u0}{2022 if date.year == 2021 or date.month < 7 else 2023}届毕业生{district}重点企业专场招聘会"
        location = "线上" if date >= dt.date(2022, 3, 10) and rng.random() < 0.5 else place
        self.add(
            "event",
            group,
            date,
            self.crew(group, place, extra=(0.45, 0.25)),
            {
                "kind": kind,
                "title": title,
                "location": location,
                "enterprises": enterprises,
                "universities": chosen,
            },
        )

    def plan_visitors(self) -> None:
        rng = self.rng
        for group in GROUP_NAMES:
            experts = _pick_value(rng, group, "expert_visits", default=rng.randint(28, 42))
            bosses = _pick_value(rng, group, "entrepreneur_visits", default=rng.randint(14, 28))
            self.figures[group].update(expert_visits=experts, entrepreneur_visits=bosses)
            universities = self.universities(group)
            if group == tg.WUJIN:
                for org in tg.FACTS[tg.WUJIN]["foreign_visitors"]:
                    n = rng.randint(2, 3)
                    self.add(
                        "visitor",
                        group,
                        self.dates.pick(dt.date(2021, 10, 1), dt.date(2021, 12, 31)),
                        self.crew(group, extra=(0.5, 0.3)),
                        {
                            "kind": "expert",
                            "visitor_name": f"{org.removeprefix('德国')}代表团",
                            "organization": org,
                            "university": None,
                            "person_count": n,
                            "note": "来访交流，双方就成立德中文化与科学技术中心达成初步意向",
                        },
                    )
                    experts -= n
            while experts > 0:
                n = min(experts, rng.choices([1, 2, 3], weights=[60, 27, 13])[0])
                experts -= n
                university = rng.choice(universities)
                name, _ = self.person()
                title = rng.choice(["教授", "教授", "研究员", "副教授", "博士"])
                self.add(
                    "visitor",
                    group,
                    self.dates.pick(),
                    self.crew(group),
                    {
                        "kind": "expert",
                        "visitor_name": f"{name}{title}",
                        "university": university,
                        "organization": f"{university}{rng.choice(V.COLLEGES)}",
                        "person_count": n,
                        "note": f"一行{n}人来访，赴企业开展技术对接" if n > 1 else "来访开展技术对接",
                    },
                )
            while bosses > 0:
                n = min(bosses, rng.choices([1, 2], weights=[75, 25])[0])
                bosses -= n
                name, _ = self.person()
                org = (
                    f"{rng.choice(V.VISITOR_CITIES)}{''.join(rng.sample(V.BRAND_CHARS, 2))}"
                    f"{rng.choice(V.VISITOR_ORG_WORDS)}有限公司"
                )
                self.add(
                    "visitor",
                    group,
                    self.dates.pick(),
                    self.crew(group),
                    {
                        "kind": "entrepreneur",
                        "visitor_name": f"{name}（{rng.choice(V.VISITOR_ROLES)}）",
                        "organization": org,
                        "university": None,
                        "person_count": n,
                        "note": "考察投资环境，洽谈项目落地" if rng.random() < 0.5 else "洽谈产业合作",
                    },
                )

    def plan_reports(self) -> None:
        rng = self.rng
        for group in GROUP_NAMES:
            n = _pick_value(rng, group, "research_reports", default=rng.randint(4, 6))
            self.figures[group]["research_reports"] = n
            for title in rng.sample(REPORTS[group], n):
                summary = f"在走访调研基础上形成，分析{DISTRICT[group]}相关产业现状、存在问题并提出对策建议。"
                self.add(
                    "report",
                    group,
                    self.dates.pick(dt.date(2021, 10, 1)),
                    self.crew(group, extra=(0.5, 0.3)),
                    {"title": title, "summary": summary},
                )

    # ---- the need loop

    def need_text(self, ent: EnterpriseSpec, used: set[str]) -> tuple[str, str, str, str]:
        """(kind, title, description, raw lead text) of a need of ``ent``, not repeating its earlier needs."""
        rng = self.rng
        label = V.SECTORS[ent.sector]["label"]
        for _ in range(20):
            kind = rng.choices(list(V.NEED_KIND_WEIGHTS), weights=list(V.NEED_KIND_WEIGHTS.values()))[0]
            templates = V.SECTORS[ent.sector]["needs"] if kind == "technology" else V.OTHER_NEEDS[kind]
            title, problem, goal = rng.choice(templates)
            title = title.format(label=label)
            if title not in used:
                break
        used.add(title)
        values = {
            "p": rng.randint(55, 85),
            "q": rng.randint(3, 15),
            "n": rng.randint(2, 5),
            "m": rng.randint(20, 300),
            "label": label,
        }
        problem, goal = problem.format(**values), goal.format(**values)
        product = ent.description.removeprefix("主要从事").removesuffix("的研发、生产和销售。")
        description = f"企业主营{product}。{problem}{goal}"
        raw = rng.choice(
            [
                f"企业技术负责人反映：{problem}{goal}",
                f"{problem}想请镇长团帮忙找找高校的老师。",
                f"我们公司做{product}，{problem}{goal}",
            ]
        )
        return kind, title, description, raw

    def plan_needs(self) -> None:
        rng = self.rng
        for group in GROUP_NAMES:
            n = (
                _pick_value(rng, group, "needs_collected", default=0)
                or {tg.LIYANG: rng.randint(52, 66), tg.WUJIN: rng.randint(64, 80)}[group]
            )
            self.figures[group]["needs_collected"] = n
            self.needs[group] = []
            used: dict[str, set[str]] = {}
            visits = list(self.visits[group])
            rng.shuffle(visits)
            pool = self.pool[group]
            for i in range(n):
                if i < len(visits) * 0.9 and rng.random() < 0.62:
                    visit = visits.pop()
                    ent = self.by_name[visit.data["enterprise"]]
                    source = "visit" if rng.random() < 0.7 else None
                    date = min(REPORT_DATE, visit.date + dt.timedelta(days=rng.randint(0, 6)))
                    members = visit.members
                else:
                    visit, ent = None, rng.choice(pool)
                    source = rng.choice(["town", "town", "public", "admin", None, None])
                    date = self.dates.pick()
                    members = self.crew(group, ent.town)
                kind, title, description, raw = self.need_text(ent, used.setdefault(ent.name, set()))
                lead = None
                if source:
                    contact, _ = self.person()
                    lead = {
                        "source": source,
                        "raw_text": raw,
                        "title": title,
                        "visit": visit.key if visit else None,
                        "contact_name": contact[0] + rng.choice(["经理", "总", "工", "先生", "女士"]),
                        "enterprise_name": ent.name if source != "visit" else "",
                    }
                data = {
                    "enterprise": ent.name,
                    "title": title,
                    "description": description,
                    "kind": kind,
                    "urgency": rng.choices(["normal", "urgent", "very_urgent"], weights=[65, 28, 7])[0],
                    "is_bottleneck": kind == "technology" and rng.random() < 0.09,
                    "industry": ent.industry,
                    "lead": lead,
                    "initial": "published" if source == "admin" else "pending",
                }
                data["steps"] = self.need_steps(group, date, members, data["initial"])
                self.needs[group].append(self.add("need", group, date, members, data))
            # A few duplicates, merged into the need they repeat (not counted again).
            for original in rng.sample(self.needs[group], rng.randint(1, 2)):
                if original.data["steps"] and original.data["steps"][-1][0] in ("cancel", "approve", "outcome"):
                    continue
                date = self.dates.pick(original.date + dt.timedelta(days=3), original.date + dt.timedelta(days=40))
                data = dict(original.data, lead=None, initial="pending", steps=[("merge", original.key)])
                data["description"] = "（镇（街道）重复报送）" + original.data["description"]
                self.add("need", group, date, self.crew(group), data)
            # Leads that have just arrived and are not yet handled.
            for _ in range(rng.randint(2, 5)):
                ent = rng.choice(pool)
                _, title, _, raw = self.need_text(ent, set())
                self.add(
                    "lead",
                    group,
                    self.dates.pick(dt.date(2022, 4, 20)),
                    (),
                    {
                        "source": rng.choice(["public", "town"]),
                        "raw_text": raw,
                        "title": title,
                        "enterprise_name": ent.name,
                        "enterprise": None,
                        "visit": None,
                    },
                )

    def need_steps(self, group: str, date: dt.date, members: tuple[str, ...], initial: str) -> list[tuple]:
        rng = self.rng
        age = (REPORT_DATE - date).days
        if age < 20:
            final = rng.choices(["pending", "verified", "published", "claimed"], weights=[35, 25, 30, 10])[0]
        else:
            final = rng.choices(
                [
                    "pending",
                    "verified",
                    "returned",
                    "published",
                    "claimed",
                    "completion_submitted",
                    "completed",
                    "cancelled",
                ],
                weights=[4, 4, 3, 20, 32, 6, 25, 6],
            )[0]
        if initial == "published" and final in ("pending", "verified", "returned"):
            final = "published"
        steps: list[tuple] = []
        if initial == "pending":
            if final == "pending":
                if rng.random() < 0.3:
                    steps += [("return", rng.choice(V.RETURN_REASONS)), ("resubmit",)]
                return steps
            if final == "returned":
                return (
                    [("verify",), ("return", rng.choice(V.RETURN_REASONS))]
                    if rng.random() < 0.5
                    else [("return", rng.choice(V.RETURN_REASONS))]
                )
            if final == "cancelled" and rng.random() < 0.4:
                return [("cancel", rng.choice(V.CANCEL_REASONS))]
            steps.append(("verify",))
            if final == "verified":
                return steps
            steps.append(("publish",))
        if final in ("published",):
            return steps
        if final == "cancelled":
            return [*steps, ("cancel", rng.choice(V.CANCEL_REASONS))]
        group_members = [m.name for m in self.by_group[group]]
        owner = rng.choice(members) if rng.random() < 0.75 else rng.choice(group_members)
        steps.append(("claim", owner))
        helpers = [m for m in group_members if m != owner]
        collaborators = rng.sample(helpers, rng.choices([0, 1, 2], weights=[55, 35, 10])[0])
        steps += [("collab", m) for m in collaborators]
        university = rng.choice(self.universities(group))
        expert = rng.choice(V.SURNAMES[:60])
        day = min(REPORT_DATE, date + dt.timedelta(days=rng.randint(3, 20)))
        texts = list(V.PROGRESS_TEXTS[: rng.randint(3, len(V.PROGRESS_TEXTS))])
        finish = final in ("completion_submitted", "completed")
        entries, most = 0, rng.randint(2, 3) if finish else rng.randint(1, 3)
        while True:
            status, next_step = texts[entries] if entries < len(texts) else rng.choice(V.FOLLOW_UP_TEXTS)
            author = owner if not collaborators or rng.random() < 0.7 else rng.choice(collaborators)
            steps.append(
                (
                    "progress",
                    author,
                    day,
                    status.format(university=university, expert=expert),
                    next_step.format(university=university, expert=expert),
                )
            )
            entries += 1
            day = day + dt.timedelta(days=rng.randint(14, 40))
            if day > REPORT_DATE or entries >= most:
                break
        if not finish:
            return steps
        solution = rng.choice(V.SOLUTIONS).format(university=university, expert=expert)
        steps.append(("submit", solution))
        if final == "completion_submitted":
            return steps
        steps.append(("approve",))
        done = min(REPORT_DATE, day)
        for _ in range(rng.choices([0, 1, 2], weights=[30, 50, 20])[0]):
            done = min(REPORT_DATE, done + dt.timedelta(days=rng.randint(5, 40)))
            signed = Decimal(rng.choice([0, 0, 5, 10, 15, 20, 30, 50, 80]))
            received = (signed * Decimal(rng.choice(["0", "0.3", "0.5", "1"]))).quantize(Decimal(1))
            talents, patents = rng.choice([0, 0, 1, 2]), rng.choice([0, 0, 1, 2])
            if not (signed or talents or patents):
                patents = 1
            steps.append(
                (
                    "outcome",
                    done,
                    signed,
                    received,
                    Decimal(0),
                    talents,
                    patents,
                    "对接成效（增量）",
                    rng.random() < 0.8,
                )
            )
        return steps

    # ---- cooperation

    def claimed_needs(self, group: str, enterprise: str | None = None) -> list[Rec]:
        return [
            n
            for n in self.needs[group]
            if n.data["steps"]
            and n.data["steps"][-1][0] in ("progress", "submit", "approve", "outcome")
            and (enterprise is None or n.data["enterprise"] == enterprise)
        ]

    def plan_cooperation(self) -> None:
        rng = self.rng
        for group in GROUP_NAMES:
            universities = self.universities(group)
            n_intents = _pick_value(rng, group, "cooperation_intents", default=rng.randint(12, 16))
            if group == tg.WUJIN:
                n_intents = rng.randint(22, 28)
            n_agreements = _pick_value(rng, group, "agreements", default=rng.randint(2, 4))
            target = tg.target_for(group, "contract_amount_wan")
            amount = _pick_value(rng, group, "contract_amount_wan") if target else Decimal(rng.randint(150, 600))
            self.figures[group].update(intents=n_intents, agreements=n_agreements, contract_amount_wan=amount)

            # Intents: which enterprises with which universities (新北团: six different enterprises).
            named = list(tg.FACTS.get(group, {}).get("partners", []))
            candidates = [e for e in self.pool[group] if not e.is_named] if group != tg.XINBEI else self.pool[group]
            if group == tg.XINBEI:
                intent_ents = rng.sample(self.visited[group], n_intents)
            else:
                intent_ents = [rng.choice(candidates) for _ in range(n_intents)]
            intents = []
            for i, ent in enumerate(intent_ents):
                university = named[i] if i < len(named) else rng.choice(universities)
                needs = self.claimed_needs(group, ent.name)
                need = needs[0] if needs and rng.random() < 0.8 else None
                start = need.date + dt.timedelta(days=10) if need else dt.date(2021, 9, 1)
                topic = need.data["title"] if need else self.topic(ent)
                rec = self.add(
                    "intent",
                    group,
                    self.dates.pick(start),
                    self.crew(group, ent.town),
                    {
                        "title": f"{topic}合作意向",
                        "enterprise": ent.name,
                        "university": university,
                        "need": need.key if need else None,
                        "note": "双方签署合作意向书" if rng.random() < 0.5 else "达成初步合作意向",
                    },
                )
                intents.append(rec)

            # Agreements: some follow an intent; amounts sum to the group's figure.
            amounts = _amounts(rng, amount, n_agreements, Decimal("0.5") if group == tg.JINTAN else Decimal(1))
            n_local = 1 if n_agreements < 6 else 2
            agreement_univs = list(named) + list(tg.FACTS.get(group, {}).get("agreement_universities", []))
            for i, contract in enumerate(amounts):
                # The agreements the article names come first; later ones may follow an intent.
                named_first = i < len(agreement_univs)
                from_intent = intents[i] if not named_first and i < len(intents) and rng.random() < 0.5 else None
                local = i >= n_agreements - n_local
                if from_intent and not local:
                    ent_name, university = from_intent.data["enterprise"], from_intent.data["university"]
                    need = from_intent.data["need"]
                    start = from_intent.date + dt.timedelta(days=7)
                else:
                    ent_name, need, start = None if local else rng.choice(candidates).name, None, dt.date(2021, 9, 10)
                    university = agreement_univs[i] if i < len(agreement_univs) else rng.choice(universities)
                date = self.dates.pick(start)
                note = ""
                if group == tg.JINTAN and university == "江苏大学":
                    note = f"与江苏大学、{tg.FACTS[tg.JINTAN]['agreement_note']}签订"
                if local:
                    town = rng.choice(self.regions(group))
                    title = rng.choice(
                        [f"{university}与{DISTRICT[group]}{town}产学研全面合作协议", f"{university}—{town}校地共建协议"]
                    )
                    data = {"kind": "校地", "region": town, "enterprise": None}
                else:
                    ent = self.by_name[ent_name]
                    topic = self.topic(ent)
                    title = rng.choice(
                        [
                            f"{topic}技术开发合同",
                            f"{topic}技术服务合同",
                            f"{V.SECTORS[ent.sector]['label']}校企联合研发中心共建协议",
                        ]
                    )
                    data = {"kind": "校企", "region": None, "enterprise": ent_name}
                receipts = []
                if rng.random() < 0.55:
                    paid = Decimal(0)
                    day = date
                    for share in rng.sample(["0.2", "0.3", "0.4"], rng.randint(1, 2)):
                        day = day + dt.timedelta(days=rng.randint(10, 60))
                        if day > REPORT_DATE:
                            break
                        part = (contract * Decimal(share)).quantize(Decimal("0.5"))
                        if part > 0 and paid + part <= contract:
                            receipts.append((day, part))
                            paid += part
                data.update(
                    title=title,
                    university=university,
                    contract_amount_wan=contract,
                    need=need,
                    intent=from_intent.key if from_intent and not local else None,
                    note=note,
                    receipts=receipts,
                )
                self.add("agreement", group, date, self.crew(group), data)

    # ---- platforms, projects, talents

    def plan_platforms(self) -> None:
        rng = self.rng
        total = _pick_value(rng, tg.TOTAL, "platforms_introduced")
        xinbei = _pick_value(rng, tg.XINBEI, "platforms_introduced")
        others = [g for g in GROUP_NAMES if g != tg.XINBEI]
        counts = dict(zip(others, _split(rng, total - xinbei, [36, 28, 36], jitter=0.05), strict=True))
        counts[tg.XINBEI] = xinbei
        kinds = ["institute", "joint_lab", "rd_center", "workstation", "incubator"]
        names: set[str] = set()
        for group in GROUP_NAMES:
            self.figures[group]["platforms"] = counts[group]
            district = DISTRICT[group]
            short = district.removesuffix("市").removesuffix("区")
            # 新北团 works along the 生物医药 and 先进碳材料 chains.
            sectors = ["pharma", "carbon"] if group == tg.XINBEI else list(V.DISTRICT_SECTORS[group])
            offset = rng.randint(0, len(kinds) - 1)
            for i in range(counts[group]):
                university = self.universities(group)[i % 4 if group != tg.XINBEI else i]
                tries = 0
                while True:
                    kind = kinds[(i + offset + tries) % len(kinds)]
                    tries += 1
                    field_ = FIELDS[rng.choice(sectors)]
                    ent = rng.choice(self.linked[group])
                    if kind in ("joint_lab", "workstation"):  # with a company: in the company's own field
                        ent = rng.choice([e for e in self.linked[group] if e.sector in sectors])
                        field_ = FIELDS[ent.sector]
                    ent_short = ent.name.removeprefix("常州市").removeprefix("溧阳市").removeprefix("常州")
                    ent_short = ent_short.removeprefix("江苏").removesuffix("股份有限公司").removesuffix("有限公司")
                    name = {
                        "institute": f"{university}{short}{field_}研究院",
                        "joint_lab": f"{university}—{ent_short}{'' if field_ in ent_short else field_}联合实验室",
                        "rd_center": f"{district}{field_}工程技术研究中心（{university}）",
                        "workstation": f"{university}专家工作站（{ent_short}）",
                        "incubator": f"{university}科技成果转化中心{short}分中心",
                    }[kind]
                    if name not in names:
                        names.add(name)
                        break
                date = self.dates.pick(dt.date(2021, 9, 15))
                parks = PARKS[district]
                town = ent.town if kind in ("joint_lab", "workstation") else parks[0 if rng.random() < 0.7 else -1]
                self.platforms.append(
                    PlatformSpec(
                        name,
                        kind,
                        university,
                        group,
                        town,
                        date,
                        f"{university}与{district}合作共建，聚焦{field_}领域技术研发与成果转化。",
                    )
                )
                self.add("platform", group, date, self.crew(group, town), {"platform": name})

    def plan_projects(self) -> None:
        rng = self.rng
        total = _pick_value(rng, tg.TOTAL, "projects_brokered")
        majors = _pick_value(rng, tg.LIYANG, "major_projects")
        counts = _split(rng, total, [33, 22, 25, 20])
        counts[0] = max(counts[0], majors + 3)
        counts[-1] = total - sum(counts[:-1])
        for group, n in zip(GROUP_NAMES, counts, strict=True):
            self.figures[group]["projects"] = n
            pool = [e for e in self.linked[group] if e.credit_code]
            for i in range(n):
                major = group == tg.LIYANG and i < majors
                if major:
                    ent = rng.choice(
                        [e for e in pool if e.sector in ("battery", "grid", "machinery", "auto", "materials")]
                    )
                    title = {
                        "battery": f"{ent.name}年产{rng.choice([5, 10, 20])}GWh新型储能电池项目",
                        "grid": f"{ent.name}智能电网成套装备产业化项目",
                        "machinery": f"{ent.name}高端装备智能制造基地项目",
                        "auto": f"{ent.name}新能源汽车关键零部件产业化项目",
                        "materials": f"{ent.name}高性能新材料产业化项目",
                    }[ent.sector]
                    amount = Decimal(rng.choice([50000, 60000, 80000, 100000, 150000, 200000, 300000]))
                    date = self.dates.pick(dt.date(2021, 10, 1), dt.date(2022, 2, 28))
                    university = rng.choice(self.universities(group)) if rng.random() < 0.5 else None
                else:
                    ent = rng.choice(pool)
                    university = rng.choice(self.universities(group))
                    title = f"{self.topic(ent)}项目（{university}）"
                    amount = Decimal(rng.choice([80, 100, 150, 200, 300, 500, 800])) if rng.random() < 0.7 else None
                    date = self.dates.pick()
                self.add(
                    "project",
                    group,
                    date,
                    self.crew(group, ent.town),
                    {
                        "title": title,
                        "enterprise": ent.name,
                        "university": university,
                        "is_provincial_major": major,
                        "amount_wan": amount,
                    },
                )

    def plan_talents(self) -> None:
        rng = self.rng
        total = _pick_value(rng, tg.TOTAL, "talents_introduced")
        counts = dict(zip(GROUP_NAMES, _split(rng, total, [27, 24, 22, 27]), strict=True))
        for group in GROUP_NAMES:
            self.figures[group]["talents"] = counts[group]
            left = counts[group]
            universities = self.universities(group)
            if group == tg.XINBEI:
                _, trina = tg.FACTS[tg.XINBEI]["talent_enterprise"]
                experts, team = rng.randint(2, 3), rng.randint(4, 6)
                self.add(
                    "talent",
                    group,
                    self.dates.pick(dt.date(2021, 11, 1), dt.date(2022, 3, 31)),
                    self.crew(group, extra=(0.6, 0.3)),
                    {
                        "talent_name": "新能源储能领域专家",
                        "person_count": experts,
                        "enterprise": trina,
                        "university": None,
                        "description": "为天合光能引进落户新能源储能领域专家",
                    },
                )
                self.add(
                    "talent",
                    group,
                    self.dates.pick(dt.date(2021, 12, 1), REPORT_DATE),
                    self.crew(group, extra=(0.6, 0.3)),
                    {
                        "talent_name": "湖南大学储能材料博士技术团队",
                        "person_count": team,
                        "enterprise": trina,
                        "university": "湖南大学",
                        "description": "“双一流”高校博士技术团队落户天合光能",
                    },
                )
                left -= experts + team
            pool = [e for e in self.pool[group] if e.credit_code]
            while left > 0:
                n = min(left, rng.choices([1, 1, 1, 2, 3, 4], k=1)[0])
                left -= n
                ent = rng.choice(pool)
                university = rng.choice(universities)
                field_ = V.SECTORS[ent.sector]["label"]
                if n == 1:
                    name, _ = self.person()
                    degree = rng.choice(["博士", "博士", "硕士", "高级工程师"])
                    talent = f"{name}（{degree}，{field_}方向）"
                    how = {
                        "博士": ["全职引进", "柔性引进", "博士后工作站进站", "入选龙城英才计划"],
                        "硕士": ["全职引进"],
                    }
                    description = rng.choice(how.get(degree, ["全职引进", "柔性引进"]))
                else:
                    talent = f"{university}{field_}{rng.choice(['博士团队', '研发团队', '青年教师团队'])}"
                    description = rng.choice(["团队整体引进", "柔性引进", "龙城英才计划入选项目团队"])
                self.add(
                    "talent",
                    group,
                    self.dates.pick(),
                    self.crew(group, ent.town),
                    {
                        "talent_name": talent,
                        "person_count": n,
                        "enterprise": ent.name,
                        "university": university,
                        "description": description,
                    },
                )

    # ---- landings, bases, fund, applications, cultivations, pairings

    def plan_landings(self) -> None:
        rng = self.rng
        note = tg.FACTS[tg.WUJIN]["landed_note"]
        hvac = _pick_value(rng, tg.WUJIN, "enterprises_landed")
        self.figures[tg.WUJIN]["landed"] = hvac
        brands = rng.sample(V.HVAC_BRANDS, hvac)
        for brand in brands:
            origin = rng.choice(V.HVAC_ORIGINS)
            name = f"常州{brand}{rng.choice(V.HVAC_WORDS)}有限公司"
            ent = self.enterprise(
                tg.WUJIN,
                "hvac",
                recent=True,
                town=HVAC_PARK,
                name=name,
                industry="3464",
                product=f"{origin}品牌暖通产品",
            )
            ent.credit_code = self.new_code(tg.WUJIN, recent=True)
            ent.description = (
                f"{origin}暖通品牌在华运营企业，入驻{note}，从事{origin}品牌暖通产品的销售、技术服务与研发。"
            )
            date = self.dates.pick(dt.date(2021, 10, 15), REPORT_DATE)
            self.add(
                "landing",
                tg.WUJIN,
                date,
                self.crew(tg.WUJIN, HVAC_PARK),
                {"enterprise": name, "note": f"{note}入驻品牌商（{origin}）"},
            )
        for name, sector, code, town, product in LANDED_JINTAN:
            self.enterprise(tg.JINTAN, sector, town=town, name=name, industry=code, product=product, named=True)
            self.add(
                "landing",
                tg.JINTAN,
                self.dates.pick(dt.date(2021, 10, 1)),
                self.crew(tg.JINTAN, town),
                {"enterprise": name, "note": "招引注册落户"},
            )
        self.figures[tg.JINTAN]["landed"] = len(LANDED_JINTAN)
        n = rng.randint(1, 2)
        self.figures[tg.LIYANG]["landed"] = n
        for _ in range(n):
            ent = self.enterprise(tg.LIYANG, "battery", recent=True, town="溧阳高新技术产业开发区")
            self.add(
                "landing",
                tg.LIYANG,
                self.dates.pick(dt.date(2021, 11, 1)),
                self.crew(tg.LIYANG),
                {"enterprise": ent.name, "note": "招引科技型企业注册落户"},
            )

    def plan_bases_and_fund(self) -> None:
        rng = self.rng
        bases = tg.FACTS[tg.JINTAN]["employment_bases"]
        univs = ["江苏大学", "江苏理工学院", "常州工学院", "武汉大学"]
        for name, university in zip(bases.values(), rng.sample(univs, len(univs)), strict=True):
            self.add(
                "employment_base",
                tg.JINTAN,
                self.dates.pick(dt.date(2021, 10, 15)),
                self.crew(tg.JINTAN),
                {"enterprise": name, "university": university},
            )
        for group in (tg.LIYANG, tg.WUJIN, tg.XINBEI):
            for _ in range(rng.randint(0, 1) if group != tg.LIYANG else 1):
                ent = rng.choice(self.linked[group])
                self.add(
                    "employment_base",
                    group,
                    self.dates.pick(dt.date(2021, 10, 15)),
                    self.crew(group),
                    {"enterprise": ent.name, "university": rng.choice(self.universities(group))},
                )
        date = self.dates.pick(dt.date(2021, 12, 1), dt.date(2022, 3, 31))
        leader = next(m.name for m in self.by_group[tg.WUJIN] if m.role == "团长")
        others = [m for m in self.crew(tg.WUJIN, extra=(0.5, 0)) if m != leader]
        self.add(
            "fund",
            tg.WUJIN,
            date,
            (leader, *others),
            {
                "fund_name": FUND_NAME,
                "amount_wan": FUND_AMOUNT,
            },
        )

    def plan_applications(self) -> None:
        rng = self.rng
        for group in GROUP_NAMES:
            n = _pick_value(rng, group, "applications_supported", default=rng.randint(22, 40))
            self.figures[group]["applications"] = n
            pool = [e for e in self.pool[group] if e.credit_code]
            for _ in range(n):
                ent = rng.choice(pool)
                kind = rng.choices(["technology", "talent", "funding", "other"], weights=[40, 25, 25, 10])[0]
                date = self.dates.pick()
                self.add(
                    "application",
                    group,
                    date,
                    self.crew(group, ent.town),
                    {
                        "enterprise": ent.name,
                        "kind": kind,
                        "title": f"{date.year}年度{rng.choice(V.APPLICATIONS[kind])}",
                    },
                )

    def plan_cultivations(self) -> None:
        rng = self.rng
        for group in GROUP_NAMES:
            n_ht = _pick_value(rng, group, "hightech_cultivated", default=rng.randint(12, 24))
            n_bse = _pick_value(rng, group, "bse_potential", default=rng.randint(2, 5))
            self.figures[group].update(hightech_cultivated=n_ht, bse_potential=n_bse)
            pool = [e for e in self.pool[group] if e.credit_code]
            tagged_2021 = [e for e in pool if ("high_tech", 2021) in e.tags]
            untagged = [e for e in pool if not any(k == "high_tech" for k, _ in e.tags)]
            achieved = rng.sample(tagged_2021, min(len(tagged_2021), round(n_ht * rng.uniform(0.15, 0.25))))
            chosen = [(e, "achieved") for e in achieved]
            chosen += [(e, "in_progress") for e in rng.sample(untagged, n_ht - len(achieved))]
            for ent, status in chosen:
                start = dt.date(2021, 8, 20) if status == "achieved" else ARRIVAL
                end = dt.date(2021, 10, 31) if status == "achieved" else REPORT_DATE
                self.add(
                    "cultivation",
                    group,
                    self.dates.pick(start, end),
                    self.crew(group, ent.town),
                    {"enterprise": ent.name, "kind": "high_tech", "status": status},
                )
            # 北交所潜力企业: established companies with scale, tagged when identified.
            achieved_ids = set(map(id, achieved))
            candidates = [e for e in pool if ("above_scale", None) in e.tags and id(e) not in achieved_ids]
            for ent in rng.sample(candidates, n_bse):
                ent.tags.append(("bse_potential", 2022))
                self.add(
                    "cultivation",
                    group,
                    self.dates.pick(dt.date(2021, 11, 1)),
                    self.crew(group, ent.town),
                    {"enterprise": ent.name, "kind": "bse_potential", "status": "in_progress"},
                )

    def plan_pairings(self) -> None:
        rng = self.rng
        counts = {
            tg.LIYANG: rng.randint(3, 5),
            tg.JINTAN: 3,
            tg.WUJIN: tg.FACTS[tg.WUJIN]["paired_universities"],
            tg.XINBEI: 3,
        }
        for group in GROUP_NAMES:
            universities = self.universities(group)[: counts[group]]
            places = self.regions(group)
            for i, university in enumerate(universities):
                place = places[i % len(places)] if group == tg.WUJIN else rng.choice(places)
                self.add(
                    "pairing",
                    group,
                    self.dates.pick(dt.date(2021, 9, 1), dt.date(2022, 1, 20)),
                    self.crew(group, place),
                    {"university": university, "region": place},
                )

    def run(self) -> Plan:
        self.plan_roster()
        self.plan_enterprises()
        self.plan_events()
        self.plan_visitors()
        self.plan_reports()
        self.plan_needs()
        self.plan_cooperation()
        self.plan_platforms()
        self.plan_projects()
        self.plan_talents()
        self.plan_landings()
        self.plan_bases_and_fund()
        self.plan_applications()
        self.plan_cultivations()
        self.plan_pairings()
        order = {kind: i for i, kind in enumerate(RECORD_ORDER)}
        # Written kind by kind, each in date order (needs may point to earlier needs: stable sort keeps
        # a duplicate after the need it repeats because duplicates are dated later).
        records = sorted(self.records, key=lambda r: (order[r.kind], r.date))
        return Plan(self.seed, self.units, self.members, self.enterprises, self.platforms, records, self.figures)


DEFAULT_SEED = 14


def plan_demo(seed: int = DEFAULT_SEED) -> Plan:
    """Plan the whole demo from ``seed``; the same seed always gives the same plan."""
    return _Planner(seed).run()
