"""Backup and restore drills: data in, back up, restore into an empty installation, every table and
file identical — on SQLite always, on PostgreSQL when 127.0.0.1:5432 answers."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from techmayor.core.backups import Installation, backup_create, backup_prune, backup_restore
from techmayor.core.errors import ApplicationError
from tests.factories import EnterpriseFactory, MemberFactory

SQLITE = {"ENGINE": "django.db.backends.sqlite3"}


def _installation(root: Path, database: dict) -> Installation:
    (root / "var").mkdir(parents=True, exist_ok=True)
    return Installation(database=database, media_root=root / "media", secret_file=root / "var" / "secret_key")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _sqlite_tables(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("select name from sqlite_master where type = 'table' order by name")]
        return {name: sorted(map(repr, db.execute(f'select * from "{name}"'))) for name in names}


def _with_media_and_secret(inst: Installation) -> None:
    (inst.media_root / "attachments" / "2022").mkdir(parents=True)
    (inst.media_root / "attachments" / "2022" / "合同.pdf").write_bytes(b"%PDF-1.4 \x00\xff" * 100)
    (inst.media_root / "top.txt").write_text("附件", encoding="utf-8")
    inst.secret_file.write_text("the-installation-secret")


@pytest.mark.django_db(transaction=True)
def test_sqlite_drill_every_table_and_file_identical(tmp_path):
    EnterpriseFactory(name="常州示例科技有限公司")
    MemberFactory(name="张三")
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite drill copies the SQLite test database")
    connection.ensure_connection()
    source = _installation(tmp_path / "source", {**SQLITE, "NAME": str(tmp_path / "source" / "db.sqlite3")})
    with sqlite3.connect(source.database["NAME"]) as copy:
        connection.connection.backup(copy)
    _with_media_and_secret(source)

    archive = backup_create(installation=source, out_dir=tmp_path / "backups")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    target = _installation(tmp_path / "target", {**SQLITE, "NAME": str(tmp_path / "target" / "db.sqlite3")})
    manifest = backup_restore(archive=archive, installation=target)

    assert manifest["engine"] == "sqlite" and manifest["media_files"] == 2 and manifest["secret_key"]
    before, after = _sqlite_tables(Path(source.database["NAME"])), _sqlite_tables(Path(target.database["NAME"]))
    assert before == after
    assert any("常州示例科技有限公司" in row for row in after["enterprises_enterprise"])
    assert _files(source.media_root) == _files(target.media_root)
    assert target.secret_file.read_text() == "the-installation-secret"

    with pytest.raises(ApplicationError, match="目标数据库已有数据表"):
        backup_restore(archive=archive, installation=target)
    backup_restore(archive=archive, installation=target, force=True)
    assert _sqlite_tables(Path(target.database["NAME"])) == before


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def pg_databases():
    """Two databases of this test's own on the local PostgreSQL, dropped afterwards."""
    if not _postgres_answers():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    import psycopg

    names = [f"techmayor_drill_{uuid.uuid4().hex[:8]}_{side}" for side in ("src", "dst")]
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'create database "{name}"')
        try:
            yield [
                {"ENGINE": "django.db.backends.postgresql", "NAME": n, "HOST": "127.0.0.1", "USER": "postgres"}
                for n in names
            ]
        finally:
            for name in names:
                admin.execute(f'drop database if exists "{name}" with (force)')


def _pg_tables(database: dict) -> dict[str, list]:
    import psycopg

    with psycopg.connect(host=database["HOST"], user=database["USER"], dbname=database["NAME"]) as db:
        names = [r[0] for r in db.execute("select tablename from pg_tables where schemaname = 'public' order by 1")]
        return {name: sorted(map(repr, db.execute(f'select * from "{name}"'))) for name in names}


