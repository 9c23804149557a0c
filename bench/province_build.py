"""Build a synthetic province from one batch: every city × every batch number, each batch holding copies of
the template batch's records (the demo's 常州市第十四批), written inside the database by ``INSERT … SELECT``.

What is made, for ``cities`` cities of the province (the template's city first, then the others by code)
and ``batches`` batch numbers (1 … ``batches``, or the last ones up to the template's number):

- each batch that does not exist yet, dated as the template but in its own year (number 14 arrived in
  2021, number n in 2007 + n), with one group per county-level division of its city (at least as many as
  the template has), 60–80 members and their tenures;
- for each city but the template's, a copy of every enterprise the template's records name (its tags
  too), renamed for the city and placed in the city's towns, so that 家 figures and the enterprise list
  are each city's own;
- in every batch, ``k`` copies of every record of the template (``k`` such that the province holds about
  ``records`` credited records), with what hangs from them (receipts, outcome rounds, progress,
  transitions, collaborators, policy links) and their credited members; links to enterprises (挂钩服务)
  once per batch. Each copy maps the template's groups, members, enterprises and regions to the batch's
  own and moves every date by whole years; foreign keys between copied rows point inside the same copy
  (new ids are computed, not returned, so each table is one statement for the whole province);
- then the scorecard's cells of every batch of the province, built in bulk (``rollup.build_many``).

Run inside a configured Django: ``build_province(template=batch, province=region, cities=13, batches=15,
records=10_000_000)``. Everything is written in one transaction.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from django.db import DatabaseError, connection, models, transaction

from bench.scale import _dependents, _order_roots, credited_models
from techmayor.core.models import Region, RegionLevel
from techmayor.core.text import normalize_company_name
from techmayor.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag
from techmayor.roster.models import Batch, DispatchUnit, Group, Member, Tenure
from techmayor.scorecard import rollup

APPS = ("ledger", "needs", "cooperation", "enterprises")
MEMBERS = (60, 80)
TOWN_LEVELS = (RegionLevel.TOWN, RegionLevel.PARK)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _exec(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def _temp(name: str, columns: str, rows: list[tuple]) -> None:
    _exec(f"DROP TABLE IF EXISTS {name}")
    _exec(f"CREATE TEMPORARY TABLE {name} ({columns})")
    if rows:
        width = len(rows[0])
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {name} VALUES ({', '.join(['%s'] * width)})", rows)


def _shift(column: str, kind: str) -> str:
    """``column`` moved by the copy's whole years (``c.years``)."""
    if connection.vendor == "postgresql":
        moved = f"{column} + make_interval(years => c.years)"
        return f"({moved})::date" if kind == "date" else moved
    return f"{'date' if kind == 'date' else 'datetime'}({column}, c.shift)"


# --- the province's cities, batches, groups, members -----------------------------------------------


def _cities(template: Batch, province: Region, count: int) -> list[Region]:
    others = Region.objects.filter(parent=province, level=RegionLevel.CITY).exclude(pk=template.city_id)
    return [template.city, *others.order_by("code", "name")[: count - 1]]


def _numbers(template: Batch, count: int) -> list[int]:
    if count >= template.number:
        return list(range(1, count + 1))
    return list(range(template.number - count + 1, template.number + 1))


def _years_later(day, years: int):
    return day.replace(year=day.year + years)


def _districts(city: Region) -> list[Region]:
    return list(Region.objects.filter(parent=city, level=RegionLevel.DISTRICT).order_by("code", "name"))


