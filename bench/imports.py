"""``python -m bench.imports [--rows 100000] [--enterprises 5000]``

Times ``techmayor import records`` as a command, and in process with its parts, on a visit ledger
of ``--rows`` rows on SQLite: a fresh database in var/bench/ with one batch (4 groups, 37 members) and
``--enterprises`` enterprises, and an .xlsx ledger in the shape groups keep (title row, two-row
header, members in one cell, dates as typed). The command runs on a copy of the fresh database.
Reports the parts — read (the file to rows), validate (header, parsing, references, scope, the
plan), write (one transaction: the visits, their members, one audit record each, the import log) —
beside the whole, then the same file imported again (every row unchanged). Target: the whole
first import in at most 60 s. The file and the database are made before the clock starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import CACHE

TARGET_S = 60.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉"
DISTRICTS = [("溧阳团", "溧阳市"), ("金坛团", "金坛区"), ("武进团", "武进区"), ("新北团", "新北区")]


def _django(db: str):
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmayor.config.settings")
    os.environ.pop("TECHMAYOR_TODAY", None)
    import django

    django.setup()


def _world(enterprises: int) -> tuple[list[str], list[str]]:
    """The batch, its groups and members, the towns and the enterprises; returns member and enterprise names."""
    from stdnum.cn import uscc

    from techmayor.core.models import Region, RegionLevel
    from techmayor.enterprises.models import Enterprise
    from techmayor.roster.models import Batch, DispatchUnit, Group, Member, Tenure

    province = Region.objects.create(name="江苏省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(name="常州市", level=RegionLevel.CITY, parent=province, code="320400")
    batch = Batch.objects.create(
        city=city, number=14, start_date=dt.date(2021, 8, 1), end_date=dt.date(2022, 5, 31), is_active=True
    )
    unit = DispatchUnit.objects.create(name="东南大学", kind="university")
    names, towns = [], []
    rng = random.Random(14)
    for g, (group_name, district_name) in enumerate(DISTRICTS):
        district = Region.objects.create(name=district_name, level=RegionLevel.DISTRICT, parent=city)
        towns += [Region.objects.create(name=f"{district_name[:2]}{t}镇", level=RegionLevel.TOWN, parent=district)
                  for t in range(5)]  # fmt: skip
        group = Group.objects.create(batch=batch, name=group_name, district=district)
        for m in range(10 if g else 7):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) + str(g * 10 + m)
            member = Member.objects.create(name=name)
            Tenure.objects.create(
                member=member, batch=batch, group=group, dispatch_unit=unit, start_date=batch.start_date
            )
            names.append(name)
    firms = []
    for n in range(enterprises):
        body = f"91320412MA{n:07d}"[:17]
        firms.append(
            Enterprise(
                name=f"常州{n:05d}号精密科技有限公司",
                normalized_name=f"常州{n:05d}号精密科技",
                credit_code=body + uscc.calc_check_digit(body),
                region=towns[n % len(towns)],
            )
        )
    Enterprise.objects.bulk_create(firms, batch_size=2000)
    return names, [f.name for f in firms]


def _ledger(path: str, rows: int, members: list[str], enterprises: list[str]) -> None:
    import openpyxl

    rng = random.Random(2021)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("走访台账")
    sheet.append(["常州市第十四批科技镇长团走访企业台账"])
    sheet.append(["序号", "单位名称", "走访信息", None, "走访情况"])
    sheet.append([None, None, "时间", "参与团员", None])
    days = (dt.date(2022, 5, 31) - dt.date(2021, 8, 1)).days
    used = set()
    formats = ["{:%Y-%m-%d}", "{d.year}.{d.month}.{d.day}", "{d.year}年{d.month}月{d.day}日", "{:%Y%m%d}"]
    for n in range(rows):
        while True:  # one visit per enterprise and day (the natural key)
            firm, day = rng.randrange(len(enterprises)), rng.randrange(days + 1)
            if (firm, day) not in used:
                used.add((firm, day))
                break
        date = dt.date(2021, 8, 1) + dt.timedelta(days=day)
        group = rng.randrange(4)
        pool = members[:7] if group == 0 else members[7 + (group - 1) * 10 : 7 + group * 10]
        team = "、".join(rng.sample(pool, rng.choice([1, 2, 2, 3])))
        fmt = formats[n % 4]
        shown = fmt.format(date, d=date) if "{d." in fmt else fmt.format(date)
        sheet.append([n + 1, enterprises[firm], shown, team, "了解企业生产经营和技术需求"])
    book.save(path)


def _phase_build(db: str, xlsx: str, rows: int, enterprises: int) -> dict:
    _django(db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    members, firms = _world(enterprises)
    _ledger(xlsx, rows, members, firms)
    return {"built": True}


def _phase_import(db: str, xlsx: str) -> dict:
    _django(db)
    from techmayor.core.audit import audit_source
    from techmayor.imports.cli import system_user
    from techmayor.imports.engine import ImportContext
    from techmayor.imports.services import import_execute, import_preview
    from techmayor.roster.models import Batch

    batch = Batch.objects.get(number=14)
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        ctx = ImportContext(user=system_user(), batch=batch)
        preview = import_preview("visits", xlsx, ctx=ctx)
        with audit_source("cli"):
            log = import_execute(preview, ctx=ctx, source="cli")
        whole = time.perf_counter() - started
        runs.append({**preview.timings, "whole": whole, "created": log.created_count, "unchanged": log.unchanged_count})
    return {"first": runs[0], "again": runs[1]}


def _run(phase: str, *args) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-m", "bench.imports", f"_{phase}", *map(str, args)],
                         capture_output=True, text=True, env=env, check=False)  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"bench.imports {phase} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _command(db, args: list[str]) -> float:
    """Wall time of ``techmayor ARGS`` on the database ``db``, as a user runs it."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}")
    env.pop("TECHMAYOR_TODAY", None)
    started = time.perf_counter()
    out = subprocess.run([str(Path(sys.executable).with_name("techmayor")), *args], capture_output=True, text=True,
                         env=env, check=False)  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"techmayor {' '.join(args)} failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return time.perf_counter() - started


