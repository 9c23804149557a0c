"""The rounding policy of official writing: a table of cases, and properties that hold for every value.

The properties read the rendered text back with a parser written here from the policy's words
(not from the module), and check that the true value lies in what the text claims.
"""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmayor.scorecard.metrics import METRICS, SCORECARD_METRICS
from techmayor.scorecard.rounding import CHAOGUO, EXACT, STYLES, YISHANG, YU, render

D = Decimal
INF = Decimal("Infinity")

CASES = [
    # (metric, value, text) — the seed's own figures first
    ("visits", 365, "360余家次"),
    ("docking_events", 34, "30余次"),
    ("expert_visits", 72, "70余人次"),
    ("entrepreneur_visits", 31, "30余人次"),
    ("needs_collected", 104, "100余条"),
    ("applications_supported", 85, "80余项"),
    ("enterprises_visited", 103, "100家以上"),
    ("contract_amount_wan", D("3886.5"), "超过3880万元"),
    ("contract_amount_wan", D("2212.0000"), "2212万元"),
    ("funds_landed_wan", D(30000), "3亿元"),
    ("matchmaking_events", 83, "83场次"),
    ("linked_enterprises", 567, "567家"),
    ("research_reports", 8, "8篇"),
    ("cooperation_intents", 17, "17项"),
    # sizes and edges
    ("visits", 19, "19家次"),  # below 20: exact
    ("visits", 20, "20家次"),  # round: exact
    ("visits", 360, "360家次"),
    ("visits", 369, "360余家次"),
    ("visits", 1234, "1200余家次"),  # two significant digits
    ("visits", 1200, "1200家次"),
    ("enterprises_visited", 196, "190家以上"),
    ("enterprises_visited", 100, "100家"),
    ("enterprises_visited", 12, "12家"),
    ("agreements", 23, "23个"),  # outcomes are always exact
    ("talents_introduced", 1234, "1234人"),
    ("contract_amount_wan", D("152.5"), "超过152万元"),
    ("contract_amount_wan", D("9999.9"), "超过9990万元"),
    ("contract_amount_wan", D("0.5"), "0.5万元"),
    ("funds_landed_wan", D(12000), "1.2亿元"),
    ("funds_landed_wan", D(12345), "超过1.2亿元"),
    ("funds_landed_wan", D("20000.5"), "超过2亿元"),
    ("received_amount_wan", D(10000), "1亿元"),
]


@pytest.mark.parametrize(("code", "value", "text"), CASES)
def test_the_policy_table(code, value, text):
    assert render(code, value, METRICS[code].unit).text == text


_TEXT = re.compile(r"^(超过)?(\d+(?:\.\d+)?)(余)?(\D+?)(以上)?$")


def interval(text: str) -> tuple[Decimal, Decimal, bool]:
    """What ``text`` claims, in the metric's base unit (万元 for money): (low, high, low excluded).

    N余 is N < v < N + step, the step being the unit of N's second significant digit, and at
    least 10 (360余 → 361…369; 1200余 → 1201…1299); N以上 is v ≥ N; 超过N is v > N; else v = N.
    """
    match = _TEXT.match(text)
    assert match, text
    over, number, yu, unit, at_least = match.groups()
    n = Decimal(number) * (10000 if unit == "亿元" else 1)
    if yu:
        step = Decimal(10) ** max(len(number) - 2, 1)
        return n, n + step, True
    if at_least:
        return n, INF, False
    if over:
        return n, INF, True
    return n, n, False


def holds(value, text) -> bool:
    low, high, open_low = interval(text)
    value = Decimal(value)
    above = value > low if open_low else value >= low
    return above and (value <= high if high == low else value < high)


COUNT_CODES = [m.code for m in SCORECARD_METRICS if m.unit != "万元"]
MONEY_CODES = [m.code for m in SCORECARD_METRICS if m.unit == "万元"]


@given(st.sampled_from(COUNT_CODES), st.integers(min_value=0, max_value=10**7))
def test_a_rendered_count_never_states_what_the_records_do_not_support(code, value):
    rendered = render(code, value, METRICS[code].unit)
    assert holds(value, rendered.text), (value, rendered.text)
    if rendered.form in (YU, YISHANG):  # and it does not understate by more than one step
        assert value - rendered.number < max(10, 10 ** (len(str(value)) - 2))


money = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(MONEY_CODES), money)
def test_a_rendered_amount_never_overstates(code, value):
    rendered = render(code, value, "万元")
    assert holds(value, rendered.text), (value, rendered.text)
    if rendered.form == CHAOGUO:  # cut to 0.1亿, or to three significant digits of 万元
        step = Decimal(1000) if rendered.unit == "亿元" else max(Decimal(1), Decimal(10) ** (len(str(int(value))) - 3))
        assert value - rendered.number * (10000 if rendered.unit == "亿元" else 1) < step


@given(st.sampled_from(COUNT_CODES), st.integers(min_value=0, max_value=19))
def test_every_count_under_twenty_is_exact(code, value):
    assert render(code, value, METRICS[code].unit).form == EXACT


def test_every_styled_code_is_a_scorecard_metric():
    assert set(STYLES) <= {m.code for m in SCORECARD_METRICS}
