"""A fresh installation starts without a hand: in an empty directory, with no ``var/`` yet and only
``SECRET_KEY`` and ``DATABASE_URL`` set, the real ``techmayor migrate`` creates every directory it
writes into (the database's, the job queue's) and succeeds, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

TECHMAYOR = Path(sys.executable).parent / "techmayor"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
_OURS = ("DJANGO_", "TECHMAYOR_", "DATABASE_", "REDIS_", "JOBS_", "MATCHING_", "SECRET_", "DEBUG", "DEMO_")


def migrate(tmp_path: Path, database_url: str) -> tuple[subprocess.CompletedProcess, Path]:
    """``techmayor migrate`` as an operator runs it. The project's ``var/`` stands in for a clean
    clone's by a directory that does not exist yet; nothing else of ours is in the environment."""
    var = tmp_path / "fresh-clone" / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env.update(SECRET_KEY="a-secret-set-by-the-operator-" + uuid.uuid4().hex, DATABASE_URL=database_url)
    env["TECHMAYOR_VAR_DIR"] = str(var)
    result = subprocess.run(
        [str(TECHMAYOR), "migrate", "--noinput"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    return result, var


def test_migrate_on_sqlite_elsewhere_creates_its_directories(tmp_path):
    database = tmp_path / "elsewhere" / "not" / "made" / "techmayor.sqlite3"
    result, var = migrate(tmp_path, f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from django_migrations where app = 'needs'").fetchone()[0] > 0
    assert (var / "jobs.sqlite3").is_file()  # the job queue's file, in a var/ made on first use
    assert not (var / "secret_key").exists()  # SECRET_KEY is set: no key file is made


def _postgres_admin():
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {exc}")


def test_migrate_on_a_new_postgresql_database(tmp_path):
    admin = _postgres_admin()
    name = f"techmayor_startup_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        result, var = migrate(tmp_path, f"{POSTGRES}/{name}")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert (var / "jobs.sqlite3").is_file()
        import psycopg

        with psycopg.connect(f"{POSTGRES}/{name}") as db:
            assert db.execute("select count(*) from django_migrations where app = 'needs'").fetchone()[0] > 0
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
