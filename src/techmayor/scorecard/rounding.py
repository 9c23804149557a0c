"""How a figure is written in official Chinese prose: the rounding policy, in one place.

A figure is rendered in one of four forms (docs/decisions/0006-briefing-and-rounding.md):

- exact: ``83场次``, ``2212万元``, ``3亿元``;
- ``N余``: more than N and less than N + step, where N is the value cut to two significant
  digits (step 10 below 1000, 100 below 10000, …): 361–369 → ``360余``, 1234 → ``1200余``.
  A value that is itself round (360) is written exactly;
- ``N以上``: N or more, N cut as for 余 (100–109 → ``100以上``, 196 → ``190以上``);
- ``超过N``: more than N; for money only, N cut to three significant digits of 万元 or to 0.1亿元
  (3886.5万元 → ``超过3880万元``, 1.25亿元 → ``超过1.2亿元``).

Which form a figure takes depends only on its metric and its size (:data:`STYLES`): outcomes
(agreements, intents, projects, platforms, talent, the batch's totals) are always exact; volumes
of activity (visits, events, visitors, needs) are written ``N余`` from 20 up; distinct enterprises
visited ``N以上`` from 20 up; money is exact in whole 万元 or 0.1亿元, else ``超过N``. Below 20
every figure is exact. No form ever states more than the records count.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

EXACT, YU, YISHANG, CHAOGUO = "exact", "余", "以上", "超过"

APPROXIMATE_FROM = 20  # below this every count is written exactly
YI = Decimal(10000)  # 1亿元 = 10000万元

# Metric code → how it is written when it is large enough: YU, YISHANG or MONEY. Any metric not
# listed is always exact.
MONEY = "money"
STYLES: dict[str, str] = {
    "visits": YU,
    "docking_events": YU,
    "recruitment_events": YU,
    "expert_visits": YU,
    "entrepreneur_visits": YU,
    "needs_collected": YU,
    "applications_supported": YU,
    "bse_potential": YU,
    "enterprises_visited": YISHANG,
    "contract_amount_wan": MONEY,
    "received_amount_wan": MONEY,
    "outcome_signed_wan": MONEY,
    "outcome_received_wan": MONEY,
    "funds_landed_wan": MONEY,
}


@dataclass(frozen=True)
class Rendered:
    """A figure as written: ``text`` (``360余家次``), its ``form`` and the number written (``360``)."""

    text: str
    form: str
    number: Decimal
    unit: str

    def __str__(self) -> str:
        return self.text


def _cut(value: Decimal, significant: int, least_step: int) -> Decimal:
    """``value`` cut down (never up) to ``significant`` digits, in steps of at least ``least_step``."""
    digits = len(str(int(value)))
    step = max(Decimal(10) ** max(digits - significant, 0), Decimal(least_step))
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _plain(number: Decimal) -> str:
    """2212.0000 → 2212; 1.20 → 1.2 (GB/T 15835: Arabic numerals, no trailing zeros)."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def render(code: str, value: int | Decimal, unit: str) -> Rendered:
    """The figure ``value`` of metric ``code`` in ``unit`` as official prose writes it."""
    value = Decimal(value)
    style = STYLES.get(code, EXACT)
    if style == MONEY:
        return _money(value)
    if style == EXACT or value < APPROXIMATE_FROM:
        return Rendered(f"{_plain(value)}{unit}", EXACT, value, unit)
    number = _cut(value, 2, 10)
    if number == value:  # a round value: nothing to approximate
        return Rendered(f"{_plain(value)}{unit}", EXACT, value, unit)
    if style == YISHANG:
        return Rendered(f"{_plain(number)}{unit}以上", YISHANG, number, unit)
    return Rendered(f"{_plain(number)}余{unit}", YU, number, unit)


def _money(wan: Decimal) -> Rendered:
    """万元 below 1亿 (whole 万元 exact, else 超过 three significant digits); 亿元 from 1亿 (0.1亿 steps)."""
    if wan >= YI:
        amount, unit = wan / YI, "亿元"
        number = (amount * 10).to_integral_value(rounding=ROUND_FLOOR) / 10
    else:
        amount, unit = wan, "万元"
        number = wan if wan == wan.to_integral_value() else _cut(wan, 3, 1)
    if number in (amount, 0):  # exact; below 1万元 there is nothing round to cut to
        return Rendered(f"{_plain(amount)}{unit}", EXACT, amount, unit)
    return Rendered(f"超过{_plain(number)}{unit}", CHAOGUO, number, unit)


def target_share(value: int | Decimal, target: int | Decimal, *, early: bool) -> str:
    """A figure against its target in prose: "完成年度目标的N%" with N cut down to a whole percent (never
    overstating, as every form above), "提前完成年度目标" when reached before the term's end ``early``,
    "完成年度目标" when reached at its end."""
    value, target = Decimal(value), Decimal(target)
    if target <= 0:
        raise ValueError("a target is positive")
    if value >= target:
        return "提前完成年度目标" if early else "完成年度目标"
    percent = int((value * 100 / target).to_integral_value(rounding=ROUND_FLOOR))
    return f"完成年度目标的{percent}%"
