"""Small builders of history records (INDICATORS.md) and a hand-made pilot history whose figures the tests know."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from matching import exchange
from matching.models import Trainee
from profiles import history
from profiles.history import Cohort, FollowUp, Placement

#: Property tests on a shared, busy machine: no deadline, and records cost what they cost to build.
PROPERTIES = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def trainee(trainee_id: str, cohort: str | None = None, completed: bool | None = None, **fields: Any) -> Trainee:
    """Return a trainee of a cohort (or none); dates may be written as text."""
    training = {"cohort": cohort, "completed": completed} if cohort or completed is not None else None
    data = {"id": trainee_id, "full_name": f"Trainee {trainee_id}", "home_town": "Bamako", "training": training}
    return Trainee.model_validate(data | fields)


def cohort(cohort_id: str, **fields: Any) -> Cohort:
    """Return a cohort; dates may be written as text."""
    return Cohort.model_validate({"id": cohort_id} | fields)


def placement(placement_id: str, trainee_id: str, start: str, end: str | None = None, **fields: Any) -> Placement:
    """Return a guard's placement paid 50,000 FCFA a month; an ended one ended with `resigned` unless told."""
    data = {"id": placement_id, "trainee_id": trainee_id, "employer": "Sahel Sécurité", "level": "guard",
            "start_date": start, "end_date": end, "end_reason": "resigned" if end else None,
            "salary_fcfa_month": 50_000}  # fmt: skip
    return Placement.model_validate(data | fields)


def follow_up(placement_id: str, month: int, done_on: str, employment: str | None = "same_employer", **fields: Any) -> FollowUp:
    """Return a follow-up that reached the person (`reached=False` and `employment=None` for one that did not)."""
    data = {"placement_id": placement_id, "month": month, "done_on": done_on, "reached": True, "employment": employment}
    return FollowUp.model_validate(data | fields)


def scores(economic: float, social: float, psychosocial: float) -> dict[str, float]:
    """Return the three reintegration dimensions as follow-up fields."""
    return {"economic": economic, "social": social, "psychosocial": psychosocial}


@dataclass
class Records:
    """A history as records."""

    trainees: list[Trainee]
    placements: list[Placement]
    followups: list[FollowUp]
    cohorts: list[Cohort]

    def write(self, folder: Path, fmt: str) -> dict[str, Path]:
        """Write the four files in one format; return their paths by kind."""
        paths = {kind: folder / f"{kind}.{fmt}" for kind in ("trainees", "placements", "followups", "cohorts")}
        exchange.write(paths["trainees"], self.trainees, "trainees")
        history.write_records(paths["placements"], self.placements, "placements")
        history.write_records(paths["followups"], self.followups, "followups")
        history.write_records(paths["cohorts"], self.cohorts, "cohorts")
        return paths


#: The pilot's evaluation date.
PILOT_AS_OF = "2027-01-31"


def pilot() -> Records:
    """Return the pilot history, evaluated by hand as of 2027-01-31 in tests/profiles/test_indicators.py.

    Cohort 2026-A ended its training on 2026-01-31 and has a budget; 2026-B has neither.
    T1 placed on a month's last day, still employed. T2 placed, resigned, placed again. T3 left for abroad before
    any placement. T4's job ended on its 3-month date, a follow-up finds T4 working at 6 months. T5's placement
    starts after the as-of date. T6's end_date is after it. T7 (no cohort) has a zero-day placement and another
    starting the same day. T8 never placed.
    """
    trainees = [
        trainee("T1", "2026-A", completed=True),
        trainee("T2", "2026-A", completed=True),
        trainee("T3", "2026-A", completed=False, dropped_out_on="2026-04-10", dropout_reason="remigrated"),
        trainee("T4", "2026-A"),
        trainee("T5", "2026-A"),
        trainee("T6", "2026-B"),
        trainee("T7"),
        trainee("T8", "2026-B", completed=True),
    ]
    placements = [
        placement("P1", "T1", "2026-01-31", salary_fcfa_month=45_000),
        placement("P2", "T2", "2026-03-01", "2026-05-15", salary_fcfa_month=38_000),
        placement("P3", "T2", "2026-06-01", "2026-12-31", end_reason="contract_ended"),
        placement("P4", "T4", "2026-02-15", "2026-05-15", end_reason="dismissed", salary_fcfa_month=40_000),
        placement("P5", "T5", "2027-02-01", salary_fcfa_month=30_000),
        placement("P6", "T6", "2026-07-31", "2027-03-01", salary_fcfa_month=60_000),
        placement("P7", "T7", "2026-01-10", "2026-01-10", end_reason="trial_failed", salary_fcfa_month=35_000),
        placement("P8", "T7", "2026-01-10", "2026-12-01", salary_fcfa_month=45_000),
    ]
    followups = [
        follow_up("P1", 1, "2026-03-01", **scores(0.6, 0.6, 0.9)),
        follow_up("P1", 3, "2026-05-02", reached=False, employment=None),
        follow_up("P1", 6, "2026-08-05", **scores(0.5, 0.7, 0.6)),
        follow_up("P1", 12, "2027-02-03", **scores(1, 1, 1)),
        follow_up("P2", 1, "2026-04-03"),
        follow_up("P3", 3, "2026-09-10", employment="other_security_job"),
        follow_up("P3", 6, "2026-12-02", **scores(0.8, 0.9, 1.0)),
        follow_up("P4", 3, "2026-05-15", employment="unemployed"),
        follow_up("P4", 6, "2026-08-20", employment="other_job"),
        follow_up("P5", 1, "2027-03-05"),
        follow_up("P6", 1, "2026-09-02", employment="other_job"),
        follow_up("P6", 3, "2026-11-05", employment="abroad"),
        follow_up("P7", 12, "2027-01-12", employment="unemployed", **scores(0.4, 0.5, 0.6)),
    ]
    cohorts = [
        cohort("2026-A", name="Pilote Bamako", training_start="2025-12-01", training_end="2026-01-31", budget_eur=12_000),
        cohort("2026-B"),
    ]
    return Records(trainees, placements, followups, cohorts)
