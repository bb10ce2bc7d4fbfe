"""schemathesis against the OpenAPI schema, signed in as each role, on the shipped server (issue 12, "What it must show").

The demo database (accounts of every role, companies, vacancies, offers, placements) is served by `rdvm serve` in a
fresh process; each role signs in through the API and schemathesis' command line generates requests from the
schema — valid and invalid, every phase (examples, coverage, fuzzing, stateful) — bounded in examples and time.
Every answer must be documented (status, content type, body schema, headers) and none may be a server error.

One check is left out: "positive data acceptance" expects every request the schema allows to succeed, but a
schema cannot state the business rules (a known town, a licence number not yet used, an offer waiting for the
company): those refusals are 409/422 answers with a message, documented as such.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text

from tests.web.test_commands_as_shipped import entry_point, run
from web.db import make_engine
from web.demo import SCHOOL, STAFF, TRAINEE_PINS, demo_companies


@dataclass(frozen=True)
class Run:
    """Who signs in, and how much schemathesis generates for them."""

    role: str
    login: str | None  # None: signed out
    secret: str | None
    examples: int
    phases: str = "examples,coverage,fuzzing,stateful"


def runs(trainee_phone: str) -> list[Run]:
    """Return one run per role (and one signed out): the API serves employers and officers; the other roles, refused
    everywhere, get a shorter run."""
    staff = {account.role.value: account for account in STAFF}
    company = demo_companies("ML")[0]
    return [
        Run("anonymous", None, None, 10),
        Run("employer", company.login, company.password, 10),
        Run("officer", staff["officer"].login, staff["officer"].secret, 5),
        Run("admin", staff["admin"].login, staff["admin"].secret, 3, "fuzzing"),
        Run("auditor", staff["auditor"].login, staff["auditor"].secret, 2, "fuzzing"),
        Run("school", SCHOOL.login, SCHOOL.secret, 2, "fuzzing"),
        Run("trainee", trainee_phone, TRAINEE_PINS[0], 2, "fuzzing"),
    ]


SUMMARY = re.compile(r"(\d+) generated, (?:(\d+) passed|(\d+) found)")


def schemathesis_command() -> str:
    """Return the installed schemathesis command line (`st`) of this environment."""
    found = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert found, "schemathesis (a dev dependency) is not installed"
    return found


@pytest.fixture
def served_demo(fresh_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Serve the demo database in a fresh `rdvm serve`; yield its address and the environment."""
    env = {
        **os.environ,
        "RDVM_DATABASE_URL": fresh_url,
        "RDVM_SECRET_KEY": "schemathesis-only",
        "RDVM_OUTBOX_FILE": str(tmp_path / "out"),
    }
    seeded = run(env, "demo", "--folder", tmp_path / "demo")
    assert seeded.returncode == 0, seeded.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [entry_point(), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx2.get(f"{address}/api/v1/csrf", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.2)
        yield address, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def demo_trainee_phone(url: str) -> str:
    """Return the login (phone) of the demo's first trainee, whose PIN is TRAINEE_PINS[0]."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            first = text("select login from \"user\" where role = 'trainee' order by id")
            return str(connection.execute(first).scalars().first())
    finally:
        engine.dispose()


def signed_in_headers(address: str, login: str, secret: str) -> list[str]:
    """Sign in through the API; return the headers that carry the session (its cookie and CSRF token)."""
    with httpx2.Client(base_url=address) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        answer = client.post("/api/v1/session", json={"login": login, "secret": secret}, headers={"X-CSRF-Token": token})
        assert answer.status_code == 200, answer.text
        return [f"Cookie: rdvm_session={client.cookies['rdvm_session']}", f"X-CSRF-Token: {answer.json()['csrf_token']}"]


def anonymous_headers(address: str) -> list[str]:
    """Return the headers of a browser that has not signed in (its CSRF cookie and token)."""
    with httpx2.Client(base_url=address) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        return [f"Cookie: rdvm_csrf={client.cookies['rdvm_csrf']}", f"X-CSRF-Token: {token}"]


def schemathesis_run(address: str, chosen: Run, headers: list[str], report: Path) -> tuple[int, str]:
    """Run schemathesis for one role; return its exit code and output."""
    command = [schemathesis_command(), "run", f"{address}/openapi.json", "--no-color", "--max-examples", str(chosen.examples),
               "--phases", chosen.phases, "--exclude-checks", "positive_data_acceptance",
               "--generation-database", "none", "--seed", "2026"]  # fmt: skip
    if chosen.login is not None:
        command += ["--exclude-path-regex", "^/api/v1/session$"]  # signing out or in again would end the role's session
    for header in headers:
        command += ["--header", header]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=report.parent)
    report.write_text(done.stdout + done.stderr, encoding="utf-8")
    return done.returncode, done.stdout + done.stderr


def test_every_role_gets_documented_answers_and_no_server_error(served_demo: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    address, env = served_demo
    figures, failed = [], []
    for chosen in runs(demo_trainee_phone(env["RDVM_DATABASE_URL"])):
        if chosen.login is None or chosen.secret is None:
            headers = anonymous_headers(address)
        else:
            headers = signed_in_headers(address, chosen.login, chosen.secret)
        code, output = schemathesis_run(address, chosen, headers, tmp_path / f"{chosen.role}.txt")
        found = SUMMARY.search(output)
        figures.append(f"{chosen.role}: {found.group(0) if found else 'no summary'}")
        if code != 0:
            failed.append(f"--- {chosen.role} ---\n{output[-6000:]}")
    print("\n".join(figures))  # noqa: T201  (the figures, shown with -s)
    assert not failed, "\n".join([*figures, *failed])
