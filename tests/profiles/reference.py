"""A plain per-trainee reading of INDICATORS.md, to check the vectorised one against, and random histories for it.

Written from the contract's table line by line, with Python dates and loops (slow, and meant to be obvious).
"""

from __future__ import annotations

import calendar
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from matching.models import Trainee
from profiles.history import Cohort, FollowUp, Placement
from tests.profiles.factories import Records

EMPLOYED = {"same_employer", "other_security_job", "other_job"}
MINIMUM_WAGE = {"ML": 40_000, "SN": 64_223}  # the packs' SMIG (Senegal: décret n° 2023-1710)


def plus_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def reference_evaluate(records: Records, as_of: date) -> dict[str, Any]:
    """Return the `rdvm evaluate` document, computed trainee by trainee."""
    cohorts = {c.id: c for c in records.cohorts}
    scopes: dict[str, list[Trainee]] = {c.id: [] for c in records.cohorts}
    for t in records.trainees:
        if t.training and t.training.cohort in scopes:
            scopes[t.training.cohort].append(t)
    return {
        "as_of": as_of.isoformat(),
        "version": 1,
        "overall": _scope(records, records.trainees, cohorts, [c.budget_eur for c in records.cohorts], as_of),
        "cohorts": {cid: _scope(records, members, cohorts, [cohorts[cid].budget_eur], as_of) for cid, members in scopes.items()},
    }


def _end(p: Placement, as_of: date) -> date | None:
    return p.end_date if p.end_date is not None and p.end_date <= as_of else None


def _scope(
    records: Records, trainees: list[Trainee], cohorts: dict[str, Cohort], budgets: list[float | None], as_of: date
) -> dict[str, Any]:
    placements: dict[str, list[Placement]] = defaultdict(list)
    for p in records.placements:
        if p.start_date <= as_of:
            placements[p.trainee_id].append(p)
    followups: dict[str, list[FollowUp]] = defaultdict(list)
    for f in records.followups:
        if f.done_on <= as_of:
            followups[f.placement_id].append(f)
    out: dict[str, Any] = dict.fromkeys(("completed_training", "dropped_out", "placed", "remigrated"), 0)
    days, salaries, durations, below, unknown_wage = [], [], [], 0, False
    employed = {m: [0, 0] for m in (3, 6, 12)}
    due = done = reached = 0
    score = {6: [], 12: []}
    for t in trainees:
        cohort = cohorts.get(t.training.cohort) if t.training and t.training.cohort else None
        mine = placements[t.id]
        mine_followups = [f for p in mine for f in followups[p.id]]
        dropped = t.dropped_out_on is not None and t.dropped_out_on <= as_of
        out["completed_training"] += bool(t.training and t.training.completed)
        out["dropped_out"] += dropped
        out["remigrated"] += (
            any(_end(p, as_of) is not None and p.end_reason == "remigrated" for p in mine)
            or any(f.employment == "abroad" for f in mine_followups)
            or (dropped and t.dropout_reason == "remigrated")
        )
        wage = MINIMUM_WAGE.get(cohort.country if cohort else "ML")
        unknown_wage |= wage is None and bool(mine)
        below += sum(wage is not None and p.salary_fcfa_month < wage for p in mine)
        for p in mine:
            pairs = {f.month: f for f in followups[p.id]}
            for m in (1, 3, 6, 12):
                if plus_months(p.start_date, m) <= as_of:
                    due += 1
                    done += m in pairs
                    reached += m in pairs and pairs[m].reached
        for f in mine_followups:
            if f.month in score and f.reached and None not in (f.economic, f.social, f.psychosocial):
                score[f.month].append((f.economic + f.social + f.psychosocial) / 3)  # type: ignore[operator]
        if not mine:
            continue
        first = sorted(mine, key=lambda p: (p.start_date, _end(p, as_of) or date.max, p.id))[0]
        out["placed"] += 1
        salaries.append(first.salary_fcfa_month)
        if cohort is not None and cohort.training_end is not None:
            days.append((first.start_date - cohort.training_end).days)
        end = _end(first, as_of)
        durations.append(((end - first.start_date).days, True) if end else ((as_of - first.start_date).days, False))
        for m, counts in employed.items():
            d = plus_months(first.start_date, m)
            if d <= as_of:
                counts[1] += 1
                counts[0] += any(p.start_date <= d and (_end(p, as_of) is None or _end(p, as_of) > d) for p in mine) or any(
                    f.month == m and f.reached and f.employment in EMPLOYED for f in mine_followups
                )
    n = len(trainees)
    result = {
        "trainees": n,
        "completed_training": out["completed_training"],
        "dropped_out": out["dropped_out"],
        "placed": out["placed"],
        "placement_rate": _round(out["placed"] / n if n else None, 4),
        "median_days_to_placement": _round(statistics.median(days) if days else None, 2),
    }
    for m, (yes, base) in employed.items():
        result[f"employed_at_{m}m"] = _round(yes / base if base else None, 4)
        result[f"employed_at_{m}m_base"] = base
    result |= {
        "retention_12m_km": _kaplan_meier(durations),
        "remigrated": out["remigrated"],
        "mean_start_salary_fcfa": _round(sum(salaries) / len(salaries) if salaries else None, 2),
        "placements_below_minimum_wage": None if unknown_wage else below,
        "followups_due": due,
        "followups_done": done,
        "followups_reached": reached,
        "reintegration_score_6m": _round(sum(score[6]) / len(score[6]) if score[6] else None, 4),
        "reintegration_score_12m": _round(sum(score[12]) / len(score[12]) if score[12] else None, 4),
    }
    jobs = employed[12][0]
    cost = None if not budgets or None in budgets or jobs == 0 else sum(b for b in budgets if b is not None) / jobs
    result["cost_per_job_at_12m_eur"] = _round(cost, 2)
    return result


