"""The load test's figures: locust's own totals over the whole run, the slowest request names, where the CPU went."""

from __future__ import annotations

import os
from typing import Any

import pytest

from web.load_cpu import CpuUse
from web.load_test import figures, parts

#: Locust's aggregated row over the whole run (sign-ins included), as its CSV gives it.
AGGREGATED = {"Name": "Aggregated", "Request Count": "400", "Failure Count": "2", "Requests/s": "20.04", "50%": "40",
              "95%": "250", "99%": "900", "Max Response Time": "1234.56"}  # fmt: skip


def row(name: str, p95: str, p50: str = "10", requests: str = "50", failures: str = "0") -> dict[str, Any]:
    """Return one request name's row of locust's CSV."""
    return {"Type": "GET", "Name": name, "Request Count": requests, "Failure Count": failures, "50%": p50, "95%": p95}


ROWS = [row("/api/v1/csrf", "30"), row("/signin", "1100", "400", "20", "1"), row("/officer/trainees/[id]", "700", "90"),
        row("/trainee", "N/A"), row("/employer", "45"), row("/officer", "60"), row("/trainee/profile", "50")]  # fmt: skip


def made(
    seen: list[dict[str, Any]] | None = None, cpu: CpuUse | None = None, aggregated: dict[str, Any] = AGGREGATED
) -> dict[str, Any]:
    """Return the figures of a run with the rows above."""
    changes = seen if seen is not None else [{"seconds": 0.4, "seen": True}]
    return figures(aggregated, ROWS, changes, [0.0, 1.0, 2.0], cpu, url="postgresql+psycopg://postgres@127.0.0.1/load",
                   users=10, seconds=20, load_average="1.0 / 0.5 / 0.2")  # fmt: skip


def test_the_totals_are_locusts_over_the_whole_run() -> None:
    out = made()
    assert (out["requests"], out["errors"], out["requests_per_s"]) == (400, 2, 20.0)
    assert (out["p50_ms"], out["p95_ms"], out["p99_ms"], out["max_ms"]) == (40.0, 250.0, 900.0, 1234.6)
    assert (out["database"], out["users"], out["load_average"]) == ("postgresql", 10, "1.0 / 0.5 / 0.2")
    assert out["cores"] == os.cpu_count()


def test_the_five_slowest_request_names_come_slowest_first_with_their_counts() -> None:
    out = made()
    assert [out[f"slowest_p95_{n}"] for n in range(1, 6)] == [
        "/signin: 1,100 ms (p50 400; 20 requests, 1 errors)",
        "/officer/trainees/[id]: 700 ms (p50 90; 50 requests, 0 errors)",
        "/officer: 60 ms (p50 10; 50 requests, 0 errors)",
        "/trainee/profile: 50 ms (p50 10; 50 requests, 0 errors)",
        "/employer: 45 ms (p50 10; 50 requests, 0 errors)",
    ]
    assert "slowest_p95_6" not in out


def test_the_cpu_of_each_part_is_given_and_postgres_is_none_when_not_sampled() -> None:
    out = made(cpu=CpuUse(seconds=21.0, parts={"server": 10.04, "ranking_worker": 2.0, "locust": 1.0}, machine=16.0))
    assert (out["cpu_server_s"], out["cpu_ranking_worker_s"], out["cpu_locust_s"]) == (10.0, 2.0, 1.0)
    assert out["cpu_postgres_s"] is None
    assert (out["cpu_machine_s"], out["cpu_elsewhere_s"], out["cpu_sampled_s"]) == (16.0, 3.0, 21.0)
    assert made()["cpu_server_s"] is None


@pytest.mark.parametrize(
    ("errors", "p95", "seen", "passed"),
    [("0", "300", [{"seconds": 4.9, "seen": True}], True), ("1", "300", [{"seconds": 0.1, "seen": True}], False),
     ("0", "301", [{"seconds": 0.1, "seen": True}], False), ("0", "100", [{"seconds": 5.1, "seen": True}], False),
     ("0", "100", [{"seconds": 6.0, "seen": False}], False)],
)  # fmt: skip
def test_the_run_passes_only_with_p95_at_most_300_ms_no_error_and_every_change_seen_within_5_s(
    errors: str, p95: str, seen: list[dict[str, Any]], passed: bool
) -> None:
    out = made(seen, aggregated=AGGREGATED | {"Failure Count": errors, "95%": p95})
    assert out["passed"] is passed
    assert out["changes_seen_late"] == (0 if seen[0]["seen"] and seen[0]["seconds"] <= 5.0 else 1)


def test_postgresql_is_a_part_only_on_this_machine() -> None:
    local = parts(server=1, worker=2, locust=3, url="postgresql+psycopg://postgres@127.0.0.1:5432/load")
    assert list(local) == ["server", "ranking_worker", "locust", "postgres"]
    assert list(parts(server=1, worker=2, locust=3, url="sqlite:////tmp/load.db")) == ["server", "ranking_worker", "locust"]
