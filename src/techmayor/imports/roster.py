"""Importing the roster (名册): one row per member of the batch, with the group, the dispatching unit
and the posts, through the roster services (groups, dispatching units and members are added when new).

It lives here rather than in ``roster`` because the import engine sits above the roster app. Only
an administrator of the batch's city may import it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_lazy

from techmayor.accounts.scopes import administers
from techmayor.core import values
from techmayor.core.models import Region, RegionLevel
from techmayor.core.text import clean_text
from techmayor.roster.choices import DispatchUnitKind, Gender, TenureRole
from techmayor.roster.models import DispatchUnit, Member, Tenure
from techmayor.roster.services import dispatch_unit_create, group_create, member_create, tenure_create

from . import lookups as L
from .engine import Field, ImportContext, ImportKind, RowError, register

ROLE_ALIASES = {"组长": "团长", "队长": "团长", "副组长": "副团长", "成员": "团员", "": "团员"}


def unit_kind(name: str) -> str:
    if re.search(r"(大学|学院|学校)", name):
        return DispatchUnitKind.UNIVERSITY
    if re.search(r"(研究院|研究所|科学院|研究中心)", name):
        return DispatchUnitKind.INSTITUTE
    if re.search(r"(厅|局|委员会|委|办公室|政府)$", name):
        return DispatchUnitKind.GOVERNMENT
    if re.search(r"(公司|集团)$", name):
        return DispatchUnitKind.ENTERPRISE
    return DispatchUnitKind.OTHER


class RosterImport(ImportKind):
    key = "roster"
    label = gettext_lazy("名册")
    unit = "人"
    fields = (
        Field("name", "姓名", ("团员姓名", "成员姓名"), required=True),
        Field("group", "支团", ("所属支团", "团组", "支团名称"), required=True),
        Field("role", "团内职务", ("团内职位", "团职", "角色")),
        Field("dispatch_unit", "派出单位", ("工作单位", "原单位", "所在单位", "单位"), required=True),
        Field("unit_kind", "单位类型", ("派出单位类型",)),
        Field("home_post", "派出单位职务", ("原职务", "现任职务", "单位职务", "职称")),
        Field("local_post", "挂职职务", ("挂职岗位", "拟挂职务")),
        Field("local_region", "挂职地", ("挂职地点", "挂职镇街", "挂职单位")),
        Field("district", "服务地区", ("服务区县", "所在区县")),
        Field("start_date", "任职开始", ("挂职时间", "开始日期", "到岗日期")),
        Field("end_date", "任职结束", ("结束日期", "离岗日期")),
        Field("gender", "性别", ()),
        Field("phone", "手机号", ("联系电话", "手机", "电话")),
        Field("email", "邮箱", ("电子邮箱", "email")),
        Field("expertise", "专业特长", ("研究方向", "专业", "专长")),
    )

    def allowed(self, ctx: ImportContext) -> bool:
        if getattr(ctx.user, "is_superuser", False):
            return True
        batch = L.require_batch(ctx)
        return administers(ctx.user, batch.city_id)

    def _group(self, ctx, name: str, district_name: str):
        name = clean_text(name).replace(" ", "")
        try:
            return L.group(ctx, name)
        except RowError:
            pass
        stem = re.sub(r"(支团|团)$", "", name)
        candidates = Region.objects.filter(parent=ctx.batch.city, level=RegionLevel.DISTRICT)
        wanted = clean_text(district_name) or stem
        district = next((d for d in candidates if d.name == wanted or re.sub(r"[市区县]$", "", d.name) == wanted), None)
        if district is None:
            raise RowError(
                "支团",
                gettext("「%(name)s」不是%(batch)s的支团，且找不到它服务的区县（可加一列 服务地区）")
                % {"name": name, "batch": ctx.batch},
            )
        ctx.warn(
            "支团",
            gettext("新支团「%(name)s」（服务%(district)s）将被创建") % {"name": name, "district": district.name},
        )
        return {"name": name, "district": district}

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        batch = L.require_batch(ctx)
        name = L.text(v, "name", "姓名", required=True, limit=60)
        unit = L.text(v, "dispatch_unit", "派出单位", required=True, limit=100)
        start = v.get("start_date", "")
        start_date = L.parse("任职开始", values.parse_date, start) if clean_text(start) else batch.start_date
        end = v.get("end_date", "")
        return {
            "name": name,
            "group": self._group(ctx, v.get("group", ""), v.get("district", "")),
            "role": L.parse(
                "团内职务",
                values.parse_choice,
                v.get("role", ""),
                choices=TenureRole,
                aliases=ROLE_ALIASES,
                default=TenureRole.MEMBER,
            ),
            "dispatch_unit": unit,
            "unit_kind": L.parse(
                "单位类型",
                values.parse_choice,
                v.get("unit_kind", ""),
                choices=DispatchUnitKind,
                default=unit_kind(unit),
            ),
            "home_post": L.text(v, "home_post", "派出单位职务", limit=60),
            "local_post": L.text(v, "local_post", "挂职职务", limit=60),
            "local_region": L.region(ctx, v.get("local_region", ""), label="挂职地"),
            "start_date": start_date,
            "end_date": L.parse("任职结束", values.parse_date, end) if clean_text(end) else None,
            "gender": L.parse("性别", values.parse_choice, v.get("gender", ""), choices=Gender, default=""),
            "phone": L.text(v, "phone", "手机号", limit=20),
            "email": L.text(v, "email", "邮箱", limit=254),
            "expertise": L.text(v, "expertise", "专业特长"),
        }

    def natural_key(self, data: dict) -> tuple:
        return (data["name"],)

    def existing(self, ctx, keys):
        tenures = Tenure.objects.filter(batch=ctx.batch).select_related("member", "group", "dispatch_unit")
        return {(t.member.name,): t for t in tenures if (t.member.name,) in keys}

    def changes(self, obj, data, ctx) -> dict:
        group = data["group"]
        if isinstance(group, dict) or group.pk != obj.group_id:
            raise RowError(
                "支团",
                gettext("%(member)s已在%(group)s任职，不能在导入中调整支团")
                % {"member": obj.member, "group": obj.group},
            )
        changes = {}
        for name in ("role", "home_post", "local_post"):
            if data[name] and data[name] != getattr(obj, name):
                changes[name] = data[name]
        if data["local_region"] is not None and data["local_region"].pk != obj.local_region_id:
            changes["local_region"] = data["local_region"]
        for name in ("phone", "email", "expertise", "gender"):
            if data[name] and not getattr(obj.member, name):
                changes[f"member.{name}"] = data[name]
        return changes

    def create(self, data, ctx):
        by = ctx.user
        group = data["group"]
        if isinstance(group, dict):
            made = ctx.cache.setdefault("made_groups", {})
            if group["name"] not in made:
                made[group["name"]] = group_create(batch=ctx.batch, by=by, **group)
            group = made[group["name"]]
        unit = DispatchUnit.objects.filter(name=data["dispatch_unit"]).first()
        if unit is None:
            university = None
            known = ctx.cached("university_names", self._university_names)
            if data["unit_kind"] == DispatchUnitKind.UNIVERSITY and data["dispatch_unit"] in known:
                university = L.university(ctx, data["dispatch_unit"], label="派出单位")
            unit = dispatch_unit_create(
                name=data["dispatch_unit"], kind=data["unit_kind"], university=university, by=by
            )
        member = None
        if data["phone"]:
            member = Member.objects.filter(name=data["name"], phone=data["phone"]).first()  # 延任: the same person
        if member is None:
            member = member_create(
                name=data["name"], gender=data["gender"], phone=data["phone"], email=data["email"],
                expertise=data["expertise"], by=by,
            )  # fmt: skip
        return tenure_create(
            member=member, batch=ctx.batch, group=group, dispatch_unit=unit, start_date=data["start_date"],
            role=data["role"], end_date=data["end_date"], home_post=data["home_post"], local_post=data["local_post"],
            local_region=data["local_region"], by=by,
        )  # fmt: skip

    @staticmethod
    def _university_names() -> set[str]:
        from techmayor.resources.models import University

        return {clean_text(n) for n in University.objects.values_list("name", flat=True)}

    def update(self, obj, changes, data, ctx):
        from techmayor.core.services import update_record

        member_changes = {k.split(".", 1)[1]: v for k, v in changes.items() if k.startswith("member.")}
        own = {k: v for k, v in changes.items() if not k.startswith("member.")}
        if (
            own.get("role") == TenureRole.LEADER
            and Tenure.objects.filter(group=obj.group, role="团长").exclude(pk=obj.pk).exists()
        ):
            from techmayor.core.errors import ApplicationError

            raise ApplicationError(gettext("「%(group)s」已有团长") % {"group": obj.group}, field="role")
        if own:
            update_record(obj, by=ctx.user, **own)
        if member_changes:
            update_record(obj.member, by=ctx.user, **member_changes)
        return obj


register(RosterImport())
