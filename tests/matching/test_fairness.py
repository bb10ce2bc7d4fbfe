"""The fairness audit (`rdvm fairness`): groups' shares of trainees, eligible pairs and top-list appearances."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matching import exchange, synth
from matching.fairness import (
    UNKNOWN,
    age_bands,
    audit,
    flagged,
    group_labels,
    ratio_to_best,
    tabulate,
)
from matching.models import Trainee, Vacancy
from matching.ranking import rank
from matching.scoring import prepare, score_blocks
from tests.factories import trainee, vacancy

AS_OF = date(2026, 12, 1)


def hand_case() -> tuple[list[Trainee], list[Vacancy]]:
    """13 women, 10 men (the only ones holding SSIAP1) and one trainee of unknown gender (SSIAP1 too), all alike else.

    V-1 asks for nothing: all 24 are eligible and tie, so its top 5 are the first five ids (F-01 … F-05).
    V-2 requires SSIAP1: the 10 men and U-01 are eligible; its top 5 are M-01 … M-05.
    """
    women = [trainee(id=f"F-{i:02d}", gender="F") for i in range(1, 14)]
    men = [trainee(id=f"M-{i:02d}", gender="M", certifications=["SST", "SSIAP1"]) for i in range(1, 11)]
    other = [trainee(id="U-01", certifications=["SST", "SSIAP1"])]
    return [*women, *men, *other], [vacancy(id="V-1"), vacancy(id="V-2", required_certifications=["SSIAP1"])]


class TestAudit:
    def test_the_top_lists_the_hand_case_relies_on(self) -> None:
        found = {r.vacancy_id: [c.trainee_id for c in r.candidates] for r in rank(*hand_case(), top=5)}
        assert found == {"V-1": [f"F-0{i}" for i in range(1, 6)], "V-2": [f"M-0{i}" for i in range(1, 6)]}

    def test_hand_computed_shares_and_ratios(self) -> None:
        found = audit(*hand_case(), by="gender", top=5, as_of=AS_OF).to_dict()
        # Trainees 13/24, 10/24, 1/24. Eligible pairs: V-1 24 + V-2 11 = 35: women 13, men 10 + 10, U-01 2.
        # Appearances: 5 women, 5 men of 10. Per trainee: women 0.5 / (13/24) = 12/13, men 0.5 / (10/24) = 1.2
        # (the best group of ten or more): women 10/13 = 0.7692 < 0.8, flagged; U-01 0, too small to flag.
        assert found == {
            "by": "gender",
            "top": 5,
            "groups": [
                {"group": "F", "trainees": 13, "trainee_share": 0.5417, "eligible_share": 0.3714,
                 "exposure_share": 0.5, "exposure_ratio": 0.7692, "flagged": True},
                {"group": "M", "trainees": 10, "trainee_share": 0.4167, "eligible_share": 0.5714,
                 "exposure_share": 0.5, "exposure_ratio": 1.0, "flagged": False},
                {"group": UNKNOWN, "trainees": 1, "trainee_share": 0.0417, "eligible_share": 0.0571,
                 "exposure_share": 0.0, "exposure_ratio": 0.0, "flagged": False},
            ],
        }  # fmt: skip

    def test_a_longer_top_list_evens_the_exposure(self) -> None:
        groups = audit(*hand_case(), by="gender", top=10, as_of=AS_OF).groups
        # V-1: F-01 … F-10; V-2: M-01 … M-10 (11 eligible). Women 10/20 for 13/24, men 10/20 for 10/24.
        assert [(g.group, g.exposure_share, g.exposure_ratio, g.flagged) for g in groups] == [
            ("F", 0.5, 0.7692, True),
            ("M", 0.5, 1.0, False),
            (UNKNOWN, 0.0, 0.0, False),
        ]

    def test_no_vacancy_leaves_the_shares_undefined(self) -> None:
        groups = audit(hand_case()[0], [], by="gender", top=10, as_of=AS_OF).groups
        assert [(g.trainees, g.eligible_share, g.exposure_share, g.exposure_ratio, g.flagged) for g in groups] == [
            (13, None, None, None, False),
            (10, None, None, None, False),
            (1, None, None, None, False),
        ]

    def test_no_trainee_gives_no_group(self) -> None:
        assert audit([], hand_case()[1], by="region", top=10, as_of=AS_OF).groups == ()


class TestGroups:
    def test_age_bands_in_full_years_at_the_date(self) -> None:
        births = [date(2001, 12, 2), date(2001, 12, 1), date(1992, 1, 1), date(1982, 12, 1), date(1950, 5, 5), None]
        assert age_bands(births, AS_OF) == ["<25", "25-34", "25-34", "35-44", "45+", UNKNOWN]

    def test_regions_of_origin_come_from_the_gazetteer(self) -> None:
        people = [trainee(home_town="Kayes"), trainee(home_town="Bamako"), trainee(home_town="Quartier Inconnu")]
        assert group_labels(people, "region", as_of=AS_OF) == ["Kayes", "District de Bamako", UNKNOWN]

    def test_cohort_and_literacy(self) -> None:
        people = [trainee(literacy="none"), trainee(training=None), trainee(training={"cohort": "2026-B"})]
        assert group_labels(people, "literacy", as_of=AS_OF) == ["none", "functional", "functional"]
        assert group_labels(people, "cohort", as_of=AS_OF) == ["2026-A", UNKNOWN, "2026-B"]

    def test_groups_in_natural_order_unknown_last(self) -> None:
        labels = ["45+", UNKNOWN, "<25", "35-44", "<25"]
        found = tabulate("age_band", 10, labels, np.zeros(5, dtype=np.int64), np.zeros(5, dtype=np.int64))
        assert [(g.group, g.trainees) for g in found.groups] == [("<25", 2), ("35-44", 1), ("45+", 1), (UNKNOWN, 1)]


class TestFourFifths:
    def test_the_best_is_chosen_among_groups_of_ten_or_more(self) -> None:
        values, sizes = np.array([1.0, 3.0, 0.7]), np.array([10, 9, 12])
        assert ratio_to_best(values, sizes) == pytest.approx([1.0, 3.0, 0.7])
        assert flagged(ratio_to_best(values, sizes), sizes).tolist() == [False, False, True]

    def test_exactly_four_fifths_is_not_flagged(self) -> None:
        sizes = np.array([10, 10])
        assert flagged(ratio_to_best(np.array([1.0, 0.8]), sizes), sizes).tolist() == [False, False]

    def test_without_a_group_of_ten_no_ratio(self) -> None:
        assert np.isnan(ratio_to_best(np.array([1.0, 0.5]), np.array([9, 9]))).all()


def synthetic(seed: int) -> tuple[list[Trainee], list[Vacancy]]:
    """Return synthetic trainees and vacancies, validated and normalised like a file's."""
    made = synth.generate(trainees=120, vacancies=40, seed=seed)
    return (
        exchange.parse_text(synth.json_text(made[0], "trainees"), kind="trainees", source="t", fmt="json").records,
        exchange.parse_text(synth.json_text(made[1], "vacancies"), kind="vacancies", source="v", fmt="json").records,
    )


