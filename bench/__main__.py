"""``python -m bench [--sizes 10000,100000[,1000000]] [--bulk 10000] [--skip-quality]``

Prints: quality against the plain baseline on the dev set; latency of one need (p50/p95, wall
and CPU time, pinned to one core) at each size; index build throughput and memory; bulk
matching.  The synthetic corpora are generated into var/bench/ on first use and kept there.
Each phase runs in a fresh interpreter so that memory figures are its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from bench.synthetic import CACHE, ensure_synthetic, shared_available

TARGETS = {"p95_ms_1m": 50, "build_docs_s": 5000, "gb_per_m": 2.0, "bulk_s": 300}


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def phase(*args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-m", "bench.perf", *map(str, args)], capture_output=True, text=True, env=env, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"bench phase {args} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(title: str, head: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(head)]
    line = "  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))
    out = [title, line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes (add 1000000 for 1M)")
    ap.add_argument("--bulk", type=int, default=10000, help="needs matched in bulk against the largest size (0: skip)")
    ap.add_argument("--queries", type=int, default=220, help="needs timed per size")
    ap.add_argument("--workers", type=int, default=2, help="processes for index build and bulk matching")
    ap.add_argument("--baseline-max", type=int, default=100000, help="largest size the jieba baseline is built for")
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args(argv)
    if not shared_available():
        print("bench: ../shared/eval is absent; the benchmarks need the evaluation sets. Nothing to do.")
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/bench yet
    print(f"techmayor matching bench — {os.cpu_count()} cores; cache {CACHE}; load average {_load()}\n", flush=True)
    if not args.skip_quality:
        from bench.quality import quality

        print(quality(CACHE), "\n", flush=True)

    lat_rows, build_rows, mem_rows = [], [], []
    prev: tuple[int, float] | None = None
    for n in sizes:
        ensure_synthetic(n)
        b = phase("build", n, args.workers)
        q = phase("query", n, args.queries, "achievements")
        e = phase("query", n, max(args.queries // 2, 20), "experts")
        base = phase("baseline", n, args.queries) if n <= args.baseline_max else None
        ratio = f"{q['p95_ms'] / base['p95_ms']:.1f}x" if base else "n/a"
        lat_rows.append(
            [
                f"{n:,}",
                f"{q['p50_ms']:.1f}",
                f"{q['p95_ms']:.1f}",
                f"{q['cpu_p95_ms']:.1f}",
                f"{e['p95_ms']:.1f}",
                f"{base['p50_ms']:.1f}" if base else "-",
                f"{base['p95_ms']:.1f}" if base else "-",
                ratio,
            ]
        )
        build_rows.append(
            [
                f"{n:,}",
                f"{b['seconds']:.1f}",
                f"{b['docs_per_s']:,.0f}",
                f"{b['docs_per_cpu_s'] * 2:,.0f}",
                f"{base['docs_per_s']:,.0f}" if base else "-",
                f"{b['docs_per_s'] / base['docs_per_s']:.1f}x" if base else "n/a",
                f"{b['postings'] / n:.0f}",
                f"{b['disk_mb']:,.0f}",
            ]
        )
        marginal = f"{(q['rss_mb'] - prev[1]) / (n - prev[0]) * 1e6 / 1024:.2f}" if prev and n > prev[0] else "-"
        prev = (n, q["rss_mb"])
        mem_rows.append(
            [
                f"{n:,}",
                f"{q['rss_loaded_mb']:,.0f}",
                f"{q['rss_mb']:,.0f}",
                f"{q['rss_mb'] / n * 1e6 / 1024:.2f}",
                marginal,
                f"{max(b['peak_rss_mb'], 0):,.0f}",
                f"{b['peak_rss_workers_mb']:,.0f}",
                f"{base['rss_mb'] / n * 1e6 / 1024:.2f}" if base else "-",
            ]
        )
        print(f"[{n:,} done after {time.perf_counter() - started:.0f} s]", flush=True)
    print()
    print(
        table(
            "Latency of one need, top 10, one core (ms; p95 target <= 50 at 1M)",
            ["docs", "p50", "p95", "cpu p95", "experts p95", "base p50", "base p95", "p95 / base"],
            lat_rows,
        )
    )
    print()
    print(
        table(
            f"Index build, {args.workers} processes (target >= 5,000 docs/s)",
            ["docs", "seconds", "docs/s", "CPU-bound docs/s", "base docs/s", "vs base", "postings/doc", "disk MB"],
            build_rows,
        )
    )
    print()
    print(
        table(
            "Resident memory (MB; GB per million docs, target <= 2)",
            [
                "docs",
                "loaded",
                "after queries",
                "GB per 1M",
                "marginal GB per 1M",
                "build peak",
                "worker peak",
                "base GB/1M",
            ],
            mem_rows,
        )
    )
    if args.bulk:
        n = max(sizes)
        r = phase("bulk", n, args.bulk, args.workers)
        print()
        print(
            table(
                f"Bulk matching, top 50 achievements, {args.workers} processes (target: 10,000 needs x 1M <= 300 s)",
                ["needs", "docs", "seconds", "needs/s"],
                [[f"{args.bulk:,}", f"{n:,}", f"{r['seconds']:.1f}", f"{args.bulk / r['seconds']:.1f}"]],
            )
        )
    print(
        "\nWall-clock figures depend on what else runs on the machine (load average now"
        f" {_load()}); 'cpu p95' is the query's own CPU time and 'CPU-bound docs/s' is documents per"
        " CPU-second of all build processes x 2 cores, both insensitive to other load."
    )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
