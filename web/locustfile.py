"""The load test's simulated users (locust): employers, placement officers and trainees, with changes.

Run by `rdvm bench --web --load` (`web.load_test`), which seeds the database, starts the server and the
ranking worker, and passes the accounts in the file named by RDVM_LOAD_ACCOUNTS. Only the host given to
locust (127.0.0.1) is contacted. The server believes X-Forwarded-For from 127.0.0.1 (RDVM_TRUSTED_PROXIES,
as behind the TLS proxy of a deployment), and each simulated user sends its own address (10.x.y.z): the
sign-in throttle sees as many clients as there are users, not one address. Each change (a vacancy's salary
through the API, a trainee's availability through their form) is then read back on fresh connections —
landing on any of the server's workers — until every read shows it; the delay is written to the file named
in the accounts (not counted in the page times). The users are locust's FastHttpUser (geventhttpclient), which
costs the machine it measures much less CPU than the `requests` client.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from geventhttpclient.useragent import ConnectionError as Unanswered
from geventhttpclient.useragent import UserAgent
from locust import FastHttpUser, between, task

ACCOUNTS: dict[str, Any] = json.loads(open(os.environ["RDVM_LOAD_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
#: Reads on fresh connections that must all show a change; how long a change may take to be seen; the pause between
#: reads (what the check costs the machine it measures, compared with reading in a tight loop).
READS, LIMIT, PAUSE = 4, 5.0, 0.2
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
#: Numbers the simulated users' addresses (10.x.y.z), one per user of this locust process.
_ADDRESSES = itertools.count(1)
#: Deal the accounts in turn, so that no two users change the same record (one user's change overwritten by another's
#: would never be seen, and count against the servers): a trainee account per trainee user (while they are fewer than
#: the accounts), and for the users of one company, each its own lane of the company's vacancies.
_EMPLOYERS, _TRAINEES = itertools.count(), itertools.count()
LANES = 10


def form(fields: dict[str, Any]) -> str:
    """Encode a form as a browser does, a list as its field repeated (FastHttpSession's own encoding does not)."""
    return urlencode(fields, doseq=True)


def next_address() -> str:
    """Return a client address no other simulated user of this process has."""
    n = next(_ADDRESSES)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Signed(FastHttpUser):
    """A user who signs in first and keeps the CSRF token of their session."""

    abstract = True
    wait_time = between(1, 3)
    #: No request is cut short (FastHttpUser's default is 60 s; the `requests` client had none): a slow answer is counted
    #: as slow, not as an error.
    network_timeout = connection_timeout = 900.0
    token = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Come from an address of one's own, as the TLS proxy would forward it (a header of every request)."""
        self.address = next_address()
        self.default_headers = {"X-Forwarded-For": self.address}
        super().__init__(*args, **kwargs)

    def sign_in(self, login: str, secret: str) -> None:
        """Sign in through the form and keep the session's CSRF token."""
        token = self.client.get("/api/v1/csrf", name="/api/v1/csrf").json()["csrf_token"]
        self.client.post("/signin", data={"login": login, "secret": secret, "csrf_token": token}, allow_redirects=False,
                         name="/signin")  # fmt: skip
        self.token = self.client.get("/api/v1/csrf", name="/api/v1/csrf").json()["csrf_token"]

    def seen_everywhere(self, kind: str, path: str, shows: Callable[[str], bool]) -> None:
        """Read `path` on fresh connections, PAUSE apart, until READS reads in a row show the change; write down the delay.

        The delay runs to the answer of the last of those reads (by then every worker that answered showed the change),
        so a change is never reported seen sooner than it was; the pauses add up to (READS - 1) × PAUSE to it.
        """
        start, streak, reads = time.monotonic(), 0, 0
        while streak < READS and time.monotonic() - start < LIMIT + 1:
            if reads:
                time.sleep(PAUSE)  # gevent's sleep (locust patches the standard library): the other users run meanwhile
            reads += 1
            streak = streak + 1 if self.fresh_read(path, shows) else 0
        seconds = time.monotonic() - start
        with open(ACCOUNTS["visibility_file"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"kind": kind, "seconds": round(seconds, 3), "seen": streak >= READS, "reads": reads}) + "\n")

    def fresh_read(self, path: str, shows: Callable[[str], bool]) -> bool:
        """Read `path` as this user on a new connection (any of the server's workers may answer); tell if it shows."""
        agent = UserAgent(cookiejar=self.client.cookiejar, headers={"X-Forwarded-For": self.address}, max_retries=0,
                          max_redirects=0, concurrency=1, connection_timeout=10.0, network_timeout=10.0)  # fmt: skip
        try:
            answer = agent.urlopen(f"{self.host}{path}")
            return bool(answer.status_code == 200 and shows(answer.content.decode("utf-8")))
        except (Unanswered, OSError):  # an unanswered read does not show the change
            return False
        finally:
            agent.close()


class Employer(Signed):
    """A company: its vacancies' pages (ranked candidates), its list, and salary changes."""

    weight = 4

    def on_start(self) -> None:
        """Sign in as one of the companies."""
        super().on_start()
        n, companies = next(_EMPLOYERS), ACCOUNTS["employers"]
        self.login, self.vacancies = companies[n % len(companies)]
        lane = n // len(companies) % LANES
        self.own = [v for i, v in enumerate(self.vacancies) if i % LANES == lane] or self.vacancies
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
        """Change one of this user's own vacancies' salary through the API, then check every worker shows it."""
        vacancy, salary = random.choice(self.own), random.randrange(60_000, 200_000, 500)
        self.client.patch(f"/api/v1/vacancies/{vacancy}", json={"salary_fcfa_month": salary},
                          headers={"X-CSRF-Token": self.token}, name="/api/v1/vacancies/[id] PATCH")  # fmt: skip
        shown = lambda body: json.loads(body).get("salary_fcfa_month") == salary  # noqa: E731
        self.seen_everywhere("vacancy", f"/api/v1/vacancies/{vacancy}", shown)


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
        phone, pin = ACCOUNTS["trainees"][next(_TRAINEES) % len(ACCOUNTS["trainees"])]
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
        fields = {"csrf_token": self.token, "available_from": day, "shifts": shifts}
        self.client.post("/trainee/availability", data=form(fields), headers=FORM, allow_redirects=False,
                         name="/trainee/availability POST")  # fmt: skip
        self.seen_everywhere("trainee", "/trainee/availability", lambda body: f'value="{day}"' in body)
