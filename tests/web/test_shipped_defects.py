"""Issue 13's defects of the shipped commands, run as users run them (the installed entry point, a fresh database)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.web.test_commands_as_shipped import fresh_sqlite, run

__all__ = ["fresh_sqlite"]  # the fixture, used by name below

DATA = Path(__file__).parent.parent / "data"


def low_paid(tmp_path: Path) -> Path:
    """Write the test pool's vacancies with the first one paying 25,000 FCFA (below the SMIG of 40,000)."""
    data = json.loads((DATA / "vacancies.json").read_text("utf-8"))
    data["vacancies"][0]["salary_fcfa_month"] = 25_000
    path = tmp_path / "vacancies.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def broken_trainees(tmp_path: Path) -> Path:
    """Write 11 trainees, 6 of them with an error (no id)."""
    trainees = json.loads((DATA / "trainees.json").read_text("utf-8"))["trainees"]
    records = [dict(trainees[i % len(trainees)], id=f"T-X-{i:03d}") for i in range(11)]
    for record in records[:6]:
        del record["home_town"]
    path = tmp_path / "trainees.json"
    path.write_text(json.dumps({"trainees": records}, ensure_ascii=False), "utf-8")
    return path


class TestMinimumWage:
    def test_validate_warns_about_a_salary_below_the_smig(self, fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
        done = run(fresh_sqlite, "validate", low_paid(tmp_path))
        assert done.returncode == 0, done.stderr  # a warning, not an error
        assert "V-0001" in done.stderr and "salary_fcfa_month" in done.stderr and "SMIG" in done.stderr

    def test_validate_as_json_lists_the_warning(self, fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
        done = run(fresh_sqlite, "validate", low_paid(tmp_path), "--json")
        found = [i for i in json.loads(done.stdout) if i["field"] == "salary_fcfa_month"]
        assert [(i["record_id"], i["severity"]) for i in found] == [("V-0001", "warning")]

    def test_import_of_vacancies_warns_and_imports(self, fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
        assert run(fresh_sqlite, "db", "upgrade").returncode == 0
        done = run(fresh_sqlite, "import", "vacancies", low_paid(tmp_path))
        assert "SMIG" in done.stderr and "V-0001" in done.stderr
        if done.returncode == 0:  # the test pool's companies may be unknown to a fresh database: the warning still shows
            assert "created" in done.stdout


class TestValidate:
    def test_quiet_is_accepted_and_hides_warnings(self, fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
        done = run(fresh_sqlite, "validate", low_paid(tmp_path), "--quiet")
        assert done.returncode == 0, done.stderr
        assert "warning " not in done.stderr and "1 warning(s)" in done.stderr

    def test_a_file_with_errors_says_how_many_records_it_holds(self, fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
        done = run(fresh_sqlite, "validate", broken_trainees(tmp_path))
        assert done.returncode == 1
        assert "11 trainees read, 5 valid, 6 error(s)" in done.stderr


class TestShow:
    def test_quiet_is_accepted(self, fresh_sqlite: dict[str, str]) -> None:
        done = run(fresh_sqlite, "show", DATA / "trainees.json", DATA / "vacancies.json", "--quiet", "--top", "1")
        assert done.returncode == 0, done.stderr
        assert "V-0001" in done.stdout

    def test_help_describes_the_command_not_make_run(self, fresh_sqlite: dict[str, str]) -> None:
        done = run(fresh_sqlite, "show", "--help")
        assert done.returncode == 0
        assert "make run" not in done.stdout and "readable tables" in done.stdout
