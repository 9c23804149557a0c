"""Importing the enterprise list (企业名录) with tags and contacts, through the enterprise services."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from techmayor.core import values
from techmayor.core.text import clean_text
from techmayor.imports import lookups as L
from techmayor.imports.engine import Field, ImportContext, ImportKind, RowError, register

from .choices import EnterpriseTagKind
from .models import Enterprise
from .services import contact_add, enterprise_create, enterprise_tag_set, enterprise_update

# Column names real ledgers use; shared by every kind naming an enterprise.
ENTERPRISE = Field("enterprise", "企业名称", ("单位名称", "公司名称", "企业全称", "走访企业", "企业"), required=True)
CREDIT_CODE = Field("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一信用代码", "组织机构代码"))
REGION = Field(
    "region",
    "所属镇（街道）",
    ("镇街", "属地", "所属镇街", "所在镇街", "所在镇（街道）", "镇（街道）", "所在地", "所属地区", "镇/街道", "乡镇"),
)

TAG_ALIASES = {"高企": EnterpriseTagKind.HIGH_TECH, "规上": EnterpriseTagKind.ABOVE_SCALE, "北交所": "bse_potential"}


def parse_tags(text: str) -> list[str]:
    tags = []
    for name in values.split_names(text):
        try:
            tags.append(values.parse_choice(name, EnterpriseTagKind, TAG_ALIASES))
        except ValueError as exc:
            raise RowError("企业标签", str(exc)) from exc
    return tags


class EnterpriseImport(ImportKind):
    key = "enterprises"
    label = gettext_lazy("企业名录")
    unit = "家"
    credited = False
    fields = (
        ENTERPRISE,
        CREDIT_CODE,
        REGION,
        Field("address", "地址", ("企业地址", "注册地址", "详细地址")),
        Field("description", "企业简介", ("简介", "主营业务", "主要产品", "经营范围")),
        Field("tags", "企业标签", ("标签", "企业资质", "资质", "企业类型")),
        Field("high_tech", "高新技术企业", ("是否高企", "是否高新技术企业", "高企")),
        Field("contact_name", "联系人", ("企业联系人", "联系人姓名")),
        Field("contact_position", "联系人职务", ("职务",)),
        Field("contact_phone", "联系电话", ("电话", "手机", "手机号", "联系方式")),
    )

    def allowed(self, ctx: ImportContext) -> bool:
        from .selectors import can_create_enterprise

        return can_create_enterprise(ctx.user)

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        region = L.region(ctx, v.get("region", ""), label="所属镇（街道）")
        ref = L.enterprise(ctx, v.get("enterprise", ""), v.get("credit_code", ""), region=region)
        tags = parse_tags(v.get("tags", ""))
        if L.parse("高新技术企业", values.parse_bool, v.get("high_tech", "")) and "high_tech" not in tags:
            tags.append(EnterpriseTagKind.HIGH_TECH)
        return {
            "ref": ref,
            "region": region,
            "address": L.text(v, "address", "地址", limit=200),
            "description": L.text(v, "description", "企业简介"),
            "tags": tags,
            "contact": {
                "name": L.text(v, "contact_name", "联系人", limit=60),
                "position": L.text(v, "contact_position", "联系人职务", limit=60),
                "phone": L.text(v, "contact_phone", "联系电话", limit=30),
            },
        }

    def natural_key(self, data: dict) -> tuple:
        return data["ref"].identity

    def summary(self, data: dict) -> str:
        return data["ref"].name

    def existing(self, ctx, keys):
        ids = [k[1] for k in keys if k[0] == "id"]
        objs = Enterprise.objects.filter(pk__in=ids).prefetch_related("tags", "contacts")
        return {("id", e.pk): e for e in objs}

    def changes(self, obj, data, ctx) -> dict:
        from .selectors import can_edit_enterprise

        changes = {}
        for name in ("address", "description"):
            if data[name] and data[name] != getattr(obj, name):
                changes[name] = data[name]
        if data["region"] is not None and data["region"].pk != obj.region_id:
            changes["region"] = data["region"]
        if data["ref"].credit_code and not obj.credit_code:
            changes["credit_code"] = data["ref"].credit_code
        have = {t.kind for t in obj.tags.all()}
        if missing := [t for t in data["tags"] if t not in have]:
            changes["tags"] = missing
        contact = data["contact"]
        if contact["name"] and contact["name"] not in {clean_text(c.name) for c in obj.contacts.all()}:
            changes["contact"] = contact
        if changes and not can_edit_enterprise(ctx.user, obj):
            raise RowError("企业名称", gettext("你不能修改「%(name)s」") % {"name": obj.name})
        return changes

    def create(self, data, ctx):
        ref = data["ref"]
        L.check_enterprise_region(ctx, data["region"])
        enterprise = enterprise_create(
            name=ref.name,
            credit_code=ref.credit_code,
            region=data["region"],
            address=data["address"],
            description=data["description"],
            tags=[(t, None) for t in data["tags"]],
            allow_similar_name=True,  # a similar name was refused at preview unless the importer chose to create it
            by=ctx.user,
        )
        if data["contact"]["name"]:
            contact_add(enterprise=enterprise, by=ctx.user, **data["contact"])
        return enterprise

    def update(self, obj, changes, data, ctx):
        fields = {k: v for k, v in changes.items() if k not in ("tags", "contact")}
        if "region" in fields:
            L.check_enterprise_region(ctx, fields["region"])
        if fields:
            enterprise_update(enterprise=obj, by=ctx.user, **fields)
        for tag in changes.get("tags", ()):
            enterprise_tag_set(enterprise=obj, kind=tag, by=ctx.user)
        if "contact" in changes:
            contact_add(enterprise=obj, by=ctx.user, **changes["contact"])
        return obj


register(EnterpriseImport())