def scores(trainees: list[Trainee], vacancies: list[Vacancy]) -> list[np.ndarray]:
    """Return every block's score and near-miss matrices."""
    return [m for b in score_blocks(prepare(trainees, vacancies)) for m in (b.score, b.near)]


FLIPPED = {"F": "M", "M": "F", None: "F"}


class TestGenderIsNotScored:
    @settings(max_examples=6, deadline=None)
    @given(seed=st.integers(min_value=0, max_value=100_000), removed=st.booleans())
    def test_scores_and_rankings_do_not_change_with_gender(self, seed: int, removed: bool) -> None:
        trainees, vacancies = synthetic(seed)
        assume(len({t.gender for t in trainees}) > 1)
        # Removed: the birth date too (the age bands' source is not scored either).
        changed = {"gender": None, "birth_date": None} if removed else {}
        other = [t.model_copy(update=changed or {"gender": FLIPPED[t.gender]}) for t in trainees]
        assert [t.gender for t in other] != [t.gender for t in trainees]
        before, after = scores(trainees, vacancies), scores(other, vacancies)
        assert len(before) == len(after) and all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
        ranked = [r.to_dict(ineligible=True) for r in rank(trainees, vacancies, top=20)]
        assert ranked == [r.to_dict(ineligible=True) for r in rank(other, vacancies, top=20)]
        assert any(r["candidates"] for r in ranked)  # something was ranked