# --- the command at several sizes, kinds and formats, before and after --------------------------

NEED_TEXT = "希望与高校合作开发伺服电机控制算法，提升产线自动化水平，解决精密加工中的振动问题"


def _rows_of(kind: str, rows: int, members: list[str], enterprises: list[str]):
    """A ledger of ``kind`` (visits: one per enterprise and day; needs: one per enterprise and title)."""
    rng = random.Random(2021)
    days = (dt.date(2022, 5, 31) - dt.date(2021, 8, 1)).days
    if kind == "visits":
        yield ["序号", "单位名称", "走访时间", "参与团员", "走访情况"]
    else:
        yield ["序号", "企业名称", "需求内容", "提出日期", "对接团员"]
    used = set()
    for n in range(rows):
        while True:
            firm, day = rng.randrange(len(enterprises)), rng.randrange(days + 1)
            if kind == "needs" or (firm, day) not in used:
                used.add((firm, day))
                break
        date = dt.date(2021, 8, 1) + dt.timedelta(days=day)
        team = "、".join(rng.sample(members[:7], rng.choice([1, 2, 3])))
        if kind == "visits":
            yield [n + 1, enterprises[firm], date.isoformat(), team, "了解企业生产经营和技术需求"]
        else:
            yield [n + 1, enterprises[firm], f"第{n}项：{NEED_TEXT}", date.isoformat(), team]


