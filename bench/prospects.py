"""``python -m bench.prospects [--enterprises 10000] [--sources 3]``

Times the reverse direction's core (``techmayor.matching.prospects``): building the enterprises'
pool (analysis of every need / visit text, the inverted index) and ranking enterprises for one
result and for a 20-result 成果推介 plan. The enterprises' texts are the shipped CSL paper titles
(8,000, reused in turn), each enterprise with ``--sources`` of them and one of 400 industry classes;
the results are other titles. No database: the Django layer adds five aggregate queries a call
(the pool's freshness stamp) and one query per page for the enterprises shown.
"""

from __future__ import annotations

import argparse
import lzma
import statistics
import time

from techmayor import data
from techmayor.matching.analysis import Analyzer
from techmayor.matching.prospects import EnterpriseProfile, ProspectPool, ResultText, Source


def titles() -> list[str]:
    with lzma.open(data.PAPER_TITLES, "rt", encoding="utf-8") as fh:
        next(fh)
        return [line.split("\t")[0] for line in fh if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--sources", type=int, default=3)
    args = parser.parse_args()
    texts = titles()
    profiles = [
        EnterpriseProfile(
            str(i),
            f"企业{i}",
            f"C{3000 + i % 400}",
            "锂离子电池制造" if i % 400 == 0 else "通用设备制造",
            ("high_tech",) if i % 7 == 0 else (),
            [Source("need", f"{i}-{j}", "", texts[(i * args.sources + j) % len(texts)]) for j in range(args.sources)],
        )
        for i in range(args.enterprises)
    ]
    analyzer = Analyzer()
    started = time.perf_counter()
    pool = ProspectPool(analyzer, profiles)
    build = time.perf_counter() - started
    results = [ResultText(str(i), texts[-1 - i], [], texts[-200 - i]) for i in range(100)]
    one = []
    for r in results:
        t = time.perf_counter()
        pool.rank(r, k=10)
        one.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    pool.rank_many(results[:20], k=50)
    plan = (time.perf_counter() - t) * 1000
    n = args.enterprises * args.sources
    print(f"enterprises {args.enterprises:,}, texts {n:,}")
    print(f"pool build: {build:.2f} s ({n / build:,.0f} texts/s)")
    print(f"one result: p50 {statistics.median(one):.1f} ms, p95 {sorted(one)[94]:.1f} ms")
    print(f"a 20-result plan: {plan:.0f} ms")


if __name__ == "__main__":
    main()
