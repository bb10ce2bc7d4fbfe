"""The load test (`rdvm bench --web --load`): several server workers on one database under simulated users.

It seeds a fresh database (10,000 trainees and 500 vacancies at size M, 10 companies, officers, trainee
accounts), starts the ranking worker (`rdvm worker`) and waits for its first full rebuild, serves the
application with N uvicorn workers on 127.0.0.1, and runs locust headless (`web/locustfile.py`) with users
mixing the three roles for a bounded time. It reports the request times and errors as locust counted them,
how long each change took to be seen on fresh connections (any worker), the ranking queue's lag (the
age of the oldest change not yet taken in), sampled every second, and where the CPU went while locust ran (the
server, the ranking worker, locust, a local PostgreSQL: `web.load_cpu`) with the machine's cores and load
average. Needs the dev extras (locust).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlmodel import Session, func, select

from core.clock import utcnow
from employers.ranking_store import RankingWork
from web.auth import service as auth_service
from web.auth.models import Role
from web.bench_web import PASSWORD, free_port, seed, start_server, wait_until_up
from web.db import make_engine
from web.load_cpu import CpuSampler, CpuUse, Selector, cpu_figures, is_local_postgres, postgres_processes, tree_of
from web.migrate import upgrade

OFFICERS, TRAINEE_ACCOUNTS = 5, 60
#: The server believes X-Forwarded-For from 127.0.0.1 only, as behind a deployment's TLS proxy: the locustfile
#: gives each simulated user its own address, so the per-address sign-in throttle sees distinct clients.
PROXY = {"RDVM_TRUSTED_PROXIES": "127.0.0.1"}
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def seed_accounts(url: str, *, trainees: int, vacancies: int, folder: Path) -> Path:
    """Seed the pool and the accounts; write the accounts file the locustfile reads; return its path."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        employers = seed(session, trainees=trainees, vacancies=vacancies, seed_value=11)
        profile_ids = [int(i) for i in session.execute(text("select id from trainee_profile order by id")).scalars()]
        officers = [f"agent{i}@load.ml" for i in range(OFFICERS)]
        for login in officers:
            auth_service.create_user(session=session, login=login, full_name="Agent", role=Role.officer, secret=PASSWORD)
        phones = []
        for i, profile_id in enumerate(profile_ids[:TRAINEE_ACCOUNTS]):
            phone, pin = f"+2237{i:07d}", f"{(i * 7919) % 1_000_000:06d}"
            auth_service.create_user(session=session, login=phone, full_name="Stagiaire", role=Role.trainee, secret=pin,
                                     trainee_id=profile_id)  # fmt: skip
            phones.append((phone, pin))
        session.commit()
    engine.dispose()
    accounts = {"employers": employers, "officers": officers, "trainees": phones, "profiles": profile_ids[:2000],
                "password": PASSWORD, "visibility_file": str(folder / "visibility.jsonl")}  # fmt: skip
    path = folder / "accounts.json"
    path.write_text(json.dumps(accounts))
    return path


def start_worker(url: str) -> subprocess.Popen[bytes]:
    """Start `rdvm worker` on the database."""
    env = {**os.environ, "RDVM_DATABASE_URL": url, "RDVM_SECRET_KEY": os.environ.get("RDVM_SECRET_KEY") or "load-test-key"}
    return subprocess.Popen([sys.executable, "-m", "web.cli", "worker"], env=env)


def wait_for_rankings(url: str, worker: subprocess.Popen[bytes], seconds: float = 900.0) -> float:
    """Wait until the worker has built every ranking and emptied the queue; return how long it took."""
    engine = make_engine(url)
    start = time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            if worker.poll() is not None:
                raise RuntimeError(f"the ranking worker stopped (exit code {worker.returncode})")
            with engine.connect() as connection:
                built = connection.execute(text("select count(*) from ranking_status where rebuilt_at is not null")).scalar_one()
                queued = connection.execute(text("select count(*) from ranking_work")).scalar_one()
            if built and not queued:
                return time.monotonic() - start
            time.sleep(1)
    finally:
        engine.dispose()
    raise RuntimeError(f"the rankings were not built within {seconds:.0f} s")


