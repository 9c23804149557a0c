"""Build the demo: 常州市第十四批科技镇长团 (2021-08-01 – 2022-05-31) with every record behind the seed's figures.

:func:`build_demo` loads the reference data (regions, GB/T 4754 industries, the Ministry's list
of universities: all shipped in ``techmayor/data``), plans the demo from the seed
(:mod:`techmayor.demo.plan`) and writes it, all through the services, inside
``audit_source("demo")`` and one transaction. When the batch already exists nothing is written,
so running it twice creates nothing new.

People are pseudonymous (generated names, ``is_demo=True``). Companies: the ones the article
names carry their real names but no credit code (the demo does not invent one for a real
company); every generated company has a made-up name and a valid made-up 统一社会信用代码.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction
from django.db.models import ForeignKey
from django.utils import timezone

from techmayor import data
from techmayor.accounts.services import DEMO_PASSWORD
from techmayor.cooperation.services import agreement_receipt_add, agreement_sign, intent_create
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.industries import load_industries
from techmayor.core.models import Industry, Region, RegionLevel
from techmayor.core.regions import load_regions
from techmayor.core.services import create_record
from techmayor.core.text import normalize_company_name
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.services import enterprise_create, enterprise_link
from techmayor.ledger import services as ledger
from techmayor.needs import services as needs
from techmayor.needs.choices import CollaboratorStatus
from techmayor.policies.demo import load_demo_policies
from techmayor.resources.importers import import_universities
from techmayor.resources.models import Platform, University
from techmayor.roster.models import Batch, DispatchUnit
from techmayor.roster.services import batch_create, dispatch_unit_create, group_create, member_create, tenure_create

from . import targets as tg
from . import vocab as V
from .accounts import build_demo_accounts
from .history import build_history
from .plan import ARRIVAL, BATCH_END, BATCH_START, DEFAULT_SEED, DISTRICT, Plan, Rec, plan_demo
from .resources import build_resource_pool
from .target_book import build_demo_targets


def need_clock(day) -> dt.datetime:
    """Working hours on a record's date, as an aware datetime (the need loop's steps are dated)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def backdate(record, at: dt.datetime):
    """Date a demo record's creation in the batch's term, so a need's timeline reads in order."""
    type(record).objects.filter(pk=record.pk).update(created_at=at)
    record.created_at = at
    return record


@dataclass
class DemoResult:
    created: bool
    batch: Batch | None
    seconds: float = 0.0
    counts: Counter = field(default_factory=Counter)
    message: str = ""


@contextlib.contextmanager
def _references_checked_once() -> Iterator[None]:
    """Foreign-key validation asks the database once per referenced row instead of once per record.

    The same as Django's check inside the demo's one transaction, which deletes nothing: a row found
    there once still exists. References with ``limit_choices_to`` are always asked again.
    """
    validate = ForeignKey.validate
    found: set[tuple] = set()

    def validate_once(field, value, model_instance):
        key = (field.remote_field.model, field.remote_field.field_name, value)
        if value is None or key not in found or field.get_limit_choices_to():
            validate(field, value, model_instance)
            found.add(key)

    ForeignKey.validate = validate_once
    try:
        yield
    finally:
        ForeignKey.validate = validate


def demo_batch() -> Batch | None:
    return Batch.objects.filter(city__name=tg.CITY, number=tg.BATCH_NUMBER).select_related("city").first()


def build_demo(*, seed: int = DEFAULT_SEED, stdout: TextIO | None = None) -> DemoResult:
    """Build the demo from ``seed``; do nothing when 常州市第十四批 already exists."""
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    existing = demo_batch()
    if existing is not None:
        message = f"{existing} 已存在，未重复生成演示数据"
        say(message)
        return DemoResult(created=False, batch=existing, message=message)

    plan = plan_demo(seed)
    with audit_source("demo"), transaction.atomic(), _references_checked_once():
        created = load_regions()
        say(f"行政区域：新增 {created} 个")
        created = load_industries()
        say(f"国民经济行业分类：新增 {created} 条")
        say(load_universities())
        writer = _Writer(plan, say)
        writer.run()
        say(f"目标责任书：{build_demo_targets(writer.batch)} 项目标")
        say(build_resource_pool(seed=seed))
        say(load_demo_policies())
        say("演示账号：" + "、".join(build_demo_accounts(writer.batch)) + f"（密码 {DEMO_PASSWORD}）")
        say(build_history(writer.batch, seed=seed))
    seconds = time.perf_counter() - started
    summary = "、".join(f"{_LABELS.get(k, k)} {n}" for k, n in writer.counts.items())
    message = f"已生成 {writer.batch} 演示数据（种子 {seed}，用时 {seconds:.1f} 秒）：{summary}"
    say(message)
    return DemoResult(created=True, batch=writer.batch, seconds=seconds, counts=writer.counts, message=message)