def _phase_files(db: str, folder: str, sizes: str, enterprises: int) -> dict:
    """The database (a batch, its members and the enterprises) and a ledger per size, kind and format
    (.xlsx; .csv in GB18030 as Excel saves it on a Chinese Windows)."""
    import csv

    import openpyxl

    _django(db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    members, firms = _world(enterprises)
    made = []
    for rows in map(int, str(sizes).split(",")):
        for kind in ("visits", "needs"):
            xlsx = Path(folder) / f"{kind}-{rows}.xlsx"
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet(kind)
            for row in _rows_of(kind, rows, members, firms):
                sheet.append(row)
            book.save(xlsx)
            with open(Path(folder) / f"{kind}-{rows}.csv", "w", encoding="gb18030", newline="") as fh:
                csv.writer(fh).writerows(_rows_of(kind, rows, members, firms))
            made.append(kind)
    return {"made": made}


def _measured(args: list[str], env: dict) -> dict:
    """Wall and CPU seconds and peak memory (the child's maximum resident set, ``os.wait4``) of a command."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen(args, env=env, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(), err_file.read().decode()
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out[-2000:]}{err[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "out": out.strip().splitlines()[-1]}  # fmt: skip


def commands(sizes: list[int], kinds: list[str], formats: list[str], enterprises: int, baseline: str | None) -> None:
    """``techmayor import records`` as a command on a fresh copy of one database per run; with
    ``baseline`` (the ``src`` folder of another checkout), each run is made with that code first,
    then with this one, in the same session, and the ratio printed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    db, folder = CACHE / "records-cmd.sqlite3", CACHE / "records-cmd"
    db.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    print(f"building: a batch, {enterprises} enterprises, ledgers of {sizes} rows …", flush=True)
    _run("files", db, folder, ",".join(map(str, sizes)), enterprises)
    tm = str(Path(sys.executable).with_name("techmayor"))
    codes = [("before", baseline), ("after", None)] if baseline else [("this", None)]
    print("| rows | kind | file | code | wall s | CPU s | peak MB | result | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for rows in sizes:
        for kind in kinds:
            for fmt in formats:
                figures = {}
                for label, src in codes:
                    copy = CACHE / f"records-cmd-{label}.sqlite3"
                    shutil.copyfile(db, copy)
                    env = dict(os.environ, DATABASE_URL=f"sqlite:///{copy}")
                    env.pop("TECHMAYOR_TODAY", None)
                    if src:
                        env["PYTHONPATH"] = src
                    args = [tm, "import", "records", str(folder / f"{kind}-{rows}.{fmt}"), "--kind", kind,
                            "--batch", "14", "--city", "常州市"]  # fmt: skip
                    r = figures[label] = _measured(args, env)
                    copy.unlink()
                    print(f"| {rows:,} | {kind} | {fmt} | {label} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} |"
                          f" {r['peak_mb']:.0f} | {r['out'][:60]} | {os.getloadavg()[0]:.1f} |",
                          flush=True)  # fmt: skip
                if baseline:
                    b, a = figures["before"], figures["after"]
                    print(f"|  |  |  | after/before | {a['wall_s'] / b['wall_s']:.2f} | {a['cpu_s'] / b['cpu_s']:.2f} |"
                          f" {a['peak_mb'] / b['peak_mb']:.2f} |  |  |", flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("_build", "_import", "_files"):
        phase = {"_build": _phase_build, "_import": _phase_import, "_files": _phase_files}[argv[0]]
        print(json.dumps(phase(*[int(a) if a.isdigit() else a for a in argv[1:]])))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--commands", help="sizes to time the command at, e.g. 10000,100000 (kinds × formats)")
    parser.add_argument("--kinds", default="visits,needs")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--baseline", help="the src folder of the code to compare with (same session)")
    args = parser.parse_args(argv)
    if args.commands:
        commands([int(n) for n in args.commands.split(",")], args.kinds.split(","), args.formats.split(","),
                 args.enterprises, args.baseline)  # fmt: skip
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    db, xlsx = CACHE / f"imports-{args.rows}.sqlite3", CACHE / f"visits-{args.rows}.xlsx"
    for path in (db, xlsx):
        path.unlink(missing_ok=True)
    print(f"building: a batch, {args.enterprises} enterprises and a ledger of {args.rows} visit rows …", flush=True)
    _run("build", db, xlsx, args.rows, args.enterprises)
    copy = CACHE / f"imports-{args.rows}-cli.sqlite3"
    shutil.copyfile(db, copy)
    command = _command(copy, ["import", "records", str(xlsx), "--kind", "visits", "--batch", "14", "--city", "常州市"])
    startup = _command(copy, ["import", "records", "--help"])
    print(f"techmayor import records (the command, first import): {command:.1f} s, of which start-up {startup:.1f} s")
    copy.unlink(missing_ok=True)
    result = _run("import", db, xlsx)
    for label, run in (("first import", result["first"]), ("same file again", result["again"])):
        rest = run["whole"] - run["read"] - run["validate"] - run["write"]
        print(
            f"{label}: whole {run['whole']:.1f} s = read {run['read']:.1f} s + validate {run['validate']:.1f} s"
            f" + write {run['write']:.1f} s (+ the rest {rest:.1f} s);"
            f" created {run['created']}, unchanged {run['unchanged']}"
        )
    whole = max(result["first"]["whole"], command)
    verdict = "within" if whole <= TARGET_S else "OVER"
    print(f"target: {args.rows} visit rows in ≤ {TARGET_S:.0f} s on SQLite — {verdict} ({whole:.1f} s)")


if __name__ == "__main__":
    main()
