"""The scorecard's cells (``FigureCell``): figures pre-aggregated per group and day, kept exact.

Why: a batch's scorecard asks every metric for the batch and each group; counted from the records, that
reads every record of the batch several times (seconds at a million records). Counted from cells it
reads a few thousand small rows. Decision record: docs/decisions/0013-scorecard-cells.md.

How the cells stay equal to what the records count:
- A cell is computed from the records by the metric's own definition (``metrics.Metric``: model, filters,
  expression); nothing else defines a figure.
- Every model a metric reads (its records, the credited record behind them, and every model its filters
  or expression reach, such as an enterprise's credit code or tags) is watched: before and after each
  save or delete (and each change of a many-to-many the metric reads) the cells the affected records fall
  in, (metric, batch, group, day), are recomputed from the records, in the same transaction, with the
  batch's ``RollupState`` row locked so that concurrent writers take turns.
- A batch's cells are built in full on first use (``ensure_built``). Writers that bypass model signals
  (``bulk_create``, ``QuerySet.update``, raw SQL) must call :func:`invalidate` for the batches they touch;
  the cells are then rebuilt on the next read.
- :func:`verify` recomputes every cell and lists differences; the test suite runs it after every test
  that used the database, and ``techmayor scorecard --verify`` runs it on an installation.

Figures of one member (``Scope.member``) are counted from the records: they are small.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .metrics import COUNT, DISTINCT, METRICS, ROLLUP_METRICS, UNIVERSITY_SOURCES, Metric, Scope
from .models import FigureCell, RollupState

KEY_LENGTH = FigureCell._meta.get_field("key").max_length
Cell = tuple[str, int, int, object]  # (metric code, batch id, group id, day)
# The day of the cells of a figure not spread over days (``Metric.date_field`` empty).
UNDATED = dt.date(1, 1, 1)


def additive(metric: Metric) -> bool:
    """Counts and sums add up over days and groups; distinct counts (家, 所) do not."""
    return metric.compute is None and metric.aggregate in (COUNT, "sum")


def _sources(metric: Metric) -> list[tuple[Metric, str]]:
    """The record definitions a figure reads, with the field giving each record's counted thing."""
    if metric.compute is not None:  # 对接高校: the universities of several kinds of record
        return [(METRICS[code], path) for code, path in UNIVERSITY_SOURCES]
    return [(metric, "")]


# --- computing cells from the records ------------------------------------------------------------


def _records(metric: Metric, batch_ids, groups=None, days=None):
    p = metric.path
    qs = metric.record_model.objects.filter(metric.filters or Q()).filter(**{f"{p}batch__in": sorted(batch_ids)})
    if groups is not None:
        qs = qs.filter(**{f"{p}group__in": sorted(groups)})
    if days is not None and metric.date_field:
        qs = qs.filter(**{f"{metric.date_field}__gte": min(days), f"{metric.date_field}__lte": max(days)})
    return qs.order_by()


def cell_rows(metric: Metric, batch_ids: Iterable[int], groups=None, days=None) -> list:
    """The cells of ``metric`` as the records give them: querysets of rows ``cb`` (batch), ``cg`` (group),
    ``cd`` (day; absent for a figure not spread over days), ``ck`` (key; only for distinct figures) and
    ``v`` (value; absent for 对接高校, whose rows are distinct and each worth 1). The one definition of a
    cell, read into Python by :func:`compute_cells` and copied inside the database by :func:`build_many`."""
    if metric.compute is not None:
        return [
            _records(source, batch_ids, groups, days)
            .filter(**{f"{path}__isnull": False})
            .values(cb=F(f"{source.path}batch"), cg=F(f"{source.path}group"), cd=F(source.date_field), ck=F(path))
            .distinct()
            for source, path in _sources(metric)
        ]
    by = {"cb": F(f"{metric.path}batch"), "cg": F(f"{metric.path}group")}
    if metric.date_field:
        by["cd"] = F(metric.date_field)
    if metric.aggregate == DISTINCT:
        by["ck"] = F(metric.expr) if isinstance(metric.expr, str) else metric.expr
        aggregate = Count("pk", distinct=True)
    else:
        aggregate = Count("pk", distinct=True) if metric.aggregate == COUNT else Sum(metric.expr)
    return [_records(metric, batch_ids, groups, days).values(**by).annotate(v=aggregate)]