def load_universities() -> str:
    """The Ministry's full list, shipped with the platform (every university the demo names is in it)."""
    result = import_universities(data.UNIVERSITIES)
    return f"高校（{data.UNIVERSITIES.name}）：新增 {result.created} 所"


_LABELS = {
    "member": "团员",
    "enterprise": "企业",
    "link": "挂钩服务",
    "visit": "走访",
    "event": "活动",
    "visitor": "来访",
    "report": "调研报告",
    "lead": "线索",
    "need": "需求",
    "intent": "合作意向",
    "agreement": "合作协议",
    "receipt": "到账",
    "platform": "科创平台",
    "project": "牵线项目",
    "talent": "引才",
    "landing": "落户企业",
    "employment_base": "就业基地",
    "fund": "基金",
    "application": "申报",
    "cultivation": "培育",
    "pairing": "结对共建",
    "progress": "需求进展",
    "outcome": "成效轮次",
}


class _Writer:
    """Writes a :class:`Plan` through the services, resolving names to rows."""

    def __init__(self, plan: Plan, say):
        self.plan = plan
        self.say = say
        self.counts: Counter = Counter()
        self.city = Region.objects.get(name=tg.CITY, level=RegionLevel.CITY)
        self.districts = {d.name: d for d in Region.objects.filter(parent=self.city)}
        self.places: dict[tuple[str, str], Region] = {}
        for region in Region.objects.filter(parent__parent=self.city).select_related("parent"):
            self.places[(region.parent.name, region.name)] = region
        self.industries = {i.code: i for i in Industry.objects.all()}
        codes = {V.UNIVERSITIES[name][0]: name for name in plan.universities() + list(V.UNIVERSITIES)}
        self.universities = {codes[u.code]: u for u in University.objects.filter(code__in=codes)}
        self.members = {}
        self.groups = {}
        self.enterprises: dict[str, Enterprise] = {}
        self.plan_enterprises = {e.name: e for e in plan.enterprises}
        self.platforms = {p.name: p for p in plan.platforms}
        self.keyed: dict[str, object] = {}

    # ---- lookups

    def region(self, group: str, name: str | None) -> Region | None:
        if not name:
            return None
        district = DISTRICT[group]
        if name == district:
            return self.districts[district]
        try:
            return self.places[(district, name)]
        except KeyError as exc:
            raise ApplicationError(f"演示数据：找不到{district}{name}，请检查行政区域数据") from exc

    def industry(self, code: str) -> Industry:
        try:
            return self.industries[code]
        except KeyError as exc:
            raise ApplicationError(f"演示数据：找不到行业代码 {code}，请检查国民经济行业分类数据") from exc

    def university(self, name: str | None) -> University | None:
        return self.universities[name] if name else None

    def people(self, names) -> list:
        return [self.members[n] for n in names]

    def credit(self, rec: Rec) -> dict:
        return {
            "batch": self.batch,
            "group": self.groups[rec.group],
            "date": rec.date,
            "members": self.people(rec.members),
        }

    # ---- the roster and the companies

    def roster(self) -> None:
        units = {}
        for spec in self.plan.units:
            unit = DispatchUnit.objects.filter(name=spec.name).first()
            if unit is None:
                unit = dispatch_unit_create(name=spec.name, kind=spec.kind, university=self.university(spec.university))
            units[spec.name] = unit
        self.batch = batch_create(
            city=self.city, number=tg.BATCH_NUMBER, start_date=BATCH_START, end_date=BATCH_END, is_active=True
        )
        for name, district in tg.GROUPS:
            self.groups[name] = group_create(batch=self.batch, name=name, district=self.districts[district])
        for spec in self.plan.members:
            member = member_create(name=spec.name, gender=spec.gender, expertise=spec.expertise, is_demo=True)
            tenure_create(
                member=member,
                batch=self.batch,
                group=self.groups[spec.group],
                dispatch_unit=units[spec.unit],
                start_date=ARRIVAL,
                role=spec.role,
                home_post=spec.home_post,
                local_post=spec.local_post,
                local_region=self.region(spec.group, spec.local_region),
            )
            self.members[spec.name] = member
        self.counts["member"] = len(self.members)

    def companies(self) -> None:
        for spec in self.plan.enterprises:
            existing = None
            if not spec.credit_code:  # a real company the article names: use it if it is already there
                existing = Enterprise.objects.filter(normalized_name=normalize_company_name(spec.name)).first()
            self.enterprises[spec.name] = existing or enterprise_create(
                name=spec.name,
                credit_code=spec.credit_code or None,
                region=self.region(spec.group, spec.town),
                industry=self.industry(spec.industry),
                address=spec.address,
                description=spec.description,
                tags=spec.tags,
                is_demo=True,
            )
            self.counts["enterprise"] += existing is None

    # ---- one writer per kind of record

    def w_link(self, rec: Rec):
        c = self.credit(rec)
        return enterprise_link(enterprise=self.enterprises[rec.data["enterprise"]], **c)

    def w_visit(self, rec: Rec):
        visit = ledger.visit_log(
            enterprise=self.enterprises[rec.data["enterprise"]], note=rec.data["note"], **self.credit(rec)
        )
        return visit

    def w_event(self, rec: Rec):
        d = rec.data
        return ledger.event_create(
            kind=d["kind"],
            title=d["title"],
            location=d["location"],
            enterprises=[self.enterprises[n] for n in d["enterprises"]],
            universities=[self.university(n) for n in d["universities"]],
            **self.credit(rec),
        )

    def w_visitor(self, rec: Rec):
        d = rec.data
        visitor = ledger.visitor_record_create(
            kind=d["kind"],
            visitor_name=d["visitor_name"],
            organization=d["organization"],
            university=self.university(d["university"]),
            person_count=d["person_count"],
            note=d["note"],
            **self.credit(rec),
        )
        return visitor

    def w_report(self, rec: Rec):
        return ledger.report_create(title=rec.data["title"], summary=rec.data["summary"], **self.credit(rec))

    def _lead(self, group: str, lead: dict, enterprise_name: str, day: dt.date):
        spec = self.plan_enterprises[enterprise_name]
        visit = self.keyed[lead["visit"]] if lead.get("visit") else None
        received = need_clock(visit.date if visit else day) - dt.timedelta(hours=1)
        return backdate(self._lead_create(group, lead, spec, visit, received.date()), received)

    def _lead_create(self, group: str, lead: dict, spec, visit, received_on: dt.date):
        return needs.lead_create(
            received_on=received_on,
            source=lead["source"],
            raw_text=lead["raw_text"],
            title=lead["title"],
            enterprise=None if visit else self.enterprises.get(lead.get("enterprise") or ""),
            enterprise_name=lead.get("enterprise_name", ""),
            contact_name=lead.get("contact_name", ""),
            region=self.region(group, spec.town),
            visit=visit,
        )

    def w_lead(self, rec: Rec):
        return self._lead(rec.group, rec.data, rec.data["enterprise_name"], rec.date)

    def w_need(self, rec: Rec):
        d = rec.data
        enterprise = self.enterprises[d["enterprise"]]
        lead = None
        if d["lead"]:
            lead = self._lead(rec.group, {**d["lead"], "enterprise": d["enterprise"]}, d["enterprise"], rec.date)
            self.counts["lead"] += 1
        need = needs.need_create(
            enterprise=enterprise,
            title=d["title"],
            description=d["description"],
            lead=lead,
            kind=d["kind"],
            urgency=d["urgency"],
            is_bottleneck=d["is_bottleneck"],
            industry=self.industry(d["industry"]),
            state=d["initial"],
            **self.credit(rec),
        )
        clock = [need_clock(need.date)]
        backdate(need, clock[0])
        for step in d["steps"]:
            need = self._need_step(need, step, clock)
        return need

    def _need_step(self, need, step: tuple, clock: list):
        """Apply one planned step, dated a few days after the previous one (``clock`` holds that time)."""
        action = step[0]
        if action in ("progress", "outcome"):
            clock[0] = max(clock[0], need_clock(step[2] if action == "progress" else step[1]))
        else:
            clock[0] += dt.timedelta(days=3)
        at = clock[0]
        if action in ("verify", "publish", "resubmit"):
            return needs.need_transition(need=need, action=action, at=at)
        if action in ("return", "cancel"):
            return needs.need_transition(need=need, action=action, reason=step[1], at=at)
        if action == "claim":
            return needs.need_claim(need=need, member=self.members[step[1]], at=at)
        if action == "collab":
            needs.need_collaborator_set(need=need, member=self.members[step[1]], status=CollaboratorStatus.ACTIVE)
            return need
        if action == "progress":
            _, author, day, status, next_step = step
            entry = needs.need_progress_add(
                need=need, member=self.members[author], date=day, current_status=status, next_step=next_step
            )
            backdate(entry, need_clock(day) + dt.timedelta(hours=2))
            self.counts["progress"] += 1
            need.refresh_from_db()
            return need
        if action == "submit":
            return needs.need_submit_completion(need=need, solution=step[1], at=at)
        if action == "approve":
            return needs.need_approve_completion(need=need, at=at)
        if action == "outcome":
            _, day, signed, received, investment, talents, patents, description, approve = step
            outcome = needs.outcome_round_add(
                need=need,
                date=day,
                signed_amount_wan=signed,
                received_amount_wan=received,
                investment_wan=investment,
                talents=talents,
                patents=patents,
                description=description,
            )
            backdate(outcome, need_clock(day))
            if approve:
                needs.outcome_round_approve(outcome=outcome, at=at + dt.timedelta(days=5))
            self.counts["outcome"] += 1
            return need
        if action == "merge":
            return needs.need_merge(need=need, into=self.keyed[step[1]], at=at)
        raise ValueError(f"unknown need step {action!r}")  # pragma: no cover - the planner writes only these

    def w_intent(self, rec: Rec):
        d = rec.data
        intent = intent_create(
            title=d["title"],
            enterprise=self.enterprises[d["enterprise"]],
            university=self.university(d["university"]),
            need=self.keyed[d["need"]] if d["need"] else None,
            note=d["note"],
            **self.credit(rec),
        )
        return intent

    def w_agreement(self, rec: Rec):
        d = rec.data
        agreement = agreement_sign(
            kind=d["kind"],
            title=d["title"],
            university=self.university(d["university"]),
            contract_amount_wan=d["contract_amount_wan"],
            enterprise=self.enterprises[d["enterprise"]] if d["enterprise"] else None,
            region=self.region(rec.group, d["region"]),
            need=self.keyed[d["need"]] if d["need"] else None,
            intent=self.keyed[d["intent"]] if d["intent"] else None,
            note=d["note"],
            **self.credit(rec),
        )
        for day, amount in d["receipts"]:
            agreement_receipt_add(agreement=agreement, date=day, amount_wan=amount)
            self.counts["receipt"] += 1
        return agreement

    def w_platform(self, rec: Rec):
        spec = self.platforms[rec.data["platform"]]
        # resources has no platform service yet: create_record is the audited building block services use.
        platform = Platform.objects.filter(name=spec.name).first() or create_record(
            Platform,
            name=spec.name,
            kind=spec.kind,
            university=self.university(spec.university),
            region=self.region(spec.group, spec.town),
            established_on=spec.established_on,
            description=spec.description,
            is_demo=True,
        )
        return ledger.platform_introduce(platform=platform, **self.credit(rec))

    def w_project(self, rec: Rec):
        d = rec.data
        return ledger.project_broker(
            title=d["title"],
            enterprise=self.enterprises[d["enterprise"]],
            university=self.university(d["university"]),
            is_provincial_major=d["is_provincial_major"],
            amount_wan=d["amount_wan"],
            **self.credit(rec),
        )

    def w_talent(self, rec: Rec):
        d = rec.data
        return ledger.talent_introduce(
            talent_name=d["talent_name"],
            person_count=d["person_count"],
            enterprise=self.enterprises[d["enterprise"]],
            university=self.university(d["university"]),
            description=d["description"],
            **self.credit(rec),
        )

    def w_landing(self, rec: Rec):
        landing = ledger.enterprise_landing_create(
            enterprise=self.enterprises[rec.data["enterprise"]], note=rec.data["note"], **self.credit(rec)
        )
        return landing

    def w_employment_base(self, rec: Rec):
        return ledger.employment_base_create(
            enterprise=self.enterprises[rec.data["enterprise"]],
            university=self.university(rec.data["university"]),
            **self.credit(rec),
        )

    def w_fund(self, rec: Rec):
        return ledger.fund_landing_create(
            fund_name=rec.data["fund_name"], amount_wan=rec.data["amount_wan"], **self.credit(rec)
        )

    def w_application(self, rec: Rec):
        d = rec.data
        return ledger.application_support_create(
            enterprise=self.enterprises[d["enterprise"]], kind=d["kind"], title=d["title"], **self.credit(rec)
        )

    def w_cultivation(self, rec: Rec):
        d = rec.data
        return ledger.cultivation_create(
            enterprise=self.enterprises[d["enterprise"]], kind=d["kind"], status=d["status"], **self.credit(rec)
        )

    def w_pairing(self, rec: Rec):
        return ledger.university_pairing_create(
            university=self.university(rec.data["university"]),
            region=self.region(rec.group, rec.data["region"]),
            **self.credit(rec),
        )

    def run(self) -> None:
        self.roster()
        self.say(f"批次、支团与团员：{self.batch}，{len(self.groups)} 个支团，{len(self.members)} 名团员")
        self.companies()
        self.say(f"企业：新增 {self.counts['enterprise']} 家")
        for rec in self.plan.records:
            self.keyed[rec.key] = getattr(self, f"w_{rec.kind}")(rec)
            self.counts[rec.kind] += 1
