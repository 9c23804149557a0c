"""GB/T 4754-2017 国民经济行业分类: loading the taxonomy and finding an industry by code.

Source: the shipped data set ``techmayor/data/gbt4754_2017.json.xz`` (the standard's text as
transcribed in the public repository zmshe/capital; 1,772 rows of ``code``, ``level``,
``section``, ``name``, ``note``; see ``techmayor/data/NOTICE``).

Code shapes: 门类 ``C`` → 大类 ``38`` → 中类 ``384`` → 小类 ``3841``. Two things in the
transcription are repaired on load, so that every 小类 hangs under its 中类:

* the standard prints a 中类 that is not subdivided on one line with its only 小类
  (``019 0190 其他农业``); the transcription kept only the 小类, so 199 such 中类 are missing.
  They are restored with the 小类's name (code = the 小类's first three digits);
* ``374 飞机制造`` appears as a second 中类 ``374``; it is 小类 ``3741``.

A full load therefore holds 1,971 rows: 20 门类, 97 大类, 473 中类, 1,381 小类.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from techmayor import data

from . import audit
from .files import open_file
from .models import AuditAction, AuditLog, Industry

# Transcription slips in the shared file: (code, name) as written → the right code.
_CORRECTIONS = {("374", "飞机制造"): "3741"}
_FIELDS = ("level", "section", "name", "note")


def _level(code: str) -> int:
    return 1 if code.isalpha() else len(code)


def _parent_code(code: str, section: str, known: set[str]) -> str | None:
    if _level(code) == 1:
        return None
    # The nearest ancestor that exists: 中类, then 大类, then the 门类.
    for candidate in (code[:3], code[:2], section):
        if candidate != code and len(candidate) < len(code) and candidate in known:
            return candidate
    return section if section in known else None


def read_industries(path: str | Path) -> list[dict[str, Any]]:
    """The file's rows, cleaned (names trimmed, slips corrected, missing 中类 restored)."""
    with open_file(path, "r", encoding="utf-8") as fh:
        raw = json.load(fh)
    if isinstance(raw, dict):
        raw = raw["items"]
    rows: dict[str, dict[str, Any]] = {}
    for item in raw:
        code = str(item["code"]).strip().upper()
        name = " ".join(str(item["name"]).split())
        code = _CORRECTIONS.get((code, name), code)
        section = str(item.get("section") or code[0]).strip().upper()
        rows.setdefault(
            code,
            {
                "code": code,
                "level": _level(code),
                "section": section,
                "name": name,
                "note": str(item.get("note") or "").strip(),
            },
        )
    for row in list(rows.values()):
        code = row["code"]
        if row["level"] == 4 and code.endswith("0") and code[:3] not in rows:
            rows[code[:3]] = {"code": code[:3], "level": 3, "section": row["section"], "name": row["name"], "note": ""}
    known = set(rows)
    for row in rows.values():
        row["parent"] = _parent_code(row["code"], row["section"], known)
    return sorted(rows.values(), key=lambda r: (r["section"], r["level"] > 1, r["code"]))


def load_industries(path: str | Path | None = None, *, by=None) -> int:
    """Load the GB/T 4754-2017 taxonomy from ``path`` (default: the shipped data set).

    Idempotent: rows are matched by code, new ones bulk-created, changed names or notes
    updated, parents linked; re-running changes nothing. One AuditLog row (action ``import``)
    summarises a load that changed something. Returns how many industries were created.
    """
    path = Path(path or data.INDUSTRIES)
    rows = read_industries(path)
    with transaction.atomic():
        existing = {i.code: i for i in Industry.objects.all()}
        new = [Industry(**{k: r[k] for k in ("code", *_FIELDS)}) for r in rows if r["code"] not in existing]
        Industry.objects.bulk_create(new, batch_size=500)
        changed = []
        for r in rows:
            obj = existing.get(r["code"])
            if obj is not None and any(getattr(obj, f) != r[f] for f in _FIELDS):
                for f in _FIELDS:
                    setattr(obj, f, r[f])
                changed.append(obj)
        Industry.objects.bulk_update(changed, list(_FIELDS), batch_size=500)

        ids = dict(Industry.objects.values_list("code", "id"))
        parents = dict(Industry.objects.values_list("code", "parent_id"))
        relinked = []
        for r in rows:
            parent_id = ids.get(r["parent"]) if r["parent"] else None
            if parents[r["code"]] != parent_id:
                relinked.append(Industry(id=ids[r["code"]], parent_id=parent_id))
        Industry.objects.bulk_update(relinked, ["parent"], batch_size=500)

        if new or changed or relinked:
            summary = {
                "file": path.name,
                "rows": len(rows),
                "created": len(new),
                "updated": len(changed),
                "relinked": len(relinked),
                "total": Industry.objects.count(),
            }
            AuditLog.objects.create(
                actor=by if getattr(by, "pk", None) else None,
                # audit.record() needs one instance; a taxonomy import is summarised instead.
                source=audit.current_source(),
                action=AuditAction.IMPORT,
                model=Industry._meta.label_lower,
                object_id="gbt4754-2017",
                object_repr="GB/T 4754-2017 国民经济行业分类",
                after=summary,
                note=f"{path.name}：新建{len(new)}条，更新{len(changed)}条，调整上级{len(relinked)}条",
            )
    return len(new)


def industry_by_code(code: str) -> Industry | None:
    """The industry with ``code`` (``C``, ``38``, ``384``, ``3841``; ``C3841`` is accepted too)."""
    code = (code or "").strip().upper()
    if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        code = code[1:]
    if not code:
        return None
    return Industry.objects.filter(code=code).select_related("parent").first()
