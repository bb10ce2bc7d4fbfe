"""The evaluation pages' figures (profiles.evaluation) on the hand-computed pilot of tests/profiles/factories.py."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from profiles import evaluation
from profiles.evaluation import Scope, age_band, evaluate_scope, initials, region_of_town
from profiles.history import History
from tests.profiles.factories import PILOT_AS_OF, Records, cohort, follow_up, pilot, placement, trainee

AS_OF = date.fromisoformat(PILOT_AS_OF)


def history(records: Records) -> History:
    """Return records as a checked history."""
    return History(records.trainees, records.placements, records.followups, records.cohorts, [])


@pytest.fixture(scope="module")
def pilot_evaluation() -> evaluation.Evaluation:
    return evaluate_scope(history(pilot()), Scope(as_of=AS_OF))


class TestFunnel:
    def test_per_cohort_and_overall(self, pilot_evaluation: evaluation.Evaluation) -> None:
        rows = {row["scope"]: row for row in pilot_evaluation.funnel}
        assert list(rows) == ["2026-A", "2026-B", "overall"]
        # 2026-A: T1..T5; completed T1, T2; placed T1, T2, T4 (T5 after as_of); T3 dropped out for remigrated.
        # At 3 months T4 is not employed (P4 ended on D); at 6 its follow-up says other_job; at 12 only T1 is observable.
        assert rows["2026-A"] == {
            "scope": "2026-A", "trainees": 5, "completed_training": 2, "placed": 3, "dropped_out": 1, "remigrated": 1,
            "employed_at_3m": 2, "employed_at_3m_base": 3, "employed_at_6m": 3, "employed_at_6m_base": 3,
            "employed_at_12m": 1, "employed_at_12m_base": 1,
        }  # fmt: skip
        assert (rows["overall"]["employed_at_12m"], rows["overall"]["employed_at_12m_base"]) == (1, 2)  # T1 of T1, T7

    def test_people_behind_the_figures(self, pilot_evaluation: evaluation.Evaluation) -> None:
        ids = {name: evaluation.people_of(pilot_evaluation, name) for name in ("placed", "remigrated", "employed_at_3m")}
        assert ids == {
            "placed": ["T1", "T2", "T4", "T6", "T7"],
            "remigrated": ["T3", "T6"],
            "employed_at_3m": ["T1", "T2", "T6", "T7"],
        }
        assert evaluation.people_of(pilot_evaluation, "employed_at_12m_base@cohort:2026-A") == ["T1"]
        assert evaluation.people_of(pilot_evaluation, "no such figure") == []


class TestKaplanMeier:
    def test_curve_and_numbers_at_risk(self, pilot_evaluation: evaluation.Evaluation) -> None:
        km = pilot_evaluation.km
        # durations 0, 75, 89 (events), 184, 365 (censored): 4/5, then · 3/4, then · 2/3
        assert km.steps == [(0, 1.0), (0, 0.8), (75, 0.6), (89, 0.4)]
        assert km.at_risk == [(0, 5), (30, 4), (91, 2), (182, 2), (273, 1), (365, 1)]
        assert (km.events, km.censored) == (3, 2)
        assert km.survival_at(365) == pilot_evaluation.figures["overall"]["retention_12m_km"] == 0.4
        assert km.survival_at(80) == 0.6

    def test_censored_only_and_empty(self) -> None:
        km = evaluation.kaplan_meier_curve(np.array([10, 400]), np.array([False, False]))
        assert km.steps == [(0, 1.0)] and km.survival_at(365) == 1.0 and km.at_risk[0] == (0, 2)
        assert evaluation.kaplan_meier_curve(np.array([], dtype=np.int64), np.array([], dtype=bool)).at_risk[0] == (0, 0)


class TestGroups:
    def test_by_cohort(self, pilot_evaluation: evaluation.Evaluation) -> None:
        groups = {g.key: (g.placed, g.employed, g.base) for g in pilot_evaluation.groups["cohort"]}
        assert groups == {
            "2026-A": (3, {3: 2, 6: 3, 12: 1}, {3: 3, 6: 3, 12: 1}),
            "2026-B": (1, {3: 1, 6: 1, 12: 0}, {3: 1, 6: 1, 12: 0}),  # T6's D6 is the as-of date: observable
            "—": (1, {3: 1, 6: 1, 12: 0}, {3: 1, 6: 1, 12: 1}),  # T7, without a cohort
        }

    def test_by_level_region_and_employer(self) -> None:
        records = pilot()
        records.placements[0] = placement("P1", "T1", "2026-01-31", level="supervisor", town="segou", employer="Garde Plus")
        found = evaluate_scope(history(records), Scope(as_of=AS_OF))
        level = {g.key: (g.placed, g.rate(12)) for g in found.groups["level"]}
        assert level == {"guard": (4, 0.0), "supervisor": (1, 1.0)}
        assert [(g.key, g.placed) for g in found.groups["region"]] == [("Ségou", 1), ("—", 4)]
        assert [(g.key, g.placed) for g in found.groups["employer"]] == [("Garde Plus", 1), ("Sahel Sécurité", 4)]
        assert [g.rate(12) for g in found.groups["region"]] == [1.0, 0.0]


class TestDistributions:
    def test_days_to_placement(self, pilot_evaluation: evaluation.Evaluation) -> None:
        # T1 0, T2 29, T4 15 days after 2026-A's training_end; 2026-B has no training_end, T7 no cohort
        assert [(b.label, b.count) for b in pilot_evaluation.days_to_placement] == [
            ("< 0", 0), ("0–30", 3), ("31–60", 0), ("61–90", 0), ("91–180", 0), ("≥ 181", 0)
        ]  # fmt: skip

    def test_start_salaries_against_the_minimum_wage(self, pilot_evaluation: evaluation.Evaluation) -> None:
        # first placements: 45,000, 38,000, 40,000, 60,000, 35,000 against 40,000
        assert [(b.label, b.count) for b in pilot_evaluation.wages] == [
            ("0×–1×", 2),
            ("1×–1.25×", 2),
            ("1.25×–1.5×", 0),
            ("≥ 1.5×", 1),
        ]
        assert pilot_evaluation.minimum_wage == 40_000

    def test_reintegration_by_dimension(self, pilot_evaluation: evaluation.Evaluation) -> None:
        # month 6: P1 (0.5, 0.7, 0.6), P3 (0.8, 0.9, 1.0); month 12: P7 only (P1's is after as_of)
        assert pilot_evaluation.reintegration == {
            6: {"economic": 0.65, "social": 0.8, "psychosocial": 0.8, "overall": 0.75},
            12: {"economic": 0.4, "social": 0.5, "psychosocial": 0.6, "overall": 0.5},
        }
        assert pilot_evaluation.reintegration_count == {6: 2, 12: 1}
        assert pilot_evaluation.reintegration[6]["overall"] == pilot_evaluation.figures["overall"]["reintegration_score_6m"]

    def test_costs_with_a_missing_budget(self, pilot_evaluation: evaluation.Evaluation) -> None:
        assert pilot_evaluation.costs == [
            {"scope": "2026-A", "budget_eur": 12_000, "jobs_at_12m": 1, "cost_per_job_at_12m_eur": 12_000.0},
            {"scope": "2026-B", "budget_eur": None, "jobs_at_12m": 0, "cost_per_job_at_12m_eur": None},
            {"scope": "overall", "budget_eur": None, "jobs_at_12m": 1, "cost_per_job_at_12m_eur": None},  # 2026-B unbudgeted
        ]


class TestScope:
    def test_by_cohort(self) -> None:
        found = evaluate_scope(history(pilot()), Scope(as_of=AS_OF, cohort="2026-B"))
        assert found.codes == ["T6", "T8"]
        assert found.figures["overall"]["trainees"] == 2 and list(found.figures["cohorts"]) == ["2026-B"]

    def test_by_country_leaves_out_trainees_without_a_cohort(self) -> None:
        records = pilot()
        records.cohorts.append(cohort("2027-SN", country="SN", budget_eur=1000))
        records.trainees.append(trainee("T9", "2027-SN"))
        found = evaluate_scope(history(records), Scope(as_of=AS_OF, country="ML"))
        assert "T7" not in found.codes and "T9" not in found.codes
        assert list(found.figures["cohorts"]) == ["2026-A", "2026-B"]

    def test_as_of_date_moves_the_figures(self) -> None:
        # a month earlier, T1's 12-month date (2027-01-31) is not observable yet
        found = evaluate_scope(history(pilot()), Scope(as_of=date(2027, 1, 15)))
        assert found.figures["overall"]["employed_at_12m_base"] == 1  # T7 only (its D12 is 2027-01-10)

    def test_follow_up_after_the_as_of_date_counts_nowhere(self) -> None:
        records = Records([trainee("A", "C")], [placement("PA", "A", "2026-01-31", "2026-03-01")],
                          [follow_up("PA", 6, "2026-09-01", employment="other_job")], [cohort("C", budget_eur=500)])  # fmt: skip
        before = evaluate_scope(history(records), Scope(as_of=date(2026, 8, 31)))
        after = evaluate_scope(history(records), Scope(as_of=date(2026, 9, 1)))
        assert (before.funnel[0]["employed_at_6m"], after.funnel[0]["employed_at_6m"]) == (0, 1)  # D6 = 2026-07-31
        assert (before.costs[0]["cost_per_job_at_12m_eur"], after.costs[0]["cost_per_job_at_12m_eur"]) == (None, None)


class TestPseudonyms:
    def test_parts(self) -> None:
        assert initials("Awa  Traoré-Keïta") == "A. T. K."
        assert [age_band(date(2000, 6, 1), date(2025, d, 1)) for d in (5, 6)] == ["<25", "25–34"]
        assert age_band(date(1980, 1, 1), date(2026, 1, 1)) == "45+" and age_band(None, AS_OF) == "—"
        assert region_of_town("Segou") == "Ségou" and region_of_town("Atlantis") == "—" and region_of_town(None) == "—"

    def test_no_name_birth_date_or_phone(self) -> None:
        t = trainee("T1", full_name="Awa Traoré", birth_date="1990-02-03", phone="+22370000000", home_town="Kayes")
        shown = evaluation.pseudonym(t, AS_OF)
        assert shown == {"code": "T1", "initials": "A. T.", "age_band": "35–44", "region": "Kayes"}
