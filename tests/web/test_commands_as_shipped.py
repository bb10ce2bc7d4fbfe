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


def test_bench_web_runs_without_the_dev_extras(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    # The test client's HTTP package is a dev extra: make it unimportable, for the command and the server it starts.
    blocked = tmp_path / "no_dev_extras"
    for name in ("httpx", "httpx2"):
        (blocked / name).mkdir(parents=True)
        (blocked / name / "__init__.py").write_text(f"raise ImportError('{name} is a dev extra')\n")
    env = {**fresh_sqlite, "PYTHONPATH": str(blocked)}
    database = f"sqlite:///{tmp_path / 'bench.db'}"
    ran = run(env, "bench", "--web", "--size", "S", "--database-url", database, "--list-requests", "3", "--json")
    assert ran.returncode == 0, ran.stderr
    figures = json.loads(ran.stdout.strip().splitlines()[-1])
    assert (figures["trainees"], figures["vacancies"], figures["size"]) == (500, 20, "web S")
    assert figures["pages"] == 2 * 20 and 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    # the longest candidate list's weight and ways (issue #13), each requested --list-requests times
    assert 0 < figures["page_kb_p50"] <= figures["page_kb_max"] and figures["list_vacancy_listed"] > 0
    assert figures["list_requests"] == 3
    for way in ("first", "sorted", "filtered", "page_2", "compare_4"):
        assert 0 < figures[f"{way}_ms_p50"] <= figures[f"{way}_ms_p95"], way
        assert 0 < figures[f"{way}_gzip_bytes"] < figures[f"{way}_bytes"], way  # the application compresses for browsers
    # the officer's two heavy pages: 10 of each, twice, the HTML smaller gzipped; the load average beside the figures
    for page in ("officer_review", "officer_trainee"):
        assert figures[f"{page}_pages"] == 20 and 0 < figures[f"{page}_ms_p50"] <= figures[f"{page}_ms_p95"]
        assert 0 < figures[f"{page}_gzip_kb_p50"] < figures[f"{page}_kb_p50"]
    assert len(figures["load_average"].split(" / ")) == 3


def test_user_disable_and_enable(fresh_sqlite: dict[str, str]) -> None:
    assert run(fresh_sqlite, "db", "upgrade").returncode == 0
    password = "a long enough password\n"
    created = subprocess.run([entry_point(), "user", "create", "--role", "officer", "--login", "Awa@Example.ml", "--name", "Awa"],
                             env=fresh_sqlite, input=password * 2, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert created.returncode == 0, created.stderr
    unexplained = run(fresh_sqlite, "user", "disable", "awa@example.ml", "--reason", " ")
    assert unexplained.returncode == 1 and "Write why this account is disabled." in unexplained.stderr
    disabled = run(fresh_sqlite, "user", "disable", "awa@example.ml", "--reason", "left the programme")
    assert disabled.returncode == 0 and "account awa@example.ml disabled" in disabled.stdout
    assert "already disabled" in run(fresh_sqlite, "user", "disable", "awa@example.ml", "--reason", "again").stdout
    assert "account awa@example.ml enabled" in run(fresh_sqlite, "user", "enable", "Awa@example.ml").stdout
    unknown = run(fresh_sqlite, "user", "enable", "nobody@example.ml")
    assert unknown.returncode == 1 and "No account has this login." in unknown.stderr


@pytest.mark.parametrize(("trusted", "believed"), [("", False), ("127.0.0.1", True)])
def test_serve_believes_forwarded_headers_only_from_trusted_proxies(
    fresh_sqlite: dict[str, str], trusted: str, believed: bool
) -> None:
    import http.client
    import socket
    import time

    assert run(fresh_sqlite, "db", "upgrade").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**fresh_sqlite, "RDVM_TRUSTED_PROXIES": trusted}
    server = subprocess.Popen([entry_point(), "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):  # the server starts in a few seconds
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        # A client at 127.0.0.1 (uvicorn's default trusted proxy) claims to have come over HTTPS.
        connection.request("GET", "/signin", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200
        assert ("Strict-Transport-Security" in response.headers) == believed
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    finally:
        server.terminate()
        server.wait(timeout=20)


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
