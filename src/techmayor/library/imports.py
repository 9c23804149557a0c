"""Importing the expert library: experts (专家名录) and their results (成果清单), through the same
services as the forms, with the same row-error rules as the other imports (``第N行: 字段: 原因``)
and the library's write scope checked per row (a member imports their own dispatching unit's
experts only). Importing the same file again changes nothing."""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_lazy

from techmayor.core import values
from techmayor.core.text import clean_text
from techmayor.imports import lookups as L
from techmayor.imports.engine import Field, ImportContext, ImportKind, RowError, register
from techmayor.resources.choices import AchievementKind, parse_stage
from techmayor.resources.models import Achievement, Expert, University
from techmayor.resources.services import achievement_create, achievement_update, expert_create, expert_update

from . import permissions

UNIVERSITY_LIKE = re.compile(r"(大学|学院|学校)$")


def _place(ctx: ImportContext, cell: str, label: str) -> tuple[University | None, str]:
    """A 所在单位 cell: a university on the list, else an organisation (an institute …)."""
    name = clean_text(cell)
    if not name:
        return None, ""
    try:
        return L.university(ctx, name, label=label), ""
    except RowError:
        if UNIVERSITY_LIKE.search(name):
            raise
        return None, name


class ExpertImport(ImportKind):
    key = "experts"
    label = gettext_lazy("专家名录")
    unit = "位"
    credited = False
    fields = (
        Field("name", "姓名", ("专家姓名", "专家", "姓 名"), required=True),
        Field("university", "所在高校", ("高校", "学校", "所在单位", "工作单位", "单位", "单位名称", "依托单位")),
        Field("organization", "院系", ("所在机构", "学院", "所在院系", "部门", "院系/所")),
        Field("title", "职称", ("职务", "职称/职务")),
        Field("disciplines", "研究方向", ("学科", "专业", "研究领域", "专业领域", "专长")),
        Field("email", "邮箱", ("电子邮箱", "email", "e-mail")),
        Field("bio", "简介", ("个人简介", "专家简介", "主要成就")),
    )

    def allowed(self, ctx: ImportContext) -> bool:
        return permissions.can_add_expert(ctx.user)

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        name = L.text(v, "name", "姓名", required=True, limit=60)
        university, organization = _place(ctx, v.get("university", ""), "所在高校")
        department = L.text(v, "organization", "院系", limit=120)
        if university is None and not organization and not department:
            raise RowError("所在高校", gettext("请填写所在高校或所在机构"))
        organization = department if university is not None or not organization else organization
        email = L.text(v, "email", "邮箱", limit=254)
        if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            raise RowError("邮箱", gettext("「%(email)s」不是有效的邮箱地址") % {"email": email})
        if not permissions.can_edit_expert(ctx.user, Expert(university=university, organization=organization)):
            raise RowError("所在高校", gettext("只能导入本派出单位的专家"))
        return {
            "name": name,
            "university": university,
            "organization": organization,
            "title": L.text(v, "title", "职称", limit=40),
            "disciplines": values.split_names(v.get("disciplines", "")),
            "email": email,
            "bio": L.text(v, "bio", "简介"),
        }

    def natural_key(self, data: dict) -> tuple:
        u = data["university"]
        return (data["name"], u.pk if u else None, "" if u else data["organization"])

    def summary(self, data: dict) -> str:
        u = data["university"]
        return f"{data['name']} {u.name if u else data['organization']}"

    def existing(self, ctx, keys):
        names = {k[0] for k in keys}
        found = {}
        for e in Expert.objects.filter(name__in=names, merged_into__isnull=True).order_by("pk"):
            key = (e.name, e.university_id, "" if e.university_id else e.organization)
            found.setdefault(key, e)
        return {k: found[k] for k in keys if k in found}

    def changes(self, obj, data, ctx) -> dict:
        changes = {}
        for name in ("title", "email", "bio"):
            if data[name] and data[name] != getattr(obj, name):
                changes[name] = data[name]
        if data["university"] is not None and data["organization"] and data["organization"] != obj.organization:
            changes["organization"] = data["organization"]
        if missing := [d for d in data["disciplines"] if d not in obj.disciplines]:
            changes["disciplines"] = [*obj.disciplines, *missing]
        if changes and not permissions.can_edit_expert(ctx.user, obj):
            raise RowError("姓名", gettext("你不能修改「%(name)s」") % {"name": obj})
        return changes

    def create(self, data, ctx):
        return expert_create(**data, by=ctx.user)

    def update(self, obj, changes, data, ctx):
        return expert_update(expert=obj, by=ctx.user, **changes)


KIND_ALIASES = {
    "发明专利": "patent",
    "实用新型": "patent",
    "实用新型专利": "patent",
    "外观设计": "patent",
    "专利申请": "patent",
    "期刊论文": "paper",
    "会议论文": "paper",
    "学位论文": "paper",
    "文章": "paper",
    "技术": "offer",
    "成果": "offer",
    "科技成果": "offer",
    "技术成果": "offer",
}


