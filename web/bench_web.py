"""The web benchmark (`rdvm bench --web`): the employer's vacancy page with 10,000 trainees and 500 vacancies.

It loads the pool into a fresh database through the same import services as `rdvm import`, signs in each
company's employer, and requests every vacancy page once (then a second round), reading the server time
from the `Server-Timing` header the application sets on every response.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session, select

from employers import service as employers_service
from employers.models import Employer, EmployerStatus, Vacancy
from matching import synth
from matching.exchange import parse_text
from profiles import service as profiles_service
from web.auth import service as auth_service
from web.auth.models import Role
from web.db import get_session, make_engine
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


def server_ms(response: Any) -> float:
    """Return the application time of a response, from its Server-Timing header."""
    header = response.headers["server-timing"]
    return float(header.split("dur=", 1)[1].split(",", 1)[0])


def run_web_benchmark(
    *,
    trainees: int = 10_000,
    vacancies: int = 500,
    database_url: str | None = None,
    seed_value: int = 11,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the web benchmark and return its figures (milliseconds of server time, every request counted)."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    with tempfile.TemporaryDirectory(prefix="rdvm-webbench-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        log(f"loading {trainees:,} trainees and {vacancies:,} vacancies into {engine.dialect.name} …")
        start = time.perf_counter()
        with Session(engine) as session:
            accounts = seed(session, trainees=trainees, vacancies=vacancies, seed_value=seed_value)
            session.commit()
        load_seconds = time.perf_counter() - start
        app = create_app()

        def session_override() -> Any:
            with Session(engine) as db:
                yield db
                db.commit()

        app.dependency_overrides[get_session] = session_override
        first, rounds = None, []
        log("requesting every vacancy page, twice …")
        for _round in range(2):
            for login, ids in accounts:
                with TestClient(app) as client:
                    token = client.get("/api/v1/csrf").json()["csrf_token"]
                    client.post("/signin", data={"login": login, "secret": PASSWORD, "csrf_token": token}, follow_redirects=False)
                    for vacancy_id in ids:
                        response = client.get(f"/employer/vacancies/{vacancy_id}")
                        response.raise_for_status()
                        rounds.append(server_ms(response))
                        first = rounds[0]
        engine.dispose()
    times = np.array(rounds)
    return {
        "trainees": trainees, "vacancies": vacancies, "database": url.split(":", 1)[0], "load_seconds": round(load_seconds, 1),
        "first_page_ms": round(first or 0.0, 1), "pages": int(len(times)), "p50_ms": round(float(np.percentile(times, 50)), 1),
        "p95_ms": round(float(np.percentile(times, 95)), 1), "max_ms": round(float(times.max()), 1),
    }  # fmt: skip