def _kaplan_meier(durations: list[tuple[int, bool]]) -> float | None:
    if not durations:
        return None
    events = Counter(d for d, ended in durations if ended and d <= 365)
    survival = 1.0
    for t in sorted(events):
        survival *= 1 - events[t] / sum(d >= t for d, _ in durations)
    return round(survival, 4)


# ---------------------------------------------------------------- random histories

START = date(2025, 1, 1)
#: (reached, employment) of a follow-up.
ANSWERS = ((False, None), (True, "same_employer"), (True, "other_job"), (True, "unemployed"), (True, "abroad"))


@st.composite
def random_history(draw: st.DrawFn) -> tuple[Records, date]:
    """Return a small valid history (placements one after another) and an as-of date within it."""
    cohorts = [
        Cohort(
            id=f"C{j}",
            country=draw(st.sampled_from(("ML", "ML", "ML", "SN", "GN"))),
            training_end=draw(st.none() | st.dates(START - timedelta(days=60), START + timedelta(days=60))),
            budget_eur=draw(st.none() | st.integers(0, 50_000).map(float)),
        )
        for j in range(draw(st.integers(0, 3)))
    ]
    trainees, placements, followups = [], [], []
    for i in range(draw(st.integers(0, 6))):
        names = [c.id for c in cohorts] + [None]
        dropped = draw(st.none() | st.dates(START, START + timedelta(days=900)))
        trainees.append(
            Trainee.model_validate(
                {
                    "id": f"T{i}",
                    "full_name": "x",
                    "home_town": "Kati",
                    "training": {"cohort": draw(st.sampled_from(names)), "completed": draw(st.sampled_from((True, False, None)))},
                    "dropped_out_on": dropped,
                    "dropout_reason": draw(st.sampled_from(("remigrated", "health"))) if dropped else None,
                }
            )  # fmt: skip
        )
        day = START + timedelta(days=draw(st.integers(0, 120)))
        for k in range(draw(st.integers(0, 3))):
            pid = f"P{i}-{k}"
            length = draw(st.none() | st.integers(0, 500))
            end = day + timedelta(days=length) if length is not None else None
            placements.append(
                Placement(
                    id=pid,
                    trainee_id=f"T{i}",
                    employer="E",
                    level="guard",
                    start_date=day,
                    end_date=end,
                    end_reason=draw(st.sampled_from(("remigrated", "resigned"))) if end else None,
                    salary_fcfa_month=draw(st.sampled_from((30_000, 40_000, 55_000))),
                )  # fmt: skip
            )
            for month in draw(st.lists(st.sampled_from((1, 3, 6, 12)), unique=True, max_size=4)):
                reached, employment = draw(st.sampled_from(ANSWERS))
                done_on = plus_months(day, month) + timedelta(days=draw(st.integers(-20, 40)))
                economic = draw(st.sampled_from((None, 0.0, 0.25, 0.5, 1.0)))
                followups.append(
                    FollowUp(
                        placement_id=pid,
                        month=month,
                        done_on=done_on,
                        reached=reached,
                        employment=employment,
                        economic=economic,
                        social=0.5,
                        psychosocial=0.75,
                    )  # fmt: skip
                )
            if end is None:
                break
            day = end + timedelta(days=draw(st.integers(0, 90)))
    as_of = START + timedelta(days=draw(st.integers(0, 1000)))
    return Records(trainees, placements, followups, cohorts), as_of
