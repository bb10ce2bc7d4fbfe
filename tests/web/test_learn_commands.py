"""`rdvm learn` and `rdvm rank|plan --weights` as a user runs them: the installed entry point, fresh files and database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from matching.bench import known_rule_outcomes
from matching.config import DEFAULT_WEIGHTS
from matching.exchange import load
from matching.learning import EXCLUDED
from matching.scoring import prepare, score_block
from tests.web.test_commands_as_shipped import fresh_sqlite, run

__all__ = ["fresh_sqlite"]  # the fixture, used by name

#: The keys of `rdvm learn --json`'s document (without `--by-level`).
KEYS = {"n", "weights", "baseline", "learned", "adopted", "reason", "reason_code", "reason_values"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic trainees and vacancies, and 1,500 outcomes (CSV) that depend on proximity and level fit only."""
    folder = tmp_path_factory.mktemp("learn")
    done = run({}, "synth", folder, "--trainees", "300", "--vacancies", "60", "--seed", "11")
    assert done.returncode == 0, done.stderr
    trainees, vacancies = load(folder / "trainees.json", "trainees").records, load(folder / "vacancies.json", "vacancies").records
    rows = known_rule_outcomes(trainees, vacancies, 1500, seed=4)
    with (folder / "outcomes.csv").open("w", newline="", encoding="utf-8") as sink:
        writer = csv.DictWriter(sink, fieldnames=["trainee_id", "vacancy_id", "outcome"])
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_learn_recovers_the_rule_writes_weights_and_rank_uses_them(files: Path, tmp_path: Path) -> None:
    out = tmp_path / "weights.json"
    inputs = (files / "trainees.json", files / "vacancies.json", files / "outcomes.csv")
    done = run({}, "learn", *inputs, "--json", "--out", out, "-q")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == KEYS
    assert result["n"] == 1500 and result["adopted"] is True and result["reason_code"] == "adopted"
    assert result["reason_values"]["learned_auc"] == result["learned"]["auc"]
    assert result["learned"]["auc"] >= result["baseline"]["auc"] + 0.02
    assert sorted(result["weights"], key=result["weights"].get)[-2:] == ["level", "proximity"]
    written = json.loads(out.read_text("utf-8"))
    assert set(written) == {"version", "weights", "source", "n", "aucs", "created_at"}
    assert written["weights"] == result["weights"] and written["aucs"]["learned"] == result["learned"]["auc"]

    ranked = run({}, "rank", files / "trainees.json", files / "vacancies.json", "--weights", out, "--top", "3", "-q")
    assert ranked.returncode == 0, ranked.stderr
    candidates = [c for r in json.loads(ranked.stdout)["vacancies"] for c in r["candidates"]]
    assert candidates
    for c in candidates:  # each score is the weighted mean of its parts, with the file's weights
        assert c["score"] == pytest.approx(sum(written["weights"][k] * v for k, v in c["components"].items()), abs=2e-4)
    planned = run({}, "plan", files / "trainees.json", files / "vacancies.json", "--weights", out, "-q")
    assert planned.returncode == 0, planned.stderr

    # Ranking with that file, the scoring in use is the file's: learning again against it gains nothing
    again = run({}, "learn", *inputs, "--json", "--weights", out, "-q")
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert (second["adopted"], second["reason_code"]) == (False, "gain_too_small")
    assert second["baseline"]["auc"] > result["baseline"]["auc"] + 0.02 and second["weights"] == written["weights"]


def test_learn_by_level_reports_each_level_alone(files: Path) -> None:
    inputs = (files / "trainees.json", files / "vacancies.json", files / "outcomes.csv")
    done = run({}, "learn", *inputs, "--json", "--by-level", "-q")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    levels = result.pop("levels")
    assert set(result) == KEYS
    assert list(levels) == ["guard", "supervisor", "manager"] and sum(x["n"] for x in levels.values()) == result["n"]
    assert all(x["reason"] == f"too few outcomes ({x['n']} < 200)" for x in levels.values() if x["n"] < 200)
    assert any(x["n"] < 200 for x in levels.values()) and levels["guard"]["adopted"] is True
    text = run({}, "learn", *inputs, "--by-level", "-q")
    assert text.returncode == 0 and f"manager: {levels['manager']['n']} outcomes; not adopted: too few outcomes" in text.stdout


def test_learn_reports_every_error_of_the_outcomes_at_once(files: Path, tmp_path: Path) -> None:
    bad = tmp_path / "outcomes.csv"
    bad.write_text("trainee_id,vacancy_id,outcome\nT-NOBODY,V-00001,2\n,V-99999,1\n", "utf-8")
    done = run({}, "learn", files / "trainees.json", files / "vacancies.json", bad, "-q")
    assert done.returncode == 2
    assert f"{bad}: row 2, field 'outcome': must be at most 1" in done.stderr
    assert f"{bad}: row 2, field 'trainee_id': 'T-NOBODY' is not in the trainees file" in done.stderr
    assert f"{bad}: row 3, field 'trainee_id': is required" in done.stderr
    assert f"{bad}: row 3, field 'vacancy_id': 'V-99999' is not in the vacancies file" in done.stderr
    assert "4 error(s): nothing was learned." in done.stderr


def test_rank_refuses_a_bad_weights_file(files: Path, tmp_path: Path) -> None:
    bad = tmp_path / "weights.json"
    bad.write_text(json.dumps({"version": 1, "weights": {"proximity": 1.2, "charm": 0.1, "level": -0.3}}), "utf-8")
    done = run({}, "rank", files / "trainees.json", files / "vacancies.json", "--weights", bad, "-q")
    assert done.returncode == 2 and not done.stdout
    assert "field 'charm': is not a score component" in done.stderr
    assert "field 'level': must not be negative (-0.3)" in done.stderr


def test_learn_on_a_fresh_database_has_too_few_outcomes(fresh_sqlite: dict[str, str]) -> None:
    assert run(fresh_sqlite, "db", "upgrade").returncode == 0
    done = run(fresh_sqlite, "learn", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n"] == 0 and result["adopted"] is False and result["reason"] == "too few outcomes (0 < 200)"
    assert (result["reason_code"], result["reason_values"]) == ("too_few", {"n": 0, "min_outcomes": 200})
    assert result["weights"]["skills"] == round(DEFAULT_WEIGHTS["skills"], 4)  # the defaults (the levels' mean) kept


def test_learn_warns_of_pairs_the_hard_rules_exclude(files: Path, tmp_path: Path) -> None:
    trainees, vacancies = load(files / "trainees.json", "trainees").records, load(files / "vacancies.json", "vacancies").records
    p = prepare(trainees, vacancies)
    r, c = np.argwhere(~score_block(p, slice(0, len(vacancies))).eligible)[0]
    with_override = tmp_path / "outcomes.csv"
    lines = (files / "outcomes.csv").read_text("utf-8").splitlines()
    lines.insert(2, f"{p.trainees.ids[c]},{p.vacancies.ids[r]},1")
    with_override.write_text("\n".join(lines) + "\n", "utf-8")
    done = run({}, "learn", files / "trainees.json", files / "vacancies.json", with_override, "--json", "-q")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n"] == 1500  # the override's outcome is left out
    loud = run({}, "learn", files / "trainees.json", files / "vacancies.json", with_override)
    assert f"warning {with_override}: row 3: {EXCLUDED}" in loud.stderr