def compute_cells(metric: Metric, batch_id: int, groups=None, days=None) -> dict[tuple, Decimal]:
    """``{(group id, day, key): value}`` of ``metric`` from the records (optionally of some groups and
    the days between the first and last of ``days``)."""
    cells: dict[tuple, Decimal] = {}
    for rows in cell_rows(metric, [batch_id], groups, days):
        for r in rows:
            if "v" in r and not r["v"]:
                continue  # a sum of nothing, or of zeros: no cell
            if "ck" in r and r["ck"] is None:
                continue  # a record without the thing counted
            key = str(r["ck"])[:KEY_LENGTH] if "ck" in r else ""
            cells[(r["cg"], r.get("cd", UNDATED), key)] = Decimal(r.get("v", 1))
    return cells


def _write(metric: Metric, batch_id: int, cells: dict[tuple, Decimal]) -> None:
    FigureCell.objects.bulk_create(
        [
            FigureCell(metric=metric.code, batch_id=batch_id, group_id=g, date=d, key=k, value=v)
            for (g, d, k), v in cells.items()
        ],
        batch_size=2000,
    )


def _insert_cells(metric: Metric, batch_ids: list[int]) -> None:
    """Write the cells of ``metric`` for these batches inside the database (``INSERT … SELECT`` over
    :func:`cell_rows`), without reading them into Python: the same rows :func:`compute_cells` keeps."""
    parts, params = [], []
    for rows in cell_rows(metric, batch_ids):
        sql, part_params = rows.query.sql_with_params()
        parts.append(sql)
        params += part_params
    inner = " UNION ".join(f"SELECT * FROM ({sql}) u{i}" for i, sql in enumerate(parts))
    has_value = metric.compute is None
    has_key = metric.compute is not None or metric.aggregate == DISTINCT
    table = connection.ops.quote_name(FigureCell._meta.db_table)
    day = "q.cd" if metric.date_field else "%s"
    key = f"SUBSTR(CAST(q.ck AS TEXT), 1, {KEY_LENGTH})" if has_key else "''"
    where = ["q.ck IS NOT NULL"] if has_key else []
    if has_value:
        where.append("q.v IS NOT NULL AND q.v <> 0")
    statement = (
        f'INSERT INTO {table} (metric, batch_id, group_id, date, "key", value) '
        f"SELECT %s, q.cb, q.cg, {day}, {key}, {'q.v' if has_value else '1'} FROM ({inner}) q"
        + (f" WHERE {' AND '.join(where)}" if where else "")
    )
    head = [metric.code] + ([] if metric.date_field else [UNDATED])
    with connection.cursor() as cursor:
        cursor.execute(statement, [*head, *params])


def build_many(batch_ids: Iterable[int]) -> list[int]:
    """Build the cells of several batches at once, each figure in one statement over all of them inside
    the database (a bulk load: the synthetic province, an importer that wrote many batches); returns the
    batches built (those already built are skipped)."""
    from techmayor.roster.models import Batch

    with transaction.atomic():
        ids = sorted(Batch.objects.select_for_update().filter(pk__in=list(batch_ids)).values_list("pk", flat=True))
        ids = sorted(set(ids) - set(RollupState.objects.filter(batch_id__in=ids).values_list("batch_id", flat=True)))
        if not ids:
            return []
        FigureCell.objects.filter(batch_id__in=ids).delete()
        for metric in ROLLUP_METRICS:
            _insert_cells(metric, ids)
        RollupState.objects.bulk_create([RollupState(batch_id=b) for b in ids])
    return ids


def build(batch_id: int) -> None:
    """Compute every cell of the batch from its records (once; concurrent callers wait and skip)."""
    from techmayor.roster.models import Batch

    with transaction.atomic():
        list(Batch.objects.select_for_update().filter(pk=batch_id).values_list("pk", flat=True))
        if RollupState.objects.filter(batch_id=batch_id).exists():
            return
        FigureCell.objects.filter(batch_id=batch_id).delete()
        for metric in ROLLUP_METRICS:
            _write(metric, batch_id, compute_cells(metric, batch_id))
        RollupState.objects.create(batch_id=batch_id)


def ensure_built(batch_id: int) -> None:
    if not RollupState.objects.filter(batch_id=batch_id).exists():
        build(batch_id)


