"""The web benchmark (`rdvm bench --web`): the employer's vacancy page with 10,000 trainees and 500 vacancies.

It loads the pool into a fresh database through the same import services as `rdvm import`, serves the
application with uvicorn in a subprocess, signs in each company's employer, and requests every vacancy page
once (then a second round) over HTTP with the standard library's client, reading the server time from the
`Server-Timing` header the application sets on every response. It needs no test or development package.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
from sqlmodel import Session, col, select

from employers import service as employers_service
from employers.models import Employer, EmployerStatus, Vacancy
from matching import synth
from matching.exchange import parse_text
from profiles import service as profiles_service
from profiles.models import TraineeProfile
from web.auth import service as auth_service
from web.auth.models import Role
from web.db import make_engine
from web.migrate import upgrade

COMPANIES = 10
PASSWORD = "benchmark password"


def seed(session: Session, *, trainees: int, vacancies: int, seed_value: int) -> list[tuple[str, list[int]]]:
    """Import a synthetic pool; return each company's employer login and its vacancy ids."""
    t_records, v_records = synth.generate(trainees=trainees, vacancies=vacancies, seed=seed_value)
    names = [f"Société de gardiennage {i + 1}" for i in range(COMPANIES)]
    for i, record in enumerate(v_records):
        record["employer"] = names[i % COMPANIES]
    companies = [_company(session, name, i) for i, name in enumerate(names)]
    profiles_service.import_trainees(session=session, records=_parsed(t_records, "trainees"), consent=True)
    employers_service.import_vacancies(session=session, records=_parsed(v_records, "vacancies"))
    session.flush()
    logins = []
    for company in companies:
        login = f"employeur{company.id}@bench.ml"
        auth_service.create_user(session=session, login=login, full_name=company.name, role=Role.employer, secret=PASSWORD,
                                 employer_id=company.id)  # fmt: skip
        ids = session.exec(select(Vacancy.id).where(Vacancy.employer_id == company.id)).all()
        logins.append((login, [int(i) for i in ids if i is not None]))
    return logins


def _company(session: Session, name: str, i: int) -> Employer:
    company = Employer(name=name, licence_number=f"BENCH-{i:03d}", town="Bamako", contact_name="Bench", phone="+22370000000",
                       email=f"societe{i}@bench.ml", status=EmployerStatus.approved)  # fmt: skip
    session.add(company)
    session.flush()
    return company


def _parsed(records: list[dict[str, Any]], kind: str) -> list[Any]:
    result = parse_text(json.dumps({kind: records}), kind=kind, source="bench", fmt="json")  # type: ignore[arg-type]
    if result.errors:
        raise RuntimeError(f"synthetic {kind} do not validate: {result.errors[0]}")
    return result.records


def server_ms(headers: Message) -> float:
    """Return the application time of a response, from its Server-Timing header."""
    header = headers["server-timing"]
    return float(header.split("dur=", 1)[1].split(",", 1)[0])


