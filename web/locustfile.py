"""The load test's simulated users (locust): employers, placement officers and trainees, with changes.

Run by `rdvm bench --web --load` (`web.load_test`), which seeds the database, starts the server and the
ranking worker, and passes the accounts in the file named by RDVM_LOAD_ACCOUNTS. Only the host given to
locust (127.0.0.1) is contacted. The server believes X-Forwarded-For from 127.0.0.1 (RDVM_TRUSTED_PROXIES,
as behind the TLS proxy of a deployment), and each simulated user sends its own address (10.x.y.z): the
sign-in throttle sees as many clients as there are users, not one address. Each change (a vacancy's salary
through the API, a trainee's availability through their form) is then read back on fresh connections —
landing on any of the server's workers — until every read shows it; the delay is written to the file named
in the accounts (not counted in the page times).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from datetime import date, timedelta
from typing import Any

import requests
from locust import HttpUser, between, task

ACCOUNTS: dict[str, Any] = json.loads(open(os.environ["RDVM_LOAD_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
#: Reads on fresh connections that must all show a change; and how long a change may take to be seen.
READS, LIMIT = 4, 5.0
#: Numbers the simulated users' addresses (10.x.y.z), one per user of this locust process.
_ADDRESSES = itertools.count(1)


def next_address() -> str:
    """Return a client address no other simulated user of this process has."""
    n = next(_ADDRESSES)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Signed(HttpUser):
    """A user who signs in first and keeps the CSRF token of their session."""

    abstract = True
    wait_time = between(1, 3)
    token = ""

    def on_start(self) -> None:
        """Come from an address of one's own, as the TLS proxy would forward it."""
        self.client.headers["X-Forwarded-For"] = next_address()

    def sign_in(self, login: str, secret: str) -> None:
        """Sign in through the form and keep the session's CSRF token."""
        token = self.client.get("/api/v1/csrf", name="/api/v1/csrf").json()["csrf_token"]
        self.client.post("/signin", data={"login": login, "secret": secret, "csrf_token": token}, allow_redirects=False,
                         name="/signin")  # fmt: skip
        self.token = self.client.get("/api/v1/csrf", name="/api/v1/csrf").json()["csrf_token"]

    def seen_everywhere(self, kind: str, path: str, shows: Any) -> None:
        """Read `path` on fresh connections until READS reads in a row show the change; write the delay down."""
        start, streak = time.monotonic(), 0
        while streak < READS and time.monotonic() - start < LIMIT + 1:
            with requests.Session() as fresh:  # a new connection: any of the server's workers may answer
                fresh.cookies.update(self.client.cookies)
                fresh.headers["X-Forwarded-For"] = self.client.headers["X-Forwarded-For"]
                answer = fresh.get(f"{self.host}{path}", timeout=10)
            streak = streak + 1 if answer.status_code == 200 and shows(answer) else 0
        seconds = time.monotonic() - start
        with open(ACCOUNTS["visibility_file"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"kind": kind, "seconds": round(seconds, 3), "seen": streak >= READS}) + "\n")


class Employer(Signed):
    """A company: its vacancies' pages (ranked candidates), its list, and salary changes."""

    weight = 4

    def on_start(self) -> None:
        """Sign in as one of the companies."""
        super().on_start()
        self.login, self.vacancies = random.choice(ACCOUNTS["employers"])
        self.sign_in(self.login, ACCOUNTS["password"])

    @task(6)
    def vacancy_page(self) -> None:
        """Open one of the company's vacancies: its ranked candidates."""
        self.client.get(f"/employer/vacancies/{random.choice(self.vacancies)}", name="/employer/vacancies/[id]")

    @task(2)
    def home(self) -> None:
        """Open the company's list of vacancies."""
        self.client.get("/employer", name="/employer")

    @task(1)
    def change_salary(self) -> None:
        """Change a vacancy's salary through the API, then check every worker shows it."""
        vacancy, salary = random.choice(self.vacancies), random.randrange(60_000, 200_000, 500)
        self.client.patch(f"/api/v1/vacancies/{vacancy}", json={"salary_fcfa_month": salary},
                          headers={"X-CSRF-Token": self.token}, name="/api/v1/vacancies/[id] PATCH")  # fmt: skip
        self.seen_everywhere("vacancy", f"/api/v1/vacancies/{vacancy}", lambda r: r.json().get("salary_fcfa_month") == salary)


class Officer(Signed):
    """A placement officer: the trainees' list and profiles, the workspace."""

    weight = 2

    def on_start(self) -> None:
        """Sign in as one of the officers."""
        super().on_start()
        self.sign_in(random.choice(ACCOUNTS["officers"]), ACCOUNTS["password"])

    @task(4)
    def trainees(self) -> None:
        """Search the trainees."""
        self.client.get(f"/officer/trainees?q={random.choice(['Diarra', 'Traoré', 'Bamako', 'Kati', 'T-2025'])}",
                        name="/officer/trainees?q=")  # fmt: skip

    @task(3)
    def profile(self) -> None:
        """Open a trainee's profile."""
        self.client.get(f"/officer/trainees/{random.choice(ACCOUNTS['profiles'])}", name="/officer/trainees/[id]")

    @task(1)
    def workspace(self) -> None:
        """Open the officer's workspace."""
        self.client.get("/officer", name="/officer")


class Trainee(Signed):
    """A trainee on their phone: home, profile, and availability changes."""

    weight = 4

    def on_start(self) -> None:
        """Sign in with a phone and PIN."""
        super().on_start()
        phone, pin = random.choice(ACCOUNTS["trainees"])
        self.sign_in(phone, pin)

    @task(5)
    def home(self) -> None:
        """Open the trainee's home page."""
        self.client.get("/trainee", name="/trainee")

    @task(2)
    def own_profile(self) -> None:
        """Open the trainee's profile."""
        self.client.get("/trainee/profile", name="/trainee/profile")

    @task(1)
    def change_availability(self) -> None:
        """Change the day from which the trainee can work (a profile change), then check every worker shows it."""
        day = (date.today() + timedelta(days=random.randrange(1, 90))).isoformat()
        shifts = random.sample(["day", "night", "rotating"], 2)
        self.client.post("/trainee/availability", data={"csrf_token": self.token, "available_from": day, "shifts": shifts},
                         allow_redirects=False, name="/trainee/availability POST")  # fmt: skip
        self.seen_everywhere("trainee", "/trainee/availability", lambda r: f'value="{day}"' in r.text)
