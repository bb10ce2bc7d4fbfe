"""The `rdvm` command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data"


def rdvm(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *map(str, args)], capture_output=True, text=True, encoding="utf-8", check=False
    )


class TestRank:
    def test_prints_the_ranking_document(self) -> None:
        done = rdvm("rank", DATA / "trainees.json", DATA / "vacancies.json", "--top", "2", "--lang", "en")
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert [v["vacancy_id"] for v in out["vacancies"]] == ["V-0001", "V-0002", "V-0003", "V-0004"]
        assert out["format"] == "rdvm-rank/2"
        first = out["vacancies"][0]
        assert len(first["candidates"]) == 2
        assert set(first["candidates"][0]) == {"trainee_id", "score", "components", "reasons"}
        assert "ineligible" not in first
        assert first["near_misses"][0]["reasons"] == ["missing required certification SSIAP1"]

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_the_ranking_of_the_test_pool_is_the_recorded_one(self, lang: str) -> None:
        """Byte for byte the version 2 output recorded (tests/data/golden) when version 2 was written."""
        done = rdvm("rank", DATA / "trainees.json", DATA / "vacancies.json", "--top", "50", "--lang", lang)
        assert done.returncode == 0, done.stderr
        assert done.stdout == (DATA / "golden" / f"rank2_top50_{lang}.json").read_text("utf-8")

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_ineligible_all_keeps_version_1s_lists(self, lang: str) -> None:
        """`--ineligible all` lists exactly version 1's ineligible trainees (recorded before version 2: the hard rules
        and their words have not changed since) and the candidates of the version 2 document (re-recorded when
        issue 14 changed the scores)."""
        args = ("--top", "50", "--lang", lang, "--ineligible", "all")
        done = rdvm("rank", DATA / "trainees.json", DATA / "vacancies.json", *args)
        assert done.returncode == 0, done.stderr
        version_1 = json.loads((DATA / "golden" / f"rank_top50_{lang}.json").read_text("utf-8"))
        version_2 = json.loads((DATA / "golden" / f"rank2_top50_{lang}.json").read_text("utf-8"))
        found = json.loads(done.stdout)["vacancies"]
        assert [{k: v[k] for k in ("vacancy_id", "ineligible")} for v in found] == [
            {k: v[k] for k in ("vacancy_id", "ineligible")} for v in version_1["vacancies"]
        ]
        assert [v["candidates"] for v in found] == [v["candidates"] for v in version_2["vacancies"]]

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            ("T-9;Awa;Kati;boss;;", "mobility"),
            ("T-9;;Kati;town;;", "full_name"),
            ("T-9;Awa;Kati;town;1990-13-01;", "birth_date"),
            ("T-2020-001;Awa;Kati;town;;", "id"),
        ],
    )
    def test_bad_input_names_file_row_and_field_and_prints_no_ranking(self, tmp_path: Path, row: str, field: str) -> None:
        path = tmp_path / "trainees.csv"
        path.write_text("id;full_name;home_town;mobility;birth_date;skills\nT-2020-001;Awa;Kati;town;;\n" + row + "\n", "utf-8")
        done = rdvm("rank", path, DATA / "vacancies.json")
        assert done.returncode != 0
        assert done.stdout == ""
        assert f"{path}: row 3" in done.stderr and f"field '{field}'" in done.stderr

    def test_errors_of_both_files_are_reported(self, tmp_path: Path) -> None:
        trainees = tmp_path / "t.json"
        trainees.write_text(json.dumps([{"id": "T-1", "full_name": "A"}]), "utf-8")
        vacancies = tmp_path / "v.json"
        vacancies.write_text(
            json.dumps({"vacancies": [{"id": "V-1", "employer": "E", "title": "T", "level": "chief", "town": "Kati"}]})
        )
        done = rdvm("rank", trainees, vacancies)
        assert done.returncode != 0 and done.stdout == ""
        assert "field 'home_town'" in done.stderr and "field 'level'" in done.stderr

    def test_missing_file(self, tmp_path: Path) -> None:
        done = rdvm("rank", tmp_path / "nothing.json", DATA / "vacancies.json")
        assert done.returncode != 0 and done.stdout == "" and "nothing.json" in done.stderr


class TestPlan:
    @pytest.mark.parametrize("method", ["optimal", "stable"])
    def test_prints_a_plan(self, method: str) -> None:
        done = rdvm("plan", DATA / "trainees.json", DATA / "vacancies.json", "--method", method)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["method"] == method
        assert set(out) == {"method", "total_score", "assignments", "unfilled", "unplaced"}
        placed = [a["trainee_id"] for a in out["assignments"]]
        assert len(placed) == len(set(placed))


class TestValidate:
    def test_good_file(self) -> None:
        done = rdvm("validate", DATA / "trainees.json")
        assert done.returncode == 0 and "0 error(s)" in done.stderr

    def test_bad_file_as_json(self, tmp_path: Path) -> None:
        path = tmp_path / "v.json"
        path.write_text(json.dumps([{"id": "V-1", "employer": "E", "title": "T", "level": "guard", "town": "Kati", "seats": -1}]))
        done = rdvm("validate", path, "--json")
        assert done.returncode == 1
        [issue] = json.loads(done.stdout)
        assert (issue["field"], issue["where"], issue["severity"]) == ("seats", "index 0", "error")