def invalidate(batch_ids: Iterable[int] | None = None) -> None:
    """Forget the cells of these batches (all when None); they are rebuilt on the next read."""
    states = RollupState.objects.all() if batch_ids is None else RollupState.objects.filter(batch_id__in=batch_ids)
    cells = FigureCell.objects.all() if batch_ids is None else FigureCell.objects.filter(batch_id__in=batch_ids)
    with transaction.atomic():
        states.delete()
        cells.delete()


def refresh(cells: set[Cell]) -> None:
    """Recompute these cells (of batches whose cells are built) from the records."""
    if not cells:
        return
    with transaction.atomic():
        batch_ids = {b for _, b, _, _ in cells}
        built = set(RollupState.objects.select_for_update().filter(batch_id__in=batch_ids).values_list("pk", flat=True))
        wanted: dict[tuple[str, int], tuple[set, set]] = defaultdict(lambda: (set(), set()))
        for code, b, g, d in cells:
            if b in built:
                wanted[(code, b)][0].add(g)
                wanted[(code, b)][1].add(d)
        for (code, b), (groups, days) in wanted.items():
            metric = METRICS[code]
            FigureCell.objects.filter(
                metric=code, batch_id=b, group_id__in=sorted(groups), date__gte=min(days), date__lte=max(days)
            ).delete()
            _write(metric, b, compute_cells(metric, b, groups, days))


def verify() -> list[str]:
    """Every difference between the stored cells of built batches and the cells the records give now."""
    problems = []
    for batch_id in RollupState.objects.values_list("batch_id", flat=True):
        for metric in ROLLUP_METRICS:
            stored = {
                (c.group_id, c.date, c.key): c.value
                for c in FigureCell.objects.filter(metric=metric.code, batch_id=batch_id)
            }
            fresh = compute_cells(metric, batch_id)
            for key in sorted(set(stored) | set(fresh), key=str):
                if stored.get(key) != fresh.get(key):
                    problems.append(
                        f"{metric.code} batch {batch_id} {key}: stored {stored.get(key)}, records {fresh.get(key)}"
                    )
    return problems


# --- reading figures from cells -------------------------------------------------------------------


def _number(metric: Metric, total) -> int | Decimal:
    if metric.unit == "万元":
        return Decimal(total or 0).quantize(Decimal("0.0001"))
    return int(total or 0)


def _cells(metric: Metric, scope: Scope):
    ensure_built(scope.batch.pk)
    start, end = scope.period
    qs = FigureCell.objects.filter(metric=metric.code, batch_id=scope.batch.pk, date__gte=start, date__lte=end)
    if scope.group is not None:
        qs = qs.filter(group_id=scope.group.pk)
    return qs.order_by()


def value(metric: Metric, scope: Scope) -> int | Decimal:
    qs = _cells(metric, scope)
    if additive(metric):
        return _number(metric, qs.aggregate(v=Sum("value"))["v"])
    return qs.values("key").distinct().count()


def table(metrics: list[Metric], scope: Scope) -> dict[str, dict]:
    """``{code: {None: total, group id: figure}}`` of dated figures over the scope's batch and period,
    every group of the batch, in three queries whatever the number of figures."""
    ensure_built(scope.batch.pk)
    start, end = scope.period
    cells = FigureCell.objects.filter(batch_id=scope.batch.pk, date__gte=start, date__lte=end).order_by()
    adding = [m.code for m in metrics if additive(m)]
    distinct = [m.code for m in metrics if not additive(m)]
    found: dict[str, dict] = {m.code: {} for m in metrics}
    for r in cells.filter(metric__in=adding).values("metric", "group").annotate(n=Sum("value")):
        found[r["metric"]][r["group"]] = r["n"]
    for r in cells.filter(metric__in=distinct).values("metric", "group").annotate(n=Count("key", distinct=True)):
        found[r["metric"]][r["group"]] = r["n"]
    totals = {r["metric"]: r["n"] for r in cells.filter(metric__in=distinct).values("metric").annotate(
        n=Count("key", distinct=True))}  # fmt: skip
    for metric in metrics:
        by_group = found[metric.code]
        total = sum(by_group.values()) if additive(metric) else totals.get(metric.code, 0)
        found[metric.code] = {g: _number(metric, n) for g, n in by_group.items()}
        found[metric.code][None] = _number(metric, total)
    return found


def ensure_built_many(batch_ids: Iterable[int]) -> None:
    """Build the cells of those of these batches not built yet, together (one query when all are)."""
    ids = set(batch_ids)
    missing = ids - set(RollupState.objects.filter(batch_id__in=ids).values_list("batch_id", flat=True))
    if missing:
        build_many(missing)


