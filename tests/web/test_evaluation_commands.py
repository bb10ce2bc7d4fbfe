"""The evaluation's commands as shipped: `rdvm user create --role auditor` and `rdvm bench --evaluation` in a fresh process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.web.test_commands_as_shipped import entry_point, fresh_sqlite, run

__all__ = ["fresh_sqlite"]  # the fixture, used by name


def test_an_auditor_account_is_created(fresh_sqlite: dict[str, str]) -> None:
    assert run(fresh_sqlite, "db", "upgrade").returncode == 0
    command = [entry_point(), "user", "create", "--role", "auditor", "--login", "audit@x.ml", "--name", "Audit"]
    password = "auditeur-2026\n" * 2  # asked twice
    created = subprocess.run(command, env=fresh_sqlite, input=password, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    assert "created auditor account audit@x.ml" in created.stdout


def test_bench_times_the_evaluation_from_a_database(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    done = run(fresh_sqlite, "bench", "--evaluation", "--evaluation-trainees", "200", "--evaluation-pages", "5", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.splitlines()[-1])
    assert (figures["trainees"], figures["placements"], figures["followups"]) == (200, 240, 800)
    assert figures["placed"] == 200 and figures["evaluate_from_database_s"] > 0
    assert figures["evaluation_pages"] == 5 and 0 < figures["evaluation_page_p50_ms"] <= figures["evaluation_page_p95_ms"]
    assert figures["fairness_report_s"] > 0 and 0 < figures["fairness_page_ms"] <= figures["fairness_page_max_ms"]
