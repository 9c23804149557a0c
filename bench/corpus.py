"""``python -m bench.corpus [--scale 100k|1m] [--databases sqlite,postgres] [--skip-index]``

The resource pool as users load it: ``techmayor import corpus`` and ``techmayor match index`` run as
commands (subprocesses), each timed with its own peak memory (``os.wait4``: the child's maximum
resident set) and CPU time, on a fresh database per run:

1. ``import corpus FILE --kind paper`` into an empty pool (target: 1,000,000 lines in <= 120 s and
   <= 1 GB);
2. the same file again (every line unchanged: nothing is written);
3. ``match index`` (a full build of the index);
4. ``import corpus`` of 1,000 new lines into the indexed pool: they go to the index's delta, and a
   search for one of their titles finds it, with no rebuild;
5. in process, in a fresh interpreter on another empty database: the same import with its two passes
   timed apart (check and stage / write), and its peak memory.

The synthetic lines (about 950 bytes each) are made from the shipped corpora by
``bench.synthetic`` into var/bench/ (never committed). PostgreSQL: the server at
``$BENCH_POSTGRES`` (default postgres://postgres@127.0.0.1:5432), databases
``techmayor_corpus_<n>`` and ``techmayor_corpus_<n>_inproc``, dropped and created afresh.
Wall-clock figures depend on the machine's load, printed before and after; CPU seconds less so.
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

from bench.synthetic import CACHE, ensure_synthetic

PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
NEW_LINES = 1_000
TARGET_S, TARGET_MB = 120.0, 1024.0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _techmayor() -> str:
    return str(Path(sys.executable).with_name("techmayor"))


def _env(url: str, index: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=url, MATCHING_INDEX_DIR=str(index))
    env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])
    env.pop("TECHMAYOR_TODAY", None)
    return env


def command(args: list[str], env: dict) -> dict:
    """Run ``args`` under a fresh helper interpreter (``_child``) whose only child it is, so that the
    helper's RUSAGE_CHILDREN is the command's own peak memory and CPU time."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.corpus", "_child", *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(args: list[str]) -> None:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit(proc.returncode)
    print(
        json.dumps(
            {
                "wall_s": wall,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
                "stdout": out.strip().splitlines()[-1] if out.strip() else "",
            },
            ensure_ascii=False,
        )
    )


def _pg(name: str) -> str | None:
    """A fresh PostgreSQL database; None when no server answers."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return f"{PG_SERVER}/{name}"


def fresh_database(kind: str, name: str) -> str | None:
    if kind == "postgres":
        url = _pg(name)
    else:
        path = CACHE / f"{name}.sqlite3"
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    if url is None:
        return None
    subprocess.run([_techmayor(), "migrate", "--noinput", "-v0"], env=_env(url, CACHE), check=True)
    return url


def new_lines(source: Path, n: int) -> Path:
    """``n`` lines of the synthetic file under new ids (the incremental step's file)."""
    path = CACHE / f"corpus_new_{n}.jsonl"
    with open(source, encoding="utf-8") as fh, open(path, "w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i >= n:
                break
            rec = json.loads(line)
            rec["external_id"] = f"new-{i:05d}"
            rec["title"] = f"新增成果{i:05d}号：{rec['title']}"
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def _find(title: str) -> None:
    """Phase (in the database's environment): where the index ranks the new line with this title."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmayor.config.settings")
    django.setup()
    from techmayor.matchmaking import services

    matcher = services.matcher_get()
    hits = matcher.search(title, k=10)
    ids = [h.id for h in hits]
    print(
        json.dumps(
            {
                "pending": matcher.index.pending_changes,
                "rank": ids.index("new-00000") + 1 if "new-00000" in ids else None,
            }
        )
    )


def _inprocess(path: str) -> None:
    """Phase: the import in this interpreter, its passes timed apart by the stages it reports."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmayor.config.settings")
    django.setup()
    from techmayor.matchmaking.importers import import_corpus

    marks: list[float] = []

    class Stages:
        def stage(self, message):
            marks.append(time.perf_counter())

        def total(self, n):
            pass

        def __call__(self, done):
            pass

    started = time.perf_counter()
    result = import_corpus(path, kind="paper", progress=False, report=Stages())
    ended = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "check_s": marks[1] - marks[0],
                "write_s": ended - marks[1],
                "total_s": ended - started,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
                "created": result.created,
            }
        )
    )