class AchievementImport(ImportKind):
    key = "results"
    label = gettext_lazy("专家成果")
    unit = "项"
    credited = False
    fields = (
        Field(
            "title", "成果名称", ("标题", "成果标题", "论文题目", "论文名称", "专利名称", "题目", "名称"), required=True
        ),
        Field("kind", "成果类型", ("类型", "类别", "成果类别", "专利类型")),
        Field("external_id", "编号", ("成果编号", "专利号", "申请号", "公开号", "授权公告号", "DOI")),
        Field("experts", "专家", ("完成人", "发明人", "作者", "专家姓名", "负责人")),
        Field("university", "所属高校", ("高校", "完成单位", "所在高校", "学校", "单位")),
        Field("abstract", "摘要", ("成果简介", "简介", "内容摘要", "摘要/简介")),
        Field("keywords", "关键词", ("关键字",)),
        Field("discipline", "学科", ("所属学科", "学科领域", "技术领域")),
        Field("year", "年份", ("年度", "发表年份", "申请年份", "授权年份")),
        Field(
            "stage",
            "成熟度",
            ("成果阶段", "阶段", "成熟度阶段", "技术成熟度", "技术就绪度", "技术就绪水平", "TRL", "产业化阶段"),
        ),
    )

    def allowed(self, ctx: ImportContext) -> bool:
        return permissions.can_add_expert(ctx.user)

    def _experts(self, ctx, names: list[str], university) -> list[Expert]:
        table = ctx.cached("experts", lambda: _expert_table())
        out = []
        for name in names:
            matches = table.get(name, [])
            if university is not None:
                matches = [e for e in matches if e.university_id == university.pk] or matches
            if not matches:
                raise RowError("专家", gettext("专家库中没有「%(name)s」（请先导入专家名录）") % {"name": name})
            if len(matches) > 1:
                raise RowError(
                    "专家",
                    gettext("专家库中有 %(n)s 位「%(name)s」，请填写所属高校以区分")
                    % {"n": len(matches), "name": name},
                )
            out.append(matches[0])
        return out

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        title = L.text(v, "title", "成果名称", required=True, limit=500)
        kind = L.parse(
            "成果类型",
            values.parse_choice,
            v.get("kind", ""),
            choices=AchievementKind,
            aliases=KIND_ALIASES,
            default="offer",
        )
        university = L.university(ctx, v.get("university", ""), label="所属高校")
        experts = self._experts(ctx, values.split_names(v.get("experts", "")), university)
        year = L.parse("年份", values.parse_count, v.get("year", "").removesuffix("年"))
        if year is not None and not 1900 <= year <= 2100:
            raise RowError("年份", gettext("「%(year)s」不是有效年份") % {"year": year})
        stage = L.parse("成熟度", parse_stage, v.get("stage", ""))
        if university is None:
            university = next((e.university for e in experts if e.university_id), None)
        draft_ok = (
            permissions.is_library_admin(ctx.user)
            or (experts and all(permissions.can_edit_expert(ctx.user, e) for e in experts))
            or (university is not None and university.pk in permissions.home_university_ids(ctx.user))
        )
        if not draft_ok:
            raise RowError("专家", gettext("只能导入本派出单位专家的成果"))
        return {
            "title": title,
            "kind": kind,
            "external_id": L.text(v, "external_id", "编号", limit=80),
            "experts": experts,
            "university": university,
            "abstract": L.text(v, "abstract", "摘要"),
            "keywords": values.split_names(v.get("keywords", "")),
            "discipline": L.text(v, "discipline", "学科", limit=60),
            "year": year,
            "stage": stage,
        }

    def natural_key(self, data: dict) -> tuple:
        if data["external_id"]:
            return (data["kind"], data["external_id"])
        return (data["kind"], "", data["title"], data["university"].pk if data["university"] else None)

    def summary(self, data: dict) -> str:
        return data["title"][:60]

    def existing(self, ctx, keys):
        found = {}
        with_id = [k[1] for k in keys if k[1]]
        for i in range(0, len(with_id), 500):
            for a in Achievement.objects.filter(external_id__in=with_id[i : i + 500]).prefetch_related("experts"):
                found[(a.kind, a.external_id)] = a
        titles = [k[2] for k in keys if not k[1]]
        for i in range(0, len(titles), 500):
            for a in Achievement.objects.filter(title__in=titles[i : i + 500]).prefetch_related("experts"):
                found.setdefault((a.kind, "", a.title, a.university_id), a)
        return {k: found[k] for k in keys if k in found}

    def changes(self, obj, data, ctx) -> dict:
        changes = {}
        for name in ("abstract", "discipline", "year", "stage"):
            if data[name] and data[name] != getattr(obj, name):
                changes[name] = data[name]
        if missing := [k for k in data["keywords"] if k not in (obj.keywords or [])]:
            changes["keywords"] = [*(obj.keywords or []), *missing]
        have = {e.pk for e in obj.experts.all()}
        if any(e.pk not in have for e in data["experts"]):
            changes["experts"] = [*obj.experts.all(), *(e for e in data["experts"] if e.pk not in have)]
        if changes and not permissions.can_edit_achievement(ctx.user, obj):
            raise RowError("成果名称", gettext("你不能修改「%(name)s」") % {"name": obj})
        return changes

    def create(self, data, ctx):
        return achievement_create(**data, by=ctx.user)

    def update(self, obj, changes, data, ctx):
        fields = {k: v for k, v in changes.items() if k != "experts"}
        return achievement_update(achievement=obj, experts=changes.get("experts"), by=ctx.user, **fields)


def _expert_table() -> dict[str, list[Expert]]:
    table: dict[str, list[Expert]] = {}
    for e in Expert.objects.filter(merged_into__isnull=True).order_by("pk"):
        table.setdefault(e.name, []).append(e)
    return table


register(ExpertImport(), AchievementImport())
