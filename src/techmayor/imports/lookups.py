"""References in a row resolved by name, the way ledgers write them, with the importer's scope.

Built once per import and kept in ``ImportContext.cache``: the batch's groups and serving members,
the city's regions, the enterprises (by credit code, by normalised name, and a fuzzy index for names
written slightly differently), universities and platforms. Every function raises
:class:`~techmayor.imports.engine.RowError` naming the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from techmayor.accounts.scopes import regions_under
from techmayor.core import values
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region, RegionLevel
from techmayor.core.text import clean_text, normalize_company_name
from techmayor.roster.models import Group, Tenure
from techmayor.roster.selectors import WRITE_MEMBER, write_context

from .engine import ImportContext, RowError

_REGION_SUFFIX = re.compile(r"(街道办事处|街道|镇|乡|经济开发区|开发区|高新区|园区)$")


def cell(values_: dict, name: str) -> str:
    return clean_text(values_.get(name, ""))


def parse(label: str, parser, text: str, **kwargs):
    """Run a ``core.values`` parser; its ValueError becomes the row's error under ``label``."""
    try:
        return parser(text, **kwargs)
    except ValueError as exc:
        raise RowError(label, str(exc)) from exc


def wan(ctx: ImportContext, values_: dict, name: str, label: str):
    """An amount in 万元 (``core.values.parse_wan``); above the plausible it needs the import confirmed."""
    return ctx.amount(label, parse(label, values.parse_wan, values_.get(name, "")))


def text(values_: dict, name: str, label: str, *, required: bool = False, limit: int | None = None) -> str:
    from techmayor.core.text import formula_problem

    value = cell(values_, name)
    if required and not value:
        raise RowError(label, gettext("不能为空"))
    if limit and len(value) > limit:
        raise RowError(label, gettext("不能超过 %(limit)s 个字，实际 %(n)s 个字") % {"limit": limit, "n": len(value)})
    if problem := formula_problem(value):
        raise RowError(label, problem)
    return value


# --- the batch: groups, members, the write scope ------------------------------------------------


def require_batch(ctx: ImportContext):
    if ctx.batch is None:
        raise ApplicationError(gettext("请指定批次（--batch 与 --city）"), field="batch")
    return ctx.batch


def write_scope(ctx: ImportContext):
    """The groups the importer may write for in the batch (as the forms offer them)."""
    return ctx.cached("write", lambda: write_context(ctx.user, require_batch(ctx)))


def _groups(ctx: ImportContext) -> dict[str, Group]:
    def build():
        table: dict[str, Group] = {}
        for g in Group.objects.filter(batch=require_batch(ctx)).select_related("district"):
            district = g.district.name
            for name in {g.name, g.name.removesuffix("团"), district, re.sub(r"[市区县]$", "", district)}:
                table.setdefault(name, g)
        return table

    return ctx.cached("groups", build)


def group(ctx: ImportContext, name: str, *, label: str = "支团", region=None) -> Group:
    """The row's group: by its name (溧阳团 / 溧阳 / 溧阳市), else the importer's only group, else the
    group serving the district of ``region``."""
    name = clean_text(name).replace(" ", "")
    table = _groups(ctx)
    if name:
        found = table.get(name) or table.get(name.removesuffix("支团")) or table.get(name.removesuffix("团"))
        if found is None:
            raise RowError(
                label,
                gettext("「%(name)s」不是%(batch)s的支团（可选：%(choices)s）")
                % {"name": name, "batch": ctx.batch, "choices": "、".join(sorted({g.name for g in table.values()}))},
            )
        return found
    scope = write_scope(ctx)
    if scope is not None and len(scope.groups) == 1:
        return scope.groups[0]
    district = region.ancestor(RegionLevel.DISTRICT) if region is not None else None
    if district is not None:
        found = next((g for g in table.values() if g.district_id == district.pk), None)
        if found is not None:
            return found
    raise RowError(label, gettext("不能为空（写支团名称，如 溧阳团）"))


def _serving(ctx: ImportContext) -> dict[str, list[Tenure]]:
    def build():
        table: dict[str, list[Tenure]] = {}
        for t in Tenure.objects.filter(batch=require_batch(ctx)).select_related("member"):
            table.setdefault(clean_text(t.member.name).replace(" ", ""), []).append(t)
        return table

    return ctx.cached("serving", build)


