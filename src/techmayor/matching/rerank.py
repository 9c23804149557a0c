"""The second stage: re-rank the first stage's best candidates with what BM25 cannot see.

BM25 adds up term scores independently, so a document that repeats one rare word of the need
can beat one that covers all of the need's concepts, and a title that holds the need's topic
counts little more than an abstract that mentions it once.  For the ``rerank_depth`` best
candidates (100 by default) the second stage computes, per document:

* **concept coverage** — the need's concepts are its meaningful words (two characters or more,
  not a general word, :func:`lexicon.is_meaningful_term`) that are not part of a longer query
  word; a concept counts fully when the document holds it, half when it holds only one of its
  meaningful sub-words ("压力芯片" → 芯片).  Concepts are weighted by their specificity in the
  pool (ln(1 / document share) / ln(pool size)), so 材料-like words weigh nothing and a word in
  one document weighs 1.  Plain-speech phrases (``lexicon.PLAIN_SPEECH``) form one concept each,
  met by any of their technical terms.  Coverage = covered weight / total weight.
* **title coverage** — the same, counting only the title: the field that says what a document
  is about.
* **phrase** — the longest run of the need's characters found in the title (≥ 3 characters
  counts), a cheap stand-in for the proximity and order of matched terms.
* **general-only penalty** — a document that shares no meaningful term with the need (only
  general words, single characters or loose bigrams) is pushed down.

The new score is the first stage's (normalised to the best candidate) plus a weighted sum of
these features; documents below the depth keep their order after the re-ranked ones.
No Django imports here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .index import WORD_FIELDS, MatchIndex
from .lexicon import is_meaningful_term


@dataclass
class Concept:
    """One concept of a need: its main term and the alternatives that count for it, with the
    share of credit each alternative earns (1 for the term, 0.5 for a sub-word)."""

    label: str
    alternatives: dict[str, float]
    weight: float = 0.0


@dataclass(frozen=True)
class RerankWeights:
    """Weights of the features.  Title coverage and phrase are computed only when their weight
    is not 0; both lowered nDCG@10 on the dev set and on its plain wording (decision 0022), so
    they are off."""

    coverage: float = 1.0
    title_coverage: float = 0.0
    phrase: float = 0.0
    general_only: float = 0.3


@dataclass
class Features:
    coverage: np.ndarray
    title_coverage: np.ndarray
    phrase: np.ndarray
    general_only: np.ndarray
    matched: list[list[str]] = field(default_factory=list)


def specificity(index: MatchIndex, term: str) -> float:
    """ln(1 / share of documents holding ``term``) / ln(pool size), in [0, 1]."""
    log_n = math.log(max(index.n_rows, 2))
    share = index.word_doc_share(term)
    if share <= 0:
        return 0.0
    return min(1.0, max(0.0, math.log(1.0 / share) / log_n))


def concepts_of(
    index: MatchIndex,
    words: Sequence[str],
    subwords,
    plain: Mapping[str, Sequence[str]] = (),
) -> list[Concept]:
    """The need's concepts from its query words (see the module's docstring)."""
    kept = [w for w in dict.fromkeys(words) if is_meaningful_term(w)]
    tops = [w for w in kept if not any(w != o and w in o for o in kept)]
    out = []
    seen: set[str] = set()
    for w in tops:
        alts = {w: 1.0}
        for s in subwords(w) if len(w) > 2 else ():
            if is_meaningful_term(s) and s not in alts:
                alts[s] = 0.5
        out.append(Concept(w, alts))
        seen.update(alts)
    for phrase, terms in dict(plain).items():
        alts = {t: 1.0 for t in terms if is_meaningful_term(t) and t not in seen}
        if alts:
            out.append(Concept(phrase, alts))
    for c in out:
        c.weight = max((specificity(index, t) * share for t, share in c.alternatives.items()), default=0.0)
    return [c for c in out if c.weight > 0]


def _longest_common_run(need: str, title: str) -> int:
    """Length of the longest substring of ``title`` that also occurs in ``need`` (characters)."""
    best = 0
    n = len(title)
    for i in range(n):
        j = i + best + 1
        while j <= n and title[i:j] in need:
            best = j - i
            j += 1
    return best


def features(
    index: MatchIndex,
    concepts: Sequence[Concept],
    rows: np.ndarray,
    need_norm: str,
    titles: Sequence[str] | None,
    *,
    with_title: bool = True,
) -> Features:
    """The features of ``rows`` (``titles``, normalised, only for the phrase feature)."""
    n = len(rows)
    total = sum(c.weight for c in concepts)
    cov = np.zeros(n)
    tcov = np.zeros(n)
    matched: list[list[str]] = [[] for _ in range(n)]
    terms = {t for c in concepts for t in c.alternatives}
    any_field = index.holding(sorted(terms), rows)
    in_title = {t: index.contains(WORD_FIELDS[0], t, rows) for t in terms} if with_title else {}
    for c in concepts:
        best_any = np.zeros(n)
        best_title = np.zeros(n)
        for t, share in c.alternatives.items():
            best_any = np.maximum(best_any, any_field[t] * share)
            if with_title:
                best_title = np.maximum(best_title, in_title[t] * share)
        cov += c.weight * best_any
        tcov += c.weight * best_title
        for i in np.flatnonzero(best_any):
            matched[i].append(c.label)
    if total > 0:
        cov /= total
        tcov /= total
    phrase = (
        np.array([min(1.0, max(0, _longest_common_run(need_norm, t) - 2) / 4) for t in titles])
        if titles is not None
        else np.zeros(n)
    )
    general_only = np.array([0.0 if m else 1.0 for m in matched])
    return Features(cov, tcov, phrase, general_only, matched)


def rerank_scores(base: np.ndarray, feats: Features, weights: RerankWeights) -> np.ndarray:
    return (
        base
        + weights.coverage * feats.coverage
        + weights.title_coverage * feats.title_coverage
        + weights.phrase * feats.phrase
        - weights.general_only * feats.general_only
    )
