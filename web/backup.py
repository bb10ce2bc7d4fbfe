"""Backups of the application's database in one file: a tar archive holding a manifest (database kind, Alembic
revision, time) and the copy itself — SQLite's online backup API (a consistent copy while the application runs), or
PostgreSQL's ``pg_dump`` custom format. A restore refuses a file of another schema version or database kind."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from core.clock import utcnow
from web.migrate import alembic_config

FORMAT = "rdvm-backup/1"


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why."""


@dataclass(frozen=True)
class Manifest:
    """What a backup file holds: its format, database kind, schema revision and when it was made."""

    dialect: str
    revision: str
    created_at: str
    format: str = FORMAT


def head_revision(url: str) -> str:
    """Return the schema revision this version of the application expects (Alembic's head)."""
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def database_revision(url: str) -> str:
    """Return the Alembic revision the database is at (an error when it has none)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
    except Exception as exc:  # noqa: BLE001  (no table, no row: the database was never migrated)
        raise BackupError(f"the database has no schema revision ({exc.__class__.__name__}): run rdvm db upgrade") from None
    finally:
        engine.dispose()


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_target(url: URL) -> tuple[list[str], dict[str, str], str]:
    """Return libpq connection options, the environment (password) and the schema the application's URL uses."""
    options = unquote(str(url.query.get("options", "")))
    found = re.search(r"search_path\s*=\s*([\w\"]+)", options)
    schema = found.group(1).strip('"') if found else "public"
    args = [
        "-h",
        url.host or "localhost",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
        "-d",
        url.database or "",
    ]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    env.pop("PGOPTIONS", None)
    return args, env, schema


def _tool(name: str, url: URL) -> str:
    """Return the path of pg_dump or pg_restore, refusing one older than the server (it could not read its catalog)."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    found_version = re.search(r"\)\s*(\d+)", version)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    if found_version is None:
        raise BackupError(f"cannot read the version of {name}: {version.strip()}")
    client = int(found_version.group(1))
    engine = create_engine(url)
    with engine.connect() as connection:
        server = int(str(connection.execute(text("SHOW server_version_num")).scalar_one())) // 10000
    engine.dispose()
    if client < server:
        raise BackupError(f"{name} is version {client} but the server is version {server}: install postgresql-client-{server}")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _dump(url: URL, target: Path) -> None:
    if url.get_backend_name() == "sqlite":
        source, copy = sqlite3.connect(_sqlite_path(url)), sqlite3.connect(target)
        with copy:
            source.backup(copy)  # the online backup API: consistent while others write
        source.close()
        copy.close()
        return
    args, env, schema = _pg_target(url)
    _run([_tool("pg_dump", url), *args, "--format=custom", f"--schema={schema}", "--no-owner", "-f", str(target)], env)


def backup(*, url: str, file: Path) -> Manifest:
    """Write a backup of the database at `url` to `file` (readable by its owner only) and return its manifest."""
    parsed = make_url(url)
    manifest = Manifest(parsed.get_backend_name(), database_revision(url), utcnow().isoformat())
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "database"
        _dump(parsed, copy)
        file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w") as archive:
            data = json.dumps(manifest.__dict__, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode = len(data), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(copy, arcname="database")
    return manifest


def read_manifest(file: Path) -> Manifest:
    """Return the manifest of a backup file (BackupError for a file that is not one)."""
    try:
        with tarfile.open(file) as archive:
            member = archive.extractfile("manifest.json")
            assert member is not None
            data = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, AssertionError, ValueError) as exc:
        raise BackupError(f"{file} is not an rdvm backup ({exc})") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{file} is not an rdvm backup (format {data.get('format')!r})")
    return Manifest(**data)


def restore(*, url: str, file: Path) -> Manifest:
    """Replace the database at `url` by a backup's content; refuse a backup of another database kind or schema version."""
    manifest = read_manifest(file)
    parsed = make_url(url)
    if manifest.dialect != parsed.get_backend_name():
        raise BackupError(f"{file} is a {manifest.dialect} backup; this database is {parsed.get_backend_name()}")
    expected = head_revision(url)
    if manifest.revision != expected:
        raise BackupError(f"{file} holds schema revision {manifest.revision}; this version of rdvm expects {expected}: "
                          "restore it with the rdvm version that made it, then rdvm db upgrade")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder, tarfile.open(file) as archive:
        archive.extract("database", folder, filter="data")
        _load(parsed, Path(folder) / "database")
    return manifest


def _load(url: URL, copy: Path) -> None:
    if url.get_backend_name() == "sqlite":
        source, target = sqlite3.connect(copy), sqlite3.connect(_sqlite_path(url))
        with target:
            source.backup(target)
        source.close()
        target.close()
        return
    args, env, _schema = _pg_target(url)
    _run([_tool("pg_restore", url), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction", str(copy)], env)