def members(
    ctx: ImportContext, raw: str, grp: Group, *, label: str, required: bool = False, scoped: bool = True
) -> list:
    """The members named in one cell (``张三、李四`` …), each serving in the batch, checked against the
    importer's write scope as the forms check it (a plain member is always credited)."""
    found = []
    for name in values.split_names(raw):
        tenures = _serving(ctx).get(name.replace(" ", ""), [])
        if len(tenures) > 1:
            tenures = [t for t in tenures if t.group_id == grp.pk] or tenures
        if not tenures:
            raise RowError(label, gettext("「%(name)s」不是%(batch)s的团员") % {"name": name, "batch": ctx.batch})
        if len(tenures) > 1:
            raise RowError(
                label, gettext("%(batch)s有多名团员叫「%(name)s」，无法区分") % {"name": name, "batch": ctx.batch}
            )
        if tenures[0].member not in found:
            found.append(tenures[0].member)
    if not scoped:
        return found
    scope = write_scope(ctx)
    if scope is None or grp.pk not in scope.capacity:
        raise RowError("支团", gettext("你不能为%(group)s登记记录") % {"group": grp.name})
    if scope.capacity[grp.pk] == WRITE_MEMBER:
        if scope.member is None:
            raise RowError("支团", gettext("你的账号未关联团员，不能登记"))
        if scope.member not in found:
            found.insert(0, scope.member)
    if required and not found:
        raise RowError(label, gettext("至少需要一名团员"))
    return found


def credit(ctx: ImportContext, values_: dict, *, members_label: str, required: bool = False, region=None, scoped=True):
    """The group, date and members a credited row is credited to (``group``, ``date``, ``members`` fields).

    Without a 支团 column the group is the one all the members named serve in, else the importer's only
    group, else the group serving the district of ``region`` (the enterprise's town). Ledgers repeat
    the same dates and teams on many rows: each distinct cell is resolved once per import."""
    raw_group, raw_members = values_.get("group", ""), values_.get("members", "")
    if clean_text(raw_group):
        grp = group(ctx, raw_group, region=region)
    else:
        grp = _memo(ctx, "team_group", raw_members, lambda: _team_group(ctx, raw_members)) or group(
            ctx, "", region=region
        )
    date = _memo(ctx, "dates", values_.get("date", ""), lambda: _date(ctx, values_.get("date", "")))
    found = _memo(
        ctx,
        "teams",
        (raw_members, grp.pk, required, scoped),
        lambda: members(ctx, raw_members, grp, label=members_label, required=required, scoped=scoped),
    )
    return grp, date, list(found)


def _team_group(ctx: ImportContext, raw_members: str) -> Group | None:
    """The one group all the members named in a cell serve in, else None."""
    serving = _serving(ctx)
    groups = {t.group_id for name in values.split_names(raw_members) for t in serving.get(name.replace(" ", ""), [])}
    table = ctx.cached("groups_by_id", lambda: {g.pk: g for g in _groups(ctx).values()})
    return table[groups.pop()] if len(groups) == 1 else None


def _date(ctx: ImportContext, raw: str):
    from techmayor.core import clock

    date = parse(_label(ctx, "date"), values.parse_date, raw)
    batch = ctx.batch
    if not batch.start_date <= date <= batch.end_date:
        raise RowError(
            _label(ctx, "date"),
            gettext("%(date)s 不在%(batch)s的期限（%(start)s 至 %(end)s）内")
            % {"date": date, "batch": batch, "start": batch.start_date, "end": batch.end_date},
        )
    today = ctx.cached("today", clock.today)
    if date > today:
        raise RowError(_label(ctx, "date"), gettext("%(date)s 晚于今天（%(today)s）") % {"date": date, "today": today})
    return date


def _memo(ctx: ImportContext, table: str, key, build):
    """``build()`` once per distinct ``key`` in this import (its RowError and warnings too)."""
    memo = ctx.cache.setdefault(f"memo:{table}", {})
    if key not in memo:
        warnings = ctx.cache.setdefault("warnings", [])
        before = len(warnings)
        try:
            memo[key] = (build(), None, warnings[before:])
        except RowError as err:
            memo[key] = (None, err, warnings[before:])
        del warnings[before:]
    value, err, warned = memo[key]
    ctx.cache.setdefault("warnings", []).extend(warned)
    if err is not None:
        raise err
    return value