def _roster(template: Batch, cities: list[Region], numbers: list[int], rng: random.Random) -> list[Batch]:
    """Every (city, number) batch, made where missing, with groups, members and tenures; a batch that exists
    with fewer groups or members than the template (the demo's other cities) is topped up to its size."""
    existing = {(b.city_id, b.number): b for b in Batch.objects.filter(city__in=cities, number__in=numbers)}
    template_groups = Group.objects.filter(batch=template).count()
    template_members = Tenure.objects.filter(batch=template).count()
    units = list(DispatchUnit.objects.order_by("pk")[:200])
    active = set(Batch.objects.filter(city__in=cities, is_active=True).values_list("city_id", flat=True))
    made: list[Batch] = []
    for city in cities:
        for number in numbers:
            if (city.pk, number) in existing:
                continue
            years = number - template.number
            made.append(
                Batch(
                    city=city,
                    number=number,
                    start_date=_years_later(template.start_date, years),
                    end_date=_years_later(template.end_date, years),
                    is_active=city.pk not in active and number == numbers[-1],
                )
            )
    Batch.objects.bulk_create(made)
    made = list(Batch.objects.filter(pk__in=[b.pk for b in made]).select_related("city"))
    kept = [b for b in existing.values() if b.pk != template.pk]
    group_counts = _counts(Group.objects.filter(batch__in=kept))
    member_counts = _counts(Tenure.objects.filter(batch__in=kept))
    groups = []
    for batch in [*made, *kept]:
        districts = _districts(batch.city) or [None]
        have = group_counts.get(batch.pk, 0)
        wanted = template_groups if have else max(len(districts), template_groups)
        for i in range(have, wanted):
            district = districts[i % len(districts)]
            suffix = f"{i // len(districts) + 1}" if i >= len(districts) else ""
            groups.append(Group(batch=batch, name=f"{district.name}支团{suffix}", district=district))
    Group.objects.bulk_create(groups)
    by_batch = defaultdict(list)
    for group in Group.objects.filter(batch__in=[*made, *kept]).order_by("pk"):
        by_batch[group.batch_id].append(group)
    people, tenures = [], []
    for batch in [*made, *kept]:
        have = member_counts.get(batch.pk, 0)
        count = max(rng.randint(*MEMBERS), template_members) if not have else template_members
        for i in range(have, count):
            people.append((batch, i, Member(name=f"{batch.city.name[:2]}{batch.number}批团员{i + 1}")))
    Member.objects.bulk_create([m for _, _, m in people], batch_size=5000)
    for batch, i, member in people:
        batch_groups = by_batch[batch.pk]
        tenures.append(
            Tenure(
                member=member,
                batch=batch,
                group=batch_groups[i % len(batch_groups)],
                dispatch_unit=units[i % len(units)],
                start_date=batch.start_date,
                end_date=batch.end_date,
            )
        )
    Tenure.objects.bulk_create(tenures, batch_size=5000)
    return [*existing.values(), *made]


def _counts(queryset) -> dict[int, int]:
    return dict(queryset.values("batch").annotate(n=models.Count("pk")).values_list("batch", "n"))


# --- what the template names: enterprises and regions, mapped to each city's own -----------------------


def _copied_models() -> tuple[list[type[models.Model]], set]:
    roots = _order_roots(credited_models())
    ordered = [*roots, EnterpriseLink, *_dependents(roots)]
    return ordered, set(ordered)


def _template_ids(model, template: Batch, copied: set) -> str:
    """SQL selecting the ids of ``model``'s rows that belong to the template batch."""
    table = _q(model._meta.db_table)
    if any(f.name == "batch" for f in model._meta.concrete_fields):
        return f"SELECT id FROM {table} WHERE batch_id = {int(template.pk)}"
    parent = next(f for f in model._meta.concrete_fields if f.is_relation and f.related_model in copied and not f.null)
    return f"SELECT id FROM {table} WHERE {_q(parent.column)} IN (SELECT id FROM {_ids(parent.related_model)})"


def _ids(model) -> str:
    return f"pb_ids_{model._meta.db_table}"


def _referenced(target, copied: list) -> set[int]:
    """Ids of ``target`` (Enterprise, Region) named by the template's rows."""
    found: set[int] = set()
    with connection.cursor() as cursor:
        for model in copied:
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model is target:
                    cursor.execute(f"SELECT DISTINCT {_q(f.column)} FROM {_q(model._meta.db_table)} WHERE id IN "
                                   f"(SELECT id FROM {_ids(model)}) AND {_q(f.column)} IS NOT NULL")  # fmt: skip
                    found.update(r[0] for r in cursor.fetchall())
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                if m2m.related_model is target and through._meta.auto_created:
                    src, dst = m2m.m2m_column_name(), m2m.m2m_reverse_name()
                    cursor.execute(f"SELECT DISTINCT {_q(dst)} FROM {_q(through._meta.db_table)} "
                                   f"WHERE {_q(src)} IN (SELECT id FROM {_ids(model)})")  # fmt: skip
                    found.update(r[0] for r in cursor.fetchall())
    return found


def _region_map(template: Batch, cities: list[Region], used: set[int]) -> list[tuple]:
    """(city, template region, the city's region of the same level at the same place in its list)."""
    rows = []
    regions = {r.pk: r for r in Region.objects.filter(pk__in=used)}
    for city in cities:
        districts = _districts(city)
        towns = list(Region.objects.filter(parent__in=districts, level__in=TOWN_LEVELS).order_by("code", "name"))
        for pk, region in regions.items():
            if city.pk == template.city_id:
                target = pk
            elif region.level == RegionLevel.DISTRICT and districts:
                target = districts[pk % len(districts)].pk
            elif region.level in TOWN_LEVELS and towns:
                target = towns[pk % len(towns)].pk
            else:
                target = city.pk
            rows.append((city.pk, pk, target))
    return rows


