"""``python -m bench.province [--records 10000000] [--cities 13] [--batches 15] [--runs 5]``

The province at scale on PostgreSQL (issue 11): a synthetic Jiangsu of ``--cities`` cities × ``--batches``
batches, each batch holding copies of the demo's 常州市第十四批 (``bench.province_build``), about
``--records`` credited ledger records in all. Times what users run, end to end, with its parts beside it:

- the province scorecard for one year (``techmayor scorecard --province 江苏省 --year 2021 --format json``)
  as a command (median wall time; the interpreter's start-up with Django, ``scorecard --help``, as its
  fixed part), the page ``/scorecard/province/`` under a real server logged in as a province
  administrator, and in process with its query count; target 2 s;
- one city's batch (常州市第十四批): ``techmayor scorecard --batch 14 --city 常州市 --format json``, the page
  ``/scorecard/``, and in process; target 300 ms;
- the need, visit and enterprise lists for a province administrator and a city administrator: their
  query counts at two page sizes (equal when constant) and their median time under the server;
- the baseline, measured in the same run: the same figures counted from the records without the cells
  (``metrics.live_value``, one query per figure and batch), and ``COUNT(*)`` of the batch's rows per record
  table; figures are reported as ratios of the baseline.

The demo with Jiangsu's divisions is built once into ``techmayor_province_demo``; each scale is a copy of
it (``CREATE DATABASE … TEMPLATE``) grown by the builder into ``techmayor_province_<records>`` and kept for
reuse. The server is ``$BENCH_POSTGRES`` (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from bench.scorecard import PG_SERVER, _env, _run, _techmayor, command_ms

PROVINCE, YEAR, CITY, BATCH = "江苏省", 2021, "常州市", 14
TEMPLATE_DB = "techmayor_province_demo"
PROVINCE_TARGET_MS, BATCH_TARGET_MS = 2000, 300
PASSWORD = "bench-province-2021"
USERS = {"province": "bench_province", "city": "bench_city"}
LISTS = {"need list": "/needs/", "visit list": "/ledger/visits/", "enterprise list": "/enterprises/"}
PAGE_SIZES = (20, 100)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def database_name(records: int, cities: int, batches: int) -> str:
    suffix = "" if (cities, batches) == (13, 15) else f"_{cities}x{batches}"
    return f"techmayor_province_{records}{suffix}"


def _url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def _phase(name: str, url: str, *args) -> dict:
    stdout = _run([sys.executable, "-m", "bench.province", f"_{name}", *map(str, args)], url)
    return json.loads(stdout.strip().splitlines()[-1])


def _admin(sql: str, params=()) -> list:
    """A statement on the server's maintenance database (creating databases), its rows if any."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _exists(name: str) -> bool:
    return bool(_admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def _template() -> None:
    """The demo and Jiangsu's divisions, once, in ``techmayor_province_demo``."""
    if not _exists(TEMPLATE_DB):
        _admin(f'CREATE DATABASE "{TEMPLATE_DB}"')
    url = _url(TEMPLATE_DB)
    _run([_techmayor(), "migrate", "--noinput"], url)
    if not _phase("state", url).get("template"):
        print(f"  building the demo into {TEMPLATE_DB} (once; minutes)", flush=True)
        _run([_techmayor(), "demo", "--if-empty"], url)
    state = _phase("state", url)
    if state.get("cities", 0) < 13 or state.get("cities_without_districts", 1):
        # The demo names every city of the province (its map) but gives districts only to those it
        # fills; the province's divisions come from the national list (idempotent).
        _run([_techmayor(), "load_regions", "--province", PROVINCE], url)


def prepare(records: int, cities: int, batches: int) -> str:
    name = database_name(records, cities, batches)
    url = _url(name)
    if not _exists(name):
        _template()
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
    _run([_techmayor(), "migrate", "--noinput"], url)  # also brings a kept database up to date
    state = _phase("state", url)
    if state.get("batches", 0) >= cities * batches:
        print(f"  {name}: kept, {state['credited_records']:,} credited records in {state['batches']} batches")
        return url
    print(f"  building {name} ({records:,} records; kept for reuse), load {_load()}", flush=True)
    built = _phase("build", url, records, cities, batches)
    rate = built["credited_records"] / built["seconds"]
    print(
        f"  built in {built['seconds']:.0f} s: {built['credited_records']:,} credited records in "
        f"{built['batches']} batches ({rate:,.0f} records/s, with their members and dependents)",
        flush=True,
    )
    return url


def measure(url: str, runs: int) -> dict:
    m = _phase("measure", url, runs)
    args = ["scorecard", "--province", PROVINCE, "--year", str(YEAR), "--format", "json"]
    m["province_cli_ms"] = command_ms(url, args, runs)
    m["batch_cli_ms"] = command_ms(url, ["scorecard", "--batch", str(BATCH), "--city", CITY, "--format", "json"], runs)
    m["startup_ms"] = command_ms(url, ["scorecard", "--help"], runs)
    province_pages = {"province scorecard": f"/scorecard/province/?year={YEAR}"}
    province_pages |= {name: f"{path}?per_page={PAGE_SIZES[0]}" for name, path in LISTS.items()}
    city_pages = {"batch scorecard": f"/scorecard/?batch={m['batch_id']}"}
    city_pages |= {name: f"{path}?per_page={PAGE_SIZES[0]}" for name, path in LISTS.items()}
    m["pages"] = {"province": pages_ms(url, USERS["province"], province_pages, runs)}
    m["pages"]["city"] = pages_ms(url, USERS["city"], city_pages, runs)
    return m


def pages_ms(url: str, username: str, paths: dict[str, str], runs: int, port: int = 8766) -> dict[str, float]:
    """Median time of each page under ``techmayor runserver``, logged in as ``username``."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    server = subprocess.Popen(
        [_techmayor(), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=_env(url) | {"DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(200):
            try:
                form = opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
                break
            except OSError:
                time.sleep(0.3)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        opener.open(urllib.request.Request(f"{base}/accounts/login/", data.encode(), headers={"Referer": base}))
        found = {}
        for name, path in paths.items():
            opener.open(f"{base}{path}", timeout=300).read()  # warm
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = opener.open(f"{base}{path}", timeout=300)
                body = response.read()
                times.append((time.perf_counter() - started) * 1000)
            if b'name="password"' in body or response.status != 200:
                raise SystemExit(f"bench: {path} as {username} did not answer with the page")
            found[name] = statistics.median(times)
        return found
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(m: dict) -> str:
    live_p, live_b = m["province_live_ms"], m["batch_live_ms"]
    rows = [
        ("province scorecard, page under runserver", m["pages"]["province"]["province scorecard"], live_p, ""),
        ("province scorecard, command (median)", m["province_cli_ms"], live_p, f"target {PROVINCE_TARGET_MS} ms"),
        ("  of which start-up with Django", m["startup_ms"], live_p, ""),
        ("province scorecard, in process", m["province_ms"], live_p, f"{m['province_queries']} queries"),
        ("baseline: the province from the records", live_p, live_p, f"{m['province_live_queries']} queries"),
        ("city batch scorecard, page under runserver", m["pages"]["city"]["batch scorecard"], live_b, ""),
        ("city batch scorecard, command (median)", m["batch_cli_ms"], live_b, f"target {BATCH_TARGET_MS} ms"),
        ("city batch scorecard, in process", m["batch_ms"], live_b, f"{m['batch_queries']} queries"),
        ("baseline: the batch from the records", live_b, live_b, ""),
        ("floor: COUNT(*) of the batch per record table", m["count_ms"], live_b, ""),
    ]
    lines = [
        f"province: {m['credited_records']:,} credited records in {m['batches']} batches of {m['cities']} cities "
        f"({m['rows']:,} rows with members and dependents; {m['cells']:,} cells); the city batch "
        f"{m['batch_records']:,} records",
        f"  {'':48s} {'ms':>9s}  {'baseline/x':>10s}",
    ]
    lines += [f"  {name:48s} {ms:9.1f}  {base / ms:9.1f}x  {note}" for name, ms, base, note in rows]
    lines.append(f"  list pages: queries at per_page={PAGE_SIZES[0]} / {PAGE_SIZES[1]}, median ms under runserver")
    for role, counts in m["list_queries"].items():
        for name, (small, big) in counts.items():
            flag = "constant" if small == big else "GROWS"
            lines.append(
                f"    {role:8s} {name:16s} {small:3d} / {big:3d} queries ({flag})  {m['pages'][role][name]:8.1f} ms"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=10_000_000)
    ap.add_argument("--cities", type=int, default=13)
    ap.add_argument("--batches", type=int, default=15)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"techmayor province bench — {os.cpu_count()} cores; load average {_load()}", flush=True)
    url = prepare(args.records, args.cities, args.batches)
    print(f"  measuring; load average {_load()}", flush=True)
    result = measure(url, args.runs)
    print(report(result))
    print(f"load average after: {_load()}")
    print(json.dumps({k: v for k, v in result.items() if k != "metrics"}, default=str))


# --- phases, each in a fresh interpreter with DATABASE_URL set ------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmayor.config.settings")
    import django

    django.setup()


def _state() -> dict:
    _django()
    from django.db.utils import DatabaseError

    from bench.scale import credited_models
    from techmayor.core.models import Region, RegionLevel
    from techmayor.roster.models import Batch

    try:
        batches = Batch.objects.filter(city__parent__name=PROVINCE)
        return {
            "template": Batch.objects.filter(city__name=CITY, number=BATCH).exists(),
            "cities": Region.objects.filter(parent__name=PROVINCE, level=RegionLevel.CITY).count(),
            "cities_without_districts": Region.objects.filter(parent__name=PROVINCE, level=RegionLevel.CITY)
            .exclude(children__level=RegionLevel.DISTRICT)
            .count(),
            "batches": batches.count(),
            "credited_records": sum(m.objects.filter(batch__in=batches).count() for m in credited_models()),
        }
    except DatabaseError:  # not migrated yet
        return {}


def _build(records: int, cities: int, batches: int) -> dict:
    _django()
    from bench.province_build import build_province
    from techmayor.core.models import Region, RegionLevel
    from techmayor.scorecard.services import batch_lookup

    province = Region.objects.get(name=PROVINCE, level=RegionLevel.PROVINCE)
    return build_province(
        template=batch_lookup(city=CITY, number=BATCH),
        province=province,
        cities=cities,
        batches=batches,
        records=records,
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )


def _timed(fn, runs: int) -> float:
    fn()  # warm the connection and caches, as a live server would be
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _users():
    from techmayor.accounts.choices import Role
    from techmayor.accounts.models import User
    from techmayor.accounts.services import role_grant
    from techmayor.core.models import Region, RegionLevel

    grants = {
        USERS["province"]: (Role.PROVINCE_ADMIN, Region.objects.get(name=PROVINCE, level=RegionLevel.PROVINCE)),
        USERS["city"]: (Role.CITY_ADMIN, Region.objects.get(name=CITY, level=RegionLevel.CITY)),
    }
    found = {}
    for username, (role, region) in grants.items():
        user = User.objects.filter(username=username).first() or User(username=username)
        user.must_change_password = False
        user.set_password(PASSWORD)
        user.save()
        role_grant(user=user, role=role, region=region)
        found[username] = user
    return found


def _list_queries(users) -> dict:
    from django.test import Client

    counts: dict[str, dict] = {}
    for role, username in USERS.items():
        client = Client()
        client.force_login(users[username])
        counts[role] = {}
        for name, path in LISTS.items():
            sizes = []
            for size in PAGE_SIZES:
                client.get(f"{path}?per_page={size}")  # warm (first use of a page builds nothing, reads once)
                sizes.append(_queries(lambda c=client, p=f"{path}?per_page={size}": c.get(p)))
            counts[role][name] = sizes
    return counts


def _measure(runs: int) -> dict:
    _django()
    from bench.scale import credited_models
    from techmayor.roster.models import Batch, Group
    from techmayor.scorecard.comparisons import province_year
    from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, live_value
    from techmayor.scorecard.models import FigureCell
    from techmayor.scorecard.services import batch_lookup, scorecard

    users = _users()
    batch = batch_lookup(city=CITY, number=BATCH)
    everything = Batch.objects.filter(city__parent__name=PROVINCE)
    year = list(everything.filter(start_date__year=YEAR))
    groups = list(Group.objects.filter(batch=batch))
    models = credited_models()

    def province_live():
        return {b.pk: {m.code: live_value(m, Scope(batch=b)) for m in SCORECARD_METRICS} for b in year}

    def batch_live():
        scopes = [Scope(batch=batch), *(Scope(batch=batch, group=g) for g in groups)]
        return {m.code: [live_value(m, s) for s in scopes] for m in SCORECARD_METRICS}

    def count_floor():
        for model in models:
            model.objects.filter(batch=batch).count()

    result = province_year(province=PROVINCE, year=YEAR)
    live = province_live()
    by_city = {r["city"]: r["totals"] for r in result["cities"] if r["totals"]}
    for b in year:
        assert by_city[b.city.name] == live[b.pk], f"cells differ from the records for {b}"
    rows = sum(m.objects.filter(batch__in=everything).count() for m in models)
    rows += sum(m.members.through.objects.filter(**{f"{m.members.field.m2m_field_name()}__batch__in": everything})
                .count() for m in models)  # fmt: skip
    return {
        "cities": everything.values("city").distinct().count(),
        "batches": everything.count(),
        "credited_records": sum(m.objects.filter(batch__in=everything).count() for m in models),
        "rows": rows,
        "cells": FigureCell.objects.count(),
        "batch_id": batch.pk,
        "batch_records": sum(m.objects.filter(batch=batch).count() for m in models),
        "province_ms": _timed(lambda: province_year(province=PROVINCE, year=YEAR), runs),
        "province_queries": _queries(lambda: province_year(province=PROVINCE, year=YEAR)),
        "province_live_ms": _timed(province_live, 1),
        "province_live_queries": _queries(province_live),
        "batch_ms": _timed(lambda: scorecard(batch=batch), runs),
        "batch_queries": _queries(lambda: scorecard(batch=batch)),
        "batch_live_ms": _timed(batch_live, 1),
        "count_ms": _timed(count_floor, runs),
        "list_queries": _list_queries(users),
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        phase = {"_state": _state, "_build": _build, "_measure": _measure}[sys.argv[1]]
        print(json.dumps(phase(*map(int, sys.argv[2:])), default=str))
    else:
        main()