def _label(ctx: ImportContext, name: str) -> str:
    kind = ctx.cache.get("kind")
    return (kind.label_of(name) if kind is not None else "") or name


# --- places ------------------------------------------------------------------------------------


def city_of(ctx: ImportContext):
    return ctx.batch.city if ctx.batch is not None else None


def _regions(ctx: ImportContext) -> dict[str, list[Region]]:
    def build():
        city = city_of(ctx)
        qs = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.TOWN, RegionLevel.PARK])
        if city is not None:
            qs = qs.filter(pk__in=regions_under(city))
        table: dict[str, list[Region]] = {}
        for r in qs.select_related("parent"):
            for name in {r.name, _REGION_SUFFIX.sub("", r.name)}:
                table.setdefault(name, []).append(r)
            if r.parent is not None and r.level != RegionLevel.DISTRICT:
                table.setdefault(r.parent.name + r.name, []).append(r)
        return table

    return ctx.cached("regions", build)


def region_by_id(ctx: ImportContext, pk: int | None) -> Region | None:
    if pk is None:
        return None
    table = ctx.cached("regions_by_id", lambda: {r.pk: r for rs in _regions(ctx).values() for r in rs})
    return table.get(pk) or Region.objects.filter(pk=pk).first()


def region(ctx: ImportContext, name: str, *, label: str) -> Region | None:
    name = clean_text(name).replace(" ", "")
    if not name:
        return None
    table = _regions(ctx)
    found = table.get(name) or table.get(_REGION_SUFFIX.sub("", name)) or []
    towns = [r for r in found if r.level != RegionLevel.DISTRICT] or found
    if not towns:
        raise RowError(
            label,
            gettext("「%(name)s」不是%(city)s的镇（街道）、园区或区县") % {"name": name, "city": city_of(ctx) or ""},
        )
    if len(towns) > 1:
        shown = "、".join(r.parent.name + r.name if r.parent else r.name for r in towns)
        raise RowError(
            label, gettext("「%(name)s」有多处（%(shown)s），请写明所在区县") % {"name": name, "shown": shown}
        )
    return towns[0]


# --- enterprises -------------------------------------------------------------------------------


@dataclass
class EnterpriseRef:
    """An enterprise a row names: one in the system (``pk``), or a new one to create on write."""

    name: str
    credit_code: str | None = None
    pk: int | None = None
    region: Region | None = None
    region_id: int | None = None  # of an enterprise in the system

    @property
    def identity(self) -> tuple:
        return ("id", self.pk) if self.pk else ("new", self.credit_code or normalize_company_name(self.name))


class _Enterprises:
    def __init__(self):
        from techmayor.enterprises.models import Enterprise

        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.names: dict[int, str] = {}
        self.codes: dict[int, str | None] = {}
        self.regions: dict[int, int | None] = {}
        rows = list(Enterprise.objects.values_list("pk", "name", "normalized_name", "credit_code", "region_id"))
        for pk, name, key, code, region_id in rows:
            self.names[pk] = name
            self.codes[pk] = code
            self.regions[pk] = region_id
            if code:
                self.by_code[code] = pk
            self.by_name.setdefault(key, pk)
        self._rows = [(pk, name, key) for pk, name, key, _code, _region in rows]
        self._index = None

    def similar(self, name: str):
        """The enterprise whose name is near ``name`` (``enterprises.dedupe``: one scoring for every page), or None."""
        from techmayor.enterprises.dedupe import NameIndex

        if self._index is None:
            self._index = NameIndex(self._rows)
        return self._index.best(name)


def enterprises(ctx: ImportContext) -> _Enterprises:
    return ctx.cached("enterprises", _Enterprises)


def enterprise(ctx: ImportContext, name: str, code: str, *, label: str = "企业名称", region=None) -> EnterpriseRef:
    """The enterprise a row names: by credit code, else by normalised name; a name only close to one in
    the system is refused unless the importer chose to create it anyway (never merged silently)."""
    key = (name, code, label, getattr(region, "pk", None))
    return _memo(ctx, "enterprises", key, lambda: _enterprise(ctx, name, code, label=label, region=region))