def _enterprise_map(template: Batch, cities: list[Region], used: set[int], regions: list[tuple]) -> list[tuple]:
    """(city, template enterprise, the city's copy of it): the template's city keeps its own."""
    region_of = {(city, old): new for city, old, new in regions}
    originals = list(Enterprise.objects.filter(pk__in=used).order_by("pk"))
    tags = defaultdict(list)
    for tag in EnterpriseTag.objects.filter(enterprise__in=originals):
        tags[tag.enterprise_id].append(tag)
    home = template.city.name.removesuffix("市")
    rows = [(template.city_id, e.pk, e.pk) for e in originals]
    for serial, city in enumerate(c for c in cities if c.pk != template.city_id):
        here = city.name.removesuffix("市")
        copies = [
            Enterprise(
                name=e.name.replace(home, here) if home in e.name else f"{here}{e.name}",
                credit_code=_credit_code(serial, i) if e.credit_code else None,
                region_id=region_of.get((city.pk, e.region_id), city.pk) if e.region_id else None,
                industry_id=e.industry_id,
                address=e.address.replace(home, here),
                description=e.description,
                is_demo=e.is_demo,
            )
            for i, e in enumerate(originals)
        ]
        for copy in copies:  # bulk_create skips save(), which sets the key
            copy.normalized_name = normalize_company_name(copy.name)
        Enterprise.objects.bulk_create(copies, batch_size=2000)
        EnterpriseTag.objects.bulk_create(
            [
                EnterpriseTag(enterprise=copy, kind=t.kind, year=t.year, note=t.note)
                for e, copy in zip(originals, copies, strict=True)
                for t in tags[e.pk]
            ],
            batch_size=2000,
        )
        rows += [(city.pk, e.pk, copy.pk) for e, copy in zip(originals, copies, strict=True)]
    return rows


def _credit_code(city_serial: int, i: int) -> str:
    """A well-formed 统一社会信用代码 (GB 32100: check character computed) unique to the synthetic province."""
    from stdnum.cn import uscc

    body = f"91{329000 + city_serial:06d}MA{i:07d}"
    return body + uscc.calc_check_digit(body)


# --- the copies -----------------------------------------------------------------------------------


class Plan:
    """Per copied table: the template rows' id range and where the copies' ids start."""

    def __init__(self, ordered: list, template: Batch):
        self.lo: dict = {}
        self.span: dict = {}
        self.base: dict = {}
        self.rows: dict = {}
        with connection.cursor() as cursor:
            for model in ordered:
                table = _q(model._meta.db_table)
                cursor.execute(f"SELECT COUNT(*), MIN(id), MAX(id) FROM {_ids(model)}")
                n, lo, hi = cursor.fetchone()
                cursor.execute(f"SELECT MAX(id) FROM {table}")
                top = cursor.fetchone()[0] or 0
                self.rows[model], self.lo[model] = n, lo or 0
                self.span[model] = (hi - lo + 1) if n else 0
                self.base[model] = top + 1

    def new_id(self, model, column: str) -> str:
        return f"({self.base[model]} + c.c * {self.span[model]} + ({column} - {self.lo[model]}))"


def _value(field, model, plan: Plan, copied: set, joins: list) -> str:
    """The SQL of ``field``'s value in a copy of a row ``t`` of ``model`` (``c``: the copy)."""
    col = f"t.{_q(field.column)}"
    if field.primary_key:
        return plan.new_id(model, col)
    if field.is_relation:
        target = field.related_model
        if target in copied:
            inside = f"{col} IN (SELECT id FROM {_ids(target)})"
            return f"CASE WHEN {inside} THEN {plan.new_id(target, col)} END"
        if target is Batch:
            return "c.batch_id"
        mapping = {Group: ("pb_gmap", "batch_id"), Member: ("pb_mmap", "batch_id"),
                   Enterprise: ("pb_emap", "city_id"), Region: ("pb_rmap", "city_id")}.get(target)  # fmt: skip
        if mapping is not None:
            table, by = mapping
            alias = f"j{len(joins)}"
            joins.append(f"LEFT JOIN {table} {alias} ON {alias}.{by} = c.{by} AND {alias}.old_id = {col}")
            return f"{alias}.new_id"
        if target._meta.app_label in APPS:
            return "NULL"  # a lead or other record of the template's city, not copied
        return col  # shared: universities, experts, platforms, industries, users, policies
    if isinstance(field, models.DateTimeField):
        return _shift(col, "datetime")
    if isinstance(field, models.DateField):
        return _shift(col, "date")
    if field.unique:
        raise RuntimeError(f"{model._meta.label}.{field.name} is unique: copies would collide")
    return col


