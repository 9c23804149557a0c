"""The demo's 目标责任书: targets for the 14th batch and its groups, marked as demo data.

Chosen against what the demo's records reach by its day (2022-05-11, 93% of the term elapsed) so that
the story is visible: 溧阳团, 金坛团 and 武进团 met several targets early; 新北团 is behind pace on
visits, agreements and contract money (and met its needs target); the whole batch met its
matchmaking, needs, agreement and money targets and is short on visits and talents.
"""

from __future__ import annotations

from techmayor.roster.models import Batch
from techmayor.targets.services import target_set

TOTAL = "全批次"
METRICS = ("visits", "needs_collected", "matchmaking_events", "agreements", "contract_amount_wan",
           "talents_introduced")  # fmt: skip
TARGETS: dict[str, tuple[int, ...]] = {
    TOTAL: (1000, 400, 80, 50, 12000, 100),
    "溧阳团": (300, 70, 20, 10, 2000, 30),
    "金坛团": (150, 100, 20, 12, 3800, 20),
    "武进团": (240, 70, 20, 20, 5000, 25),
    "新北团": (300, 180, 20, 8, 1000, 25),
}
REASON = "第十四批目标责任书（演示数据）"


def build_demo_targets(batch: Batch, by=None) -> int:
    """Set the demo's targets (through the service, audited); returns how many."""
    groups = {g.name: g for g in batch.groups.all()}
    count = 0
    for scope, values in TARGETS.items():
        group = None if scope == TOTAL else groups[scope]
        for code, value in zip(METRICS, values, strict=True):
            target_set(batch=batch, metric=code, value=value, group=group, reason=REASON, by=by, is_demo=True)
            count += 1
    return count
