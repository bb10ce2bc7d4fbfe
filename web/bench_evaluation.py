"""The evaluation benchmark (`rdvm bench --evaluation`): the programme's evaluation from a database of 50,000 trainees,
60,000 placements and 200,000 follow-ups.

Rows are written straight into a fresh database (bulk inserts: the import pipeline is not what is timed), then
the evaluation is timed as the application runs it: reading the history from the database as columns
(`employers.history_store.stored_columns`), the INDICATORS.md figures (`profiles.indicators.evaluate_columns`), and
the evaluation pages' breakdowns (`profiles.evaluation.evaluate_scope`). Then the application is served (uvicorn,
as `rdvm bench --web` does) and an auditor requests the evaluation page N times: its server times' p50 and p95
(the first request computes; the next ones find the evaluation in the application's cache while nothing changes),
then the fairness audit page (by cohort, computed on each request) a few times: the median and the longest.
`fairness_report_s` times the fairness audit's figures (by cohort) in the process, without the page around them.
`evaluate_from_database_cpu_s` is the same span in the process's CPU time (SQLite runs in the process): on a shared,
loaded machine it says what the wall time would be on an idle one better than the wall time does.
Figures are printed, not asserted.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session

from employers import fairness, history_store
from employers.models import FollowUp, Placement
from profiles import indicators
from profiles.evaluation import Scope, evaluate_scope
from profiles.models import Cohort, TraineeProfile, searched_text
from web.auth import service as auth_service
from web.auth.models import Role
from web.bench_web import Browser, served, server_ms
from web.db import make_engine
from web.migrate import upgrade

AS_OF = date(2027, 6, 30)
COHORTS = 10
EMPLOYERS = ("Sahel Sécurité", "Garde Plus", "Kénédougou Sûreté", "Niger Gardiennage")
TOWNS = ("Bamako", "Kayes", "Sikasso", "Ségou", "Mopti")
#: Requests of the evaluation page whose server times give its p95.
PAGES = 40
#: Requests of the fairness page (by cohort) timed after them: it is for audits, a few suffice.
FAIRNESS_PAGES = 5
AUDITOR = "auditeur@bench.ml"
PASSWORD = "benchmark password"


def seed(session: Session, *, trainees: int, placements: int, followups: int, seed_value: int = 7) -> None:
    """Write cohorts, trainees, placements (a second job for some) and follow-ups straight into the database."""
    rng = np.random.default_rng(seed_value)
    now = datetime.now(UTC)
    first_day = date(2025, 1, 1)
    session.execute(insert(Cohort.__table__), [  # type: ignore[attr-defined]
        {"code": f"C-{c:02d}", "country": "ML", "training_end": first_day + timedelta(days=30 * c), "budget_eur": 100_000.0,
         "modules": [], "created_at": now, "updated_at": now} for c in range(COHORTS)
    ])  # fmt: skip
    cohort_of = rng.integers(0, COHORTS, trainees)
    session.execute(insert(TraineeProfile.__table__), [  # type: ignore[attr-defined]
        {"code": f"T-{i:06d}", "full_name": f"Agent {i}", "home_town": TOWNS[i % len(TOWNS)], "mobility": "town",
         "extra_towns": [], "languages": [], "literacy": "basic", "experience": [], "skills": [], "certifications": [],
         "driving_licences": [], "preferred_levels": [], "preferred_shifts": [], "consent_to_share": False,
         "training": {"cohort": f"C-{cohort_of[i]:02d}", "completed": bool(i % 7)}, "cohort": f"C-{cohort_of[i]:02d}",
         "overall_from_modules": False, "created_at": now, "updated_at": now,
         "search_text": searched_text(f"T-{i:06d}", f"Agent {i}")} for i in range(trainees)
    ])  # fmt: skip
    session.execute(insert(Placement.__table__), _placement_rows(rng, trainees, placements, first_day, now))  # type: ignore[attr-defined]
    session.execute(insert(FollowUp.__table__), _follow_up_rows(rng, placements, followups, first_day, now))  # type: ignore[attr-defined]
    session.commit()


def _placement_rows(
    rng: np.random.Generator, trainees: int, placements: int, first_day: date, now: datetime
) -> list[dict[str, Any]]:
    """Return one placement per trainee (ended for the first `placements - trainees`) then their second jobs."""
    seconds = max(0, placements - trainees)
    starts = rng.integers(30, 500, trainees)
    lengths = rng.integers(20, 300, trainees)
    rows = []
    for i in range(min(trainees, placements)):
        start = first_day + timedelta(days=int(starts[i]))
        ended = i < seconds or i % 5 == 0
        end = start + timedelta(days=int(lengths[i])) if ended else None
        rows.append(_placement(f"P-{i:06d}", i + 1, start, end, i, now))
    for j in range(seconds):
        start = first_day + timedelta(days=int(starts[j] + lengths[j] + 10))
        rows.append(_placement(f"P-{trainees + j:06d}", j + 1, start, None, j, now))
    return rows


def _placement(code: str, trainee_id: int, start: date, end: date | None, i: int, now: datetime) -> dict[str, Any]:
    return {"code": code, "trainee_id": trainee_id, "employer_name": EMPLOYERS[i % len(EMPLOYERS)], "level": "guard",
            "town": TOWNS[i % len(TOWNS)], "start_date": start, "salary_fcfa_month": 38_000 + (i % 40) * 1_000,
            "confirmed_at": now, "end_date": end, "end_reason": "resigned" if end else None,
            "ended_at": now if end else None}  # fmt: skip


def _follow_up_rows(
    rng: np.random.Generator, placements: int, followups: int, first_day: date, now: datetime
) -> list[dict[str, Any]]:
    """Return follow-ups for months 1, 3, 6, 12 of the first placements, at most one per (placement, month)."""
    months = (1, 3, 6, 12)
    rows = []
    for n in range(min(followups, placements * len(months))):
        placement, month = n // len(months) + 1, months[n % len(months)]
        reached = bool(rng.random() < 0.8)
        rows.append({"placement_id": placement, "month": month, "done_on": first_day + timedelta(days=600 + month * 30),
                     "reached": reached, "employment": "same_employer" if reached else None,
                     "economic": 0.6 if reached else None, "social": 0.7 if reached else None,
                     "psychosocial": 0.5 if reached else None, "recorded_at": now})  # fmt: skip
    return rows


def run_evaluation_benchmark(
    *,
    trainees: int = 50_000,
    placements: int = 60_000,
    followups: int = 200_000,
    pages: int = PAGES,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Seed a temporary SQLite database, time the evaluation from it, then the evaluation page served; return the figures."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            started = time.perf_counter()
            with Session(engine) as session:
                seed(session, trainees=trainees, placements=placements, followups=followups)
                auth_service.create_user(session=session, login=AUDITOR, full_name="Bench Auditor", role=Role.auditor,
                                         secret=PASSWORD)  # fmt: skip
                session.commit()
            seconds = time.perf_counter() - started
            log(f"seeded {trainees} trainees, {placements} placements, {followups} follow-ups in {seconds:.1f} s")
            figures = _timed(engine)
        finally:
            engine.dispose()
        log(f"serving the application (uvicorn) and requesting the evaluation page {pages} times …")
        figures |= _page_times(url, pages) if pages else {}
    return {"trainees": trainees, "placements": placements, "followups": followups, **figures}


def _timed(engine: Any) -> dict[str, Any]:
    """Time the evaluation from the database (read as columns, then the indicators) and the pages' breakdowns."""
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        stored = history_store.stored_columns(session=session)
        read = time.perf_counter() - started
    if not stored.ok:
        raise RuntimeError(f"the benchmark's history does not check: {stored.errors[0]}")
    started = time.perf_counter()
    figures = indicators.evaluate_columns(stored.columns, as_of=AS_OF)
    computed, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    evaluate_scope(stored.columns, Scope(as_of=AS_OF))
    breakdowns = time.perf_counter() - started
    with Session(engine) as session:
        started = time.perf_counter()
        fairness.fairness_report(session=session, by="cohort", as_of=AS_OF)
        audited = time.perf_counter() - started
    return {"placed": figures["overall"]["placed"], "evaluation_read_s": round(read, 3),
            "evaluation_indicators_s": round(computed, 3), "evaluate_from_database_s": round(read + computed, 3),
            "evaluate_from_database_cpu_s": round(cpu, 3),
            "evaluation_page_figures_s": round(breakdowns, 3), "fairness_report_s": round(audited, 3)}  # fmt: skip