def _copy(model, plan: Plan, copied: set, once: bool) -> int:
    fields = model._meta.concrete_fields
    joins: list[str] = []
    values = [_value(f, model, plan, copied, joins) for f in fields]
    columns = ", ".join(_q(f.column) for f in fields)
    where = f"t.id IN (SELECT id FROM {_ids(model)})" + (" AND c.initial = 1" if once else "")
    sql = (
        f"INSERT INTO {_q(model._meta.db_table)} ({columns}) SELECT {', '.join(values)} "
        f"FROM {_q(model._meta.db_table)} t CROSS JOIN pb_copy c {' '.join(joins)} WHERE {where}"
    )
    return _exec(sql)


def _copy_members(model, plan: Plan, once: bool) -> int:
    """The plain many-to-many rows of copied records (credited members, an event's enterprises and
    universities), members and enterprises mapped to the copy's batch and city."""
    written = 0
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created:
            continue  # an explicit through model (collaborators) is copied as a dependent
        src, dst = m2m.m2m_column_name(), m2m.m2m_reverse_name()
        target = m2m.related_model
        join, other = "", f"x.{_q(dst)}"
        if target in (Member, Enterprise):
            table, by = ("pb_mmap", "batch_id") if target is Member else ("pb_emap", "city_id")
            join, other = f"JOIN {table} m ON m.{by} = c.{by} AND m.old_id = x.{_q(dst)}", "m.new_id"
        where = f"x.{_q(src)} IN (SELECT id FROM {_ids(model)})" + (" AND c.initial = 1" if once else "")
        written += _exec(
            f"INSERT INTO {_q(through._meta.db_table)} ({_q(src)}, {_q(dst)}) "
            f"SELECT {plan.new_id(model, f'x.{_q(src)}')}, {other} "
            f"FROM {_q(through._meta.db_table)} x CROSS JOIN pb_copy c {join} WHERE {where}"
        )
    return written


def _without_row_checks() -> None:
    """On PostgreSQL, no per-row foreign-key triggers for this transaction: every row of tens of millions
    would queue a deferred check, run at commit (most of the build's time). :func:`_check_references`
    checks the copied rows' references afterwards, one anti-join per foreign key."""
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():  # a savepoint: a server that refuses (not a superuser) keeps the checks
                _exec("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass


def _check_references(ordered: list) -> None:
    """Every foreign key of the copied tables (and their members) points at a row that exists."""
    if connection.vendor != "postgresql":
        return  # SQLite checked them row by row
    tables = [(m._meta.db_table, m._meta.concrete_fields) for m in ordered]
    tables += [
        (t._meta.db_table, t._meta.concrete_fields)
        for m in ordered
        for t in (m2m.remote_field.through for m2m in m._meta.many_to_many)
        if t._meta.auto_created
    ]
    for table, fields in tables:
        for f in fields:
            if not f.is_relation or f.primary_key:
                continue
            target = f.related_model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {_q(table)} t WHERE t.{_q(f.column)} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {_q(target)} r WHERE r.id = t.{_q(f.column)})"
                )
                missing = cursor.fetchone()[0]
            if missing:
                raise RuntimeError(f"{table}.{f.column}: {missing} rows point at no {target}")


