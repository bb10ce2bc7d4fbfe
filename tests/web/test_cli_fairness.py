"""`rdvm fairness`: the audit of a trainees file against a vacancies file, as JSON and as a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching import exchange
from tests.matching.test_fairness import hand_case
from tests.web.test_cli import rdvm


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """Write the hand-computed case (13 women, 10 men, one unknown; V-1 open to all, V-2 asking SSIAP1)."""
    trainees, vacancies = hand_case()
    exchange.write(tmp_path / "trainees.json", trainees, "trainees")
    exchange.write(tmp_path / "vacancies.csv", vacancies, "vacancies")
    return tmp_path / "trainees.json", tmp_path / "vacancies.csv"


def test_json_holds_exactly_the_contracts_fields(files: tuple[Path, Path]) -> None:
    done = rdvm("fairness", *files, "--by", "gender", "--top", "5", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert list(found) == ["by", "top", "groups"] and (found["by"], found["top"]) == ("gender", 5)
    assert [list(g) for g in found["groups"]] == [
        ["group", "trainees", "trainee_share", "eligible_share", "exposure_share", "exposure_ratio", "flagged"]
    ] * 3
    assert [(g["group"], g["trainees"], g["exposure_ratio"], g["flagged"]) for g in found["groups"]] == [
        ("F", 13, 0.7692, True),
        ("M", 10, 1.0, False),
        ("unknown", 1, 0.0, False),
    ]


def test_age_bands_at_the_date_given(files: tuple[Path, Path]) -> None:
    done = rdvm("fairness", *files, "--by", "age_band", "--as-of", "2026-12-01", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["groups"] == [
        {"group": "unknown", "trainees": 24, "trainee_share": 1.0, "eligible_share": 1.0,
         "exposure_share": 1.0, "exposure_ratio": 1.0, "flagged": False}
    ]  # fmt: skip


def test_the_table_marks_the_flagged_group(files: tuple[Path, Path]) -> None:
    done = rdvm("fairness", *files, "--by", "gender", "--top", "5")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[1]: line for line in done.stdout.splitlines() if line.startswith("│")}
    assert "FLAGGED" in rows["F"] and "0.7692" in rows["F"] and "FLAGGED" not in rows["M"]


def test_a_bad_file_is_refused_naming_the_record_and_field(tmp_path: Path, files: tuple[Path, Path]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"trainees": [{"id": "T-1", "full_name": "Awa", "gender": "X", "home_town": "Bamako"}]}))
    done = rdvm("fairness", broken, files[1], "--by", "gender", "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert "T-1" in done.stderr and "gender" in done.stderr


def test_an_unknown_grouping_is_refused(files: tuple[Path, Path]) -> None:
    done = rdvm("fairness", *files, "--by", "religion")
    assert done.returncode == 2 and "religion" in done.stderr
