"""``make bench-load``: the production server on a copy of the demo database, 20 users for a bounded time.

Copies ``var/techmayor.sqlite3`` (built by ``make run``/``make demo``) with SQLite's backup API into a
temporary installation, gives the demo accounts a password of this run, starts ``techmayor serve`` on
127.0.0.1, runs locust headless and prints requests/s, errors and p50/p95 per page, with the load average.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACCOUNTS = "demo_admin,demo_district,demo_captain,demo_member,demo_town,demo_leader,demo_member_jt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url} within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--time", default="60s", help="locust run time (default 60s)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: serve's)")
    parser.add_argument("--database", default=str(ROOT / "var" / "techmayor.sqlite3"))
    args = parser.parse_args()
    source = Path(args.database)
    if not source.is_file():
        raise SystemExit(f"no demo database at {source}: run `make demo` first")

    work = Path(tempfile.mkdtemp(prefix="techmayor-bench-"))
    password = secrets.token_urlsafe(16)
    port = _free_port()
    environ = {
        **os.environ,
        "DEBUG": "0",
        "DEMO_ACCOUNTS_ALLOWED": "1",
        "TECHMAYOR_TODAY": "2022-05-11",
        "TECHMAYOR_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'techmayor.sqlite3'}",
        "STATIC_ROOT": str(ROOT / "var" / "static"),
        "MATCHING_INDEX_DIR": str(ROOT / "var" / "matching" / "index"),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    server = None
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(work / "techmayor.sqlite3") as dst:
            src.backup(dst)
        setup = (
            "from techmayor.accounts.models import User\n"
            "for u in User.objects.filter(is_demo=True):\n"
            f"    u.set_password({password!r}); u.must_change_password = False; u.save()\n"
        )
        subprocess.run([BIN / "techmayor", "shell", "-c", setup], env=environ, check=True)
        command = [BIN / "techmayor", "serve", f"--bind=127.0.0.1:{port}", "--no-jobs", "--no-collectstatic"]
        if args.workers:
            command.append(f"--workers={args.workers}")
        server = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until_up(f"http://127.0.0.1:{port}/accounts/login/")
        before = os.getloadavg()
        subprocess.run(
            [
                BIN / "locust",
                "-f",
                Path(__file__).with_name("locustfile.py"),
                "--headless",
                f"--users={args.users}",
                f"--spawn-rate={args.users}",
                f"--run-time={args.time}",
                f"--host=http://127.0.0.1:{port}",
                f"--csv={work / 'stats'}",
                "--only-summary",
                "--loglevel=WARNING",
            ],
            env={**environ, "BENCH_ACCOUNTS": ACCOUNTS, "BENCH_PASSWORD": password},
            check=False,
        )
        after = os.getloadavg()
        _report(work / "stats_stats.csv", before, after)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def _report(path: Path, before, after) -> None:
    print(f"\n{'page':<18}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}")
    with path.open() as fh:
        for row in csv.DictReader(fh):
            print(
                f"{row['Name']:<18}{row['Request Count']:>9}{row['Failure Count']:>8}"
                f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}"
            )
    print(
        f"load average (1, 5, 15 min): before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
        f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}; {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