def batch_totals(metrics: list[Metric], scopes: list[Scope]) -> dict[int, dict[str, int | Decimal]]:
    """``{batch id: {code: figure}}``: each scope's whole-batch figures over its period, for any number of
    batches in three queries (the province's cities side by side, a city's batches side by side)."""
    if not scopes:
        return {}
    ensure_built_many(s.batch.pk for s in scopes)
    within = Q(pk__in=[])
    for scope in scopes:
        start, end = scope.period
        within |= Q(batch_id=scope.batch.pk, date__gte=start, date__lte=end)
    cells = FigureCell.objects.filter(within).order_by()
    adding = [m.code for m in metrics if additive(m)]
    distinct = [m.code for m in metrics if not additive(m)]
    found: dict[int, dict] = {s.batch.pk: {} for s in scopes}
    for r in cells.filter(metric__in=adding).values("batch", "metric").annotate(n=Sum("value")):
        found[r["batch"]][r["metric"]] = r["n"]
    for r in cells.filter(metric__in=distinct).values("batch", "metric").annotate(n=Count("key", distinct=True)):
        found[r["batch"]][r["metric"]] = r["n"]
    return {b: {m.code: _number(m, numbers.get(m.code)) for m in metrics} for b, numbers in found.items()}


def sums(codes: Iterable[str], batch, groups) -> dict[str, dict[str, int]]:
    """``{code: {key: value}}``: the cells of these figures over the whole batch and the groups, summed per
    key, in one query. For a count, its total is under the key ``""``; for a distinct figure whose cells
    count records per key (the funnel's stays), how many records have each key."""
    ensure_built(batch.pk)
    rows = (
        FigureCell.objects.filter(metric__in=list(codes), batch_id=batch.pk, group_id__in=[g.pk for g in groups])
        .order_by()
        .values("metric", "key")
        .annotate(n=Sum("value"))
    )
    found: dict[str, dict[str, int]] = {code: {} for code in codes}
    for r in rows:
        found[r["metric"]][r["key"]] = int(r["n"])
    return found


def breakdown(metric: Metric, scope: Scope, *, monthly: bool = False) -> dict[tuple, int | Decimal]:
    keys = {"bd_group": F("group")}
    if monthly:
        keys["bd_month"] = TruncMonth("date")
    aggregate = Sum("value") if additive(metric) else Count("key", distinct=True)
    rows = _cells(metric, scope).values(**keys).annotate(n=aggregate)
    return {((r["bd_group"], r["bd_month"]) if monthly else (r["bd_group"],)): _number(metric, r["n"]) for r in rows}


def cumulative(metric: Metric, batch, days: list[dt.date]) -> dict[int | None, list[int | Decimal]]:
    """The figure from the batch's start to each of ``days`` (sorted), for each group with cells and in
    total (key ``None``), in one query: ``{group id | None: [figure to days[0], figure to days[1], …]}``.
    Each number equals :func:`value` over the same group and period (targets' pace and forecast)."""
    ensure_built(batch.pk)
    cells = FigureCell.objects.filter(metric=metric.code, batch_id=batch.pk, date__lte=days[-1]).order_by()
    found: dict[int | None, list] = {}

    def add(key, day, n):
        series = found.setdefault(key, [0] * len(days))
        for i, limit in enumerate(days):
            if day <= limit:
                series[i] += n

    if additive(metric):
        for r in cells.values("group", "date").annotate(n=Sum("value")):
            add(r["group"], r["date"], r["n"])
            add(None, r["date"], r["n"])
    else:  # a thing counts from the first day it was counted, in its group and in total
        first_in_total: dict[str, dt.date] = {}
        for r in cells.values("group", "key").annotate(first=Min("date")):
            add(r["group"], r["first"], 1)
            if r["key"] not in first_in_total or r["first"] < first_in_total[r["key"]]:
                first_in_total[r["key"]] = r["first"]
        for day in first_in_total.values():
            add(None, day, 1)
    return {key: [_number(metric, n) for n in series] for key, series in found.items()}


# --- keeping cells exact: which writes touch which cells ----------------------------------------


