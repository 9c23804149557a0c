"""Near-duplicate enterprises: names that are probably the same company, with a score (0–100).

The one place where names are compared: the enterprise form (可能重复：… 相似度 92%), the enterprise
page for administrators, ``techmayor enterprises duplicates`` and the import engine's near-name
matcher all use :class:`NameIndex`. Names are compared by ``core.text.company_match_key`` (width,
brackets, spaces, the legal-form suffix and the city's 市 folded) with rapidfuzz's ratio.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from techmayor.core.text import company_match_key, fold_place

from .models import Enterprise

NEAR = 88  # from this score a name is offered as the same company (create refuses without confirmation; imports too)
SHOWN = 85  # from this score a pair is listed (the form's hint, the enterprise page, the command's default)


@dataclass(frozen=True)
class Near:
    pk: int
    name: str
    score: int


class NameIndex:
    """The match keys of a set of enterprises, searchable by name."""

    def __init__(self, rows: Iterable[tuple[int, str, str]]):
        """``rows``: (pk, name, normalized_name)."""
        self.pks: list[int] = []
        self.names: list[str] = []
        self.keys: list[str] = []
        for pk, name, normalized in rows:
            self.pks.append(pk)
            self.names.append(name)
            self.keys.append(fold_place(normalized))

    @classmethod
    def of(cls, queryset: QuerySet[Enterprise] | None = None) -> NameIndex:
        queryset = Enterprise.objects.all() if queryset is None else queryset
        return cls(queryset.order_by("id").values_list("pk", "name", "normalized_name").iterator(chunk_size=5000))

    def near(self, name: str, *, min_score: int = SHOWN, limit: int = 5, exclude: Iterable[int] = ()) -> list[Near]:
        """The enterprises whose names score at least ``min_score`` against ``name``, best first."""
        from rapidfuzz import fuzz, process

        key = company_match_key(name)
        if not key:
            return []
        skip = set(exclude)
        hits = process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=min_score, limit=limit + len(skip))
        found = [Near(self.pks[i], self.names[i], round(score)) for _key, score, i in hits if self.pks[i] not in skip]
        found.sort(key=lambda n: (-n.score, n.pk))
        return found[:limit]

    def best(self, name: str, *, min_score: int = NEAR) -> Near | None:
        hits = self.near(name, min_score=min_score, limit=1)
        return hits[0] if hits else None

    def pairs(self, *, min_score: int = SHOWN, chunk: int = 500) -> list[tuple[Near, Near, int]]:
        """Every pair of enterprises scoring at least ``min_score``, best first (each pair once).

        Compared in blocks of ``chunk`` rows against all keys (rapidfuzz ``cdist``), so memory stays
        at ``chunk × n`` bytes for any number of enterprises."""
        import numpy as np
        from rapidfuzz import fuzz, process

        found: list[tuple[Near, Near, int]] = []
        n = len(self.keys)
        for start in range(0, n, chunk):
            block = self.keys[start : start + chunk]
            scores = process.cdist(block, self.keys, scorer=fuzz.ratio, score_cutoff=min_score, dtype=np.uint8)
            rows, cols = np.nonzero(scores)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if c <= i:
                    continue
                score = int(scores[r, c])
                found.append((self._near(i, score), self._near(c, score), score))
        found.sort(key=lambda p: (-p[2], p[0].pk, p[1].pk))
        return found

    def _near(self, i: int, score: int) -> Near:
        return Near(self.pks[i], self.names[i], score)


def near_duplicates(
    name: str, *, queryset: QuerySet[Enterprise] | None = None, exclude: Iterable[int] = (), min_score: int = SHOWN
) -> list[tuple[Enterprise, int]]:
    """Enterprises of ``queryset`` (default all) probably the same company as ``name``, with their score."""
    hits = NameIndex.of(queryset).near(name, min_score=min_score, exclude=exclude)
    by_pk = Enterprise.objects.select_related("region").in_bulk([h.pk for h in hits])
    return [(by_pk[h.pk], h.score) for h in hits if h.pk in by_pk]
