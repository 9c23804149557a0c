"""``python -m bench [--sizes 10000,100000[,1000000]] [--bulk 10000] [--skip-quality]``

Prints, as users run it:

* **quality**: ``techmayor match eval`` (the command) on a database holding the shipped corpora, on
  the dev needs and on their plain wording, beside the plain baseline of the same run; then the
  ablations of ``bench.quality`` (in process);
* **index build**: ``techmayor match index`` (the command: from the database to the index on disk)
  on a database of the synthetic pool at each size, twice — the first build learns the labelled
  titles, the rebuild reads them back (``trained/``) — with wall and CPU time, the peak resident
  memory of the command and its worker processes, and the parts of the build beside the whole
  (``build.json``: dictionary, reading rows, segmentation, postings, writing, the classifier);
  the plain baseline's build (jieba + bm25s, in process) is the ratio's reference;
* **latency** of one need (p50/p95, wall and CPU time, one core, top 10, the second stage
  included) over the index the command built, and the serving process's resident memory;
* **bulk** matching.

The synthetic pools and their databases (``var/bench/pool-<n>.sqlite3``, made once by ``techmayor
import corpus``) are kept under var/bench/. Each phase runs in a fresh interpreter so that memory
figures are its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import _env, _techmayor, command, fresh_database
from bench.synthetic import CACHE, EVAL, ensure_synthetic, shared_available
from techmayor import data

TARGETS = {"p95_ms_1m": 20, "build_docs_s": 10000, "gb_per_m": 1.5, "bulk_s": 300}
PLAIN = Path(__file__).resolve().parent / "data" / "needs_dev_plain.tsv"


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


def pool_index(n: int) -> Path:
    return CACHE / f"pool-index-{n}"


def pool_database(n: int) -> str:
    """A SQLite database holding the synthetic pool of ``n`` achievements, made once (migrate and
    ``techmayor import corpus``) and kept."""
    path = CACHE / f"pool-{n}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"  making the database of {n:,} achievements (once) …", flush=True)
        source = ensure_synthetic(n)
        fresh_database("sqlite", f"pool-{n}.partial")
        partial = CACHE / f"pool-{n}.partial.sqlite3"
        env = _env(f"sqlite:///{partial}", CACHE / "corpus-index-none")
        command([_techmayor(), "import", "corpus", str(source), "--kind", "paper"], env)
        partial.replace(path)
    return url


def build_by_command(n: int) -> list[dict]:
    """``techmayor match index`` on the pool's database, from no index and again (a rebuild)."""
    url = pool_database(n)
    index = pool_index(n)
    env = _env(url, index)
    rows = []
    for run in ("first build", "rebuild"):
        if run == "first build" and index.exists():
            shutil.rmtree(index)
        r = command([_techmayor(), "match", "index"], env)
        r["parts"] = json.loads((index / "build.json").read_text(encoding="utf-8"))
        r.update(run=run, n=n, load=_load())
        rows.append(r)
        print(f"  {n:,}: {run}: {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU, {r['peak_mb']:,.0f} MB", flush=True)
    return rows


def quality_by_command() -> str:
    """``techmayor match eval`` on the shipped corpora (the dev needs and their plain wording)."""
    url = fresh_database("sqlite", "quality")
    index = CACHE / "quality-index"
    env = _env(url, index)
    tm = _techmayor()
    command([tm, "import", "corpus", str(data.PAPERS), "--kind", "paper"], env)
    command([tm, "import", "corpus", str(data.PATENTS), "--kind", "patent"], env)
    command([tm, "match", "index"], env)
    out = []
    for name, queries in (("dev wording", EVAL / "needs_dev.tsv"), ("plain wording", PLAIN)):
        args = [tm, "match", "eval", "--queries", str(queries), "--qrels", str(EVAL / "needs_dev.qrels")]
        res = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise SystemExit(f"bench: match eval failed:\n{res.stderr[-4000:]}")
        out.append(f"$ techmayor match eval --queries {queries.name} --qrels needs_dev.qrels   ({name})")
        out.append(res.stdout.rstrip())
    return "\n".join(out)


