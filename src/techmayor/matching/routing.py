"""Discipline routing: the disciplines a need most likely belongs to.

Each need gets its top three first-level disciplines (CSL's, as the papers of the pool carry
them), so that it can be shown to the members and universities of that field.  Two estimates are
averaged:

* the **label classifier**'s tempered naive-Bayes posterior over disciplines for the need's text
  (:mod:`classifier`, trained on the pool's own labels and labelled titles);
* the **neighbours' vote**: the disciplines of the need's ``neighbours`` best-ranked documents
  (the full ranking, second stage included), each weighted by its score.

The classifier alone reads the need's words; the vote reads what the pool answered, which helps
when a need is worded plainly.  When the pool has no disciplines (patents only) the same is done
with the 13 门类 (``category``).  Shares are for ordering only and never shown as percentages.
No Django imports here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .ranker import Matcher


@dataclass(frozen=True)
class Route:
    label: str
    space: str  # discipline | category
    share: float  # for ordering only


def _normalised(d: Mapping[str, float]) -> dict[str, float]:
    total = sum(v for v in d.values() if v > 0)
    return {k: v / total for k, v in d.items() if v > 0} if total > 0 else {}


def route(
    matcher: Matcher,
    need: str,
    *,
    k: int = 3,
    neighbours: int = 20,
    classifier_weight: float = 0.5,
    min_share: float = 0.01,
    ranked: tuple[Sequence[int], Sequence[float]] | None = None,
) -> list[Route]:
    """The need's ``k`` most likely disciplines, best first (empty for an empty need or pool);
    a discipline with less than ``min_share`` of the estimate is not a route.
    ``ranked``: the need's ranked rows and scores when the caller already has them."""
    if ranked is None:
        q, rows, scores, _notes, _fb = matcher.rank_rows(need)
        labels = q.labels
    else:
        rows, scores = ranked
        labels = matcher._query(need).labels
    idx = matcher.index
    rows = np.asarray(rows[:neighbours], dtype=np.int64)
    scores = np.asarray(scores[:neighbours], dtype=np.float64)
    for space in ("discipline", "category"):
        vote: dict[str, float] = defaultdict(float)
        if len(rows):
            values = idx.labels[space].values
            for code, s in zip(idx.label_codes(space, rows), scores, strict=True):
                if code >= 0 and values[int(code)]:
                    vote[values[int(code)]] += max(float(s), 0.0)
        prior = _normalised(labels.get(space, {}))
        vote = _normalised(vote)
        if not vote and not prior:
            continue
        w = classifier_weight if vote and prior else (1.0 if prior else 0.0)
        combined: dict[str, float] = defaultdict(float)
        for lab, p in prior.items():
            combined[lab] += w * p
        for lab, p in vote.items():
            combined[lab] += (1 - w) * p
        best = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Route(lab, space, round(share, 4)) for lab, share in best if share >= min_share]
    return []
