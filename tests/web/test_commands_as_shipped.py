"""Shipped commands run as a user runs them: the installed `rdvm` entry point, a fresh interpreter, a fresh database.

A test that calls the command's function in this process would see every model the test suite imported; a
fresh process sees only what the command itself imports (`rdvm jobs` once crashed that way).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def entry_point() -> str:
    """Return the installed `rdvm` script of this environment."""
    found = shutil.which("rdvm", path=str(Path(sys.executable).parent)) or shutil.which("rdvm")
    assert found, "the rdvm entry point is not installed"
    return found


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> dict[str, str]:
    """Return the environment of a command on a new SQLite file."""
    return {**os.environ, "RDVM_DATABASE_URL": f"sqlite:///{tmp_path / 'shipped.db'}", "RDVM_SECRET_KEY": "test-only-key"}


def run(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `rdvm ARGS` in a fresh process."""
    return subprocess.run([entry_point(), *map(str, args)], env=env, capture_output=True, text=True, timeout=300)


def test_jobs_on_the_demo_send_each_message_once(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded = run(fresh_sqlite, "demo", "--folder", tmp_path / "demo")
    assert seeded.returncode == 0, seeded.stderr
    outbox = tmp_path / "outbox.jsonl"
    first = run(fresh_sqlite, "jobs", "--outbox-file", outbox)
    assert first.returncode == 0, first.stderr
    sent = [json.loads(line) for line in outbox.read_text("utf-8").splitlines()]
    assert sent and all(message["kind"] for message in sent)  # the demo's offer was announced
    second = run(fresh_sqlite, "jobs", "--outbox-file", outbox)
    assert second.returncode == 0, second.stderr
    assert "outbox: 0 sent, 0 failed" in second.stderr
    assert len(outbox.read_text("utf-8").splitlines()) == len(sent)


def test_gaps_of_the_test_pool_as_json_and_in_words(fresh_sqlite: dict[str, str]) -> None:
    data = Path(__file__).parent.parent / "data"
    done = run(fresh_sqlite, "gaps", data / "trainees.json", data / "vacancies.json", "--json")
    assert done.returncode == 0, done.stderr
    # T-2020-002 lacks only SSIAP1 for V-0001 (2 seats); T-2020-003 and T-2020-006 only the town of V-0002 (Kati);
    # T-2020-001 only the town of V-0004 (Sikasso). SSIAP2 would open the same as SSIAP1: left out.
    assert [(g["kind"], g["code"], g["trainees"], g["vacancies"], g["seats"]) for g in json.loads(done.stdout)["gaps"]] == [
        ("certification", "SSIAP1", 1, 1, 2),
        ("town", "Kati", 2, 1, 1),
        ("town", "Sikasso", 1, 1, 1),
    ]
    words = run(fresh_sqlite, "gaps", data / "trainees.json", data / "vacancies.json", "--lang", "en")
    assert words.returncode == 0, words.stderr
    assert words.stdout.splitlines()[0] == "1 trainee(s) one SSIAP1 away from 2 open seat(s) (1 vacancies)"


def test_rank_version_2_as_shipped(fresh_sqlite: dict[str, str]) -> None:
    data = Path(__file__).parent.parent / "data"
    done = run(fresh_sqlite, "rank", data / "trainees.json", data / "vacancies.json", "--top", "1", "--near", "1")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["format"] == "rdvm-rank/2"
    assert [len(v["near_misses"]) for v in document["vacancies"]] == [1, 1, 0, 1]


def test_fairness_as_shipped(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    from matching import exchange
    from tests.matching.test_fairness import hand_case

    trainees, vacancies = hand_case()
    exchange.write(tmp_path / "trainees.csv", trainees, "trainees")
    exchange.write(tmp_path / "vacancies.json", vacancies, "vacancies")
    done = run(
        fresh_sqlite, "fairness", tmp_path / "trainees.csv", tmp_path / "vacancies.json", "--by", "gender", "--top", "5", "--json"
    )
    assert done.returncode == 0, done.stderr
    # Women: 5 of 10 appearances for 13 of 24 trainees; men: 5 for 10 (the best): 10/13 = 0.7692, flagged.
    assert json.loads(done.stdout)["groups"][0] == {
        "group": "F", "trainees": 13, "trainee_share": 0.5417, "eligible_share": 0.3714,
        "exposure_share": 0.5, "exposure_ratio": 0.7692, "flagged": True,
    }  # fmt: skip
