"""Importing the resource pool from files.

:func:`import_universities` reads the Ministry of Education's 全国普通高等学校名单 (.xls as
published, or the same columns as .xlsx / CSV), validates every row, then writes all good rows
in one transaction through the audited ``create_record`` / ``update_record`` helpers. It upserts
by 学校标识码, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.files import (
    Header,
    ImportRejected,
    ImportResult,
    Row,
    find_header,
    header_key,
    read_rows,
    rows_after,
)
from techmayor.core.services import create_record, create_records, update_record, validate_new
from techmayor.core.text import fold_width, formula_problem

from .choices import UniversityLevel
from .models import PROVINCE_CODES, University

# column in the file → model field
UNIVERSITY_COLUMNS = {
    "学校名称": "name",
    "学校标识码": "code",
    "主管部门": "authority",
    "所在地": "location",
    "办学层次": "level",
    "备注": "remark",
}
# Only the columns that identify a university are required: 所在地 follows from the section rows
# (江苏省（175所）) or the identifier code's province digits; 主管部门 and 办学层次 may be left out.
UNIVERSITY_REQUIRED = ("学校名称", "学校标识码")
UNIVERSITY_OPTIONAL = ("序号", "主管部门", "所在地", "办学层次", "备注")

_SECTION = re.compile(r"^\S.*[（(]\s*\d+\s*所\s*[)）]$")  # 北京市（92所）
_CODE = re.compile(r"^\d{10}$")
_FLOAT_CODE = re.compile(r"^(\d{10})\.0*$")  # a CSV saved from a float cell: 4111010001.0
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE][+]?\d+$")  # Excel showed the number as 4.11101E+09


@dataclass(frozen=True)
class _GoodRow:
    number: int
    values: dict[str, str]


def _is_data_row(row: Row, header: Header) -> bool:
    """Section rows (``江苏省（175所）``), title, blank and footnote rows carry no university."""
    if row.is_blank:
        return False
    filled = row.filled
    if len(filled) == 1 and _SECTION.match(filled[0]):
        return False
    values = [header.value(row, column) for column in UNIVERSITY_COLUMNS if header.has(column)]
    if not any(values):
        return False
    # a header row repeated further down (multi-page exports)
    return not (
        header_key(header.value(row, "学校名称")) == "学校名称"
        and header_key(header.value(row, "学校标识码")) == "学校标识码"
    )


def _normalize_code(raw: str) -> str:
    code = re.sub(r"\s", "", fold_width(raw))
    match = _FLOAT_CODE.match(code)
    return match.group(1) if match else code


def _code_problem(code: str) -> str | None:
    if not code:
        return "不能为空"
    if _SCIENTIFIC.match(code):
        return f"「{code}」是科学计数法，原号码已丢失；请在 Excel 中把该列设为文本后重新导出"
    if not _CODE.match(code):
        return f"应为 10 位数字，实际为「{code}」"
    if code[2:4] not in PROVINCE_CODES:
        return f"「{code}」第 3–4 位「{code[2:4]}」不是有效的省份代码"
    return None


def _max_length(field: str) -> int | None:
    return University._meta.get_field(field).max_length


def _section(row: Row) -> str | None:
    """The province a section row opens (``江苏省（175所）`` → 江苏省), else None."""
    filled = row.filled
    if len(filled) == 1 and _SECTION.match(filled[0]):
        return re.split(r"[（(]", filled[0])[0].strip()
    return None


def _validate(
    row: Row, header: Header, seen: dict[str, int], section: str | None = None
) -> tuple[dict[str, str], list[str]]:
    values: dict[str, str] = {}
    errors: list[str] = []

    def error(column: str, reason: str) -> None:
        errors.append(f"第{row.number}行: {column}: {reason}")

    for column, field in UNIVERSITY_COLUMNS.items():
        if header.has(column):
            values[field] = header.value(row, column)

    code = values["code"] = _normalize_code(values["code"])
    problem = _code_problem(code)
    if problem:
        error("学校标识码", problem)
    elif code in seen:
        error("学校标识码", f"「{code}」与第{seen[code]}行重复")
    else:
        seen[code] = row.number

    if not values["name"]:
        error("学校名称", "不能为空")
    for column, field in UNIVERSITY_COLUMNS.items():
        problem = formula_problem(values.get(field, "")) if field != "code" else None
        if problem:
            error(column, problem)

    if "level" in values:
        level = values["level"] = values["level"].replace(" ", "")
        if level and level not in UniversityLevel.values:
            error("办学层次", f"应为「本科」或「专科」，实际为「{level}」")
    if "location" not in values and not errors:  # derived: the section's province, else the code's
        values["location"] = section or PROVINCE_CODES.get(code[2:4], "")

    for column, field in UNIVERSITY_COLUMNS.items():
        limit = _max_length(field)
        if field in values and limit and len(values[field]) > limit:
            error(column, f"不能超过 {limit} 个字，实际 {len(values[field])} 个字")
    return values, errors


def import_universities(path: str | Path, *, skip_bad: bool = False, by=None) -> ImportResult:
    """Import universities from the MoE list (.xls/.xlsx/CSV with 学校名称、学校标识码 and any of 主管部门、所在地、
    办学层次; a missing 所在地 is the section's province, or the one the code names).

    Section, title and blank rows are skipped. When a row is bad nothing is written and
    :class:`ImportRejected` (an ``ApplicationError``) carries every ``第N行: 字段: 原因`` line, unless
    ``skip_bad`` is set: then the good rows are written and the bad ones reported in the result.
    File-level problems (empty file, unknown format, missing columns) raise ``ApplicationError``.
    """
    table = read_rows(path)
    header = find_header(table, UNIVERSITY_REQUIRED, UNIVERSITY_OPTIONAL)

    good: list[_GoodRow] = []
    errors: list[str] = []
    bad_rows = 0
    seen: dict[str, int] = {}
    section = None
    for row in rows_after(table, header):
        section = _section(row) or section
        if not _is_data_row(row, header):
            continue
        values, row_errors = _validate(row, header, seen, section)
        if row_errors:
            errors.extend(row_errors)
            bad_rows += 1
        else:
            good.append(_GoodRow(row.number, values))

    if errors and not skip_bad:
        raise ImportRejected(errors, name=table.name)
    if not good and not errors:
        raise ApplicationError(gettext("%(file)s 中表头下没有任何高校数据") % {"file": table.name}, field="file")

    result = ImportResult(skipped=bad_rows, errors=errors)
    with transaction.atomic():
        existing = {u.code: u for u in University.objects.all()}
        new = [item for item in good if item.values["code"] not in existing]
        if len(new) > 1:  # a first load (the demo's 2,900 universities): in batches
            created, line_errors = _create_universities(new, table.name, by, skip_bad=skip_bad)
            if line_errors and not skip_bad:
                raise ImportRejected(line_errors, name=table.name)
            result.created += created
            result.errors.extend(line_errors)
            result.skipped += len(line_errors)
            good = [item for item in good if item.values["code"] in existing]
        for item in good:
            note = f"导入 {table.name} 第{item.number}行"
            current = existing.get(item.values["code"])
            try:
                if current is None:
                    existing[item.values["code"]] = create_record(University, by=by, audit_note=note, **item.values)
                    result.created += 1
                    continue
                changes = {k: v for k, v in item.values.items() if getattr(current, k) != v}
                if not header.has("所在地") and current.location:
                    changes.pop("location", None)  # a derived province never replaces a city the list gave
                if not changes:
                    result.unchanged += 1
                    continue
                update_record(current, by=by, audit_note=note, **changes)
                result.updated += 1
            except ApplicationError as exc:  # a rule only the model knows; the helpers rolled back this row
                line = f"第{item.number}行: {exc.message}"
                if not skip_bad:
                    raise ImportRejected([line], name=table.name) from exc
                result.errors.append(line)
                result.skipped += 1
    return result


def _create_universities(items: list[_GoodRow], name: str, by, *, skip_bad: bool) -> tuple[int, list[str]]:
    """Create the new rows in batches: ``(created, 第N行 errors of the rules only the model knows)``;
    with such an error and not ``skip_bad``, nothing."""
    instances, errors = [], []
    for item in items:
        university = University(**item.values)
        university.derive_province()
        try:
            validate_new(university)
        except ApplicationError as exc:
            errors.append(f"第{item.number}行: {exc.message}")
            continue
        instances.append((item, university))
    if errors and not skip_bad:
        return 0, errors
    notes = [f"导入 {name} 第{item.number}行" for item, _ in instances]
    create_records([u for _, u in instances], by=by, audit_notes=notes)
    return len(instances), errors
