"""The demo's history: 常州市第十三批 (2020-08 – 2021-05, closed) and the 2021 batches of 无锡市 and 苏州市.

So that every comparison (a city's batches side by side, the cities of the province for a year, the map
of Jiangsu) has something to show besides 常州市第十四批, whose records and figures stay exactly those of
the seed article (:mod:`techmayor.demo.builder`). Everything here is generated from the demo's seed
(``random.Random``): members and companies with made-up names (``is_demo``), a ledger of every kind the
scorecard counts, smaller than the 14th's.

Written in bulk (decision 0027): the batches, groups and the regions the new cities need go through
their services; members, tenures, companies and records are inserted with ``bulk_create``, each with
the audit record ``create_record`` would write (source ``demo``). Those inserts bypass the model
signals that keep the scorecard's cells exact, so the new batches' cells are left unbuilt
(``rollup.invalidate``) and built from the records on their first read (decision 0013). The 14th's
cells and records are not touched: 13th-batch work on the 14th's companies adds records only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from techmayor.cooperation.choices import AgreementKind
from techmayor.cooperation.models import Agreement, AgreementReceipt, Intent
from techmayor.core import audit
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditAction, AuditLog, Industry, Region, RegionLevel
from techmayor.core.regions import load_tree, province_tree
from techmayor.core.text import normalize_company_name
from techmayor.enterprises.choices import EnterpriseTagKind
from techmayor.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag
from techmayor.imports.engine import insert_rows
from techmayor.ledger import models as L
from techmayor.ledger.choices import ApplicationKind, CultivationKind, CultivationStatus, EventKind, VisitorKind
from techmayor.needs.choices import NeedAction, NeedState, Urgency
from techmayor.needs.models import Need, NeedTransition, OutcomeRound
from techmayor.needs.state_machine import rank
from techmayor.resources.choices import PlatformKind
from techmayor.resources.models import Platform, University
from techmayor.roster.choices import TenureRole
from techmayor.roster.models import Batch, DispatchUnit, Group, Member, Tenure
from techmayor.roster.services import batch_close, batch_create, group_create
from techmayor.scorecard import rollup

from . import targets as tg
from . import vocab as V
from .plan import DEMO_TODAY, MONTH_WEIGHTS, credit_code

# The 14th batch's pace by month of tenure (August … May), the last month's kept for later months.
TENURE_PACE = tuple(MONTH_WEIGHTS.values())

PROVINCE = "江苏省"
_PLAIN = (int, str, bool, type(None))  # values the database takes as they are


@dataclass(frozen=True)
class HistoryBatch:
    city: str
    number: int
    start: dt.date
    end: dt.date
    closed: bool
    scale: float  # the ledger's size against the 14th's
    groups: tuple[tuple[str, str], ...]  # (group, the district it serves)
    members: int
    continuing: int = 0  # members who serve again in 常州市第十四批 (one person, two tenures)
    partners: tuple[str, ...] = ()  # universities the groups work with most


HISTORY = (
    HistoryBatch(
        "常州市", 13, dt.date(2020, 8, 1), dt.date(2021, 5, 31), True, 0.5, tuple(tg.GROUPS), 34, continuing=6,
        partners=("常州大学", "江苏理工学院", "常州工学院", "东南大学", "南京工业大学", "江南大学", "河海大学"),
    ),
    HistoryBatch(
        "无锡市", 14, dt.date(2021, 8, 1), dt.date(2022, 7, 31), False, 0.45,
        (("江阴团", "江阴市"), ("宜兴团", "宜兴市"), ("锡山团", "锡山区"), ("惠山团", "惠山区")), 36,
        partners=("江南大学", "东南大学", "南京大学", "南京理工大学", "江苏大学", "上海交通大学", "中国矿业大学"),
    ),
    HistoryBatch(
        "苏州市", 14, dt.date(2021, 8, 1), dt.date(2022, 7, 31), False, 0.55,
        (("昆山团", "昆山市"), ("张家港团", "张家港市"), ("常熟团", "常熟市"), ("吴江团", "吴江区")), 42,
        partners=("苏州大学", "苏州科技大学", "东南大学", "南京大学", "同济大学", "浙江大学", "南京航空航天大学"),
    ),
)  # fmt: skip

# The 14th batch's ledger (the seed article's figures, rounded): each history batch has ``scale`` of it.
BASE = {
    "link": 560, "visit": 960, "event": 250, "visitor": 190, "report": 24, "need": 420, "intent": 60,
    "agreement": 50, "platform": 12, "project": 36, "talent": 48, "landing": 38, "employment_base": 6,
    "fund": 1, "application": 170, "cultivation": 120, "pairing": 36,
}  # fmt: skip
COMPANIES_PER_GROUP = 100
TOWNS_PER_DISTRICT = 3  # of a new city's served district, in the national list's order
EVENT_KINDS = ((EventKind.MATCHMAKING, 33), (EventKind.DOCKING, 22), (EventKind.RECRUITMENT, 12), (EventKind.OTHER, 33))
# How far the needs of a current batch have come, and of a closed one (all settled at its handover).
NEED_STATES = {
    False: ((NeedState.PENDING, 9), (NeedState.VERIFIED, 7), (NeedState.PUBLISHED, 20), (NeedState.CLAIMED, 30),
            (NeedState.COMPLETION_SUBMITTED, 5), (NeedState.COMPLETED, 24), (NeedState.CANCELLED, 5)),
    True: ((NeedState.COMPLETED, 78), (NeedState.CANCELLED, 22)),
}  # fmt: skip
PATH = (NeedAction.VERIFY, NeedAction.PUBLISH, NeedAction.CLAIM, NeedAction.SUBMIT_COMPLETION,
        NeedAction.APPROVE_COMPLETION)  # fmt: skip
PATH_STATES = (NeedState.PENDING, NeedState.VERIFIED, NeedState.PUBLISHED, NeedState.CLAIMED,
               NeedState.COMPLETION_SUBMITTED, NeedState.COMPLETED)  # fmt: skip
LOCAL_POSTS = ("副镇长", "副镇长", "街道办事处副主任", "管委会副主任", "科技副总", "副区长", "副市长")


def build_history(batch: Batch, *, seed: int) -> str:
    """Write the history beside ``batch`` (常州市第十四批); returns a line saying what was written."""
    writer = _HistoryWriter(batch, seed)
    made = [writer.write(spec) for spec in HISTORY]
    rollup.invalidate([b.pk for b in made])  # built from the records on first read
    return f"历史批次：{'、'.join(str(b) for b in made)}（{writer.summary()}）"


def _load_cities() -> None:
    """The province's 13 cities (for the comparisons and the map), the districts the new cities' groups
    serve and a few towns of each (regions are written one by one, audited: the whole province would take
    seconds); ``load_regions --province 江苏省`` adds the rest, matched by name."""
    tree = province_tree(PROVINCE)
    served = {spec.city: {d for _, d in spec.groups} for spec in HISTORY}
    for city in tree["children"]:
        districts = served.get(city["name"], set())
        city["children"] = [d for d in city["children"] if d["name"] in districts]
        for district in city["children"]:
            district["children"] = district["children"][:TOWNS_PER_DISTRICT]
    load_tree(tree)


def _weighted(rng: random.Random, choices) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _fill(text: str, rng: random.Random) -> str:
    return text.format(
        p=rng.randint(55, 85), q=rng.randint(3, 15), n=rng.randint(2, 5), m=rng.randint(20, 300), university="高校"
    )


class _HistoryWriter:
    def __init__(self, batch: Batch, seed: int):
        self.current = batch
        self.rng = random.Random(f"history-{seed}")
        self.audit: list[tuple] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.source = audit.current_source()
        _load_cities()
        self.names = set(Member.objects.values_list("name", flat=True)) | set(V.RESERVED_NAMES)
        self.companies = set(Enterprise.objects.values_list("normalized_name", flat=True))
        self.codes = set(Enterprise.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
        self.units = list(DispatchUnit.objects.order_by("name"))
        codes = {V.UNIVERSITIES[name][0]: name for name in V.UNIVERSITIES}
        self.universities = {codes[u.code]: u for u in University.objects.filter(code__in=codes)}
        self.sector_of = {code: sector for sector, spec in V.SECTORS.items() for code in spec["codes"]}
        self.industries = {i.code: i for i in Industry.objects.filter(code__in=self.sector_of)}

    # ---- writing and auditing in bulk

    def _insert(self, model: type[models.Model], objs: list, *, label: str | None = None, audited=True) -> list:
        """Insert ``objs`` with one ``executemany`` (no per-row SQL to build or, under DEBUG, to log), give
        them their ids, and queue for each the audit record ``create_record`` would write."""
        if not objs:
            return objs
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        db = connections[DEFAULT_DB_ALIAS]
        last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0

        def value(obj, field):
            v = getattr(obj, field.attname)
            if v is None or not getattr(field, "auto_now_add", False):  # a creation date set here is kept
                v = field.pre_save(obj, True)
            return v if type(v) in _PLAIN else field.get_db_prep_save(v, db)

        insert_rows(model, [f.name for f in fields], ([value(obj, f) for f in fields] for obj in objs))
        ids = list(model._base_manager.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))
        if len(ids) != len(objs):  # pragma: no cover - another writer inserted into the table meanwhile
            raise ApplicationError(f"演示数据：{model._meta.verbose_name}写入时有其他写入，请重试")
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS
        if label is not None:
            self.counts[label] += len(objs)
        if not audited:
            return objs
        name = model._meta.label_lower
        for obj in objs:
            text = getattr(obj, "title", "") or getattr(obj, "name", "") or f"{model._meta.verbose_name} {obj.pk}"
            self.audit.append((name, str(obj.pk), str(text)[:255], audit.snapshot(obj, m2m=False)))
        return objs

    def _credit(self, model, objs: list, crews: list[tuple[Member, ...]]) -> None:
        """The members credited with each record (``members``), inserted in bulk."""
        field = model._meta.get_field("members")
        through = field.remote_field.through
        insert_rows(
            through,
            [field.m2m_field_name(), field.m2m_reverse_field_name()],
            ((obj.pk, m.pk) for obj, crew in zip(objs, crews, strict=True) for m in crew),
        )

    def flush_audit(self) -> None:
        """Write the queued audit records (as ``core.audit.record`` would: source, action, the snapshot)."""
        db = connections[DEFAULT_DB_ALIAS]
        at = AuditLog._meta.get_field("at").get_db_prep_save(timezone.now(), db)
        after = AuditLog._meta.get_field("after")
        columns = ["at", "actor", "source", "action", "model", "object_id", "object_repr", "before", "after", "note"]
        rows = (
            (at, None, self.source, AuditAction.CREATE, name, pk, text, None, after.get_db_prep_save(data, db), "")
            for name, pk, text, data in self.audit
        )
        insert_rows(AuditLog, columns, rows)
        self.audit = []

    def summary(self) -> str:
        labels = {"member": "团员", "tenure": "任职", "enterprise": "企业", "record": "工作记录"}
        return "，".join(f"{labels[k]} {self.counts[k]}" for k in labels)

    # ---- one batch

    def write(self, spec: HistoryBatch) -> Batch:
        city = Region.objects.get(name=spec.city, level=RegionLevel.CITY, parent__name=PROVINCE)
        batch = batch_create(
            city=city, number=spec.number, start_date=spec.start, end_date=spec.end, is_active=not spec.closed
        )
        if spec.closed:  # handed over to the 14th the day it began
            batch = batch_close(batch=batch, note="第十三批任期结束")
            closed_at = timezone.make_aware(dt.datetime.combine(spec.end + dt.timedelta(days=1), dt.time(9)))
            Batch.objects.filter(pk=batch.pk).update(closed_at=closed_at)
        districts = {r.name: r for r in Region.objects.filter(parent=city, level=RegionLevel.DISTRICT)}
        groups = [group_create(batch=batch, name=name, district=districts[d]) for name, d in spec.groups]
        self.writer = _BatchWriter(self, spec, batch, groups)
        self.writer.run()
        self.flush_audit()
        return batch


class _BatchWriter:
    """The roster, companies and ledger of one history batch."""

    def __init__(self, owner: _HistoryWriter, spec: HistoryBatch, batch: Batch, groups: list[Group]):
        self.o, self.spec, self.batch, self.groups = owner, spec, batch, groups
        self.rng = owner.rng
        self.last = min(spec.end, DEMO_TODAY)
        self.arrival = spec.start + dt.timedelta(days=8)
        self.crew: dict[int, list[Member]] = {}
        self.towns: dict[int, list[Region]] = {}
        self.pool: dict[int, list[Enterprise]] = {}
        others = sorted(set(owner.universities) - set(spec.partners))
        self.partners = [owner.universities[n] for n in [*spec.partners, *self.rng.sample(others, 10)]]

    def day(self, after: dt.date | None = None) -> dt.date:
        """A working day of the batch's term (after ``after`` when given), not after the demo's today, at
        the pace of the 14th batch's months of tenure (slow on arrival and at the Spring Festival): the
        targets' forecasts learn a batch's shape from the city's past batches."""
        start = max(after or self.arrival, self.arrival)
        span = max((self.last - start).days, 0)
        for _ in range(40):
            day = start + dt.timedelta(days=self.rng.randint(0, span))
            month = (day.year - self.spec.start.year) * 12 + day.month - self.spec.start.month
            pace = TENURE_PACE[min(month, len(TENURE_PACE) - 1)]
            if day.weekday() < 5 and self.rng.random() * max(TENURE_PACE) <= pace:
                return day
        return day

    def team(self, group: Group) -> tuple[Member, ...]:
        members = self.crew[group.pk]
        more = self.rng.choices((0, 1, 2), weights=(55, 35, 10))[0]
        return tuple(self.rng.sample(members, 1 + more))

    def n(self, kind: str) -> int:
        return max(1, round(BASE[kind] * self.spec.scale * self.rng.uniform(0.9, 1.1)))

    def run(self) -> None:
        self.roster()
        self.companies()
        self.ledger()

    # ---- the roster

    def person(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            gender = "男" if rng.random() < 0.74 else "女"
            pool = V.GIVEN_MALE if gender == "男" else V.GIVEN_FEMALE
            name = rng.choice(V.SURNAMES) + rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
            if name not in self.o.names:
                self.o.names.add(name)
                return name, gender

    def name(self) -> str:
        """A name for someone outside the roster (a visitor, a talent)."""
        rng = self.rng
        return rng.choice(V.SURNAMES) + rng.choice(V.GIVEN_MALE + V.GIVEN_FEMALE) + rng.choice(V.GIVEN_MALE)

    def roster(self) -> None:
        rng, spec = self.rng, self.spec
        for group in self.groups:
            self.towns[group.pk] = list(Region.objects.filter(parent=group.district_id).order_by("code", "name"))
        continuing = self._continuing()
        count = spec.members - len(continuing)
        people = [self.person() for _ in range(count)]
        made = self.o._insert(
            Member,
            [Member(name=n, gender=g, expertise=rng.choice(V.DISCIPLINES), is_demo=True) for n, g in people],
            label="member",
        )
        by_group: dict[int, list[Member]] = defaultdict(list)
        for i, member in enumerate(made):
            by_group[self.groups[i % len(self.groups)].pk].append(member)
        for member, group_name in continuing:  # not its leaders: they served as members
            by_group[next(g.pk for g in self.groups if g.name == group_name)].append(member)
        tenures = []
        for group in self.groups:
            self.crew[group.pk] = by_group[group.pk]
            for i, member in enumerate(by_group[group.pk]):
                role = TenureRole.LEADER if i == 0 else TenureRole.DEPUTY if i == 1 else TenureRole.MEMBER
                unit = rng.choice(self.o.units)
                posts = V.LEADER_HOME_POSTS if role == TenureRole.LEADER else V.HOME_POSTS
                towns = self.towns[group.pk]
                tenures.append(
                    Tenure(
                        member=member,
                        batch=self.batch,
                        group=group,
                        role=role,
                        dispatch_unit=unit,
                        home_post=rng.choice(posts.get(unit.kind, posts[V.UNIVERSITY])),
                        local_post=rng.choice(LOCAL_POSTS),
                        local_region=rng.choice(towns) if towns else group.district,
                        start_date=self.arrival,
                        end_date=spec.end if spec.closed else None,
                    )
                )
        self.o._insert(Tenure, tenures, label="tenure")

    def _continuing(self) -> list[tuple[Member, str]]:
        """Members of the 14th batch who served in this one before, in the group of the same name (none
        holds a demo login, whose pages show one tenure)."""
        if not self.spec.continuing:
            return []
        tenures = (
            Tenure.objects.filter(batch=self.o.current, member__user=None, role=TenureRole.MEMBER)
            .select_related("member", "group")
            .order_by("pk")
        )
        chosen = self.rng.sample(list(tenures), self.spec.continuing)
        return [(t.member, t.group.name) for t in sorted(chosen, key=lambda t: t.pk)]

    # ---- the companies

    def companies(self) -> None:
        if self.batch.city_id == self.o.current.city_id:  # the same city: the companies the 14th serves
            for group in self.groups:
                self.pool[group.pk] = list(
                    Enterprise.objects.filter(region__parent=group.district_id).select_related("industry", "region")
                )
            return
        new, tags = [], []
        for group in self.groups:
            for _ in range(COMPANIES_PER_GROUP):
                new.append((group, self.company(group)))
        made = self.o._insert(Enterprise, [e for _, e in new], label="enterprise")
        for (group, _), enterprise in zip(new, made, strict=True):
            self.pool.setdefault(group.pk, []).append(enterprise)
            if self.rng.random() < 0.3:
                tags.append(EnterpriseTag(enterprise=enterprise, kind=EnterpriseTagKind.HIGH_TECH, year=2020))
        self.o._insert(EnterpriseTag, tags)

    def company(self, group: Group) -> Enterprise:
        rng, o = self.rng, self.o
        sector = rng.choice(list(V.SECTORS))
        spec = V.SECTORS[sector]
        town = rng.choice(self.towns[group.pk]) if self.towns[group.pk] else None
        district = group.district
        while True:
            prefix = rng.choice((self.batch.city.name.removesuffix("市"), district.name.removesuffix("市"), "江苏"))
            name = f"{prefix}{''.join(rng.sample(V.BRAND_CHARS, 2))}{rng.choice(spec['words'])}有限公司"
            key = normalize_company_name(name)
            if key not in o.companies:
                o.companies.add(key)
                break
        while True:
            code = credit_code(rng, district.code, rng.random() < 0.4)
            if code not in o.codes:
                o.codes.add(code)
                break
        industry = o.industries.get(rng.choice(spec["codes"])) or next(iter(o.industries.values()))
        road = rng.choice(("创业路", "科技大道", "兴业路", "发展大道", "创新路", "振兴路"))
        return Enterprise(
            name=name,
            normalized_name=key,
            credit_code=code,
            region=town or district,
            industry=industry,
            address=f"{self.batch.city.name}{district.name}{getattr(town, 'name', '')}{road}{rng.randint(1, 99)}号",
            description=f"主要从事{rng.choice(spec['products'])}的研发、生产和销售。",
            is_demo=True,
        )

    def sector(self, enterprise: Enterprise) -> str:
        code = enterprise.industry.code if enterprise.industry_id else ""
        return self.o.sector_of.get(code) or self.rng.choice(list(V.SECTORS))

    # ---- the ledger

    def records(self, model, kind: str, make) -> list:
        """``n(kind)`` records of ``model``, ``make(group)`` giving each one's own fields, credited
        to 1–3 members of its group."""
        rows = []
        for _ in range(self.n(kind)):
            group = self.rng.choice(self.groups)
            day = self.day()
            rows.append((model(batch=self.batch, group=group, date=day, **make(group)), self.team(group)))
        rows.sort(key=lambda row: row[0].date)  # ids in date order, as records are usually entered
        made = self.o._insert(model, [obj for obj, _ in rows], label="record")
        self.o._credit(model, made, [crew for _, crew in rows])
        return made

    def company_of(self, group: Group) -> Enterprise:
        return self.rng.choice(self.pool[group.pk])

    def university(self) -> University:
        return self.rng.choice(self.partners)

    def ledger(self) -> None:
        self.links()
        self.records(L.Visit, "visit", self.visit)
        self.events()
        self.records(L.VisitorRecord, "visitor", self.visitor)
        self.records(L.Report, "report", self.report)
        self.cooperation(self.needs())
        self.platforms()
        self.records(L.ProjectBrokered, "project", self.project)
        self.records(L.TalentIntroduction, "talent", self.talent)
        self.records(L.EnterpriseLanding, "landing", lambda g: {"enterprise": self.company_of(g), "note": "注册落户"})
        self.records(L.EmploymentBase, "employment_base", self.employment_base)
        self.records(L.FundLanding, "fund", self.fund)
        self.records(L.ApplicationSupported, "application", self.application)
        self.records(L.EnterpriseCultivation, "cultivation", self.cultivation)
        self.records(L.UniversityPairing, "pairing", self.pairing)

    def visit(self, group: Group) -> dict:
        return {"enterprise": self.company_of(group), "note": "走访了解企业研发与技术需求"}

    def report(self, group: Group) -> dict:
        label = V.SECTORS[self.rng.choice(list(V.SECTORS))]["label"]
        title = f"{group.district.name}{label}产业创新需求调研报告"
        return {"title": title, "summary": "梳理重点企业技术需求与高校创新资源。"}

    def employment_base(self, group: Group) -> dict:
        return {"enterprise": self.company_of(group), "university": self.university()}

    def fund(self, group: Group) -> dict:
        name = f"{self.batch.city.name}{group.district.name}科技创新产业基金"
        return {"fund_name": name, "amount_wan": Decimal(self.rng.choice((5000, 10000, 20000)))}

    def pairing(self, group: Group) -> dict:
        return {"university": self.university(), "region": self.rng.choice(self.towns[group.pk] or [group.district])}

    def links(self) -> None:
        """挂钩服务: each group links a company once (the model's constraint), most of its pool."""
        rows = []
        share = self.n("link") // len(self.groups)
        for group in self.groups:
            pool = self.pool[group.pk]
            for enterprise in self.rng.sample(pool, min(share, len(pool) * 4 // 5)):
                rows.append((EnterpriseLink(batch=self.batch, group=group, enterprise=enterprise, date=self.day()),
                             self.team(group)))  # fmt: skip
        rows.sort(key=lambda row: row[0].date)
        made = self.o._insert(EnterpriseLink, [link for link, _ in rows], label="record")
        self.o._credit(EnterpriseLink, made, [crew for _, crew in rows])

    def events(self) -> None:
        made = self.records(L.Event, "event", self.event)
        companies, universities = [], []
        for event in made:
            companies += [(event.pk, e.pk) for e in self.rng.sample(self.pool[event.group_id], self.rng.randint(1, 4))]
            universities += [(event.pk, u.pk) for u in self.rng.sample(self.partners, self.rng.randint(1, 2))]
        insert_rows(L.Event.enterprises.through, ["event", "enterprise"], companies)
        insert_rows(L.Event.universities.through, ["event", "university"], universities)

    def event(self, group: Group) -> dict:
        kind = _weighted(self.rng, EVENT_KINDS)
        topic = V.SECTORS[self.rng.choice(list(V.SECTORS))]["label"]
        title = {
            EventKind.MATCHMAKING: f"{group.district.name}{topic}产学研专场对接会",
            EventKind.DOCKING: f"{topic}技术成果对接活动",
            EventKind.RECRUITMENT: f"{self.university().name}校园招聘（{group.district.name}专场）",
            EventKind.OTHER: f"{group.district.name}科技政策宣讲会",
        }[kind]
        return {"kind": kind, "title": title, "location": group.district.name}

    def visitor(self, group: Group) -> dict:
        rng = self.rng
        if rng.random() < 0.7:
            university = self.university()
            return {"kind": VisitorKind.EXPERT, "visitor_name": self.name() + "教授", "organization": university.name,
                    "university": university, "person_count": rng.randint(1, 4)}  # fmt: skip
        brand = "".join(rng.sample(V.BRAND_CHARS, 2))
        org = f"{rng.choice(V.VISITOR_CITIES)}{brand}{rng.choice(V.VISITOR_ORG_WORDS)}有限公司"
        return {"kind": VisitorKind.ENTREPRENEUR, "visitor_name": self.name(), "organization": org,
                "person_count": rng.randint(1, 3)}  # fmt: skip

    def project(self, group: Group) -> dict:
        enterprise = self.company_of(group)
        return {
            "title": f"{V.SECTORS[self.sector(enterprise)]['label']}产业化项目",
            "enterprise": enterprise,
            "university": self.university(),
            "is_provincial_major": self.rng.random() < 0.15,
            "amount_wan": Decimal(self.rng.randrange(500, 20000, 100)),
        }

    def talent(self, group: Group) -> dict:
        count = self.rng.choice((1, 1, 1, 2, 3))
        name = self.name() + ("团队" if count > 1 else "博士")
        return {"talent_name": name, "person_count": count, "enterprise": self.company_of(group),
                "university": self.university(), "description": "柔性引进，参与企业技术攻关"}  # fmt: skip

    def application(self, group: Group) -> dict:
        kind = self.rng.choice(list(V.APPLICATIONS))
        title = self.rng.choice(V.APPLICATIONS[kind]).replace("常州市", self.batch.city.name)
        return {"enterprise": self.company_of(group), "kind": ApplicationKind(kind), "title": title}

    def cultivation(self, group: Group) -> dict:
        kind = self.rng.choices(list(CultivationKind), weights=(60, 15, 25))[0]
        status = CultivationStatus.ACHIEVED if self.rng.random() < 0.35 else CultivationStatus.IN_PROGRESS
        return {"enterprise": self.company_of(group), "kind": kind, "status": status}

    def platforms(self) -> None:
        rng, specs = self.rng, []
        for _ in range(self.n("platform")):
            group = rng.choice(self.groups)
            university = self.university()
            kind = rng.choice([k for k in PlatformKind if k != PlatformKind.OTHER])
            name = f"{university.name}{group.district.name}{rng.choice(list(V.SECTORS.values()))['label']}{kind.label}"
            specs.append((group, Platform(name=name, kind=kind, university=university, is_demo=True,
                                          region=rng.choice(self.towns[group.pk] or [group.district]))))  # fmt: skip
        unique = {p.name: (g, p) for g, p in specs if not Platform.objects.filter(name=p.name).exists()}
        made = self.o._insert(Platform, [p for _, p in unique.values()])
        groups = [g for g, _ in unique.values()]
        intros = [L.PlatformIntroduction(batch=self.batch, group=g, date=self.day(), platform=p)
                  for g, p in zip(groups, made, strict=True)]  # fmt: skip
        made = self.o._insert(L.PlatformIntroduction, intros, label="record")
        self._crew(L.PlatformIntroduction, made)

    def _crew(self, model, objs: list) -> None:
        groups = {g.pk: g for g in self.groups}
        self.o._credit(model, objs, [self.team(groups[obj.group_id]) for obj in objs])

    # ---- needs and cooperation

    def needs(self) -> list[Need]:
        rng = self.rng
        objs, steps = [], []
        for _ in range(self.n("need")):
            group = rng.choice(self.groups)
            enterprise = self.company_of(group)
            title, why, wish = rng.choice(V.SECTORS[self.sector(enterprise)]["needs"])
            target = _weighted(rng, NEED_STATES[self.spec.closed])
            day = self.day()
            need = Need(
                batch=self.batch, group=group, date=day, enterprise=enterprise, region=enterprise.region,
                title=title, description=_fill(why, rng) + _fill(wish, rng), industry=enterprise.industry,
                kind=_weighted(rng, V.NEED_KIND_WEIGHTS.items()), urgency=rng.choice(list(Urgency)),
                is_bottleneck=rng.random() < 0.08,
            )  # fmt: skip
            steps.append(self.timeline(need, target))
            objs.append(need)
        made = self.o._insert(Need, objs, label="record")
        self._crew(Need, made)
        transitions = []
        for need, moves in zip(made, steps, strict=True):
            entered = need.created_at
            for action, before, after, at in moves:
                stay = round(max((at - entered).total_seconds(), 0) / 8640)  # as needs.services._tenths
                reason = need.state_reason if action == NeedAction.CANCEL else ""
                transitions.append(NeedTransition(need=need, action=action, from_state=before, to_state=after, at=at,
                                                  stay_tenths=stay, reason=reason))  # fmt: skip
                entered = at
        self.o._insert(NeedTransition, transitions, audited=False)  # a step is audited as the need's change
        self.outcomes([n for n in made if n.state == NeedState.COMPLETED])
        return made

    def timeline(self, need: Need, target: str) -> list[tuple]:
        """The need's steps to ``target`` along the main path, a few days apart, never after the batch's
        last day; sets its state, owner and dates."""
        rng = self.rng
        created = timezone.make_aware(dt.datetime.combine(need.date, dt.time(10)))
        limit = timezone.make_aware(dt.datetime.combine(self.last, dt.time(17)))
        goal = target if target != NeedState.CANCELLED else rng.choice(PATH_STATES[:4])
        moves, at, state = [], created, NeedState.PENDING
        for action, after in zip(PATH, PATH_STATES[1:], strict=True):
            if rank(state) >= rank(goal):
                break
            step = dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
            if at + step > limit:
                break
            at += step
            moves.append((action, state, after, at))
            state = after
        if target == NeedState.CANCELLED and at + dt.timedelta(days=3) <= limit:
            at += dt.timedelta(days=rng.randint(1, 3))
            moves.append((NeedAction.CANCEL, state, NeedState.CANCELLED, at))
            need.state_reason = rng.choice(V.CANCEL_REASONS)
            state = NeedState.CANCELLED
        need.state = state
        need.reached = max((rank(after) for _, _, after, _ in moves), default=0)
        claimed = [m for m in moves if m[0] == NeedAction.CLAIM]
        if claimed and state not in (NeedState.CANCELLED, NeedState.PUBLISHED):
            need.owner = rng.choice(self.crew[need.group.pk])
            need.last_progress_at = claimed[0][3]
        if rank(state) >= rank(NeedState.COMPLETION_SUBMITTED) and state != NeedState.CANCELLED:
            solution = rng.choice(V.SOLUTIONS)
            need.solution = solution.format(university=self.university().name, expert=rng.choice(V.SURNAMES))
        if state == NeedState.COMPLETED:
            need.completed_at = at
        need.created_at = created  # entered on the day it was collected, as the 14th's are
        return moves

    def outcomes(self, completed: list[Need]) -> None:
        rounds = []
        for need in completed:
            if self.rng.random() > 0.25:
                continue
            day = min(need.completed_at.date() + dt.timedelta(days=self.rng.randint(5, 40)), self.last)
            signed = Decimal(self.rng.randrange(10, 150, 5))
            rounds.append(
                OutcomeRound(
                    need=need, date=day, signed_amount_wan=signed,
                    received_amount_wan=(signed * Decimal(self.rng.choice(("0.3", "0.5", "1")))).quantize(Decimal(1)),
                    investment_wan=Decimal(0), talents=self.rng.randint(0, 3), patents=self.rng.randint(0, 2),
                    description="企业反馈合作成效", is_approved=True,
                    approved_at=timezone.make_aware(dt.datetime.combine(day, dt.time(15))),
                )
            )  # fmt: skip
        self.o._insert(OutcomeRound, rounds)

    def cooperation(self, needs: list[Need]) -> None:
        rng = self.rng
        by_company = defaultdict(list)
        for need in needs:
            by_company[need.enterprise_id].append(need)
        intents = []
        for _ in range(self.n("intent")):
            group = rng.choice(self.groups)
            answered = [n for n in needs if n.group_id == group.pk] if rng.random() < 0.4 else []
            need = rng.choice(answered) if answered else None
            enterprise = need.enterprise if need else self.company_of(group)
            day = self.day(after=need.date if need else None)
            title = f"{enterprise.name}与高校技术合作意向"
            intents.append(Intent(batch=self.batch, group=group, date=day, enterprise=enterprise, need=need,
                                  university=self.university(), title=title))  # fmt: skip
        intents = self.o._insert(Intent, intents, label="record")
        self._crew(Intent, intents)
        agreements = []
        followed = rng.sample(intents, min(len(intents), self.n("agreement") // 2))
        for intent in followed:
            agreements.append(self.agreement(intent.group, self.day(after=intent.date), intent=intent))
        while len(agreements) < self.n("agreement"):
            agreements.append(self.agreement(rng.choice(self.groups), self.day()))
        agreements = self.o._insert(Agreement, agreements, label="record")
        self._crew(Agreement, agreements)
        receipts = []
        for agreement in agreements:
            if rng.random() < 0.6 and agreement.date < self.last:
                share = Decimal(rng.choice(("0.3", "0.5", "1")))
                amount = (agreement.contract_amount_wan * share).quantize(Decimal(1))
                day = self.day(after=agreement.date)
                receipts.append(AgreementReceipt(agreement=agreement, date=day, amount_wan=amount))
        self.o._insert(AgreementReceipt, receipts)

    def agreement(self, group: Group, day: dt.date, intent: Intent | None = None) -> Agreement:
        rng = self.rng
        amount = Decimal(rng.randrange(20, 800, 5))
        if intent is None and rng.random() < 0.2:
            university = self.university()
            return Agreement(batch=self.batch, group=group, date=day, kind=AgreementKind.UNIVERSITY_LOCAL,
                             title=f"{university.name}与{group.district.name}全面合作协议", university=university,
                             region=group.district, contract_amount_wan=amount)  # fmt: skip
        enterprise = intent.enterprise if intent else self.company_of(group)
        university = intent.university if intent else self.university()
        return Agreement(batch=self.batch, group=group, date=day, kind=AgreementKind.UNIVERSITY_ENTERPRISE,
                         title=f"{enterprise.name}与{university.name}技术开发合同", enterprise=enterprise,
                         university=university, intent=intent, need=intent.need if intent else None,
                         contract_amount_wan=amount)  # fmt: skip
