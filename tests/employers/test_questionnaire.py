"""The reintegration questionnaire: the shipped file, its checks, and the dimensions' scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from employers import questionnaire as q
from employers.questionnaire import QuestionnaireError


def best(questions: q.Questionnaire, dimension: str) -> dict[str, str]:
    """Return the best answer to every question of a dimension."""
    return {x.id: max(x.options, key=lambda o: o.score).value for x in questions.of(dimension)}


class TestShipped:
    def test_it_has_8_to_12_questions_in_three_dimensions_with_both_languages(self) -> None:
        shipped = q.get_questionnaire()
        assert 8 <= len(shipped.questions) <= 12
        assert {x.dimension for x in shipped.questions} == set(q.DIMENSIONS)
        for x in shipped.questions:
            assert x.fr and x.en and x.indicator and all(o.fr and o.en for o in x.options), x.id
            assert max(o.score for o in x.options) == 1 and min(o.score for o in x.options) == 0, x.id
        assert shipped.dimension_label("psychosocial", "en") == "Psychosocial"

    def test_the_best_and_worst_answers_score_1_and_0(self) -> None:
        shipped = q.get_questionnaire()
        top = {k: v for d in q.DIMENSIONS for k, v in best(shipped, d).items()}
        assert q.scores(shipped, top) == {"economic": 1.0, "social": 1.0, "psychosocial": 1.0}
        bottom = {x.id: min(x.options, key=lambda o: o.score).value for x in shipped.questions}
        assert q.scores(shipped, bottom) == {"economic": 0.0, "social": 0.0, "psychosocial": 0.0}


class TestScores:
    def test_a_dimension_is_the_mean_of_its_answers(self) -> None:
        shipped = q.get_questionnaire()
        answers = {"economic_satisfaction": "satisfied", "economic_food": "sometimes", "economic_borrow": "no",
                   "economic_debt": "no"}  # fmt: skip
        assert q.scores(shipped, answers)["economic"] == round((0.75 + 0.5 + 0 + 1) / 4, 4)

    def test_a_dimension_half_answered_has_no_score(self) -> None:
        shipped = q.get_questionnaire()
        answers = {**best(shipped, "social"), "economic_food": "never"}
        assert q.scores(shipped, answers) == {"economic": None, "social": 1.0, "psychosocial": None}

    def test_an_unknown_answer_is_named_by_its_field(self) -> None:
        shipped = q.get_questionnaire()
        problems = q.check_answers(shipped, {"social_housing": "palace", "social_health": "always", "nope": "x"})
        assert [(p.field, p.code) for p in problems] == [("q_social_housing", "field_choice")]


class TestLoading:
    def write(self, tmp_path: Path, **changes: Any) -> Path:
        data = json.loads(q.DEFAULT_PATH.read_text(encoding="utf-8"))
        data["questions"][0].update(changes)
        path = tmp_path / "questionnaire.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    @pytest.mark.parametrize(
        ("changes", "said"),
        [
            ({"dimension": "spiritual"}, "unknown dimension 'spiritual'"),
            ({"id": "economic_food"}, "question 'economic_food' appears twice"),
            ({"options": [{"value": "a", "fr": "A", "en": "A", "score": 1.5}, {"value": "b", "fr": "B", "en": "B", "score": 0}]},
             "scores 1.5, outside [0, 1]"),
            ({"options": [{"value": "a", "fr": "A", "en": "A", "score": 1}]}, "needs two answers or more"),
        ],
    )  # fmt: skip
    def test_a_malformed_file_is_refused_saying_why(self, tmp_path: Path, changes: dict[str, Any], said: str) -> None:
        with pytest.raises(QuestionnaireError, match=said.replace("[", r"\[").replace("]", r"\]")):
            q.load(self.write(tmp_path, **changes))

    def test_a_missing_key_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "q.json"
        path.write_text(json.dumps({"version": 1, "dimensions": {}, "questions": [{"id": "x"}]}), encoding="utf-8")
        with pytest.raises(QuestionnaireError, match="q.json"):
            q.load(path)
