"""`rdvm import|export cohorts|placements|followups` and `rdvm evaluate` without files, run as a user runs them: the
installed entry point, in a fresh process, on a fresh database."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.profiles.factories import PILOT_AS_OF, pilot
from tests.web.test_commands_as_shipped import run

KINDS = ("cohorts", "trainees", "placements", "followups")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Return the environment of a command on a new SQLite file, migrated by `rdvm db upgrade`."""
    found = {**os.environ, "RDVM_DATABASE_URL": f"sqlite:///{tmp_path / 'history.db'}", "RDVM_SECRET_KEY": "test-only-key"}
    assert run(found, "db", "upgrade").returncode == 0
    return found


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_history_imported_exported_and_evaluated_from_the_database(env: dict[str, str], tmp_path: Path, fmt: str) -> None:
    files = pilot().write(tmp_path, fmt)
    for kind in KINDS:
        done = run(env, "import", kind, files[kind])
        assert done.returncode == 0, done.stderr
    assert "13 followups created, 0 updated, 0 unchanged" in done.stdout
    out = tmp_path / "export"
    for kind in KINDS:
        written = run(env, "export", kind, out / f"{kind}.{fmt}")
        assert written.returncode == 0, written.stderr
        if kind != "trainees":
            assert (out / f"{kind}.{fmt}").read_text("utf-8") == files[kind].read_text("utf-8")
    again = run(env, "import", "placements", out / f"placements.{fmt}")
    assert again.returncode == 0 and "0 placements created, 0 updated, 8 unchanged" in again.stdout
    e = {kind: out / f"{kind}.{fmt}" for kind in KINDS}
    from_files = run(env, "evaluate", e["trainees"], e["placements"], "--followups", e["followups"], "--cohorts", e["cohorts"],
                     "--as-of", PILOT_AS_OF, "--json")  # fmt: skip
    from_database = run(env, "evaluate", "--as-of", PILOT_AS_OF, "--json")
    assert from_files.returncode == 0 and from_database.returncode == 0, from_database.stderr
    assert json.loads(from_database.stdout) == json.loads(from_files.stdout)
    assert json.loads(from_database.stdout)["overall"]["placed"] == 5


def test_a_bad_history_file_is_refused_whole_with_every_error(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "placements.csv"
    bad.write_text("id,trainee_id,employer,level,start_date,end_date,end_reason,salary_fcfa_month\n"
                   "P-1,T-1,Sahel,guard,2026-01-05,2026-03-01,,50000\n"
                   "P-2,T-2,Sahel,guard,2026-01-05,,,50000\n", "utf-8")  # fmt: skip
    done = run(env, "import", "placements", bad)
    assert done.returncode == 2 and done.stdout == ""
    assert f"{bad}: row 2 (P-1), field 'end_reason': is required when end_date is set" in done.stderr
    assert f"{bad}: row 3 (P-2), field 'trainee_id': no trainee of the database has the id 'T-2'" in done.stderr
    assert "2 error(s): nothing was imported." in done.stderr
    empty = run(env, "export", "placements", tmp_path / "none.json")
    assert empty.returncode == 0 and json.loads((tmp_path / "none.json").read_text("utf-8")) == {"placements": []}
