"""`rdvm evaluate`, run as a user runs it: the installed entry point, on files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.profiles.factories import PILOT_AS_OF, pilot
from tests.profiles.test_history import write_files

RDVM = Path(sys.executable).with_name("rdvm")


def rdvm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = str(RDVM) if RDVM.exists() else shutil.which("rdvm")
    assert command, "the rdvm entry point is not installed (make install)"
    return subprocess.run([command, *map(str, args)], capture_output=True, text=True, encoding="utf-8", check=False)


@pytest.fixture
def pilot_files(tmp_path: Path) -> dict[str, Path]:
    return pilot().write(tmp_path, "csv")


class TestEvaluate:
    def test_prints_the_figures_as_json(self, pilot_files: dict[str, Path]) -> None:
        p = pilot_files
        done = rdvm("evaluate", "--as-of", PILOT_AS_OF, p["trainees"], p["placements"], "--followups", p["followups"],
                    "--cohorts", p["cohorts"], "--json")  # fmt: skip
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        assert (document["as_of"], document["version"], list(document["cohorts"])) == ("2027-01-31", 1, ["2026-A", "2026-B"])
        overall = document["overall"]  # worked out by hand in tests/profiles/test_indicators.py
        assert (overall["trainees"], overall["placed"], overall["placement_rate"]) == (8, 5, 0.625)
        assert (overall["employed_at_12m"], overall["retention_12m_km"], overall["followups_done"]) == (0.5, 0.4, 11)
        assert overall["cost_per_job_at_12m_eur"] is None
        assert document["cohorts"]["2026-A"]["cost_per_job_at_12m_eur"] == 12_000.0

    def test_follow_ups_and_cohorts_are_optional(self, pilot_files: dict[str, Path]) -> None:
        done = rdvm("evaluate", pilot_files["trainees"], pilot_files["placements"], "--as-of", PILOT_AS_OF, "--json")
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        assert document["cohorts"] == {}
        assert (document["overall"]["followups_due"], document["overall"]["followups_done"]) == (24, 0)

    def test_the_date_defaults_to_today_in_utc(self, pilot_files: dict[str, Path]) -> None:
        before = datetime.now(UTC).date().isoformat()
        done = rdvm("evaluate", pilot_files["trainees"], pilot_files["placements"], "--json")
        assert json.loads(done.stdout)["as_of"] in {before, datetime.now(UTC).date().isoformat()}

    def test_a_readable_table_without_json(self, pilot_files: dict[str, Path]) -> None:
        p = pilot_files
        done = rdvm("evaluate", p["trainees"], p["placements"], "--cohorts", p["cohorts"], "--as-of", PILOT_AS_OF)
        assert done.returncode == 0, done.stderr
        assert "Indicators as of 2027-01-31" in done.stdout
        lines = done.stdout.splitlines()
        assert any("2026-A" in line and "2026-B" in line and "overall" in line for line in lines)
        assert any(line.split("│")[1].strip() == "placement_rate" and "0.625" in line for line in lines if "│" in line)

    def test_every_error_on_stderr_nothing_on_stdout(self, tmp_path: Path) -> None:
        paths = write_files(tmp_path)
        done = rdvm("evaluate", paths["trainees"], paths["placements"], "--followups", paths["followups"],
                    "--cohorts", paths["cohorts"], "--as-of", "2027-01-31", "--json")  # fmt: skip
        assert done.returncode == 2
        assert done.stdout == ""
        assert f"{paths['trainees']}: index 1 (T-2), field 'training.cohort'" in done.stderr
        assert f"{paths['placements']}: row 4 (P-3), field 'start_date'" in done.stderr
        assert f"{paths['followups']}: row 7 (P-1, month 3), field 'month'" in done.stderr
        assert "22 error(s): nothing was evaluated." in done.stderr

    def test_both_files_or_none(self, pilot_files: dict[str, Path]) -> None:
        done = rdvm("evaluate", pilot_files["trainees"], "--as-of", "2027-01-31")
        assert done.returncode == 2 and done.stdout == ""
        assert "or no file to evaluate the database" in done.stderr

    def test_a_malformed_date(self, pilot_files: dict[str, Path]) -> None:
        done = rdvm("evaluate", pilot_files["trainees"], pilot_files["placements"], "--as-of", "31/01/2027")
        assert done.returncode == 2 and done.stdout == "" and "--as-of" in done.stderr
