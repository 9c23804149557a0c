"""Schemathesis against the whole API schema, with a token of each demo role (``make test-api-fuzz``).

Builds the demo into a temporary installation (``TECHMAYOR_VAR_DIR``), serves it on a free port,
makes a token for every demo account with ``techmayor api-token``, and runs ``schemathesis run`` once
per role with a bounded number of examples per operation, checking that no response is a server
error and that every response matches the schema. Prints the operations, calls and failures per role
and in total; exits non-zero on any failure. Nothing is left behind (the server stopped, the directory
removed). ``API_FUZZ_EXAMPLES`` (default 8), ``API_FUZZ_ROLES`` (comma-separated demo usernames),
``API_FUZZ_PHASES`` (schemathesis phases; default ``examples,fuzzing``) and ``API_FUZZ_PARALLEL`` (roles
run at a time; default 3) change the run, and ``API_FUZZ_DEMO_DIR`` names a ready demo installation
(``var/``) to copy instead of building one.
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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROLES = (
    "demo_admin",
    "demo_leader",
    "demo_province",
    "demo_province_leader",
    "demo_district",
    "demo_town",
    "demo_captain",
    "demo_member",
    "demo_member_jt",
)
# The coverage phase (boundary values of every parameter) takes minutes per role: API_FUZZ_PHASES adds it.
PHASES = os.environ.get("API_FUZZ_PHASES", "examples,fuzzing")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
BIN = Path(sys.executable).parent


def schema_operations(schema: dict) -> list[str]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [f"{m.upper()} {p}" for p, item in schema["paths"].items() for m in item if m in methods]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def techmayor(env, *args, capture=False) -> str:
    result = subprocess.run([str(BIN / "techmayor"), *args], env=env, check=True, text=True, capture_output=capture)
    return result.stdout.strip() if capture else ""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            # The schema is built on the first request: seconds, or a minute on a loaded machine.
            with urllib.request.urlopen(url, timeout=120) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def run_role(base: str, token: str, role: str, workdir: Path, examples: int, schema: dict) -> dict:
    report = workdir / f"{role}.ndjson"
    config = config_file(workdir / f"{role}.toml", known_ids(base, token, schema))
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/schema/",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--phases",
        PHASES,
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
    """Operations, calls (by status class) and failed checks from schemathesis' NDJSON event stream."""
    operations, calls, failures = set(), Counter(), []
    for line in report.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label", "")
        operations.add(label)
        for interaction in (recorder.get("interactions") or {}).values():
            status = (interaction.get("response") or {}).get("status_code")
            calls[f"{status // 100}xx" if status else "no answer"] += 1
        for checks in (recorder.get("checks") or {}).values():
            failures += [f"{label}: {c['name']}" for c in checks if c.get("status") not in ("success", "skip")]
    return {"operations": len(operations), "calls": calls, "failures": sorted(set(failures))}


def known_ids(base: str, token: str, schema: dict) -> dict[str, int]:
    """For every path with an ``{id}``, the id of a record the role may read (its list's first), so that
    detail reads, updates and actions are fuzzed on real records rather than only on missing ones."""
    ids: dict[str, int] = {}
    for path in schema["paths"]:
        if "{id}" not in path:
            continue
        listing = path.split("{id}")[0]
        if listing not in ids:
            request = urllib.request.Request(
                f"{base}{listing}?page_size=1", headers={"Authorization": f"Bearer {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    results = json.load(response).get("results") or []
            except OSError:
                results = []
            ids[listing] = results[0]["id"] if results else 0
        if ids[listing]:
            ids[path] = ids[listing]
    return {p: i for p, i in ids.items() if "{id}" in p}


def config_file(path: Path, ids: dict[str, int]) -> Path:
    lines = []
    for operation_path, pk in sorted(ids.items()):
        lines += ["[[operations]]", f'include-path = "{operation_path}"', f"parameters = {{ id = {pk} }}", ""]
    path.write_text("\n".join(lines))
    return path


def main() -> int:
    examples = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
    roles = [r for r in os.environ.get("API_FUZZ_ROLES", ",".join(ROLES)).split(",") if r]
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="techmayor-api-fuzz-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DEBUG": "1", "DEMO_MODE": "1", "TECHMAYOR_VAR_DIR": str(workdir / "var")}
    server = None
    try:
        demo = os.environ.get("API_FUZZ_DEMO_DIR")
        if demo:  # a ready demo installation (a var/ made by `make demo`), copied: the original is not touched
            print(f"== the demo copied from {demo} into {workdir}", flush=True)
            shutil.copytree(demo, workdir / "var")
        else:
            print(f"== the demo into {workdir}", flush=True)
            techmayor(env, "migrate", "--noinput", "-v0")
            techmayor(env, "demo")
        tokens = {
            role: techmayor(env, "api-token", role, "--expires-days", "1", "--name", "fuzz", capture=True)
            for role in roles
        }
        server = subprocess.Popen(
            [str(BIN / "techmayor"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / "server.log", "w"),  # noqa: SIM115 - closed with the process
        )
        # A loaded machine takes minutes to import and check the project: API_FUZZ_START_SECONDS (default 300).
        wait_for(f"{base}/api/schema/", float(os.environ.get("API_FUZZ_START_SECONDS", "300")))
        with urllib.request.urlopen(f"{base}/api/schema/?format=json", timeout=60) as response:
            schema = json.load(response)
        # Several roles at a time: a role's run waits on the server more than it computes (32 s each, one
        # after the other or two at a time alike).
        parallel = max(1, int(os.environ.get("API_FUZZ_PARALLEL", "3")))
        print(f"== schemathesis as {', '.join(roles)}, {parallel} at a time", flush=True)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            runs = [pool.submit(run_role, base, tokens[role], role, workdir, examples, schema) for role in roles]
            results = [run.result() for run in runs]
        for stats in results:
            role = stats["role"]
            by_status = ", ".join(f"{k} {v}" for k, v in sorted(stats["calls"].items()))
            print(
                f"{role}: {stats['operations']} operations, {stats['calls'].total()} calls ({by_status}), "
                f"{len(stats['failures'])} failures ({stats['seconds']} s)",
                flush=True,
            )
            if stats["failures"] or stats["exit"] != 0:
                print(stats["tail"])
                for failure in stats["failures"]:
                    print(f"   {failure}")
        operations = len(schema_operations(schema))
        calls = sum(r["calls"].total() for r in results)
        failed = sum(len(r["failures"]) for r in results)
        bad_exit = [r["role"] for r in results if r["exit"] != 0]
        print(f"== total: {operations} operations, {calls} calls over {len(results)} roles, {failed} failures")
        errors = (workdir / "server.log").read_text().count("Internal Server Error")
        print(f"== server errors in the server's log: {errors}; {round(time.monotonic() - started)} s in all")
        return 1 if failed or bad_exit or errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
