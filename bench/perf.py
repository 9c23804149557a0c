"""Performance phases, each run in a fresh interpreter (``python -m bench.perf PHASE ARGS``) so
memory figures are clean; each prints one JSON object on its last stdout line."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

from bench.synthetic import CACHE, dev_needs, synthetic_needs, synthetic_path
from techmayor.matching.index import iter_lines


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process (``RssAnon``: its private memory; ``RssFile``: the pages of
    memory-mapped files, such as the index, which are page cache shared by every process mapping them)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def index_dir(n: int) -> Path:
    return CACHE / f"index_{n}"


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def latency_needs(count: int) -> list[str]:
    needs = [t for _, t in dev_needs()]
    return [needs[i % len(needs)] for i in range(count)]


def _cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def _percentiles(times: list[float], cpu: list[float]) -> dict:
    a = np.array(times) * 1000
    b = np.array(cpu) * 1000
    return {
        "p50_ms": float(np.percentile(a, 50)),
        "p95_ms": float(np.percentile(a, 95)),
        "cpu_p50_ms": float(np.percentile(b, 50)),
        "cpu_p95_ms": float(np.percentile(b, 95)),
    }


def _time_queries(fn, needs: list[str]) -> dict:
    for t in needs[:5]:
        fn(t)
    times, cpu = [], []
    for t in needs:
        t1, c1 = time.perf_counter(), time.thread_time()
        fn(t)
        times.append(time.perf_counter() - t1)
        cpu.append(time.thread_time() - c1)
    return _percentiles(times, cpu)


def phase_query(n: int, count: int, target: str, directory: str) -> dict:
    """One need at a time over the index in ``directory`` (built by ``techmayor match index``)."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    from techmayor.matching.ranker import Matcher

    before, anon, mapped = rss_mb(), rss_mb("RssAnon"), rss_mb("RssFile")
    t0 = time.perf_counter()
    m = Matcher.load(directory)
    load_s = time.perf_counter() - t0
    loaded = rss_mb() - before
    res = _time_queries(lambda t: m.search(t, target=target, k=10), latency_needs(count))
    return {
        "n": n,
        "target": target,
        "load_s": load_s,
        "rss_loaded_mb": loaded,
        "rss_mb": rss_mb() - before,
        "private_mb": rss_mb("RssAnon") - anon,
        "mapped_mb": rss_mb("RssFile") - mapped,
        **res,
    }


def phase_baseline(n: int, count: int) -> dict:
    """The plain baseline (jieba + bm25s defaults over title + abstract) on the same corpus."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import jieba

    from techmayor.matching.evaluation import PlainBaseline

    jieba.setLogLevel(60)
    jieba.initialize()
    before = rss_mb()
    t0 = time.perf_counter()
    bl = PlainBaseline.build(iter_lines(synthetic_path(n)))
    seconds = time.perf_counter() - t0
    res = _time_queries(lambda t: bl.search(t, 10), latency_needs(count))
    return {"n": n, "docs_per_s": n / seconds, "seconds": seconds, "rss_mb": rss_mb() - before, **res}


def _bulk_worker(args: tuple[str, list[tuple[str, str]]]) -> int:
    from techmayor.matching.ranker import Matcher

    directory, needs = args
    m = Matcher.load(directory)
    hits = 0
    for _, hs in m.search_many(needs, k=50):
        hits += len(hs)
    return hits


def phase_bulk(n: int, m: int, workers: int, directory: str) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    needs = synthetic_needs(m)
    chunks = [needs[i::workers] for i in range(workers)]
    t0 = time.perf_counter()
    c0 = _cpu()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        hits = sum(pool.map(_bulk_worker, [(directory, c) for c in chunks]))
    seconds = time.perf_counter() - t0
    cpu = _cpu() - c0
    return {"n": n, "needs": m, "workers": workers, "seconds": seconds, "cpu_s": cpu, "hits": hits}


def main(argv: list[str]) -> None:
    phase, *args = argv
    if phase == "query":
        res = phase_query(int(args[0]), int(args[1]), args[2], args[3])
    elif phase == "baseline":
        res = phase_baseline(int(args[0]), int(args[1]))
    elif phase == "bulk":
        res = phase_bulk(int(args[0]), int(args[1]), int(args[2]), args[3])
    else:
        raise SystemExit(f"unknown phase {phase}")
    print(json.dumps(res))


if __name__ == "__main__":
    main(sys.argv[1:])
