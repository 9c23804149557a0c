"""``python -m bench.scorecard [--records 1000000] [--databases sqlite,postgres] [--runs 5]``

The scorecard at scale: a batch of about ``--records`` credited ledger records (the demo's own records
replicated, see ``bench.scale``), on the embedded SQLite database and on the local PostgreSQL. Times what
users run, end to end, with its parts beside it:

- ``techmayor scorecard --batch 14 --city 常州市 --format json`` as a command (median wall time), and the
  interpreter's start-up with Django (``techmayor scorecard --help``) as its fixed part;
- the page ``/scorecard/`` under a real server (``techmayor runserver``, logged in), median of a few loads;
- in process: the whole scorecard (every metric, totals and per group) from the pre-aggregated cells,
  with its query count; the dashboard's data; building the batch's cells from scratch (what the first
  read after ``rollup.invalidate`` pays); one visit logged through its service with the cells kept exact;
- the baseline: the same scorecard counted from the records (``metrics.live_value``, one grouped query
  per metric, as before the cells existed), and one ``COUNT(*)`` of the batch's rows per record table
  (the least any count from the records must read); figures are reported as ratios of the baseline.

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
DASHBOARD_TARGET_MS = 500
BENCH_PASSWORD = "bench-scorecard-2021"


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
    _run([_techmayor(), "migrate", "--noinput"], url)  # also brings a kept database up to date
    if _phase("state", url).get("credited_records", 0) >= records * 0.95:
        return url
    print(f"  building {kind} database with {records:,} records (once; kept in {url.split('/')[-1]})", flush=True)
    started = time.perf_counter()
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
    inproc["page_ms"] = page_ms(url, "/scorecard/", runs)
    inproc["dashboard_page_ms"] = page_ms(url, "/dashboard/", runs)
    return inproc


def page_ms(url: str, path: str, runs: int, port: int = 8765) -> float:
    """Median time of ``path`` under ``techmayor runserver``, logged in as the bench's administrator."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    env = _env(url) | {"DEBUG": "1"}
    server = subprocess.Popen(
        [_techmayor(), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                form = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
                break
            except OSError:
                time.sleep(0.3)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "bench", "password": BENCH_PASSWORD})
        opener.open(urllib.request.Request(f"{base}/accounts/login/", data.encode(), headers={"Referer": base}))
        opener.open(f"{base}{path}", timeout=120).read()  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            body = opener.open(f"{base}{path}", timeout=120).read()
            times.append((time.perf_counter() - started) * 1000)
        if b"csrfmiddlewaretoken" in body and b'name="password"' in body:
            raise SystemExit(f"bench: could not log in to time {path}")
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(kind: str, m: dict) -> str:
    live = m["live_ms"]
    rows = [
        ("page /scorecard/ under runserver (median)", m["page_ms"], ""),
        ("page /dashboard/ under runserver (median)", m["dashboard_page_ms"], ""),
        ("techmayor scorecard --format json (command)", m["cli_ms"], ""),
        ("  of which start-up with Django", m["startup_ms"], ""),
        ("whole scorecard from cells, in process", m["scorecard_ms"], f"{m['queries']} queries, target {TARGET_MS} ms"),
        ("dashboard's data, in process", m["dashboard_ms"], f"target {DASHBOARD_TARGET_MS} ms"),
        ("  of which the monthly trend", m["trend_ms"], ""),
        ("  of which the groups side by side", m["compare_ms"], ""),
        ("  of which the need and cooperation funnels", m["funnels_ms"], ""),
        ("one visit logged, cells kept exact", m["write_ms"], ""),
        ("building the batch's cells from scratch", m["build_ms"], f"{m['cells']:,} cells"),
        ("baseline: whole scorecard from the records", live, ""),
        ("floor: COUNT(*) per record table", m["count_ms"], ""),
    ]
    lines = [
        f"{kind}: {m['credited_records']:,} credited records in the batch "
        f"({m['rows']:,} rows with their credited members)",
        f"  {'':46s} {'ms':>9s}  {'baseline/x':>10s}",
    ]
    lines += [f"  {name:46s} {ms:9.1f}  {live / ms:9.1f}x  {note}" for name, ms, note in rows]
    lines.append("  slowest figures counted from the records (totals and every group):")
    lines += [f"    {code:28s} {ms:8.1f} ms" for code, ms in m["slowest"]]
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
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench.scale import credited_models
    from techmayor.dashboards.selectors import compare, dashboard, funnels, trend
    from techmayor.ledger.models import Visit
    from techmayor.ledger.services import visit_log
    from techmayor.roster.models import Group
    from techmayor.scorecard import rollup
    from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, live_value
    from techmayor.scorecard.models import FigureCell
    from techmayor.scorecard.services import scorecard

    batch = _batch()
    groups = list(Group.objects.filter(batch=batch).order_by("id"))
    scopes = [Scope(batch=batch), *(Scope(batch=batch, group=g) for g in groups)]
    models = credited_models()
    user = get_user_model().objects.filter(username="bench").first() or get_user_model()(username="bench")
    user.is_superuser = user.is_staff = True
    user.must_change_password = False
    user.set_password(BENCH_PASSWORD)
    user.save()

    def count_floor():
        for model in models:
            model.objects.filter(batch=batch).count()

    def live():
        return {m.code: [live_value(m, s) for s in scopes] for m in SCORECARD_METRICS}

    def build():
        rollup.invalidate([batch.pk])
        rollup.build(batch.pk)

    def write():
        with transaction.atomic():
            sample = Visit.objects.filter(batch=batch).order_by("pk").first()
            visit_log(batch=batch, group=sample.group, enterprise=sample.enterprise, date=sample.date,
                      members=list(sample.members.all()))  # fmt: skip
            transaction.set_rollback(True)

    build_ms = _timed(build, 1)
    with CaptureQueriesContext(connection) as ctx:
        card = scorecard(batch=batch)
    assert all(card["totals"][code] == values[0] for code, values in live().items()), "cells differ from records"
    per_metric = {m.code: _timed(lambda m=m: [live_value(m, s) for s in scopes], 1) for m in SCORECARD_METRICS}
    rows = sum(m.objects.filter(batch=batch).count() for m in models)
    rows += sum(m.members.through.objects.filter(**{f"{m.members.field.m2m_field_name()}__batch": batch}).count()
                for m in models)  # fmt: skip
    return {
        "credited_records": _credited(batch),
        "rows": rows,
        "cells": FigureCell.objects.filter(batch=batch).count(),
        "scorecard_ms": _timed(lambda: scorecard(batch=batch), runs),
        "queries": len(ctx.captured_queries),
        "dashboard_ms": _timed(lambda: dashboard(batch=batch, groups=groups, whole_batch=True, full=True), runs),
        "trend_ms": _timed(lambda: trend(batch, groups), runs),
        "compare_ms": _timed(lambda: compare(batch, groups, ranking=True), runs),
        "funnels_ms": _timed(lambda: funnels(batch, groups, whole_batch=True), runs),
        "write_ms": _timed(write, runs),
        "build_ms": build_ms,
        "live_ms": _timed(live, 1),
        "count_ms": _timed(count_floor, runs),
        "slowest": sorted(per_metric.items(), key=lambda kv: -kv[1])[:6],
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        phase = {"_state": _state, "_scale": _scale, "_measure": _measure}[sys.argv[1]]
        print(json.dumps(phase(*map(int, sys.argv[2:])), default=str))
    else:
        main()
