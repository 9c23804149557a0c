"""Importing need lists (需求清单): each row keeps its original text as a lead and becomes a need
credited to the group that collected it (``lead_create`` then ``need_create``, as the forms do).

Town staff may import the needs of their own town (the group is then the one serving its district);
members, group leaders and administrators those of the groups they may write for.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from techmayor.core import values
from techmayor.enterprises.imports import CREDIT_CODE, ENTERPRISE, REGION
from techmayor.imports import lookups as L
from techmayor.imports.credited import GROUP, CreditedImport
from techmayor.imports.engine import Field, ImportContext, RowError, register

from .choices import LeadSource, NeedKind, Urgency
from .models import Need
from .permissions import lead_source_for, managed_towns
from .services import EDITABLE_STATES, lead_create, need_create, need_update

KIND_ALIASES = {"技术": "technology", "技术需求": "technology", "人才": "talent", "人才需求": "talent",
                "项目": "project", "平台": "platform"}  # fmt: skip
URGENCY_ALIASES = {"急": "urgent", "较急": "urgent", "特急": "very_urgent", "非常急": "very_urgent", "普通": "normal"}


class NeedImport(CreditedImport):
    key = "needs"
    label = gettext_lazy("企业需求")
    unit = "条"
    model = Need
    members_label = "对接团员"
    key_fields = ("enterprise", "title")
    compare = ("description", "kind", "urgency", "is_bottleneck")
    fields = (
        ENTERPRISE,
        CREDIT_CODE,
        Field("title", "需求标题", ("需求名称", "标题", "需求简称")),
        Field("description", "需求内容", ("需求描述", "技术需求", "具体需求", "需求", "需求详情"), required=True),
        Field("date", "提出日期", ("日期", "时间", "收集日期", "登记日期", "提交日期"), required=True),
        Field("kind", "需求类型", ("类型", "类别", "需求类别")),
        Field("urgency", "紧急程度", ("紧急度", "缓急")),
        Field("is_bottleneck", "卡脖子", ("是否卡脖子", "卡脖子技术")),
        REGION,
        GROUP,
        Field("members", "对接团员", ("收集团员", "团员", "负责团员", "参与团员", "走访人员")),
        Field("contact_name", "联系人", ("企业联系人",)),
        Field("contact_phone", "联系电话", ("电话", "手机", "联系方式")),
    )

    def allowed(self, ctx: ImportContext) -> bool:
        return L.write_scope(ctx) is not None or self._towns(ctx) != set()

    def _towns(self, ctx) -> set[int]:
        return ctx.cached("managed_towns", lambda: set(managed_towns(ctx.user).values_list("pk", flat=True)))

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        region = L.region(ctx, v.get("region", ""), label="所属镇（街道）")
        ref = L.enterprise(ctx, v.get("enterprise", ""), v.get("credit_code", ""), region=region)
        region = L.place_of(ctx, ref, region)
        description = L.text(v, "description", "需求内容", required=True)
        title = L.text(v, "title", "需求标题", limit=200) or description[:30]
        town_staff = region is not None and region.pk in self._towns(ctx)
        if not town_staff and L.write_scope(ctx) is None:
            raise RowError(
                "所属镇（街道）", gettext("你不能为「%(region)s」登记需求") % {"region": region or gettext("未知镇街")}
            )
        group, date, members = L.credit(ctx, v, members_label="对接团员", region=region, scoped=not town_staff)
        return {
            "enterprise": ref,
            "title": title,
            "description": description,
            "date": date,
            "group": group,
            "members": members,
            "region": region,
            "kind": L.parse(
                "需求类型",
                values.parse_choice,
                v.get("kind", ""),
                choices=NeedKind,
                aliases=KIND_ALIASES,
                default="technology",
            ),
            "urgency": L.parse(
                "紧急程度",
                values.parse_choice,
                v.get("urgency", ""),
                choices=Urgency,
                aliases=URGENCY_ALIASES,
                default="normal",
            ),
            "is_bottleneck": L.parse("卡脖子", values.parse_bool, v.get("is_bottleneck", "")),
            "contact_name": L.text(v, "contact_name", "联系人", limit=60),
            "contact_phone": L.text(v, "contact_phone", "联系电话", limit=30),
        }

    def changes(self, obj, data, ctx) -> dict:
        changes = {}
        for name in self.compare:
            if data[name] not in ("", None) and data[name] != getattr(obj, name):
                changes[name] = data[name]
        if changes and obj.state not in EDITABLE_STATES:
            raise RowError(
                "需求标题",
                gettext("需求「%(title)s」已%(state)s，不能再修改")
                % {"title": obj.title, "state": obj.get_state_display()},
            )
        return changes

    def create(self, data, ctx):
        enterprise = L.enterprise_object(ctx, data["enterprise"])
        region = data["region"] or enterprise.region
        source = lead_source_for(ctx.user, region) if region is not None else LeadSource.ADMIN
        lead = lead_create(
            source=source,
            raw_text=data["description"],
            title=data["title"],
            enterprise=enterprise,
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            region=region,
            received_on=data["date"],
            by=ctx.user,
        )
        return need_create(
            batch=ctx.batch,
            group=data["group"],
            enterprise=enterprise,
            title=data["title"],
            description=data["description"],
            date=data["date"],
            members=data["members"],
            lead=lead,
            kind=data["kind"],
            urgency=data["urgency"],
            is_bottleneck=data["is_bottleneck"],
            region=region,
            by=ctx.user,
        )

    def update(self, obj, changes, data, ctx):
        return need_update(need=obj, by=ctx.user, **changes)


register(NeedImport())
