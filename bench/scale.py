"""Scale a batch up to a million ledger records by replicating the demo's own records.

Every credited record of the demo's batch (visits, events, visitors, reports, needs, intents,
agreements … in the demo's proportions, dates and groups) is copied ``k`` times, together with what
hangs from it (receipts, outcome rounds, progress, collaborators, transitions) and its credited members,
with every foreign key between copied rows pointing inside the same copy. Enterprises, members and
universities are shared, so 家 figures stay at the demo's size while 家次/场次/条/万元 grow ``k+1``-fold.

Run inside a configured Django (``bench.scorecard`` does): ``scale_batch(batch, records=1_000_000)``.
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.apps import apps
from django.db import connection, models, transaction

from techmayor.roster.models import CreditedRecord

CHUNK = 5_000
APPS = ("ledger", "needs", "cooperation")


def credited_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in APPS and issubclass(m, CreditedRecord) and not m._meta.abstract
    ]


def _dependents(roots: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models of the same apps with a required foreign key to a replicated model, parents first."""
    done, order = set(roots), []
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in done or model._meta.app_label not in APPS:
                continue
            fks = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model in done]
            if any(not f.null for f in fks):
                done.add(model)
                order.append(model)
                changed = True
    return order


def _order_roots(roots: list[type[models.Model]]) -> list[type[models.Model]]:
    """Credited models ordered so that one pointing at another (agreement → intent → need) comes after it."""
    ordered: list[type[models.Model]] = []
    pending = list(roots)
    while pending:
        for model in pending:
            targets = {
                f.related_model for f in model._meta.concrete_fields if f.is_relation and f.related_model in pending
            }
            if targets <= {model}:
                ordered.append(model)
                pending.remove(model)
                break
        else:  # a cycle: take the rest as they come
            ordered += pending
            break
    return ordered


def _copy_rows(model, rows: list[dict], copy: int, maps: dict, replicated: set) -> list:
    """``rows`` (field attname → value) as new, unsaved instances of copy number ``copy``."""
    objs = []
    fields = model._meta.concrete_fields
    for row in rows:
        values = {}
        for f in fields:
            if f.primary_key:
                continue
            v = row[f.attname]
            if f.is_relation and f.related_model in replicated and v is not None:
                v = maps[f.related_model].get((copy, v))
                if v is None and not f.null:
                    break  # its parent was not copied: skip the row
            elif f.is_relation and f.unique and v is not None:
                v = None  # a one-to-one outside the copy (a need's lead) stays with the original
            elif f.unique and isinstance(v, str):
                v = f"{v}~{copy}"[: f.max_length]
            values[f.attname] = v
        else:
            objs.append(model(**values))
    return objs


def scale_batch(batch, *, records: int, log=print) -> dict:
    """Copy the batch's records until it holds about ``records`` credited records; returns counts."""
    roots = _order_roots(credited_models())
    children = _dependents(roots)
    replicated = set(roots) | set(children)
    originals = {m: list(m.objects.filter(batch=batch).values()) for m in roots}
    base = sum(len(v) for v in originals.values())
    copies = max(0, math.ceil(records / max(base, 1)) - 1)
    log(f"demo batch: {base:,} credited records; making {copies} copies")
    for model in children:
        parent = next(f for f in model._meta.concrete_fields if f.is_relation and f.related_model in replicated)
        originals[model] = list(
            model.objects.filter(**{f"{parent.name}__in": _ids(originals, parent.related_model)}).values()
        )
    memberships = {m: _memberships(m, _ids(originals, m)) for m in roots}
    maps: dict = defaultdict(dict)  # model → {(copy, old pk): new pk}
    counts: dict[str, int] = defaultdict(int)
    for copy in range(1, copies + 1):
        with transaction.atomic():
            for model in roots + children:
                rows = originals[model]
                for start in range(0, len(rows), CHUNK):
                    chunk = rows[start : start + CHUNK]
                    made = model.objects.bulk_create(_copy_rows(model, chunk, copy, maps, replicated))
                    kept = [r for r in chunk if _kept(model, r, copy, maps, replicated)]
                    for row, obj in zip(kept, made, strict=True):
                        maps[model][(copy, row["id"])] = obj.pk
                    counts[model._meta.label] += len(made)
            for model in roots:
                for through, (src, dst), pairs in memberships[model]:
                    rows = [through(**{src: maps[model][(copy, old)], dst: other}) for old, other in pairs]
                    through.objects.bulk_create(rows, batch_size=CHUNK)
        if copy % 50 == 0 or copy == copies:
            log(f"  copy {copy}/{copies}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as a live database would have
    total = sum(m.objects.filter(batch=batch).count() for m in roots)
    return {"copies": copies, "credited_records": total, "rows_added": dict(counts)}


def _ids(originals: dict, model) -> list[int]:
    return [r["id"] for r in originals.get(model, [])]


def _kept(model, row, copy, maps, replicated) -> bool:
    for f in model._meta.concrete_fields:
        if f.is_relation and not f.primary_key and f.related_model in replicated and not f.null:
            v = row[f.attname]
            if v is not None and (copy, v) not in maps[f.related_model]:
                return False
    return True


def _memberships(model, ids: list[int]) -> list:
    """The credited members (and any other plain many-to-many) of the original records."""
    out = []
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created:
            continue  # an explicit through model (collaborators) is copied as a dependent
        src, dst = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        pairs = []
        for start in range(0, len(ids), CHUNK):
            pairs += through.objects.filter(**{f"{src}__in": ids[start : start + CHUNK]}).values_list(src, dst)
        out.append((through, (src, dst), pairs))
    return out