def test_postgresql_drill_every_table_and_file_identical(tmp_path, pg_databases):
    import psycopg

    src, dst = pg_databases
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=src["NAME"]) as db:
        db.execute("create table region (id serial primary key, name text not null unique)")
        db.execute(
            "create table need (id bigserial primary key, region_id int references region(id), title text,"
            " amount numeric(12, 2) check (amount >= 0), due date, at timestamptz, doc bytea, tags jsonb)"
        )
        db.execute("insert into region (name) values ('溧阳市'), ('金坛区')")
        db.execute(
            "insert into need (region_id, title, amount, due, at, doc, tags) values"
            " (1, '锂电池容量衰减', 2212.50, '2022-05-11', now(), '\\x00ff'::bytea, '{\"卡脖子\": true}'),"
            " (2, '=HYPERLINK(\"x\")', 0, null, null, null, null)"
        )
    source, target = _installation(tmp_path / "s", src), _installation(tmp_path / "t", dst)
    _with_media_and_secret(source)

    archive = backup_create(installation=source, out_dir=tmp_path / "backups")
    manifest = backup_restore(archive=archive, installation=target)

    assert manifest["engine"] == "postgresql"
    before = _pg_tables(src)
    assert set(before) == {"region", "need"} and len(before["need"]) == 2
    assert _pg_tables(dst) == before
    assert _files(source.media_root) == _files(target.media_root)
    assert target.secret_file.read_text() == "the-installation-secret"
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=dst["NAME"]) as db:  # sequences restored too
        assert db.execute("insert into region (name) values ('武进区') returning id").fetchone() == (3,)
    with pytest.raises(ApplicationError, match="目标数据库已有数据表"):
        backup_restore(archive=archive, installation=target)


def test_retention_keeps_the_newest(tmp_path):
    source = _installation(tmp_path / "s", {**SQLITE, "NAME": str(tmp_path / "s" / "db.sqlite3")})
    sqlite3.connect(source.database["NAME"]).close()
    out = tmp_path / "backups"
    made = [
        backup_create(installation=source, out_dir=out, now=dt.datetime(2022, 5, day, 2, 0)) for day in (9, 11, 10, 12)
    ]
    (out / "notes.txt").write_text("not a backup")
    removed = backup_prune(out_dir=out, keep=2)
    assert sorted(p.name for p in removed) == [made[0].name, made[2].name]  # 9 and 10 May
    assert sorted(p.name for p in out.iterdir()) == sorted([made[1].name, made[3].name, "notes.txt"])
    assert backup_prune(out_dir=out, keep=0) == []


def test_bad_archives_are_refused_in_chinese(tmp_path):
    target = _installation(tmp_path / "t", {**SQLITE, "NAME": str(tmp_path / "t" / "db.sqlite3")})
    with pytest.raises(ApplicationError, match="备份文件不存在"):
        backup_restore(archive=tmp_path / "missing.tar.gz", installation=target)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(ApplicationError, match="不是有效的备份文件"):
        backup_restore(archive=junk, installation=target)
    wrong = tmp_path / "wrong.tar.gz"
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"format": 1, "engine": "postgresql", "database": "manifest.json"}')
    with tarfile.open(wrong, "w:gz") as tar:
        tar.add(manifest, "manifest.json")
    with pytest.raises(ApplicationError, match="备份来自 postgresql 数据库，不能恢复到 sqlite"):
        backup_restore(archive=wrong, installation=target)


def test_the_commands_back_up_and_restore_an_installation(tmp_path):
    """The CLI end to end, in subprocesses: each installation is its own environment."""

    def run(root: Path, *args: str) -> subprocess.CompletedProcess:
        environ = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "techmayor.config.settings",
            "TECHMAYOR_VAR_DIR": str(root / "var"),
            "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
            "MEDIA_ROOT": str(root / "media"),
        }
        environ.pop("SECRET_KEY", None)
        return subprocess.run(
            [sys.executable, "-m", "techmayor.config.cli", *args], env=environ, capture_output=True, text=True
        )

    source = tmp_path / "source"
    source.mkdir()
    with sqlite3.connect(source / "db.sqlite3") as db:
        db.execute("create table t (x text)")
        db.execute("insert into t values ('科技镇长团')")
    (source / "media").mkdir()
    (source / "media" / "a.txt").write_text("附件")
    done = run(source, "backup", "--out", str(tmp_path / "backups"), "--keep", "1")
    assert done.returncode == 0, done.stderr
    archive = next((tmp_path / "backups").glob("techmayor-*.tar.gz"))
    assert str(archive) in done.stdout

    target = tmp_path / "target"
    done = run(target, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "已恢复" in done.stdout and "1 个附件" in done.stdout
    assert _sqlite_tables(target / "db.sqlite3") == {"t": ["('科技镇长团',)"]}
    assert (target / "var" / "secret_key").read_text() == (source / "var" / "secret_key").read_text()
    assert (target / "media" / "a.txt").read_text() == "附件"
    with pytest.raises(CommandError, match="恢复失败：备份文件不存在"):
        call_command("restore", str(tmp_path / "nope.tar.gz"))