def _enterprise(ctx: ImportContext, name: str, code: str, *, label: str, region) -> EnterpriseRef:
    from techmayor.enterprises.services import clean_credit_code

    name = clean_text(name)
    if not name:
        raise RowError(label, gettext("不能为空"))
    try:
        code = clean_credit_code(code)
    except ApplicationError as err:
        raise RowError("统一社会信用代码", err.message) from err
    table = enterprises(ctx)
    key = normalize_company_name(name)
    if code and code in table.by_code:
        pk = table.by_code[code]
        return EnterpriseRef(table.names[pk], code, pk, region_id=table.regions[pk])
    pk = table.by_name.get(key)
    if pk is not None:
        known = table.codes[pk]
        if code and known and known != code:
            raise RowError(
                "统一社会信用代码",
                gettext("「%(code)s」与系统中「%(name)s」的信用代码 %(known)s 不一致")
                % {"code": code, "name": table.names[pk], "known": known},
            )
        return EnterpriseRef(table.names[pk], code or known, pk, region_id=table.regions[pk])
    similar = table.similar(name)
    if similar is not None:
        names = {"name": name, "similar": similar.name, "score": similar.score}
        if not ctx.allow_similar:
            raise RowError(
                label,
                gettext(
                    "系统中没有「%(name)s」，有相似的「%(similar)s」（相似度 %(score)s%%）："
                    "请核对后改为该名称，或选择仍然新建"
                )
                % names,
            )
        ctx.warn(
            label,
            gettext("系统中没有「%(name)s」，有相似的「%(similar)s」（相似度 %(score)s%%）；按你的选择新建") % names,
        )
    else:
        ctx.warn(label, gettext("新企业「%(name)s」将被创建") % {"name": name})
    return EnterpriseRef(name, code, None, region)


def place_of(ctx: ImportContext, ref: EnterpriseRef | None, region=None):
    """Where a row's work happened: the region column, else where the enterprise lies."""
    if region is not None or ref is None:
        return region
    return ref.region or region_by_id(ctx, ref.region_id)


def enterprise_object(ctx: ImportContext, ref: EnterpriseRef | None):
    """The enterprise of ``ref`` at write time: the one in the system, or created through the service once
    per import (two rows naming the same new enterprise share it)."""
    from techmayor.enterprises.models import Enterprise
    from techmayor.enterprises.services import enterprise_create

    if ref is None:
        return None
    if ref.pk:
        return Enterprise.objects.get(pk=ref.pk)
    made = ctx.cache.setdefault("made_enterprises", {})
    if ref.identity not in made:
        check_enterprise_region(ctx, ref.region)
        made[ref.identity] = enterprise_create(
            name=ref.name, credit_code=ref.credit_code, region=ref.region, allow_similar_name=True, by=ctx.user
        )
    return made[ref.identity]


def check_enterprise_region(ctx: ImportContext, region) -> None:
    """New enterprises only where the importer may place them (a town's staff: their own town)."""
    from techmayor.enterprises.selectors import assignable_regions, can_create_enterprise

    if not can_create_enterprise(ctx.user):
        raise ApplicationError(gettext("你没有新建企业的权限"), field="name")
    allowed = ctx.cached("assignable", lambda: set(assignable_regions(ctx.user).values_list("pk", flat=True)))
    if region is not None and region.pk not in allowed and not getattr(ctx.user, "is_superuser", False):
        raise ApplicationError(gettext("你不能在「%(region)s」登记企业") % {"region": region}, field="region")


# --- resources -----------------------------------------------------------------------------------


def university(ctx: ImportContext, name: str, *, label: str, required: bool = False):
    from techmayor.resources.models import University

    name = clean_text(name)
    if not name:
        if required:
            raise RowError(label, gettext("不能为空"))
        return None
    table = ctx.cached("universities", lambda: {clean_text(u.name): u for u in University.objects.all()})
    found = table.get(name) or table.get(name.replace("(", "（").replace(")", "）"))
    if found is None:
        raise RowError(label, gettext("「%(name)s」不在高校名录中（请先导入或添加该高校）") % {"name": name})
    return found
