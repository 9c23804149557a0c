"""Importing the work ledger's sheets (走访台账, 活动, 来访, 调研报告, 引才, 科创平台, 科技项目).

Each row goes through the same service as the form; visits with the needs found there become leads
(``visit_log_with_leads``). From ``VisitImport.bulk_min`` new visits on, the rows (already checked
one by one with the rules of the service, see ``imports.lookups.credit``) are written in bulk with
one audit record each, and the scorecard's cells of the batch are rebuilt on the next read.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from techmayor.core import audit, values
from techmayor.core.models import AuditAction, AuditLog
from techmayor.enterprises.imports import CREDIT_CODE, ENTERPRISE, REGION
from techmayor.imports import lookups as L
from techmayor.imports.credited import GROUP, LOOKUP, NOTE, CreditedImport, members_field
from techmayor.imports.engine import Field, ImportContext, RowError, insert_rows, prepare, register

from . import services
from .choices import EventKind, VisitorKind
from .models import Event, PlatformIntroduction, ProjectBrokered, Report, TalentIntroduction, Visit, VisitorRecord


class VisitImport(CreditedImport):
    key = "visits"
    label = gettext_lazy("走访记录")
    unit = "家次"
    model = Visit
    members_label = "走访人员"
    members_required = True
    key_fields = ("enterprise", "date")
    compare = ("note", "members")
    bulk_min = 2000
    fields = (
        ENTERPRISE,
        CREDIT_CODE,
        Field("date", "走访日期", ("日期", "时间", "走访时间"), required=True),
        members_field("走访人员", "走访团员"),
        GROUP,
        REGION,
        Field("note", "走访情况", ("走访内容", "备注", "情况说明", "交流内容")),
        Field("needs", "需求内容", ("发现需求", "需求描述", "技术需求", "企业需求", "需求")),
    )

    def own(self, v, ctx):
        region = L.region(ctx, v.get("region", ""), label="所属镇（街道）")
        ref = L.enterprise(ctx, v.get("enterprise", ""), v.get("credit_code", ""), region=region)
        needs = [n for n in (L.cell(v, "needs"),) if n]
        region = L.place_of(ctx, ref, region)
        return {"enterprise": ref, "note": L.text(v, "note", "走访情况"), "needs": needs, "_region": region}

    def existing(self, ctx, keys):
        """Visits of the batch by (enterprise, date), with their members and the text of their leads
        (looked up by the keys' enterprises: an import asks a batch of rows at a time)."""
        from techmayor.needs.models import Lead

        wanted = {k for k in keys if k[0][0] == "id"}
        if not wanted:
            return {}
        found = {}
        enterprises = sorted({k[0][1] for k in wanted})
        for start in range(0, len(enterprises), LOOKUP):
            rows = Visit.objects.filter(batch=ctx.batch, enterprise_id__in=enterprises[start : start + LOOKUP])
            for pk, enterprise_id, date, note in rows.values_list("pk", "enterprise_id", "date", "note"):
                key = (("id", enterprise_id), date.isoformat())
                if key in wanted:
                    found[key] = SimpleNamespace(pk=pk, date=date, note=note, member_ids=set(), lead_texts=set())
        by_pk = {v.pk: v for v in found.values()}
        ids = list(by_pk)
        through = Visit.members.through
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            for visit_id, member_id in through.objects.filter(visit_id__in=chunk).values_list("visit_id", "member_id"):
                by_pk[visit_id].member_ids.add(member_id)
            for visit_id, text in Lead.objects.filter(visit_id__in=chunk).values_list("visit_id", "raw_text"):
                by_pk[visit_id].lead_texts.add(text.strip())
        return found

    def changes(self, obj, data, ctx):
        from techmayor.roster.selectors import can_edit_record

        changes = {}
        if data["note"] and data["note"] != obj.note:
            changes["note"] = data["note"]
        if {m.pk for m in data["members"]} != obj.member_ids:
            changes["members"] = data["members"]
        if new := [n for n in data["needs"] if n.strip() not in obj.lead_texts]:
            changes["needs"] = new
        if changes and not can_edit_record(ctx.user, Visit.objects.get(pk=obj.pk)):
            raise RowError("支团", gettext("你不能修改已有记录「%(date)s 走访」") % {"date": obj.date})
        return changes

    def create(self, data, ctx):
        enterprise = L.enterprise_object(ctx, data["enterprise"])
        return services.visit_log_with_leads(
            batch=ctx.batch,
            group=data["group"],
            date=data["date"],
            members=data["members"],
            enterprise=enterprise,
            note=data["note"],
            needs=[{"raw_text": n} for n in data["needs"]],
            by=ctx.user,
        )

    def update(self, obj, changes, data, ctx):
        from techmayor.needs.services import lead_create

        obj = Visit.objects.select_related("enterprise__region", "batch").get(pk=obj.pk)
        needs = changes.pop("needs", [])
        members = changes.pop("members", None)
        if changes or members is not None:
            services.record_update(record=obj, by=ctx.user, members=members, **changes)
        for text in needs:
            lead_create(source="visit", visit=obj, raw_text=text, region=obj.enterprise.region, by=ctx.user)
        return obj

    def create_bulk(self, plans, ctx: ImportContext) -> None:
        """Many new visits at once: new enterprises and leads through their services; the visits, their
        members and one audit record each by ``executemany`` (the rows were checked as the service
        checks them, see ``imports.lookups.credit``), the same audit record ``create_record`` writes."""
        by = getattr(ctx.user, "pk", None)
        now = timezone.now()
        stamp = prepare(Visit, "created_at", now)
        rows = []
        for plan in plans:
            d = plan.data
            ref = d["enterprise"]
            enterprise_id = ref.pk or L.enterprise_object(ctx, ref).pk
            rows.append((stamp, stamp, by, by, ctx.batch.pk, d["group"].pk, d["date"], d["note"], enterprise_id, ""))
        last = Visit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        fields = [
            "created_at",
            "updated_at",
            "created_by",
            "updated_by",
            "batch",
            "group",
            "date",
            "note",
            "enterprise",
            "withdrawn_reason",  # not withdrawn (the other withdrawal fields are NULL)
        ]
        insert_rows(Visit, fields, ([*r[:6], prepare(Visit, "date", r[6]), *r[7:]] for r in rows))
        made = Visit.objects.filter(batch=ctx.batch, pk__gt=last).values_list("pk", "enterprise_id", "date")
        ids = {(enterprise_id, date): pk for pk, enterprise_id, date in made.iterator(chunk_size=5000)}
        visit_ids = [ids[(r[8], r[6])] for r in rows]
        through = Visit.members.through
        insert_rows(
            through,
            ["visit", "member"],
            ((pk, m.pk) for pk, p in zip(visit_ids, plans, strict=True) for m in p.data["members"]),
        )
        at, source = prepare(AuditLog, "at", now), audit.current_source()
        as_json = json.dumps if connection.vendor == "sqlite" else (lambda v: prepare(AuditLog, "after", v))

        def entries():
            for pk, row, plan in zip(visit_ids, rows, plans, strict=True):
                after = {"id": pk, "withdrawn_at": None, "withdrawn_by": None, "withdrawn_reason": "",
                         "batch": row[4], "group": row[5], "date": row[6].isoformat(), "note": row[7],
                         "enterprise": row[8], "members": sorted(m.pk for m in plan.data["members"])}  # fmt: skip
                audit.collected_row(AuditAction.CREATE, "ledger.visit", str(pk))
                text = f"{row[6]} 走访 {plan.data['enterprise'].name}"[:255]
                yield (at, by, source, AuditAction.CREATE, "ledger.visit", str(pk), text, None, as_json(after), "")

        columns = ["at", "actor", "source", "action", "model", "object_id", "object_repr", "before", "after", "note"]
        insert_rows(AuditLog, columns, entries())
        leads = [(pk, text) for pk, plan in zip(visit_ids, plans, strict=True) for text in plan.data["needs"]]
        if leads:
            from techmayor.needs.services import lead_create

            visits = Visit.objects.select_related("enterprise__region").in_bulk([pk for pk, _ in leads])
            for pk, text in leads:
                lead_create(source="visit", visit=visits[pk], raw_text=text, by=ctx.user)


class EventImport(CreditedImport):
    key = "events"
    label = gettext_lazy("活动")
    unit = "场次"
    model = Event
    key_fields = ("date", "title")
    compare = ("kind", "location", "note", "members")
    create_with = services.event_create
    fields = (
        Field("title", "活动名称", ("活动主题", "名称", "主题", "活动"), required=True),
        Field("date", "活动日期", ("日期", "时间", "举办时间", "举办日期"), required=True),
        Field("kind", "活动类型", ("类型", "类别", "活动类别")),
        Field("location", "地点", ("活动地点", "举办地点")),
        Field("enterprises", "参与企业", ("参加企业", "企业", "企业名称")),
        Field("universities", "参与高校", ("参加高校", "高校", "合作高校")),
        members_field("参与团员"),
        GROUP,
        Field("note", "备注", ("活动内容", "内容", "活动情况", "情况说明")),
    )

    ALIASES = {"产学研活动": "matchmaking", "产学研对接": "docking", "对接会": "docking", "招聘会": "recruitment"}

    def own(self, v, ctx):
        kind = L.parse(
            "活动类型", values.parse_choice, v.get("kind", ""), choices=EventKind, aliases=self.ALIASES, default="other"
        )
        return {
            "title": L.text(v, "title", "活动名称", required=True, limit=200),
            "kind": kind if v.get("kind") else self._guess(L.cell(v, "title")),
            "location": L.text(v, "location", "地点", limit=120),
            "enterprises": [
                L.enterprise(ctx, name, "", label="参与企业") for name in values.split_names(v.get("enterprises", ""))
            ],
            "universities": [
                L.university(ctx, name, label="参与高校") for name in values.split_names(v.get("universities", ""))
            ],
            "note": L.text(v, "note", "备注"),
        }

    @staticmethod
    def _guess(title: str) -> str:
        if "产学研" in title:
            return EventKind.MATCHMAKING
        if "对接" in title:
            return EventKind.DOCKING
        if "招聘" in title:
            return EventKind.RECRUITMENT
        return EventKind.OTHER

    def service_kwargs(self, data, ctx):
        kwargs = super().service_kwargs(data, ctx)
        kwargs["enterprises"] = [L.enterprise_object(ctx, ref) for ref in data["enterprises"]]
        return kwargs


class VisitorImport(CreditedImport):
    key = "visitors"
    label = gettext_lazy("来访记录")
    unit = "人次"
    model = VisitorRecord
    key_fields = ("date", "visitor_name", "kind")
    compare = ("organization", "university", "person_count", "note", "members")
    create_with = services.visitor_record_create
    fields = (
        Field("visitor_name", "来访人", ("来访人员", "来访专家", "姓名", "来访者"), required=True),
        Field("date", "来访日期", ("日期", "时间", "来访时间"), required=True),
        Field("kind", "来访类型", ("类型", "类别", "身份")),
        Field("organization", "所在单位", ("单位", "工作单位")),
        Field("university", "所在高校", ("高校",)),
        Field("person_count", "人次", ("人数",)),
        members_field("接待团员", "陪同团员"),
        GROUP,
        NOTE,
    )

    def own(self, v, ctx):
        aliases = {"专家": "expert", "学者": "expert", "专家学者": "expert", "企业家": "entrepreneur"}
        return {
            "visitor_name": L.text(v, "visitor_name", "来访人", required=True, limit=120),
            "kind": L.parse(
                "来访类型",
                values.parse_choice,
                v.get("kind", ""),
                choices=VisitorKind,
                aliases=aliases,
                default="expert",
            ),
            "organization": L.text(v, "organization", "所在单位", limit=150),
            "university": L.university(ctx, v.get("university", ""), label="所在高校"),
            "person_count": L.parse("人次", values.parse_count, v.get("person_count", ""), default=1, minimum=1),
            "note": L.text(v, "note", "备注"),
        }


class ReportImport(CreditedImport):
    key = "reports"
    label = gettext_lazy("调研报告")
    unit = "篇"
    model = Report
    members_label = "撰写团员"
    members_required = True
    key_fields = ("title",)
    compare = ("summary", "members")
    create_with = services.report_create
    fields = (
        Field("title", "报告题目", ("报告名称", "题目", "标题", "调研报告"), required=True),
        Field("date", "完成日期", ("日期", "时间", "报送日期"), required=True),
        members_field("撰写团员", "作者", "撰写人"),
        GROUP,
        Field("summary", "摘要", ("内容摘要", "主要内容")),
    )

    def own(self, v, ctx):
        return {
            "title": L.text(v, "title", "报告题目", required=True, limit=200),
            "summary": L.text(v, "summary", "摘要"),
        }


class TalentImport(CreditedImport):
    key = "talents"
    label = gettext_lazy("引进人才")
    unit = "人"
    model = TalentIntroduction
    key_fields = ("date", "talent_name")
    compare = ("person_count", "university", "description", "members")
    create_with = services.talent_introduce
    fields = (
        Field("talent_name", "人才/团队", ("人才姓名", "姓名", "人才", "团队名称", "人才（团队）"), required=True),
        Field("date", "引进日期", ("日期", "时间"), required=True),
        Field("person_count", "人数", ("引才人数",)),
        Field("enterprise", "引进企业", ("企业名称", "用人单位", "企业")),
        Field("university", "来源高校", ("高校", "毕业院校")),
        Field("description", "说明", ("备注", "人才说明")),
        members_field("对接团员"),
        GROUP,
    )

    def own(self, v, ctx):
        name = L.cell(v, "enterprise")
        return {
            "talent_name": L.text(v, "talent_name", "人才/团队", required=True, limit=120),
            "person_count": L.parse("人数", values.parse_count, v.get("person_count", ""), default=1, minimum=1),
            "enterprise": L.enterprise(ctx, name, "", label="引进企业") if name else None,
            "university": L.university(ctx, v.get("university", ""), label="来源高校"),
            "description": L.text(v, "description", "说明", limit=200),
        }


class ProjectImport(CreditedImport):
    key = "projects"
    label = gettext_lazy("牵线科技项目")
    unit = "项"
    model = ProjectBrokered
    key_fields = ("title",)
    compare = ("university", "is_provincial_major", "amount_wan", "members")
    create_with = services.project_broker
    fields = (
        Field("title", "项目名称", ("项目", "名称"), required=True),
        Field("date", "日期", ("立项日期", "签约日期", "时间"), required=True),
        Field("enterprise", "承接企业", ("企业名称", "企业", "承担企业")),
        Field("university", "合作高校", ("高校",)),
        Field("is_provincial_major", "列入省重大项目", ("省重大项目", "是否省重大项目")),
        Field("amount_wan", "投资额(万元)", ("投资额", "总投资", "金额")),
        members_field("对接团员"),
        GROUP,
    )

    def own(self, v, ctx):
        name = L.cell(v, "enterprise")
        return {
            "title": L.text(v, "title", "项目名称", required=True, limit=200),
            "enterprise": L.enterprise(ctx, name, "", label="承接企业") if name else None,
            "university": L.university(ctx, v.get("university", ""), label="合作高校"),
            "is_provincial_major": L.parse("列入省重大项目", values.parse_bool, v.get("is_provincial_major", "")),
            "amount_wan": L.wan(ctx, v, "amount_wan", "投资额(万元)"),
        }


class PlatformImport(CreditedImport):
    """协助引进科创平台: the platform is found by name in the resource pool, or added to it (audited)."""

    key = "platforms"
    label = gettext_lazy("引进科创平台")
    unit = "家"
    model = PlatformIntroduction
    key_fields = ("platform",)
    compare = ("note", "members")
    fields = (
        Field("platform", "平台名称", ("科创平台", "平台", "名称"), required=True),
        Field("platform_kind", "平台类型", ("类型", "类别")),
        Field("university", "依托高校", ("高校", "合作高校", "依托单位")),
        Field("region", "所在地", ("落户地", "所在镇（街道）", "属地", "镇街")),
        Field("date", "引进日期", ("日期", "时间", "签约日期", "揭牌日期"), required=True),
        members_field("对接团员"),
        GROUP,
        NOTE,
    )
    ALIASES = {
        "研究院": "institute",
        "新型研发机构": "institute",
        "联合实验室": "joint_lab",
        "实验室": "joint_lab",
        "工程中心": "rd_center",
        "工作站": "workstation",
        "院士工作站": "workstation",
        "孵化器": "incubator",
    }

    def own(self, v, ctx):
        from techmayor.resources.choices import PlatformKind
        from techmayor.resources.models import Platform

        name = L.text(v, "platform", "平台名称", required=True, limit=150)
        region = L.region(ctx, v.get("region", ""), label="所在地")
        kind = L.parse("平台类型", values.parse_choice, v.get("platform_kind", ""), choices=PlatformKind,
                       aliases=self.ALIASES, default="other")  # fmt: skip
        university = L.university(ctx, v.get("university", ""), label="依托高校")
        table = ctx.cached("platforms", lambda: {p.name: p for p in Platform.objects.all()})
        platform = table.get(name)
        if platform is None:
            ctx.warn("平台名称", gettext("科创平台「%(name)s」不在资源库中，将被添加") % {"name": name})
            platform = {"name": name, "kind": kind, "university": university, "region": region}
        return {"platform": platform, "note": L.text(v, "note", "备注"), "_region": region}

    def natural_key(self, data):
        platform = data["platform"]
        return (("id", platform.pk) if not isinstance(platform, dict) else ("new", platform["name"]),)

    def summary(self, data):
        platform = data["platform"]
        return platform["name"] if isinstance(platform, dict) else platform.name

    def create(self, data, ctx):
        from techmayor.core.services import create_record
        from techmayor.resources.models import Platform

        platform = data["platform"]
        if isinstance(platform, dict):
            platform = create_record(Platform, by=ctx.user, **platform)
        return services.platform_introduce(
            batch=ctx.batch, group=data["group"], platform=platform, date=data["date"], members=data["members"],
            note=data["note"], by=ctx.user,
        )  # fmt: skip


register(
    VisitImport(), EventImport(), VisitorImport(), ReportImport(), TalentImport(), ProjectImport(), PlatformImport()
)
