"""Small text helpers shared by every app: normalising names for duplicate detection, amounts in 万元."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext

# Suffixes that do not distinguish one company from another when comparing names.
_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "公司",
)
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_SPACES = re.compile(r"\s+")
# Characters no text keeps: control characters (NUL …; tab and line ends are white space) and invisible
# marks (byte-order mark, zero-width spaces and joiners) that make equal names look different.
DROPPED = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]) | dict.fromkeys(
    map(ord, "\ufeff\u200b\u200c\u200d\u2060")
)
_HAS_DROPPED = re.compile("[" + "".join(re.escape(chr(c)) for c in DROPPED) + "]")
# A cell beginning with one of these is taken for a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@")


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation to their half-width forms (NFKC).

    Chinese text is rarely in NFKC (a full-width comma is enough), and ``normalize`` walks the whole
    string; so the characters that are not NFKC on their own are replaced first, which leaves a
    string NFKC-equivalent to the original (the same NFKD), and the full normalisation runs only when
    the result is still not NFKC (combining marks)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    pattern, table = _nfkc_table()
    folded = pattern.sub(lambda m: table[m.group()], text)
    return folded if unicodedata.is_normalized("NFKC", folded) else unicodedata.normalize("NFKC", folded)


@cache
def _nfkc_table() -> tuple[re.Pattern, dict[str, str]]:
    """The characters that NFKC changes on their own, and what each becomes, in the blocks where
    such characters are common (Latin-1 to CJK compatibility; CJK compatibility ideographs to
    half- and full-width forms). Any other is left to the full normalisation."""
    table = {}
    for code in (*range(0xA0, 0x3400), *range(0xF900, 0xFFF0)):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if folded != char:
            table[char] = folded
    return re.compile("[" + "".join(re.escape(c) for c in table) + "]"), table


def clean_text(value: object) -> str:
    """Trim a cell or form value, fold width, drop control and invisible characters, collapse white space.

    A million abstracts pass through here on a corpus import, so the costly steps run only on text
    that needs them: see :func:`fold_width`; the character table and the white-space pattern only
    when the text holds an unprintable character or two spaces in a row (``str.isprintable`` is false
    for every dropped character and every white space but the plain space)."""
    if value is None:
        return ""
    text = fold_width(str(value))
    # Every dropped character and every white space but " " is unprintable: most text skips both steps.
    if text.isprintable() and "  " not in text:
        return text.strip()
    if _HAS_DROPPED.search(text):
        text = text.translate(DROPPED)
    return _SPACES.sub(" ", text).strip()


def formula_problem(name: str) -> str | None:
    """Why ``name`` (a name or title, already cleaned) cannot be stored: it would read as a spreadsheet
    formula (``=HYPERLINK(…)``, ``@SUM(…)``, ``+cmd|…``); None when it is fine. A minus before a digit
    (``-40℃低温电池``) is a number, not a formula."""
    if name.startswith(FORMULA_STARTS) and not (name[0] in "+-" and name[1:2].isdigit()):
        return gettext("不能以「%(char)s」开头（会被电子表格当作公式）") % {"char": name[0]}
    return None


def normalize_company_name(name: str) -> str:
    """A key for detecting the same company written differently.

    ``常州 XX 科技有限公司``, ``常州XX科技（有限公司）`` and ``常州xx科技股份有限公司`` share one key:
    width folded, lower-cased, spaces and brackets removed, legal-form suffix dropped.
    """
    text = fold_width(name or "").translate(_BRACKETS).lower()
    text = _SPACES.sub("", text)
    text = text.replace("(", "").replace(")", "")
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


# A place written before a company's name with or without its level: 江苏省常州市恒远… and 常州恒远… are the same
# company. Two characters before 市 at the start (常州市, 溧阳市), after an optional province.
_PLACE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?([\u4e00-\u9fff]{2})市")


def company_match_key(name: str) -> str:
    """The key near-duplicate detection compares: :func:`normalize_company_name` (width, case, spaces,
    brackets, 有限公司 / 有限责任公司 …), with the city's level dropped (常州市恒远 → 常州恒远)."""
    return fold_place(normalize_company_name(name))


def fold_place(key: str) -> str:
    """``company_match_key`` of an already normalised name (``Enterprise.normalized_name``)."""
    return _PLACE_PREFIX.sub(r"\1", key, count=1)


def company_similarity(a: str, b: str) -> int:
    """How alike two company names are, 0–100 (rapidfuzz's ratio of their match keys, rounded):
    100 for the same company written differently (常州市… / 常州…, 有限公司 / 有限责任公司, （） / ())."""
    from rapidfuzz import fuzz

    return round(fuzz.ratio(company_match_key(a), company_match_key(b)))


def plain_decimal(value) -> str:
    """600.0000 → "600", 3886.50 → "3886.5": amounts in messages read the same on every database."""
    from decimal import Decimal

    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def wan(value) -> str:
    """An amount in 万元 as officials write it: 2212.0000 → 2212; 3886.5000 → 3886.5 (never scientific notation)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
    return f"{number.normalize():f}"
