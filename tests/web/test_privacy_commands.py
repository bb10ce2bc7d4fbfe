"""The privacy and operations commands as shipped (the installed entry point, a fresh process, a fresh database):
rdvm trainee export / erase, rdvm jobs' retention (listed first, --dry-run), rdvm backup / restore."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_commands_as_shipped import fresh_sqlite, run

__all__ = ["fresh_sqlite"]

CODE = "T-2024-0001"  # the demo's first trainee: ousmane coulibaly, +22395672582, with an offer and a message
NAME, PHONE = "ousmane coulibaly", "+22395672582"


def seeded(env: dict[str, str], tmp_path: Path) -> None:
    """Seed the demo into the environment's database, or fail."""
    done = run(env, "demo", "--folder", tmp_path / "demo")
    assert done.returncode == 0, done.stderr


def exported(env: dict[str, str], target: Path) -> dict[str, Any]:
    """Run rdvm trainee export and return the JSON written, without its time."""
    done = run(env, "trainee", "export", CODE, target)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(target.read_text("utf-8"))
    data.pop("exported_at")
    return data


def private(path: Path) -> bool:
    """Return whether only the file's owner may read or write it."""
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_export_then_erase_as_shipped(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded(fresh_sqlite, tmp_path)
    before = exported(fresh_sqlite, tmp_path / "out" / "before.json")
    page = tmp_path / "out" / "before.html"
    assert before["profile"]["full_name"] == NAME and before["offers"] and before["messages"]
    assert NAME in page.read_text("utf-8") and private(page) and private(tmp_path / "out" / "before.json")
    erased = run(fresh_sqlite, "trainee", "erase", CODE, "--reason", "demande de la personne")
    assert erased.returncode == 0, erased.stderr
    assert f"{CODE}: personal data erased" in erased.stdout
    after = exported(fresh_sqlite, tmp_path / "out" / "after.json")
    assert NAME not in json.dumps(after) and PHONE not in json.dumps(after)
    assert len(after["offers"]) == len(before["offers"])
    verified = run(fresh_sqlite, "audit", "verify")
    assert verified.returncode == 0 and verified.stdout.strip().endswith("ok"), verified.stderr
    unknown = run(fresh_sqlite, "trainee", "erase", "T-0000", "--reason", "x")
    assert unknown.returncode == 1 and "no trainee has the id T-0000" in unknown.stderr


def test_jobs_list_who_retention_erases_and_dry_run_changes_nothing(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded(fresh_sqlite, tmp_path)
    database = fresh_sqlite["RDVM_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE trainee_profile SET dropped_out_on = '2024-01-15' WHERE code = ?", (CODE,))
    env = {**fresh_sqlite, "RDVM_RETENTION_MONTHS": "6"}
    dry = run(env, "jobs", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    # The demo's own history (departures, placements over a year ago) may be due too: this trainee is listed.
    assert f"retention: would erase {CODE} (due since 2024-07-15, departure)" in dry.stdout.splitlines()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT full_name FROM trainee_profile WHERE code = ?", (CODE,)).fetchone() == (NAME,)
    done = run(env, "jobs", "--outbox-file", tmp_path / "outbox.jsonl")
    assert done.returncode == 0, done.stderr
    assert private(tmp_path / "outbox.jsonl")  # phones and names: the owner's only
    assert f"retention: erasing {CODE} (due since 2024-07-15, departure)" in done.stdout.splitlines()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT full_name, phone FROM trainee_profile WHERE code = ?", (CODE,)).fetchone() == (
            "—",
            None,
        )
    again = run(env, "jobs", "--dry-run")
    assert again.stdout == "" and "retention: 0 trainee(s) to erase" in again.stderr


def test_exported_csv_is_private_neutralised_and_reimports_unchanged(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded(fresh_sqlite, tmp_path)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert run(fresh_sqlite, "export", "trainees", first).returncode == 0
    assert private(first)
    assert f",{PHONE}," in first.read_text("utf-8")  # a phone is a plain number, no formula: written as it is
    assert run(fresh_sqlite, "import", "trainees", first).returncode == 0
    assert run(fresh_sqlite, "export", "trainees", second).returncode == 0
    assert second.read_text("utf-8") == first.read_text("utf-8")


@pytest.fixture
def fresh_env(fresh_url: str) -> dict[str, str]:
    """Return the environment of a command on a new database, SQLite or PostgreSQL."""
    import os

    return {**os.environ, "RDVM_DATABASE_URL": fresh_url, "RDVM_SECRET_KEY": "test-only-key"}


def test_backup_change_restore_gives_back_the_same_export(fresh_env: dict[str, str], tmp_path: Path) -> None:
    seeded(fresh_env, tmp_path)
    before = exported(fresh_env, tmp_path / "before.json")
    backup = tmp_path / "backups" / "rdvm.backup"
    made = run(fresh_env, "backup", backup)
    assert made.returncode == 0, made.stderr
    assert private(backup)
    assert run(fresh_env, "trainee", "erase", CODE, "--reason", "test").returncode == 0
    assert exported(fresh_env, tmp_path / "changed.json") != before
    restored = run(fresh_env, "restore", backup)
    assert restored.returncode == 0, restored.stderr
    assert exported(fresh_env, tmp_path / "after.json") == before
    assert run(fresh_env, "audit", "verify").returncode == 0


def test_restore_refuses_a_backup_of_another_schema_version(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded(fresh_sqlite, tmp_path)
    backup = tmp_path / "rdvm.backup"
    assert run(fresh_sqlite, "backup", backup).returncode == 0
    older = tmp_path / "older.backup"
    with tarfile.open(backup) as source, tarfile.open(older, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "revision": "a90e878eac8f"}).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    refused = run(fresh_sqlite, "restore", older)
    assert refused.returncode == 1
    assert "holds schema revision a90e878eac8f" in refused.stderr
    not_one = tmp_path / "notes.txt"
    not_one.write_text("hello")
    assert "is not an rdvm backup" in run(fresh_sqlite, "restore", not_one).stderr