class Browser:
    """A browser of the standard library's HTTP client: one kept-alive connection, its cookies, the CSRF token."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Message, bytes]:
        """Send a request with this browser's cookies (and `headers`); keep the cookies of the answer."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("set-cookie") or []:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        return response.status, response.headers, content

    def send_json(self, method: str, path: str, body: Any, token: str) -> tuple[int, Message, bytes]:
        """Send a JSON request to the API with this browser's cookies and the CSRF header."""
        headers = {"Content-Type": "application/json", "X-CSRF-Token": token}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=json.dumps(body).encode(), headers=headers)
        response = self.connection.getresponse()
        return response.status, response.headers, response.read()

    def sign_in(self, login: str, secret: str) -> None:
        """Sign in through the sign-in form, or raise."""
        status, _, content = self.request("GET", "/api/v1/csrf")
        token = json.loads(content)["csrf_token"]
        status, _, _ = self.request("POST", "/signin", {"login": login, "secret": secret, "csrf_token": token})
        if status != 303:
            raise RuntimeError(f"{login} could not sign in (HTTP {status})")

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int, *, workers: int = 1) -> subprocess.Popen[bytes]:
    """Start the application in a uvicorn subprocess (the installed server) on 127.0.0.1:`port`."""
    env = {
        **os.environ,
        "RDVM_DATABASE_URL": url,
        "RDVM_SECRET_KEY": os.environ.get("RDVM_SECRET_KEY") or secrets.token_urlsafe(32),
    }
    command = [sys.executable, "-m", "uvicorn", "web.app:create_server_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--no-proxy-headers", "--no-access-log",
               "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(command, env=env)


@contextmanager
def served(url: str, *, workers: int = 1) -> Iterator[int]:
    """Serve the application on a free local port in a uvicorn subprocess (the installed server); yield the port."""
    port = free_port()
    server = start_server(url, port, workers=workers)
    try:
        wait_until_up(server, port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(server: subprocess.Popen[bytes], port: int, seconds: float = 180.0) -> None:
    """Wait until the server accepts connections on `port`, or raise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit code {server.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer on port {port} within {seconds:.0f} s")


#: Trainees and vacancies of each size of the web benchmark (M is the figure the README gives).
WEB_SIZES = {"S": (500, 20), "M": (10_000, 500), "L": (50_000, 2_000)}


def run_web_benchmark(
    *,
    trainees: int = 10_000,
    vacancies: int = 500,
    database_url: str | None = None,
    seed_value: int = 11,
    list_requests: int = 20,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the web benchmark against a real server and return its figures (milliseconds of server time, every request;
    each way through the longest candidate list `list_requests` times)."""
    with tempfile.TemporaryDirectory(prefix="rdvm-webbench-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        log(f"loading {trainees:,} trainees and {vacancies:,} vacancies into {engine.dialect.name} …")
        start = time.perf_counter()
        with Session(engine) as session:
            accounts = seed(session, trainees=trainees, vacancies=vacancies, seed_value=seed_value)
            trainee_ids = add_officer(session)
            session.commit()
        engine.dispose()
        load_seconds = time.perf_counter() - start
        log("serving the application (uvicorn) and requesting every vacancy page, twice …")
        rounds: list[float] = []
        sizes: list[int] = []
        listed: dict[tuple[str, int], int] = {}  # (login, vacancy id): candidates its page lists
        with served(url) as port:
            for _round in range(2):
                for login, ids in accounts:
                    rounds.extend(_vacancy_pages(port, login, ids, sizes, listed))
            log(
                f"browsing the longest candidate list, each way {list_requests} times: first page, sorted, filtered, page 2, "
                "four candidates compared …"
            )
            login, vacancy_id = max(listed, key=lambda page: (listed[page], -page[1]))
            browsing = {"list_vacancy_listed": listed[login, vacancy_id], **_list_pages(port, login, vacancy_id, list_requests)}
            log(f"the officer's vacancy reviews and trainee pages ({OFFICER_PAGES} each, twice) …")
            officer = _officer_pages(port, [i for _, ids in accounts for i in ids], trainee_ids)
    times = np.array(rounds)
    return {
        "trainees": trainees, "vacancies": vacancies, "database": url.split(":", 1)[0], "load_seconds": round(load_seconds, 1),
        "first_page_ms": round(rounds[0] if rounds else 0.0, 1), "pages": int(len(times)),
        "p50_ms": round(float(np.percentile(times, 50)), 1), "p95_ms": round(float(np.percentile(times, 95)), 1),
        "max_ms": round(float(times.max()), 1), "page_kb_p50": round(float(np.percentile(sizes, 50)) / 1024, 1),
        "page_kb_max": round(max(sizes) / 1024, 1), **browsing, **officer, "load_average": _load_average(),
    }  # fmt: skip


def _vacancy_pages(port: int, login: str, ids: list[int], sizes: list[int], listed: dict[tuple[str, int], int]) -> list[float]:
    """Request each vacancy page once; return their server times, add their sizes (bytes of HTML) to `sizes` and the
    candidates each lists to `listed`."""
    browser = Browser(port)
    try:
        browser.sign_in(login, PASSWORD)
        times = []
        for vacancy_id in ids:
            status, headers, content = browser.request("GET", f"/employer/vacancies/{vacancy_id}")
            if status != 200:
                raise RuntimeError(f"/employer/vacancies/{vacancy_id} answered HTTP {status}")
            times.append(server_ms(headers))
            sizes.append(len(content))
            listed[login, vacancy_id] = _listed(content)
        return times
    finally:
        browser.close()


#: The company's ways through one candidate list: the first page, sorted, filtered and sorted, page 2 (and four
#: candidates compared, whose codes come from the first page).
BROWSING = {"first": "", "sorted": "?sort=experience", "filtered": "?sort=experience&certification=SST&available=now",
            "page_2": "?page=2"}  # fmt: skip
_ROW = re.compile(rb'<tr id="([^"]+)">')
_LISTED = re.compile(rb"(\d+) candidats? class")


def _list_pages(port: int, login: str, vacancy_id: int, requests: int) -> dict[str, Any]:
    """Browse one vacancy's candidate list each way `requests` times; return, for each way, the server time (p50, p95,
    ms) and the bytes of HTML (as sent, and gzipped as a browser asks)."""
    browser = Browser(port)
    try:
        browser.sign_in(login, PASSWORD)
        path = f"/employer/vacancies/{vacancy_id}"
        codes = [code.decode() for code in _ROW.findall(browser.request("GET", path)[2])[:4]]
        ways = {name: path + query for name, query in BROWSING.items()}
        if len(codes) == 4:
            ways["compare_4"] = f"{path}/compare?{urlencode([('code', code) for code in codes])}"
        figures: dict[str, Any] = {"list_requests": requests}
        for name, url in ways.items():
            figures.update(_way(browser, name, url, requests))
        return figures
    finally:
        browser.close()


def _listed(page: bytes) -> int:
    """Return how many candidates a vacancy page says it lists."""
    found = _LISTED.search(page)
    return int(found[1]) if found else 0


def _way(browser: Browser, name: str, url: str, requests: int) -> dict[str, Any]:
    """Request one page `requests` times; return its server time (p50, p95) and its bytes, plain and gzipped."""
    times, size = [], 0
    for _ in range(requests):
        status, headers, content = browser.request("GET", url)
        if status != 200:
            raise RuntimeError(f"{url} answered HTTP {status}")
        times.append(server_ms(headers))
        size = len(content)
    _, headers, zipped = browser.request("GET", url, headers={"Accept-Encoding": "gzip"})
    gzip_bytes = len(zipped) if headers["content-encoding"] == "gzip" else None
    p50, p95 = np.percentile(times, [50, 95])
    return {f"{name}_ms_p50": round(float(p50), 1), f"{name}_ms_p95": round(float(p95), 1), f"{name}_bytes": size,
            f"{name}_gzip_bytes": gzip_bytes}  # fmt: skip


# ---------------------------------------------------------------- the officer's heavy pages

OFFICER_LOGIN = "conseiller@bench.ml"
#: Vacancy reviews and trainee pages timed (each twice), spread evenly over the pool.
OFFICER_PAGES = 10


def add_officer(session: Session) -> list[int]:
    """Create the benchmark's officer account; return the trainee ids whose page it opens, spread over the pool."""
    auth_service.create_user(session=session, login=OFFICER_LOGIN, full_name="Conseiller", role=Role.officer, secret=PASSWORD)
    ids = [int(i) for i in session.exec(select(TraineeProfile.id).order_by(col(TraineeProfile.id))) if i is not None]
    return _spread(ids)


def _spread(ids: list[int]) -> list[int]:
    """Return at most OFFICER_PAGES ids, evenly spaced."""
    step = max(len(ids) // OFFICER_PAGES, 1)
    return ids[::step][:OFFICER_PAGES]


def _officer_pages(port: int, vacancy_ids: list[int], trainee_ids: list[int]) -> dict[str, Any]:
    """Open vacancy reviews and trainee pages as an officer, twice; return each page's p50/p95 server time (ms),
    its p50 HTML size plain and gzipped (KB), and the pages timed."""
    browser = Browser(port)
    pages = {"officer_review": [f"/officer/vacancies/{i}" for i in _spread(sorted(vacancy_ids))],
             "officer_trainee": [f"/officer/trainees/{i}" for i in trainee_ids]}  # fmt: skip
    figures: dict[str, Any] = {}
    try:
        browser.sign_in(OFFICER_LOGIN, PASSWORD)
        for name, paths in pages.items():
            found = [_timed(browser, path) for _round in range(2) for path in paths]
            figures |= _summary(name, found)
    finally:
        browser.close()
    return figures


def _timed(browser: Browser, path: str) -> tuple[float, int, int]:
    """Request a page; return its server time (ms) and its size in bytes, plain and gzipped."""
    status, headers, content = browser.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} answered HTTP {status}")
    return server_ms(headers), len(content), len(gzip.compress(content))


def _summary(name: str, found: list[tuple[float, int, int]]) -> dict[str, Any]:
    """Return the p50/p95 server time and p50 sizes of one page's requests."""
    times = [ms for ms, _, _ in found]
    return {
        f"{name}_pages": len(found), f"{name}_ms_p50": round(float(np.percentile(times, 50)), 1),
        f"{name}_ms_p95": round(float(np.percentile(times, 95)), 1),
        f"{name}_kb_p50": round(float(np.percentile([b for _, b, _ in found], 50)) / 1024, 1),
        f"{name}_gzip_kb_p50": round(float(np.percentile([z for _, _, z in found], 50)) / 1024, 1),
    }  # fmt: skip


def _load_average() -> str:
    """Return the machine's 1, 5 and 15 minute load averages (the machine may be shared while the figures are taken)."""
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())
