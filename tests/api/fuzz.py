"""Schemathesis against the whole API schema, with a token of each demo role (``make test-api-fuzz``).

Builds the demo into a temporary installation (``TECHMAYOR_VAR_DIR``), serves it on a free port,
makes a token for every demo account with ``techmayor api-token``, and runs ``schemathesis run`` once
per role with a bounded number of examples per operation, checking that no response is a server
error and that every response matches the schema. Prints the operations, calls and failures per role
and in total; exits non-zero on any failure. Nothing is left behind (the server stopped, the directory
removed). ``API_FUZZ_EXAMPLES`` (default 8) and ``API_FUZZ_ROLES`` (comma-separated demo usernames)
change the run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROLES = ("demo_admin", "demo_leader", "demo_district", "demo_town", "demo_captain", "demo_member", "demo_member_jt")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def techmayor(env, *args, capture=False) -> str:
    result = subprocess.run(
        [str(BIN / "techmayor"), *args], env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout.strip() if capture else ""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def run_role(base: str, token: str, role: str, report: Path, examples: int) -> dict:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/schema/",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--seed",
        "2021",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--output-truncate",
        "true",
    ]
    started = time.monotonic()
    result = subprocess.run(command, text=True, capture_output=True)
    tail = "\n".join(result.stdout.splitlines()[-40:])
    stats = summarize(report)
    stats.update(role=role, seconds=round(time.monotonic() - started), exit=result.returncode, tail=tail)
    return stats


def summarize(report: Path) -> dict:
    """Operations, calls and failures from schemathesis' NDJSON event stream."""
    operations, calls, failures = set(), 0, []
    for line in report.read_text().splitlines():
        event = json.loads(line)
        for name, body in event.items():
            if name == "ScenarioFinished":
                recorder = body.get("recorder") or {}
                label = recorder.get("label") or body.get("label")
                if label:
                    operations.add(label)
                calls += sum(len(v) for v in (recorder.get("interactions") or {}).values()) or len(
                    recorder.get("interactions") or {}
                )
                for case_id, checks in (recorder.get("checks") or {}).items():
                    for check in checks:
                        if check.get("status") == "FAILURE":
                            failures.append(f"{label}: {check.get('name')}")
    return {"operations": len(operations), "calls": calls, "failures": sorted(set(failures))}


def main() -> int:
    examples = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
    roles = [r for r in os.environ.get("API_FUZZ_ROLES", ",".join(ROLES)).split(",") if r]
    workdir = Path(tempfile.mkdtemp(prefix="techmayor-api-fuzz-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DEBUG": "1", "DEMO_MODE": "1", "TECHMAYOR_VAR_DIR": str(workdir / "var")}
    server = None
    try:
        print(f"== the demo into {workdir}", flush=True)
        techmayor(env, "migrate", "--noinput", "-v0")
        techmayor(env, "demo")
        tokens = {role: techmayor(env, "api-token", role, "--expires-days", "1", "--name", "fuzz", capture=True) for role in roles}
        server = subprocess.Popen(
            [str(BIN / "techmayor"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / "server.log", "w"),  # noqa: SIM115 - closed with the process
        )
        wait_for(f"{base}/api/schema/")
        results = []
        for role in roles:
            print(f"== schemathesis as {role}", flush=True)
            stats = run_role(base, tokens[role], role, workdir / f"{role}.ndjson", examples)
            results.append(stats)
            print(
                f"{role}: {stats['operations']} operations, {stats['calls']} calls, "
                f"{len(stats['failures'])} failures ({stats['seconds']} s)",
                flush=True,
            )
            if stats["failures"] or stats["exit"] != 0:
                print(stats["tail"])
                for failure in stats["failures"]:
                    print(f"   {failure}")
        operations = max(r["operations"] for r in results)
        calls = sum(r["calls"] for r in results)
        failed = sum(len(r["failures"]) for r in results)
        bad_exit = [r["role"] for r in results if r["exit"] != 0]
        print(f"== total: {operations} operations, {calls} calls over {len(results)} roles, {failed} failures")
        errors = (workdir / "server.log").read_text().count("Internal Server Error")
        print(f"== server errors in the server's log: {errors}")
        return 1 if failed or bad_exit or errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
