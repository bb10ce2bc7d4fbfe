"""The kill -9 test (`rdvm bench --crash`): no acknowledged write is lost when the server dies mid-stream.

A server (uvicorn, one process) is started on a fresh database; an employer's client sends a stream of
``POST /api/v1/vacancies`` as fast as the server answers and notes every code acknowledged with a 201. After
a random moment the server is killed with SIGKILL (no shutdown, no flush); it is started again and the stream
goes on, several times. At the end every acknowledged vacancy must be in the database, with its ranking work
queued (the queue row is written in the same transaction). Requests that were cut off without an answer may
or may not have been stored: they are counted apart. Only 127.0.0.1 is contacted; every loop is bounded.
"""

from __future__ import annotations

import json
import os
import random
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from web.auth import service as auth_service
from web.auth.models import Role
from web.bench_web import PASSWORD, Browser, _company, free_port, start_server, wait_until_up
from web.db import make_engine
from web.migrate import upgrade

LOGIN = "crash@bench.ml"


def prepare_database(url: str) -> None:
    """Migrate the database and create one approved company with its employer account."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        company = _company(session, "Société du test de panne", 0)
        auth_service.create_user(session=session, login=LOGIN, full_name=company.name, role=Role.employer, secret=PASSWORD,
                                 employer_id=company.id)  # fmt: skip
        session.commit()
    engine.dispose()


class Stream:
    """A client thread writing vacancies until the server stops answering (or `stop` is set)."""

    def __init__(self, port: int, prefix: str) -> None:
        self.port, self.prefix = port, prefix
        self.acknowledged: list[str] = []
        self.unanswered = 0
        self.stop = threading.Event()
        self.writing = threading.Event()  # signed in: the stream of writes has begun (or the thread has ended)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        browser = Browser(self.port)
        try:
            browser.sign_in(LOGIN, PASSWORD)
            token = json.loads(browser.request("GET", "/api/v1/csrf")[2])["csrf_token"]
            self.writing.set()
            n = 0
            while not self.stop.is_set() and n < 100_000:
                n += 1
                body = {"title": f"{self.prefix} poste {n}", "level": "guard", "town": "Bamako"}
                try:
                    status, _, content = browser.send_json("POST", "/api/v1/vacancies", body, token)
                except (OSError, ConnectionError, json.JSONDecodeError, RuntimeError):
                    self.unanswered += 1  # cut off: the server died with this request in flight
                    return
                if status != 201:
                    raise RuntimeError(f"POST /api/v1/vacancies answered HTTP {status}: {content[:200]!r}")
                self.acknowledged.append(json.loads(content)["code"])
        except (OSError, ConnectionError, RuntimeError):
            return
        finally:
            self.writing.set()
            browser.close()


def run_crash_test(
    *, kills: int = 10, database_url: str | None = None, seed_value: int = 5, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Kill the server with SIGKILL `kills` times in a stream of writes; return the figures (lost must be 0)."""
    rng = random.Random(seed_value)
    with tempfile.TemporaryDirectory(prefix="rdvm-crash-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'crash.db'}"
        prepare_database(url)
        acknowledged: list[str] = []
        unanswered = 0
        start = time.perf_counter()
        for round_ in range(kills):
            port = free_port()
            server = start_server(url, port)
            try:
                wait_until_up(server, port)
                stream = Stream(port, f"R{round_}")
                stream.thread.start()
                stream.writing.wait(timeout=60)
                time.sleep(rng.uniform(0.5, 2.5))
            finally:
                os.kill(server.pid, signal.SIGKILL)
                server.wait()
            stream.thread.join(timeout=30)
            stream.stop.set()
            acknowledged += stream.acknowledged
            unanswered += stream.unanswered
            log(f"kill {round_ + 1}/{kills}: {len(stream.acknowledged)} writes acknowledged before SIGKILL")
        seconds = time.perf_counter() - start
        stored, queued = stored_codes(url)
    lost = sorted(set(acknowledged) - stored)
    return {
        "database": url.split(":", 1)[0].split("+", 1)[0], "kills": kills, "acknowledged": len(acknowledged),
        "lost": len(lost), "queued_for_ranking": len(set(acknowledged) & queued),
        "cut_off_in_flight": unanswered, "stored_without_answer": len(stored - set(acknowledged)),
        "seconds": round(seconds, 1), "lost_codes": lost[:10],
    }  # fmt: skip


def stored_codes(url: str) -> tuple[set[str], set[str]]:
    """Return the codes of the stored vacancies, and of those whose ranking work is queued."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            codes = {row[0] for row in connection.execute(text("select code from vacancy"))}
            queued = {row[0] for row in connection.execute(text(
                "select v.code from vacancy v join ranking_work w on w.kind = 'vacancy' and w.ref_id = v.id"))}  # fmt: skip
        return codes, queued
    finally:
        engine.dispose()
