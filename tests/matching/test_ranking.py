"""Rankings a placement officer would agree with, and the rank output contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import exchange
from matching.components import NAMES
from matching.config import ScoringConfig
from matching.models import Trainee, Vacancy
from matching.ranking import rank, ranking_document, top_k
from tests.factories import trainee, vacancy

DATA = Path(__file__).parent.parent / "data"


def order(trainees: list[Trainee], v: Vacancy) -> list[str]:
    [ranking] = rank(trainees, [v], top=len(trainees))
    return [c.trainee_id for c in ranking.candidates]


class TestOrderings:
    def test_required_skills_come_first(self) -> None:
        v = vacancy(required_skills=["fire_safety", "evacuation"])
        has = trainee(id="T-B", skills=["fire_safety", "evacuation"])
        lacks = trainee(id="T-A", skills=["reception"])
        assert order([lacks, has], v) == ["T-B", "T-A"]

    def test_the_nearer_trainee_comes_first(self) -> None:
        v = vacancy(town="Ségou")
        near = trainee(id="T-B", home_town="Ségou", mobility="country")
        far = trainee(id="T-A", home_town="Kayes", mobility="country")
        assert order([far, near], v) == ["T-B", "T-A"]

    def test_a_better_grade_comes_first(self) -> None:
        good = trainee(id="T-B", training={"overall": 17})
        weak = trainee(id="T-A", training={"overall": 9})
        assert order([weak, good], vacancy()) == ["T-B", "T-A"]

    def test_more_experience_for_a_supervisor_post(self) -> None:
        v = vacancy(level="supervisor", min_experience_years=1)
        senior = trainee(id="T-B", experience=[{"years": 6, "sector": "security"}])
        junior = trainee(id="T-A", experience=[{"years": 1, "sector": "security"}])
        assert order([junior, senior], v) == ["T-B", "T-A"]

    def test_late_availability_lowers_the_score(self) -> None:
        v = vacancy(start_date="2027-01-01")
        ready = trainee(id="T-B", available_from="2026-12-01")
        late = trainee(id="T-A", available_from="2027-02-15")
        assert order([late, ready], v) == ["T-B", "T-A"]

    def test_ties_are_broken_by_trainee_id(self) -> None:
        twins = [trainee(id=f"T-{c}") for c in "CAB"]
        assert order(twins, vacancy()) == ["T-A", "T-B", "T-C"]


class TestOutput:
    @pytest.mark.parametrize("level", ["guard", "supervisor", "manager"])
    def test_components_and_score_in_range_and_weighted_by_the_posts_level(self, level: str) -> None:
        [ranking] = rank([trainee(), trainee(home_town="Kati")], [vacancy(level=level)], top=5)
        weights = ScoringConfig().weights_by_level
        assert weights is not None
        for c in ranking.candidates:
            assert set(c.components) == set(NAMES)
            assert all(0.0 <= x <= 1.0 for x in c.components.values())
            expected = sum(weights[level][k] * c.components[k] for k in NAMES) / sum(weights[level].values())
            assert c.score == pytest.approx(expected, abs=1e-3)

    def test_top_limits_candidates_but_not_ineligible(self) -> None:
        pool = [trainee() for _ in range(5)] + [trainee(certifications=[]) for _ in range(3)]
        [ranking] = rank(pool, [vacancy(required_certifications=["SST"])], top=2)
        assert len(ranking.candidates) == 2 and len(ranking.ineligible()) == 3
        assert ranking.eligible_count == 5 and ranking.ineligible_count == 3

    def test_reasons_say_what_raised_and_lowered_the_score(self) -> None:
        v = vacancy(required_certifications=["SSIAP1"], required_skills=["fire_safety"], town="Bamako")
        t = trainee(
            certifications=["SSIAP2"],
            skills=["fire_safety"],
            home_town="Kati",
            training={"overall": 8},
            experience=[{"years": 5, "sector": "security"}],
        )
        [ranking] = rank([t], [v], lang="en")
        reasons = ranking.candidates[0].reasons
        assert reasons[0] == "holds SSIAP2, which covers SSIAP1 (required)"  # says what is held (issue 13)
        assert "has 1 of the 1 required skills" in reasons
        assert "low training grade (8/20)" in reasons

    def test_vacancy_with_nobody_eligible(self) -> None:
        [ranking] = rank([trainee()], [vacancy(required_certifications=["SSIAP3"])])
        assert ranking.candidates == [] and ranking.to_dict(ineligible=True)["ineligible"][0]["reasons"]


def load_pair(trainees: Path, vacancies: Path) -> tuple[list[Any], list[Any]]:
    return exchange.load(trainees, "trainees").records, exchange.load(vacancies, "vacancies").records


class TestFiles:
    def test_csv_and_json_rank_the_same(self, tmp_path: Path) -> None:
        t, v = load_pair(DATA / "trainees.json", DATA / "vacancies.json")
        exchange.write(tmp_path / "t.csv", t, "trainees")
        exchange.write(tmp_path / "v.csv", v, "vacancies")
        t_csv, v_csv = load_pair(tmp_path / "t.csv", tmp_path / "v.csv")
        assert ranking_document(rank(t_csv, v_csv, top=10)) == ranking_document(rank(t, v, top=10))

    def test_ranking_is_deterministic_whatever_the_input_order(self) -> None:
        t, v = load_pair(DATA / "trainees.json", DATA / "vacancies.json")
        first = ranking_document(rank(t, v, top=10))
        assert ranking_document(rank(list(reversed(t)), v, top=10)) == first

    def test_blocks_give_the_same_result_as_one_pass(self) -> None:
        from matching.ranking import rank_prepared
        from matching.scoring import prepare

        t, v = load_pair(DATA / "trainees.json", DATA / "vacancies.json")
        p = prepare(t, v)
        whole = ranking_document(list(rank_prepared(p, top=10)))
        assert ranking_document(list(rank_prepared(p, top=10, pairs=len(t)))) == whole


def test_failure_counts_show_which_requirement_excludes_most() -> None:
    pool = [trainee(certifications=[]), trainee(certifications=[], home_town="Kayes"), trainee(home_town="Kayes")]
    [ranking] = rank(pool, [vacancy(required_certifications=["SST"])], lang="en")
    assert ranking.failure_counts() == [
        ("Bamako is outside their mobility", 2),  # equal counts: alphabetical
        ("missing required certification SST", 2),
    ]


def sorted_top(score: np.ndarray, k: int) -> list[list[int]]:
    """Return, per row, the columns of the k best eligible scores by a plain sort (score down, column up)."""
    return [[c for c in sorted(range(len(row)), key=lambda c: (-row[c], c))[:k] if row[c] >= 0] for row in score.tolist()]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.integers(0, 5),
    st.integers(0, 40),
    st.sampled_from((0.0, 0.5, 0.5, 0.5, 1.0, 1.0)),
    st.sampled_from((0, 1, 3)),
    st.integers(0, 60),
    st.integers(0, 2**32 - 1),
)
def test_top_k_equals_a_plain_sort(rows: int, cols: int, ineligible: float, ties: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    score = np.round(rng.random((rows, cols)), 4) if ties == 0 else rng.integers(0, ties + 1, (rows, cols)) / max(ties, 1)
    score[rng.random((rows, cols)) < ineligible * rng.random()] = -1.0
    found = top_k(score, k, 4)
    assert [list(map(int, f)) for f in found] == sorted_top(score, k)
    assert all(f.dtype == np.intp for f in found)


class TestModuleGrades:
    """A trainee graded per module but given no overall grade is scored on the modules' plain mean (a file has no weights)."""

    def test_modules_without_an_overall_grade_are_averaged(self) -> None:
        graded = trainee(id="T-A", training={"modules": {"secourisme": 19, "incendie": 17, "droit": 18}})
        [ranking] = rank([graded], [vacancy()], top=1)
        assert ranking.candidates[0].components["training"] == pytest.approx(18 / 20)

    def test_an_overall_grade_wins_over_the_modules(self) -> None:
        graded = trainee(id="T-A", training={"overall": 12, "modules": {"secourisme": 19, "incendie": 19}})
        [ranking] = rank([graded], [vacancy()], top=1)
        assert ranking.candidates[0].components["training"] == pytest.approx(12 / 20)

    def test_a_trainee_with_19_in_every_module_outranks_one_without_grades(self) -> None:
        strong = trainee(id="T-B", training={"modules": {"secourisme": 19, "incendie": 19}})
        unknown = trainee(id="T-A", training={"cohort": "2026-A"})
        assert order([unknown, strong], vacancy()) == ["T-B", "T-A"]

    def test_the_reason_gives_the_modules_mean(self) -> None:
        strong = trainee(id="T-A", training={"modules": {"secourisme": 19, "incendie": 18}})
        [ranking] = rank([strong], [vacancy()], top=1, lang="fr")
        assert "note de formation 18,5/20" in ranking.candidates[0].reasons