def table(title: str, head: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(head)]
    line = "  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))
    out = [title, line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def _gb_per_m(mb: float, n: int) -> str:
    return f"{mb / n * 1e6 / 1024:.2f}"


def _verdict(ok: bool, n: int) -> str:
    return ("met" if ok else "NOT met") if n >= 1_000_000 else "at 1M"


BUILD_HEAD = ["docs", "run", "wall s", "CPU s", "docs/s", "CPU docs/s", "base docs/s", "vs base", "target", "load"]
PARTS = ("dictionary", "read", "analyse", "postings", "write", "classifier")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes (add 1000000 for 1M)")
    ap.add_argument("--bulk", type=int, default=10000, help="needs matched in bulk against the largest size (0: skip)")
    ap.add_argument("--queries", type=int, default=220, help="needs timed per size")
    ap.add_argument("--workers", type=int, default=2, help="processes for bulk matching")
    ap.add_argument("--baseline-max", type=int, default=100000, help="largest size the jieba baseline is built for")
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args(argv)
    if not shared_available():
        print("bench: ../shared/eval is absent; the benchmarks need the evaluation sets. Nothing to do.")
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/bench yet
    cores = len(os.sched_getaffinity(0))
    print(f"techmayor matching bench — {cores} cores; cache {CACHE}; load average {_load()}\n", flush=True)
    if not args.skip_quality:
        print(quality_by_command(), "\n", flush=True)
        from bench.quality import quality

        print(quality(CACHE), "\n", flush=True)

    lat_rows, build_rows, part_rows, mem_rows = [], [], [], []
    for n in sizes:
        builds = build_by_command(n)
        q = phase("query", n, args.queries, "achievements", pool_index(n))
        e = phase("query", n, max(args.queries // 2, 20), "experts", pool_index(n))
        base = phase("baseline", n, args.queries) if n <= args.baseline_max else None
        lat_rows.append(
            [
                f"{n:,}",
                f"{q['p50_ms']:.1f}",
                f"{q['p95_ms']:.1f}",
                f"{q['cpu_p95_ms']:.1f}",
                f"{e['p95_ms']:.1f}",
                f"{base['p95_ms']:.1f}" if base else "-",
                f"{q['p95_ms'] / base['p95_ms']:.1f}x" if base else "n/a",
                _verdict(q["cpu_p95_ms"] <= TARGETS["p95_ms_1m"], n),
            ]
        )
        for b in builds:
            docs_s = n / b["wall_s"]
            cpu_bound = n / b["cpu_s"] * cores
            build_rows.append(
                [
                    f"{n:,}",
                    b["run"],
                    f"{b['wall_s']:.1f}",
                    f"{b['cpu_s']:.1f}",
                    f"{docs_s:,.0f}",
                    f"{cpu_bound:,.0f}",
                    f"{base['docs_per_s']:,.0f}" if base else "-",
                    f"{docs_s / base['docs_per_s']:.1f}x" if base else "n/a",
                    _verdict(docs_s >= TARGETS["build_docs_s"], n),
                    b["load"].split()[0],
                ]
            )
            parts = b["parts"]
            part_rows.append(
                [
                    f"{n:,}",
                    b["run"],
                    f"{b['wall_s']:.1f}",
                    *(f"{parts.get(p, 0):.1f}" for p in PARTS),
                    f"{b['wall_s'] - sum(parts.get(p, 0) for p in PARTS):.1f}",
                    parts.get("labelled_texts", "-"),
                ]
            )
        peak = max(b["peak_mb"] for b in builds)
        mem_rows.append(
            [
                f"{n:,}",
                f"{peak:,.0f}",
                _gb_per_m(peak, n),
                f"{q['rss_loaded_mb']:,.0f}",
                f"{q['rss_mb']:,.0f}",
                f"{q.get('private_mb', float('nan')):,.0f}",
                f"{q.get('mapped_mb', float('nan')):,.0f}",
                _gb_per_m(q["rss_mb"], n),
                f"{base['rss_mb'] / n * 1e6 / 1024:.2f}" if base else "-",
                _verdict(max(peak, q["rss_mb"]) / n * 1e6 / 1024 <= TARGETS["gb_per_m"], n),
            ]
        )
        print(f"[{n:,} done after {time.perf_counter() - started:.0f} s]", flush=True)
    print()
    print(
        table(
            f"Index build as users run it: `techmayor match index`, database to index on disk, {cores} cores"
            f" (target >= {TARGETS['build_docs_s']:,} docs/s at 1M)",
            BUILD_HEAD,
            build_rows,
        )
    )
    print()
    print(
        table(
            "Its parts (wall seconds; 'other' = start-up, counting, the classifier's save, assessing needs)",
            ["docs", "run", "whole", *PARTS, "other", "labelled texts"],
            part_rows,
        )
    )
    print()
    print(
        table(
            f"Latency of one need, top 10, one core, second stage included (ms; target p95 <= {TARGETS['p95_ms_1m']}"
            " at 1M)",
            ["docs", "p50", "p95", "cpu p95", "experts p95", "base p95", "p95 / base", "target"],
            lat_rows,
        )
    )
    print()
    print(
        table(
            f"Resident memory (MB; GB per million documents, target <= {TARGETS['gb_per_m']} for both; 'index pages'"
            " = the memory-mapped index files, page cache shared by every worker)",
            [
                "docs",
                "match index peak",
                "GB per 1M",
                "serving: loaded",
                "after queries",
                "of which private",
                "index pages",
                "GB per 1M",
                "base GB/1M",
                "target",
            ],
            mem_rows,
        )
    )
    if args.bulk:
        n = max(sizes)
        r = phase("bulk", n, args.bulk, args.workers, pool_index(n))
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
        f" CPU-second of the command and its workers x {cores} cores, both less sensitive to other load."
    )
    print(f"total {time.perf_counter() - started:.0f} s; peak of this process {_self_peak():,.0f} MB")


def _self_peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
