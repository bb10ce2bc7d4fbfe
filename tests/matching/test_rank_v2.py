"""`rdvm rank` output version 2 (FORMAT.md): counts by rule, near misses, the streamed document."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.models import Trainee, Vacancy
from matching.rank_output import write_document
from matching.ranking import FORMAT, VacancyRanking, rank, ranking_document
from tests.factories import trainee, vacancy
from tests.matching.strategies import CI, pools

VACANCY_KEYS = ["vacancy_id", "candidates", "eligible_count", "ineligible_count", "ineligible_by_rule", "near_misses"]


def hand_pool() -> tuple[list[Trainee], Vacancy]:
    """Four trainees for one SSIAP1 post in Bamako: one eligible, two one rule away, one two rules away."""
    pool = [
        trainee(id="T-A", certifications=["SSIAP1"], training={"overall": 10}),  # eligible
        trainee(id="T-B", certifications=[], training={"overall": 18}),  # no SSIAP1, better than T-A otherwise
        trainee(id="T-C", certifications=["SSIAP1"], home_town="Kayes", training={"overall": 10}),  # mobility
        trainee(id="T-D", certifications=[], home_town="Kayes"),  # two rules: no near miss
    ]
    return pool, vacancy(id="V-1", required_certifications=["SSIAP1"], town="Bamako")


class TestHandChecked:
    def test_counts_and_rules(self) -> None:
        pool, v = hand_pool()
        [r] = rank(pool, [v], lang="en")
        assert [c.trainee_id for c in r.candidates] == ["T-A"]
        assert (r.eligible_count, r.ineligible_count) == (1, 3)
        # T-B and T-D lack SSIAP1, T-C and T-D live in Kayes; equal counts keep FORMAT.md's order.
        assert list(r.ineligible_by_rule.items()) == [("certifications", 2), ("mobility", 2)]

    def test_near_misses_are_the_single_rule_failures_best_first(self) -> None:
        pool, v = hand_pool()
        [r] = rank(pool, [v], lang="en")
        assert [n.to_dict() for n in r.near_misses] == [
            {
                "trainee_id": "T-B",
                "score": r.near_misses[0].score,
                "rule": "certifications",
                "reasons": ["missing required certification SSIAP1"],
            },
            {
                "trainee_id": "T-C",
                "score": r.near_misses[1].score,
                "rule": "mobility",
                "reasons": ["Bamako is outside the trainee's mobility (Kayes and 30 km around)"],
            },
        ]
        # T-B (grade 18) would come before T-A (grade 10); T-C (820 km away) after.
        assert r.would_rank() == [1, 2]

    def test_a_near_miss_scores_what_it_would_as_a_candidate(self) -> None:
        pool, v = hand_pool()
        [r] = rank(pool, [v])
        certified = pool[1].model_copy(update={"certifications": ["SSIAP1"]})
        [after] = rank([certified], [v])
        assert r.near_misses[0].score == after.candidates[0].score

    def test_near_limits_the_list(self) -> None:
        pool, v = hand_pool()
        assert [n.trainee_id for n in rank(pool, [v], near=1)[0].near_misses] == ["T-B"]
        assert rank(pool, [v], near=0)[0].near_misses == []

    def test_ties_are_broken_by_trainee_id(self) -> None:
        twins = [trainee(id=f"T-{c}", certifications=[]) for c in "CAB"]
        [r] = rank(twins, [vacancy(required_certifications=["SST"])])
        assert [n.trainee_id for n in r.near_misses] == ["T-A", "T-B", "T-C"]

    def test_two_missing_certifications_are_one_rule(self) -> None:
        t = trainee(id="T-A", certifications=[])
        [r] = rank([t], [vacancy(required_certifications=["SST", "SSIAP1"])], lang="en")
        assert r.ineligible_by_rule == {"certifications": 1}
        assert [n.rule for n in r.near_misses] == ["certifications"]


class TestDocument:
    def test_schema_fields_exactly(self) -> None:
        pool, v = hand_pool()
        doc = ranking_document(rank(pool, [v]))
        assert list(doc) == ["format", "vacancies"] and doc["format"] == FORMAT == "rdvm-rank/2"
        [entry] = doc["vacancies"]
        assert list(entry) == VACANCY_KEYS
        assert list(entry["candidates"][0]) == ["trainee_id", "score", "components", "reasons"]
        assert list(entry["near_misses"][0]) == ["trainee_id", "score", "rule", "reasons"]
        full = ranking_document(rank(pool, [v]), ineligible=True)["vacancies"][0]
        assert list(full) == [*VACANCY_KEYS, "ineligible"]
        assert [list(x) for x in full["ineligible"]] == [["trainee_id", "reasons"]] * 3

    @pytest.mark.parametrize("ineligible", [False, True])
    def test_the_stream_parses_and_equals_the_document_in_memory(self, ineligible: bool) -> None:
        pool, v = hand_pool()
        vacancies = [v, vacancy(id="V-2", town="Kayes"), vacancy(id="V-3", required_certifications=["SSIAP3"])]
        out = io.BytesIO()
        write_document(rank(pool, vacancies, top=2), out, ineligible=ineligible)
        text = out.getvalue().decode("utf-8")
        assert json.loads(text) == ranking_document(rank(pool, vacancies, top=2), ineligible=ineligible)
        assert text.startswith('{"format":"rdvm-rank/2"') and len(text.splitlines()) == len(vacancies) + 2

    def test_the_stream_of_no_vacancy_is_an_empty_list(self) -> None:
        out = io.BytesIO()
        write_document([], out, ineligible=True)
        assert json.loads(out.getvalue()) == {"format": FORMAT, "vacancies": []}


def single_rule_failures(r: VacancyRanking) -> list[str]:
    """Return the ineligible trainees with exactly one failed rule (one sentence per rule, FORMAT.md)."""
    return [x["trainee_id"] for x in r.ineligible() if len(x["reasons"]) == 1]


class TestProperties:
    @CI
    @given(pools(), st.integers(0, 5))
    def test_counts_add_up_and_near_misses_are_the_single_rule_failures(
        self, pool: tuple[Sequence[Trainee], Sequence[Vacancy]], near: int
    ) -> None:
        trainees, vacancies = pool
        everyone = rank(trainees, vacancies, top=len(trainees), near=len(trainees))
        for full, cut in zip(everyone, rank(trainees, vacancies, near=near), strict=True):
            assert full.eligible_count + full.ineligible_count == len(trainees)
            assert full.ineligible_count == len(full.ineligible())
            counts = list(full.ineligible_by_rule.values())
            assert all(n > 0 for n in counts) and counts == sorted(counts, reverse=True)
            assert max(counts, default=0) <= full.ineligible_count <= sum(counts)
            assert sum(counts) == sum(len(x["reasons"]) for x in full.ineligible())
            assert sorted(n.trainee_id for n in full.near_misses) == sorted(single_rule_failures(full))
            keys = [(-n.score, n.trainee_id) for n in full.near_misses]
            assert keys == sorted(keys) and all(0.0 <= n.score <= 1.0 for n in full.near_misses)
            assert cut.near_misses == full.near_misses[:near]
            for n in full.near_misses:
                assert n.reasons == next(x["reasons"] for x in full.ineligible() if x["trainee_id"] == n.trainee_id)
                assert full.ineligible_by_rule[n.rule] >= 1
