"""`rdvm worker` run as a user runs it (the installed entry point, a fresh database), and its migration, on both databases."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.web.test_commands_as_shipped import entry_point, run
from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "5d2b7e1f9c30"  # the revision just before the ranking store


def count(url: str, query: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def test_worker_once_ranks_the_demo_then_takes_a_change_in(fresh_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "RDVM_DATABASE_URL": fresh_url, "RDVM_SECRET_KEY": "test-only-key"}
    seeded = run(env, "demo", "--folder", tmp_path / "demo")
    assert seeded.returncode == 0, seeded.stderr
    first = run(env, "worker", "--once")
    assert first.returncode == 0, first.stderr
    assert "full rebuild" in first.stderr
    opened = count(fresh_url, "select count(*) from vacancy where status = 'open'")
    assert opened and count(fresh_url, "select count(*) from vacancy_ranking") == opened
    assert count(fresh_url, "select count(*) from ranking_work") == 0
    engine = make_engine(fresh_url)
    with engine.begin() as connection:  # a change behind the application's back: a bulk UPDATE queues a rebuild
        connection.execute(text("insert into ranking_work (kind, ref_id, queued_at) values ('all', 0, '2026-12-01')"))
    engine.dispose()
    second = run(env, "worker", "--once")
    assert second.returncode == 0 and "full rebuild: 1 change(s)" in second.stderr, second.stderr
    third = run(env, "worker", "--once")
    assert "incremental: 0 change(s)" in third.stderr, third.stderr


def test_the_migration_goes_down_and_up_again(fresh_url: str) -> None:
    upgrade(fresh_url)
    command.downgrade(alembic_config(fresh_url), BEFORE)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            names = set(connection.dialect.get_table_names(connection))
        assert not names & {"ranking_work", "vacancy_ranking", "ranking_status"}
    finally:
        engine.dispose()
    upgrade(fresh_url)
    assert count(fresh_url, "select count(*) from ranking_work") == 0


def test_serve_with_two_workers_answers_from_two_processes(tmp_path: Path) -> None:
    import signal
    import subprocess
    import time
    import urllib.request

    from tests.web.test_commands_as_shipped import entry_point
    from web.bench_web import free_port

    url = f"sqlite:///{tmp_path / 'served.db'}"
    upgrade(url)
    port = free_port()
    env = {**os.environ, "RDVM_DATABASE_URL": url, "RDVM_SECRET_KEY": "test-only-key"}
    server = subprocess.Popen([entry_point(), "serve", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline, answered = time.monotonic() + 120, None
        while time.monotonic() < deadline and answered is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=5) as page:
                    answered = page.status
            except OSError:
                time.sleep(0.5)
        assert answered == 200
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) >= 2, children  # uvicorn's workers (and possibly its resource tracker)
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=60)[0]
    assert "2 worker(s)" in output


def nice_of(pid: int) -> int:
    """Return a process's nice value (Linux /proc)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize(("setting", "raised"), [(None, 10), ("3", 3), ("0", 0)])
def test_the_worker_yields_the_processor_to_the_server(fresh_url: str, setting: str | None, raised: int) -> None:
    upgrade(fresh_url)
    env = {**os.environ, "RDVM_DATABASE_URL": fresh_url, "RDVM_SECRET_KEY": "test-only-key"}
    env.pop("RDVM_RANKING_WORKER_NICE", None)
    env.update({"RDVM_RANKING_WORKER_NICE": setting} if setting is not None else {})
    with subprocess.Popen([entry_point(), "worker"], env=env, stderr=subprocess.PIPE, text=True) as worker:
        try:
            assert worker.stderr is not None
            for line in worker.stderr:  # it says so once it runs its loop
                if "Ctrl-C stops" in line:
                    break
            assert nice_of(worker.pid) == min(nice_of(os.getpid()) + raised, 19)
        finally:
            worker.terminate()
            worker.communicate(timeout=60)


@pytest.mark.parametrize("given", ["25", "abc"])
def test_a_setting_that_cannot_be_used_is_named_and_nothing_runs(fresh_url: str, given: str) -> None:
    env = {**os.environ, "RDVM_DATABASE_URL": fresh_url, "RDVM_SECRET_KEY": "test-only-key", "RDVM_RANKING_WORKER_NICE": given}
    refused = run(env, "worker", "--once")
    assert refused.returncode == 2
    assert "RDVM_RANKING_WORKER_NICE" in refused.stderr and repr(given) in refused.stderr
    assert "--country" not in refused.stderr  # it was reported as a bad --country before
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            assert "ranking_status" not in set(connection.dialect.get_table_names(connection))  # nothing was written
    finally:
        engine.dispose()
