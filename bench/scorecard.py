"""``python -m bench.scorecard [--records 1000000] [--databases sqlite,postgres] [--runs 5]``

The scorecard at scale: a batch of about ``--records`` credited ledger records (the demo's own records
replicated, see ``bench.scale``), on the embedded SQLite database and on the local PostgreSQL. Times what
users run, end to end, with its parts beside it:

- ``techmayor scorecard --batch 14 --city 常州市 --format json`` as a command (median wall time), and the
  interpreter's start-up with Django (``techmayor scorecard --help``) as its fixed part;
- the whole scorecard (every metric, totals and per group) in process, its query count, and the slowest
  metrics;
- the baseline: one ``COUNT(*)`` of the batch's rows per record table, the least any exact scorecard
  must read, measured in the same run; the scorecard is reported as a ratio of it.

The scaled databases are built once into var/bench/ (SQLite) or ``techmayor_bench_<n>`` (PostgreSQL)
and kept; building takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.synthetic import CACHE

CITY, BATCH = "常州市", 14
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
TARGET_MS = 300


def database_url(kind: str, records: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{CACHE / f'scorecard-{records}.sqlite3'}"
    return f"{PG_SERVER}/techmayor_bench_{records}"


def _env(url: str) -> dict:
    env = dict(
        os.environ, DATABASE_URL=url, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])
    )
    env.pop("TECHMAYOR_TODAY", None)
    return env


def _techmayor() -> str:
    return str(Path(sys.executable).with_name("techmayor"))


def _run(args: list[str], url: str) -> str:
    out = subprocess.run(args, capture_output=True, text=True, env=_env(url), check=False)
    if out.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    return out.stdout


def _phase(name: str, url: str, *args) -> dict:
    stdout = _run([sys.executable, "-m", "bench.scorecard", f"_{name}", *map(str, args)], url)
    return json.loads(stdout.strip().splitlines()[-1])


def _pg_create(records: int) -> bool:
    """Create the PostgreSQL database if missing; False when no server answers."""
    import psycopg

    name = f"techmayor_bench_{records}"
    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


def prepare(kind: str, records: int) -> str | None:
    url = database_url(kind, records)
    if kind == "postgres" and not _pg_create(records):
        print(f"  PostgreSQL at {PG_SERVER} is not reachable: skipped")
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    state = _phase("state", url) if kind == "postgres" or (CACHE / f"scorecard-{records}.sqlite3").exists() else {}
    if state.get("credited_records", 0) >= records * 0.95:
        return url
    print(f"  building {kind} database with {records:,} records (once; kept in {url.split('/')[-1]})", flush=True)
    started = time.perf_counter()
    _run([_techmayor(), "migrate", "--noinput"], url)
    _run([_techmayor(), "demo", "--if-empty"], url)
    built = _phase("scale", url, records)
    print(
        f"  built in {time.perf_counter() - started:.0f} s: {built['credited_records']:,} credited records", flush=True
    )
    return url


def command_ms(url: str, args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        _run([_techmayor(), *args], url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(kind: str, records: int, runs: int) -> dict | None:
    url = prepare(kind, records)
    if url is None:
        return None
    inproc = _phase("measure", url, runs)
    args = ["scorecard", "--batch", str(BATCH), "--city", CITY, "--format", "json"]
    inproc["cli_ms"] = command_ms(url, args, max(3, runs // 2))
    inproc["startup_ms"] = command_ms(url, ["scorecard", "--help"], max(3, runs // 2))
    return inproc


def report(kind: str, m: dict) -> str:
    lines = [
        f"{kind}: {m['credited_records']:,} credited records in the batch "
        f"({m['rows']:,} rows with their credited members)",
        f"  techmayor scorecard (command, end to end)  {m['cli_ms']:8.0f} ms",
        f"    of which start-up with Django            {m['startup_ms']:8.0f} ms",
        f"  whole scorecard in process (median)        {m['scorecard_ms']:8.1f} ms  "
        f"({m['queries']} queries; target <= {TARGET_MS} ms)",
        f"  baseline: COUNT(*) per record table        {m['baseline_ms']:8.1f} ms",
        f"  ratio scorecard / baseline                 {m['scorecard_ms'] / m['baseline_ms']:8.1f}x",
        "  slowest metrics (totals and every group):",
    ]
    lines += [f"    {code:28s} {ms:8.1f} ms" for code, ms in m["slowest"]]
    for name, ms in m.get("extra", {}).items():
        lines.append(f"  {name:42s} {ms:8.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.scorecard", description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--databases", default="sqlite,postgres")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"techmayor scorecard bench — {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}", flush=True)
    for kind in args.databases.split(","):
        result = measure(kind.strip(), args.records, args.runs)
        if result is not None:
            print(report(kind, result), "\n", flush=True)


# --- phases, each in a fresh interpreter with DATABASE_URL set ------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmayor.config.settings")
    import django

    django.setup()


def _batch():
    from techmayor.scorecard.services import batch_lookup

    return batch_lookup(city=CITY, number=BATCH)


def _credited(batch) -> int:
    from bench.scale import credited_models

    return sum(m.objects.filter(batch=batch).count() for m in credited_models())


def _state() -> dict:
    _django()
    from django.db.utils import DatabaseError

    try:
        return {"credited_records": _credited(_batch())}
    except Exception as exc:  # not migrated or no demo yet
        if isinstance(exc, DatabaseError) or type(exc).__name__ == "ApplicationError":
            return {}
        raise


def _scale(records: int) -> dict:
    _django()
    from bench.scale import scale_batch

    return scale_batch(_batch(), records=records, log=lambda m: print(m, file=sys.stderr, flush=True))


def _timed(fn, runs: int) -> float:
    fn()  # warm the connection and caches, as a live server would be
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _measure(runs: int) -> dict:
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.scale import credited_models
    from techmayor.roster.models import Group
    from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, value
    from techmayor.scorecard.services import scorecard

    batch = _batch()
    groups = list(Group.objects.filter(batch=batch))
    scopes = [Scope(batch=batch), *(Scope(batch=batch, group=g) for g in groups)]
    models = credited_models()

    def baseline():
        for model in models:
            model.objects.filter(batch=batch).count()

    with CaptureQueriesContext(connection) as ctx:
        scorecard(batch=batch)
    per_metric = {m.code: _timed(lambda m=m: [value(m, s) for s in scopes], 1) for m in SCORECARD_METRICS}
    rows = sum(m.objects.filter(batch=batch).count() for m in models)
    rows += sum(m.members.through.objects.filter(**{f"{m.members.field.m2m_field_name()}__batch": batch}).count()
                for m in models)  # fmt: skip
    return {
        "credited_records": _credited(batch),
        "rows": rows,
        "scorecard_ms": _timed(lambda: scorecard(batch=batch), runs),
        "queries": len(ctx.captured_queries),
        "baseline_ms": _timed(baseline, runs),
        "slowest": sorted(per_metric.items(), key=lambda kv: -kv[1])[:6],
        "extra": {},
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        phase = {"_state": _state, "_scale": _scale, "_measure": _measure}[sys.argv[1]]
        print(json.dumps(phase(*map(int, sys.argv[2:])), default=str))
    else:
        main()