class LagSampler:
    """Samples, every second, the age of the oldest queued change (0 when the queue is empty)."""

    def __init__(self, url: str) -> None:
        self.url, self.samples, self.stop = url, [0.0], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        engine = make_engine(self.url)
        try:
            while not self.stop.wait(1.0):
                with Session(engine) as session:
                    oldest = session.exec(select(func.min(RankingWork.queued_at))).one()
                self.samples.append(0.0 if oldest is None else max((utcnow() - oldest).total_seconds(), 0.0))
        finally:
            engine.dispose()


def start_locust(port: int, accounts: Path, folder: Path, *, users: int, seconds: int) -> subprocess.Popen[bytes]:
    """Start locust headless against 127.0.0.1:`port` for `seconds`, writing its CSV figures into `folder`."""
    env = {**os.environ, "RDVM_LOAD_ACCOUNTS": str(accounts)}
    spawn = str(max(1, users // 10))
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", spawn,
               "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(folder / "load"), "--only-summary",
               "--stop-timeout", "10", "--loglevel", "WARNING"]  # fmt: skip
    return subprocess.Popen(command, env=env)


def wait_unreaped(process: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait until a subprocess ends (killing it after `seconds`) but leave it unreaped where the system allows.

    Unreaped, the ended process stays in /proc with all the CPU time it spent, for a last sample; `process.wait()`
    then reaps it. Without `os.waitid` (not Linux), it is simply waited for.
    """
    if not hasattr(os, "waitid"):
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
        return
    deadline = time.monotonic() + seconds
    while os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if time.monotonic() > deadline:
            process.kill()
            deadline = float("inf")
        time.sleep(0.2)


def read_stats(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return locust's aggregated row and the per-request rows of its CSV."""
    with (folder / "load_stats.csv").open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    aggregated = next(r for r in rows if r["Name"] == "Aggregated")
    return aggregated, [r for r in rows if r["Name"] != "Aggregated"]


def run_load_test(
    *, trainees: int, vacancies: int, database_url: str | None, seconds: int = 120, users: int = 100, workers: int = 4,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:  # fmt: skip
    """Run the load test and return its figures (`passed`: p95 ≤ 300 ms, no error, every change seen within 5 s)."""
    with tempfile.TemporaryDirectory(prefix="rdvm-load-") as name:
        folder = Path(name)
        url = database_url or f"sqlite:///{folder / 'load.db'}"
        log(f"seeding {trainees:,} trainees, {vacancies:,} vacancies and the accounts into {url.split(':', 1)[0]} …")
        start = time.perf_counter()
        accounts = seed_accounts(url, trainees=trainees, vacancies=vacancies, folder=folder)
        load_seconds = time.perf_counter() - start
        worker = start_worker(url)
        try:
            log("waiting for the ranking worker's first full rebuild …")
            rebuild_seconds = wait_for_rankings(url, worker)
            port = free_port()
            with environment(PROXY):
                server = start_server(url, port, workers=workers)
            try:
                wait_until_up(server, port)
                log(f"{users} users for {seconds} s against {workers} server worker(s) on 127.0.0.1:{port} …")
                sampler = LagSampler(url)
                sampler.thread.start()
                serving = children(server)
                locust = start_locust(port, accounts, folder, users=users, seconds=seconds)
                cpu = CpuSampler(parts(server=server.pid, worker=worker.pid, locust=locust.pid, url=url))
                cpu.start()
                try:
                    wait_unreaped(locust, seconds + 180)
                finally:
                    use = cpu.stop()
                    locust.wait()
                load_average = " / ".join(f"{value:.1f}" for value in os.getloadavg())
                replaced = len(serving - children(server))
                sampler.stop.set()
                sampler.thread.join(timeout=10)
            finally:
                stop(server)
        finally:
            stop(worker)
        aggregated, rows = read_stats(folder)
        seen_file = folder / "visibility.jsonl"
        seen = [json.loads(line) for line in seen_file.read_text("utf-8").splitlines()] if seen_file.exists() else []
    return figures(aggregated, rows, seen, sampler.samples, use, trainees=trainees, vacancies=vacancies, url=url, users=users,
                   seconds=seconds, workers=workers, load_seconds=load_seconds, rebuild_seconds=rebuild_seconds,
                   workers_replaced=replaced, load_average=load_average)  # fmt: skip


def parts(*, server: int, worker: int, locust: int, url: str) -> dict[str, Selector]:
    """Return the parts whose CPU the load test reports: PostgreSQL's processes only when it runs on this machine."""
    chosen = {"server": tree_of(server), "ranking_worker": tree_of(worker), "locust": tree_of(locust)}
    return chosen | ({"postgres": postgres_processes} if is_local_postgres(url) else {})


def children(process: subprocess.Popen[bytes]) -> set[int]:
    """Return the ids of a process's children (uvicorn's workers; Linux), to tell which were replaced meanwhile.

    uvicorn's supervisor kills a worker that does not answer its health check within 5 s (one starved of CPU)
    and starts another: the requests it was answering end without an answer.
    """
    path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return {int(pid) for pid in path.read_text().split()} if path.exists() else set()


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for what starts inside (a subprocess inherits them); restore them after."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a subprocess: SIGTERM, then SIGKILL after 60 s."""
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


#: The request names whose p95 the figures give, slowest first.
SLOWEST = 5
#: The parts whose CPU the figures give (PostgreSQL's None when it is not on this machine).
PARTS = ["server", "ranking_worker", "locust", "postgres"]


def figures(
    aggregated: dict[str, Any], rows: list[dict[str, Any]], seen: list[dict[str, Any]], lag: list[float],
    cpu: CpuUse | None, **given: Any,
) -> dict[str, Any]:  # fmt: skip
    """Return the load test's figures from locust's rows, the visibility checks, the lag samples and the CPU sampled.

    The request counts, errors and p50/p95/p99 are locust's over the whole run and every request (sign-ins included);
    the p95 of the SLOWEST slowest request names follow, from locust's rows.
    """
    delays = np.array([s["seconds"] for s in seen] or [0.0])
    late = sum(1 for s in seen if not s["seen"] or s["seconds"] > 5.0)
    out = {
        "database": str(given.pop("url")).split(":", 1)[0].split("+", 1)[0], **given, "cores": os.cpu_count(),
        "requests": int(aggregated["Request Count"]), "errors": int(aggregated["Failure Count"]),
        "requests_per_s": round(float(aggregated["Requests/s"]), 1),
        "p50_ms": ms(aggregated["50%"]), "p95_ms": ms(aggregated["95%"]), "p99_ms": ms(aggregated["99%"]),
        "max_ms": round(float(aggregated["Max Response Time"]), 1), **slowest(rows, SLOWEST),
        "changes": len(seen), "changes_seen_late": late, "change_seen_p95_s": round(float(np.percentile(delays, 95)), 2),
        "change_seen_max_s": round(float(delays.max()), 2),
        "ranking_lag_p95_s": round(float(np.percentile(lag, 95)), 1), "ranking_lag_max_s": round(max(lag), 1),
        **cpu_figures(cpu, PARTS),
    }  # fmt: skip
    out["passed"] = out["p95_ms"] <= 300 and out["errors"] == 0 and late == 0
    return out


def slowest(rows: list[dict[str, Any]], count: int) -> dict[str, str]:
    """Return the `count` request names of highest p95, slowest first: `slowest_p95_<n>` → "name: p95 (p50; counts)"."""
    ranked = sorted(rows, key=lambda row: ms(row["95%"]), reverse=True)[:count]
    return {f"slowest_p95_{n}": described(row) for n, row in enumerate(ranked, 1)}


def described(row: dict[str, Any]) -> str:
    """Return one request name's figures from its row of locust's CSV: p95, p50, requests and errors."""
    return (f"{row['Name']}: {ms(row['95%']):,.0f} ms (p50 {ms(row['50%']):,.0f}; "
            f"{int(row['Request Count'])} requests, {int(row['Failure Count'])} errors)")  # fmt: skip


def ms(value: str) -> float:
    """Return a time of locust's CSV in milliseconds (0 for its "N/A", a name without any answer timed)."""
    try:
        return float(value)
    except ValueError:
        return 0.0
