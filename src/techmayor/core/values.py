"""Values as people type them in ledgers: dates, amounts, counts, yes/no, lists of names, choices.

Every parser takes a cell's text (as :func:`core.files.clean_cell` left it) and returns the value, or
raises :class:`ValueError` whose message is the Chinese reason shown as ``第N行: 字段: 原因``.
Full-width digits and punctuation are folded first (``２０２１．８．３`` is ``2021.8.3``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from .text import clean_text

# Excel's 1900 date system counts days from 1899-12-30 (its phantom 1900-02-29 included).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: a bare number in this range in a date column is a serial
_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YM = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_SEPARATORS = re.compile(r"[、,，;；/|\s]+")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(\D|$))")


def _date_hint() -> str:
    return gettext("如 2021-08-03、2021.8.3、2021/8/3、2021年8月3日、20210803")


def parse_date(text: str) -> dt.date:
    """``2021-08-03``, ``2021.8.3``, ``2021/8/3``, ``2021年8月3日``, ``20210803``, an Excel serial (``44411``)
    or a date-time written by a spreadsheet (``2021-08-03 00:00:00``)."""
    value = clean_text(text)
    if not value:
        raise ValueError(gettext("不能为空"))
    if match := _ISO_TIME.match(value):
        value = match.group(1)
    parts = None
    if match := _YMD.match(value) or _COMPACT.match(value):
        parts = tuple(int(p) for p in match.groups())
    elif _SERIAL.match(value):
        serial = float(value)
        if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            raise ValueError(gettext("「%(text)s」不是有效日期（%(hint)s）") % {"text": text, "hint": _date_hint()})
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    elif _YM.match(value):
        raise ValueError(gettext("「%(text)s」缺少日（%(hint)s）") % {"text": text, "hint": _date_hint()})
    if parts is None:
        raise ValueError(gettext("「%(text)s」不是有效日期（%(hint)s）") % {"text": text, "hint": _date_hint()})
    try:
        return dt.date(*parts)
    except ValueError as exc:
        raise ValueError(
            gettext("「%(text)s」不是有效日期：%(y)s年%(m)s月没有%(d)s日")
            % {"text": text, "y": parts[0], "m": parts[1], "d": parts[2]}
        ) from exc


def parse_wan(text: str) -> Decimal | None:
    """An amount in 万元: ``1,234.5``, ``1234.5万元``, ``1,200万``, ``3亿``, ``50000元`` (converted); empty → None."""
    value = clean_text(text).replace(" ", "")
    if not value:
        return None
    value = _THOUSANDS.sub("", value)
    factor = Decimal(1)
    for suffix, scale in (("亿元", 10000), ("亿", 10000), ("万元", 1), ("万", 1), ("元", Decimal("0.0001"))):
        if value.endswith(suffix):
            value, factor = value[: -len(suffix)], Decimal(scale)
            break
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(gettext("「%(text)s」不是有效的金额（万元）") % {"text": text}) from exc
    if not amount.is_finite():
        raise ValueError(gettext("「%(text)s」不是有效的金额（万元）") % {"text": text})
    amount *= factor
    if amount < 0:
        raise ValueError(gettext("金额不能为负数：%(text)s") % {"text": text})
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


def parse_count(text: str, *, default: int | None = None, minimum: int = 0) -> int | None:
    """A head count or number: ``3``, ``3人``, ``3.0`` (Excel), ``３``; empty → ``default``."""
    value = clean_text(text).replace(" ", "")
    if not value:
        return default
    value = re.sub(r"(人次|人|名|个|项|次|家|篇)$", "", value)
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(gettext("「%(text)s」不是整数") % {"text": text}) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(gettext("「%(text)s」不是整数") % {"text": text})
    if number < minimum:
        raise ValueError(gettext("不能小于 %(minimum)s：%(text)s") % {"minimum": minimum, "text": text})
    if number > 32767:
        raise ValueError(gettext("「%(text)s」过大") % {"text": text})
    return int(number)


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "对", "已列入", "列入"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "不是", "未列入", "-", "—"}


def parse_bool(text: str) -> bool:
    value = clean_text(text).lower()
    if not value or value in _FALSE:
        return False
    if value in _TRUE:
        return True
    raise ValueError(gettext("应为「是」或「否」，实际为「%(text)s」") % {"text": text})


def split_names(text: str) -> list[str]:
    """Several names in one cell: separated by ``、`` ``,`` ``，`` ``;`` ``；`` ``/`` or spaces; order kept,
    repeats dropped."""
    names: list[str] = []
    for part in _SEPARATORS.split(clean_text(text)):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return names


def parse_choice(text: str, choices, aliases: dict[str, str] | None = None, *, default: str | None = None) -> str:
    """A choice by its label (``产学研专场活动``), its value (``matchmaking``) or an alias; empty → default."""
    value = clean_text(text).replace(" ", "")
    if not value:
        if default is None:
            raise ValueError(gettext("不能为空"))
        return default
    table = {str(label): key for key, label in choices.choices} | {key: key for key in choices.values}
    table |= aliases or {}
    if value in table:
        return table[value]
    if value.lower() in table:
        return table[value.lower()]
    shown = "、".join(str(label) for _, label in choices.choices)
    raise ValueError(gettext("「%(text)s」不是可选值（%(shown)s）") % {"text": text, "shown": shown})
