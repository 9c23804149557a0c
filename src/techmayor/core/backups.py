"""Backups of an installation and their restore (``techmayor backup`` / ``techmayor restore``).

A backup is one ``techmayor-YYYYMMDD-HHMMSS.tar.gz`` holding

* ``manifest.json`` — format, time, database engine, counts;
* the database: ``database.sqlite3`` made with SQLite's online backup API (consistent while the
  server writes), or ``database.dump`` from ``pg_dump --format=custom`` for PostgreSQL;
* ``media/`` — the attachments (``MEDIA_ROOT``);
* ``secret_key`` — the installation's secret when it lives in ``var/secret_key`` (sessions and
  signed links stay valid after a restore).

Restore goes into an installation whose database is empty (``force`` overwrites one that is not).
Functions take the installation's parts explicitly so that a drill can restore into another one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ApplicationError

FORMAT = 1
PREFIX = "techmayor-"
SUFFIX = ".tar.gz"


@dataclass(frozen=True)
class Installation:
    """What a backup covers: Django's database settings, the media root, the secret's file."""

    database: dict
    media_root: Path
    secret_file: Path | None  # None when SECRET_KEY comes from the environment

    @property
    def engine(self) -> str:
        engine = self.database["ENGINE"]
        if engine.endswith("sqlite3"):
            return "sqlite"
        if engine.endswith("postgresql"):
            return "postgresql"
        raise ApplicationError(f"不支持备份该数据库：{engine}")


def installation_from_settings() -> Installation:
    from django.conf import settings

    secret_file = Path(settings.VAR_DIR) / "secret_key"
    own_secret = secret_file.is_file() and secret_file.read_text().strip() == settings.SECRET_KEY
    return Installation(
        database=settings.DATABASES["default"],
        media_root=Path(settings.MEDIA_ROOT),
        secret_file=secret_file if own_secret else None,
    )


# ---------------------------------------------------------------- PostgreSQL tools


def _pg_args(database: dict) -> tuple[list[str], dict]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args.append(f"{flag}={database[key]}")
    environ = dict(os.environ)
    if database.get("PASSWORD"):
        environ["PGPASSWORD"] = str(database["PASSWORD"])
    return args, environ


def _run(command: list[str], environ: dict) -> None:
    try:
        done = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise ApplicationError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端工具") from exc
    if done.returncode:
        raise ApplicationError(f"{command[0]} 失败：{done.stderr.strip()[:500]}")


# ---------------------------------------------------------------- backup


def backup_create(*, installation: Installation, out_dir: Path, now: dt.datetime | None = None) -> Path:
    """Write a backup of ``installation`` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    target = out_dir / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    if target.exists():
        raise ApplicationError(f"备份文件已存在：{target}")
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as work:
        work = Path(work)
        engine = installation.engine
        if engine == "sqlite":
            database = "database.sqlite3"
            _sqlite_copy(Path(installation.database["NAME"]), work / database)
        else:
            database = "database.dump"
            args, environ = _pg_args(installation.database)
            _run(
                ["pg_dump", "--format=custom", *args, f"--file={work / database}", installation.database["NAME"]],
                environ,
            )
        secret = installation.secret_file if installation.secret_file and installation.secret_file.is_file() else None
        media = (
            sorted(p for p in installation.media_root.rglob("*") if p.is_file())
            if installation.media_root.is_dir()
            else []
        )
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(timespec="seconds"),
            "engine": engine,
            "database": database,
            "media_files": len(media),
            "secret_key": secret is not None,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            tar.add(work / database, database)
            for path in media:
                tar.add(path, f"media/{path.relative_to(installation.media_root).as_posix()}")
            if secret is not None:
                tar.add(secret, "secret_key")
        partial.chmod(0o600)  # it holds the secret and contacts' phone numbers
        partial.rename(target)
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database with the online backup API (consistent while others write)."""
    if not source.is_file():
        raise ApplicationError(f"数据库文件不存在：{source}")
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def backup_prune(*, out_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``out_dir`` (``keep`` 0 keeps all); returns the deleted."""
    if keep <= 0:
        return []
    backups = sorted(out_dir.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name, reverse=True)
    removed = backups[keep:]
    for path in removed:
        path.unlink()
    return removed


# ---------------------------------------------------------------- restore


def _is_empty(installation: Installation) -> bool:
    if installation.engine == "sqlite":
        path = Path(installation.database["NAME"])
        if not path.is_file() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as db:
            return not db.execute("select 1 from sqlite_master where type = 'table' limit 1").fetchone()
    args, environ = _pg_args(installation.database)
    done = subprocess.run(
        [
            "psql",
            *args,
            "--tuples-only",
            "--no-align",
            "--command",
            "select count(*) from pg_tables where schemaname = 'public'",
            installation.database["NAME"],
        ],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise ApplicationError(f"无法连接目标数据库：{done.stderr.strip()[:300]}")
    return done.stdout.strip() == "0"


def backup_restore(*, archive: Path, installation: Installation, force: bool = False) -> dict:
    """Restore ``archive`` into ``installation``; returns the backup's manifest."""
    if not archive.is_file():
        raise ApplicationError(f"备份文件不存在：{archive}")
    with tempfile.TemporaryDirectory(prefix="techmayor-restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
            dump = work / manifest["database"]
        except (tarfile.TarError, OSError, ValueError, KeyError, TypeError) as exc:
            raise ApplicationError(f"不是有效的备份文件：{archive}（{exc}）") from exc
        if manifest.get("format") != FORMAT:
            raise ApplicationError(f"不支持的备份格式：{manifest.get('format')}")
        if manifest.get("engine") != installation.engine:
            raise ApplicationError(f"备份来自 {manifest.get('engine')} 数据库，不能恢复到 {installation.engine}")
        if not force and not _is_empty(installation):
            raise ApplicationError("目标数据库已有数据表：恢复会覆盖它们，确认请加 --force")
        _restore_database(dump, installation)
        media = work / "media"
        if media.is_dir():
            installation.media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, installation.media_root, dirs_exist_ok=True)
        secret = work / "secret_key"
        if secret.is_file() and installation.secret_file is not None:
            installation.secret_file.parent.mkdir(parents=True, exist_ok=True)
            installation.secret_file.write_text(secret.read_text())
            installation.secret_file.chmod(0o600)
    return manifest


def _restore_database(dump: Path, installation: Installation) -> None:
    if installation.engine == "sqlite":
        target = Path(installation.database["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(dump, target)
        return
    args, environ = _pg_args(installation.database)
    name = installation.database["NAME"]
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args, f"--dbname={name}", str(dump)],
        environ,
    )