def _page_times(url: str, pages: int) -> dict[str, Any]:
    """Request the evaluation page `pages` times from a served application (the first computes, the others may reuse)
    and return the server times' p50, p95 and the first request's."""
    with served(url) as port:
        browser = Browser(port)
        try:
            browser.sign_in(AUDITOR, PASSWORD)
            times = []
            times = [_page_ms(browser, f"/evaluation?as_of={AS_OF.isoformat()}") for _ in range(pages)]
            fairness = [_page_ms(browser, "/fairness?by=cohort") for _ in range(FAIRNESS_PAGES)]
        finally:
            browser.close()
    ms = np.array(times)
    return {"evaluation_pages": pages, "evaluation_first_page_ms": round(times[0], 1),
            "evaluation_page_p50_ms": round(float(np.percentile(ms, 50)), 1),
            "evaluation_page_p95_ms": round(float(np.percentile(ms, 95)), 1),
            "fairness_pages": FAIRNESS_PAGES, "fairness_page_ms": round(float(np.median(fairness)), 1),
            "fairness_page_max_ms": round(max(fairness), 1)}  # fmt: skip


def _page_ms(browser: Browser, path: str) -> float:
    """Request a page and return its server time, or raise unless it answered 200."""
    status, headers, _body = browser.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} answered HTTP {status}")
    return server_ms(headers)