def _lookups(metric: Metric, path: str) -> set[str]:
    """Field paths from a metric's records that its figure depends on beyond the records' own fields."""
    found = {f"{metric.path}batch", f"{metric.path}group"} if metric.path else set()

    def walk_q(q: Q):
        for child in q.children:
            walk_q(child) if isinstance(child, Q) else found.add(child[0])

    walk_q(metric.filters or Q())

    def walk_expr(expr):
        if isinstance(expr, str):
            found.add(expr)
        elif isinstance(expr, F):
            found.add(expr.name)
        elif isinstance(expr, Combinable | models.Func):
            for source in expr.get_source_expressions():
                walk_expr(source)

    walk_expr(metric.expr)
    if path:
        found.add(path)
    return {lookup for lookup in found if lookup}


def _hops(model, lookup: str) -> list[tuple[type[models.Model], str, models.Field]]:
    """The related models a lookup passes through (not the one it ends on: only its id is read)."""
    hops, prefix = [], []
    parts = lookup.split("__")
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not field.is_relation:
            break
        prefix.append(part)
        if isinstance(field, models.ManyToManyField):  # membership changes reach the figure
            hops.append((field, "__".join(prefix[:-1]), field))
        if i < len(parts) - 1:
            model = field.related_model
            hops.append((model, "__".join(prefix), field))
    return hops


@cache
def watched() -> tuple[dict, dict]:
    """``({model: [(figure code, record metric, lookup to the model)]}, {m2m through: [...]})``."""
    by_model: dict = defaultdict(list)
    by_through: dict = defaultdict(list)
    for metric in ROLLUP_METRICS:
        for source, path in _sources(metric):
            by_model[source.record_model].append((metric.code, source, ""))
            for lookup in _lookups(source, path):
                for target, prefix, field in _hops(source.record_model, lookup):
                    if isinstance(target, models.ManyToManyField):
                        by_through[target.remote_field.through].append((metric.code, source, prefix, field))
                    else:
                        by_model[target].append((metric.code, source, prefix))
    return dict(by_model), dict(by_through)


def _cells_of_records(code: str, source: Metric, **lookup) -> set[Cell]:
    p = source.path
    rows = source.record_model.objects.filter(**lookup).order_by()
    if not source.date_field:
        rows = rows.values_list(f"{p}batch", f"{p}group").distinct()
        return {(code, b, g, UNDATED) for b, g in rows if b is not None and g is not None}
    rows = rows.values_list(f"{p}batch", f"{p}group", source.date_field).distinct()
    return {(code, b, g, d) for b, g, d in rows if b is not None and g is not None and d is not None}


def _any_built() -> bool:
    """Whether any batch's cells are kept. Asked on every save of a watched record, so in plain SQL:
    the ORM's query building cost more than the query (a fifth of the demo's queries)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {RollupState._meta.db_table} LIMIT 1")
        return cursor.fetchone() is not None


def cells_of(instance) -> set[Cell]:
    """The cells the records depending on ``instance`` fall in, as the database holds them now."""
    entries = watched()[0].get(type(instance), ())
    if not entries or instance.pk is None or not _any_built():
        return set()
    cells: set[Cell] = set()
    for code, source, prefix in entries:
        cells |= _cells_of_records(code, source, **{prefix or "pk": instance.pk})
    return cells


def _before(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._rollup_cells = cells_of(instance)


def _after(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(getattr(instance, "_rollup_cells", set()) | cells_of(instance))
        instance._rollup_cells = set()


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("pre_clear", "post_add", "post_remove", "post_clear") or not _any_built():
        return
    cells: set[Cell] = set()
    for code, source, prefix, field in watched()[1].get(sender, ()):
        owner = field.model
        if isinstance(instance, owner):
            ids = [instance.pk]
        elif action == "pre_clear":
            ids = list(owner.objects.filter(**{field.name: instance.pk}).values_list("pk", flat=True))
        else:
            ids = list(pk_set or ())
        lookup = f"{prefix}__in" if prefix else "pk__in"
        cells |= _cells_of_records(code, source, **{lookup: ids})
    if action == "pre_clear":
        instance._rollup_cells = cells
    else:
        refresh(cells | getattr(instance, "_rollup_cells", set()))


def connect() -> None:
    """Watch every model and many-to-many the scorecard's figures read (called from the app's ready())."""
    by_model, by_through = watched()
    for model in by_model:
        uid = f"scorecard-rollup-{model._meta.label}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_after, sender=model, dispatch_uid=f"{uid}-post-save")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(_after, sender=model, dispatch_uid=f"{uid}-post-delete")
    for through in by_through:
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"scorecard-rollup-{through._meta.label}")
