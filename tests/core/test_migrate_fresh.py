"""``techmayor migrate`` on an empty database creates the schema from the models in one step: the
same tables, columns, constraints, indexes and migration records as replaying every migration, on
the database engine the suite runs on (SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
from django.db import connection

# Run in a subprocess against DATABASE_URL: every table's columns and constraints, and the applied migrations.
DUMP = r"""
import json, re, django
django.setup()
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

def constraint(name, info):
    # Unnamed constraints (SQLite's inline UNIQUE, its foreign keys numbered in column order) are known
    # by what they are, not by their name: the order of columns differs between the two ways.
    named = None if re.fullmatch(r"__unnamed.*|sqlite_autoindex_.*|fk_\d+", name) else name
    return [named, info["columns"], bool(info["primary_key"]), bool(info["unique"]), info["foreign_key"],
            bool(info["check"]), bool(info["index"]), info.get("type"), info.get("orders")]

out = {}
with connection.cursor() as cursor:
    intro = connection.introspection
    for table in sorted(intro.table_names(cursor)):
        columns = {c.name: [str(c.type_code), c.null_ok, c.default, c.internal_size, c.precision, c.scale]
                   for c in intro.get_table_description(cursor, table)}
        constraints = sorted((constraint(n, i) for n, i in intro.get_constraints(cursor, table).items()), key=repr)
        out[table] = {"columns": columns, "constraints": constraints}
out["applied"] = sorted(map(list, MigrationRecorder(connection).applied_migrations()))
print(json.dumps(out))
"""


@contextmanager
def _empty_databases(tmp_path, count: int):
    """URLs of ``count`` empty databases of the engine under test, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield [f"sqlite:///{tmp_path / f'fresh{i}.sqlite3'}" for i in range(count)]
        return
    settings = connection.settings_dict
    names = [f"techmayor_fresh_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    try:
        yield [f"{server}/{name}" for name in names]
    finally:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(url: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "techmayor.config.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "test-migrate-fresh",
        "TECHMAYOR_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(args, env=environ, capture_output=True, text=True, cwd=tmp_path)


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_the_schema_the_migrations_would_give(tmp_path):
    with _empty_databases(tmp_path, 2) as (fast, replayed):
        done = _run(fast, tmp_path, sys.executable, "-m", "techmayor.config.cli", "migrate", "--noinput")
        assert done.returncode == 0, done.stderr
        assert "Empty database: created" in done.stdout and "Applying" not in done.stdout
        done = _run(replayed, tmp_path, sys.executable, "-m", "techmayor.config.cli", "migrate", "--from-migrations")
        assert done.returncode == 0, done.stderr
        assert "Applying needs.0001_squashed_0008_need_policy_links... OK" in done.stdout

        schemas = []
        for url in (fast, replayed):
            done = _run(url, tmp_path, sys.executable, "-c", DUMP)
            assert done.returncode == 0, done.stderr
            schemas.append(json.loads(done.stdout))
        fast_schema, replayed_schema = schemas
        assert fast_schema.keys() == replayed_schema.keys()
        assert "techmayor_cache" in fast_schema and "needs_need" in fast_schema
        for table in fast_schema:
            assert fast_schema[table] == replayed_schema[table], table

        # Migrating again is Django's migrate: nothing to apply, the data steps' tables kept.
        done = _run(fast, tmp_path, sys.executable, "-m", "techmayor.config.cli", "migrate", "--noinput")
        assert done.returncode == 0, done.stderr
        assert "No migrations to apply." in done.stdout


@pytest.mark.django_db
def test_a_data_migration_the_fast_path_does_not_know_is_replayed(monkeypatch):
    """A future data step must run, not be skipped: an unknown non-elidable RunPython sends the plan
    the long way (checked on the plan, without migrating)."""
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    from techmayor.core.management.commands import migrate

    plan = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes(), clean_start=True
    )
    assert migrate.unknown_data_steps(plan) == []
    migration = next(m for m, _ in plan if (m.app_label, m.name) == ("targets", "0001_targets_and_margin"))
    monkeypatch.setattr(migration, "operations", [*migration.operations, RunPython(lambda apps, editor: None)])
    assert migrate.unknown_data_steps(plan) == ["targets.0001_targets_and_margin"]