def _reset_sequences(ordered: list) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest id written
    tables = [m._meta.db_table for m in ordered]
    tables += [m2m.remote_field.through._meta.db_table for m in ordered for m2m in m._meta.many_to_many]
    for table in [*tables, Enterprise._meta.db_table]:
        _exec(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {_q(table)}")


def _maps(template: Batch, batches: list[Batch], ordered: list) -> None:
    """The mapping tables of groups and members (per batch), enterprises and regions (per city)."""
    template_groups = list(Group.objects.filter(batch=template).order_by("pk").values_list("pk", flat=True))
    template_members = list(
        Tenure.objects.filter(batch=template).order_by("member_id").values_list("member_id", flat=True)
    )
    groups, members = defaultdict(list), defaultdict(list)
    for batch_id, pk in Group.objects.filter(batch__in=batches).order_by("pk").values_list("batch_id", "pk"):
        groups[batch_id].append(pk)
    for batch_id, pk in Tenure.objects.filter(batch__in=batches).order_by("pk").values_list("batch_id", "member_id"):
        members[batch_id].append(pk)
    gmap, mmap = [], []
    for batch in batches:
        same = batch.pk == template.pk
        if len(groups[batch.pk]) < len(template_groups) or len(members[batch.pk]) < len(template_members):
            raise RuntimeError(f"{batch} has fewer groups or members than {template}: its copies cannot be mapped")
        gmap += [(batch.pk, old, old if same else groups[batch.pk][i]) for i, old in enumerate(template_groups)]
        mmap += [(batch.pk, old, old if same else members[batch.pk][i]) for i, old in enumerate(template_members)]
    _temp("pb_gmap", "batch_id integer, old_id integer, new_id integer", gmap)
    _temp("pb_mmap", "batch_id integer, old_id integer, new_id integer", mmap)
    cities = list({b.city_id: b.city for b in batches}.values())
    cities.sort(key=lambda c: (c.pk != template.city_id, c.code, c.name))
    enterprises = _referenced(Enterprise, ordered)
    homes = Enterprise.objects.filter(pk__in=enterprises, region__isnull=False).values_list("region_id", flat=True)
    regions = _region_map(template, cities, _referenced(Region, ordered) | set(homes))
    _temp("pb_rmap", "city_id integer, old_id integer, new_id integer", regions)
    _temp("pb_emap", "city_id integer, old_id integer, new_id integer",
          _enterprise_map(template, cities, enterprises, regions))  # fmt: skip


def build_province(
    *, template: Batch, province: Region, cities: int, batches: int, records: int, seed: int = 2008, log=print
) -> dict:
    """Build the synthetic province (see the module's docstring); returns what was written."""
    rng = random.Random(seed)
    started = time.perf_counter()
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        _without_row_checks()
        ordered, copied = _copied_models()
        for model in ordered:
            _exec(f"DROP TABLE IF EXISTS {_ids(model)}")
            _exec(f"CREATE TEMPORARY TABLE {_ids(model)} AS {_template_ids(model, template, copied)}")
        roots = [m for m in ordered if m in set(credited_models())]
        plan = Plan(ordered, template)
        size = sum(plan.rows[m] for m in roots)
        if not size:
            raise RuntimeError(f"{template} has no records to copy")
        province_batches = _roster(template, _cities(template, province, cities), _numbers(template, batches), rng)
        per_batch = max(1, round(records / len(province_batches) / size))
        log(f"template {template}: {size:,} credited records; {len(province_batches)} batches × {per_batch} copies")
        copies, c = [], 0
        # Links to enterprises are copied once into each batch that has none yet (the demo's other batches
        # hold their own).
        linked = set(EnterpriseLink.objects.filter(batch__in=province_batches).values_list("batch_id", flat=True))
        for batch in sorted(province_batches, key=lambda b: (b.city_id, b.number)):
            years = batch.start_date.year - template.start_date.year
            for k in range(per_batch - 1 if batch.pk == template.pk else per_batch):
                initial = int(k == 0 and batch.pk not in linked)
                copies.append((c, batch.pk, batch.city_id, years, f"{years:+d} years", initial))
                c += 1
        columns = "c integer, batch_id integer, city_id integer, years integer, shift varchar(20), initial integer"
        _temp("pb_copy", columns, copies)
        _maps(template, province_batches, ordered)
        log(f"  roster, enterprises and maps: {time.perf_counter() - started:.0f} s; copying {len(copies)} copies")
        for model in ordered:
            once = model is EnterpriseLink
            step = time.perf_counter()
            counts[model._meta.label] += _copy(model, plan, copied, once)
            counts[f"{model._meta.label} members"] += _copy_members(model, plan, once)
            log(f"  {model._meta.label}: {counts[model._meta.label]:,} rows in {time.perf_counter() - step:.0f} s")
        _reset_sequences(ordered)
        step = time.perf_counter()
        _check_references(ordered)
        log(f"  references checked in {time.perf_counter() - step:.0f} s")
        ids = [b.pk for b in province_batches]
        rollup.invalidate(ids)
        step = time.perf_counter()
        rollup.build_many(ids)
        log(f"  cells of {len(ids)} batches built in {time.perf_counter() - step:.0f} s")
    if connection.vendor == "postgresql":
        _exec("ANALYZE")  # fresh planner statistics, as a live database would have
    credited = sum(m.objects.filter(batch__in=province_batches).count() for m in roots)
    return {
        "batches": len(province_batches),
        "copies": len(copies),
        "credited_records": credited,
        "rows_added": dict(counts),
        "seconds": round(time.perf_counter() - started, 1),
    }