def run_database(kind: str, n: int, source: Path, skip_index: bool) -> list[dict]:
    rows: list[dict] = []
    name = f"techmayor_corpus_{n}" if kind == "postgres" else f"corpus-{n}"
    url = fresh_database(kind, name)
    if url is None:
        print(f"  {kind}: PostgreSQL at {PG_SERVER} is not reachable: skipped", flush=True)
        return rows
    index = CACHE / f"corpus-index-{kind}-{n}"
    shutil.rmtree(index, ignore_errors=True)
    env = _env(url, index)
    tm = _techmayor()

    def step(label: str, args: list[str], lines: int) -> dict:
        print(f"  {kind}: {label} … (load {_load()})", flush=True)
        r = command([tm, *args], env)
        r.update(database=kind, step=label, lines=lines, load=_load())
        rows.append(r)
        print(
            f"    {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU, {r['peak_mb']:.0f} MB peak: {r['stdout']}",
            flush=True,
        )
        return r

    step("import corpus (command)", ["import", "corpus", str(source), "--kind", "paper"], n)
    step("import again, unchanged (command)", ["import", "corpus", str(source), "--kind", "paper"], n)
    if not skip_index:
        step("match index (command)", ["match", "index"], n)
        extra = new_lines(source, NEW_LINES)
        r = step(
            f"import {NEW_LINES:,} new into the indexed pool (command)",
            ["import", "corpus", str(extra), "--kind", "paper"],
            NEW_LINES,
        )
        first = json.loads(extra.read_text(encoding="utf-8").splitlines()[0])["title"]
        found = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.corpus", "_find", first],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        r["found"] = found
        print(
            f"    the first new line: rank {found['rank']} for its own title; pending in the delta: {found['pending']}",
            flush=True,
        )

    inproc = fresh_database(kind, f"{name}_inproc")
    print(f"  {kind}: in process … (load {_load()})", flush=True)
    out = subprocess.run(
        [sys.executable, "-m", "bench.corpus", "_inprocess", str(source)],
        env=_env(inproc, CACHE / "corpus-index-none"),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"bench: in-process import failed:\n{out.stderr[-4000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures.update(database=kind, step="in process", lines=n, load=_load())
    rows.append(figures)
    print(
        f"    check {figures['check_s']:.1f} s + write {figures['write_s']:.1f} s = {figures['total_s']:.1f} s,"
        f" {figures['cpu_s']:.1f} s CPU, {figures['peak_mb']:.0f} MB peak",
        flush=True,
    )
    if kind == "sqlite":
        for db in (name, f"{name}_inproc"):
            (CACHE / f"{db}.sqlite3").unlink(missing_ok=True)
    shutil.rmtree(index, ignore_errors=True)
    return rows


def table(rows: list[dict]) -> str:
    head = ["database", "step", "lines", "wall s", "CPU s", "peak MB", "lines/s (wall)", "load"]
    body = []
    for r in rows:
        wall = r.get("wall_s", r.get("total_s"))
        step = r["step"]
        if step == "in process":
            step = f"in process: check {r['check_s']:.1f} s + write {r['write_s']:.1f} s"
        body.append(
            [
                r["database"],
                step,
                f"{r['lines']:,}",
                f"{wall:.1f}",
                f"{r['cpu_s']:.1f}",
                f"{r['peak_mb']:,.0f}",
                f"{r['lines'] / wall:,.0f}",
                r["load"].split()[0],
            ]
        )
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-" * len(lines[0]))
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        return _child(argv[1:])
    if argv[:1] == ["_find"]:
        return _find(argv[1])
    if argv[:1] == ["_inprocess"]:
        return _inprocess(argv[1])
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=sorted(SCALES), default="100k")
    ap.add_argument("--databases", default="sqlite,postgres")
    ap.add_argument("--skip-index", action="store_true", help="leave out match index and the incremental step")
    args = ap.parse_args(argv)
    n = SCALES[args.scale]
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    source = ensure_synthetic(n)
    size = source.stat().st_size
    print(
        f"corpus bench — {n:,} lines ({size / 1e6:,.0f} MB, {size / n:.0f} bytes a line); {os.cpu_count()} cores;"
        f" load average {_load()}; file ready after {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    rows: list[dict] = []
    for kind in [d.strip() for d in args.databases.split(",") if d.strip()]:
        rows += run_database(kind, n, source, args.skip_index)
    print()
    print(table(rows))
    for r in rows:
        if r["step"] != "import corpus (command)":
            continue
        verdict = (
            ("met" if r["wall_s"] <= TARGET_S and r["peak_mb"] <= TARGET_MB else "NOT met")
            if n >= 1_000_000
            else "judged at 1m only (start-up weighs on small files)"
        )
        print(
            f"{r['database']}: import of {n:,} lines {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU,"
            f" {r['peak_mb']:.0f} MB peak; target for 1,000,000: {TARGET_S:.0f} s / {TARGET_MB:.0f} MB: {verdict}"
        )
    with open(CACHE / "corpus-results.jsonl", "a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(dict(r, scale=n, at=time.strftime("%Y-%m-%d %H:%M:%S")), ensure_ascii=False) + "\n")
    print(f"total {time.perf_counter() - started:.0f} s; figures appended to {CACHE / 'corpus-results.jsonl'}")


if __name__ == "__main__":
    main()
