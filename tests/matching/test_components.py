"""The registry of score components: what each declaration promises the rest of the engine and the pages."""

from __future__ import annotations

from datetime import date

import pytest

from matching.components import BY_LEVEL, BY_NAME, COMPONENTS, NAMES, applying
from matching.config import DEFAULT_WEIGHTS, ScoringConfig, with_weights
from matching.explain import Explainer
from matching.messages import CATALOGUE, LANGS, Lang
from matching.models import LEVELS
from matching.scoring import prepare
from tests.factories import trainee, vacancy


class TestDeclarations:
    def test_names_are_unique_and_give_the_default_weights(self) -> None:
        assert len(set(NAMES)) == len(NAMES)
        assert list(BY_LEVEL) == list(LEVELS)
        for level, scoring in BY_LEVEL.items():  # one declaration per level, weighing every component
            assert list(scoring.weights) == list(NAMES), level
            assert sum(scoring.weights.values()) == pytest.approx(1.0), level
        assert ScoringConfig().weights_by_level == {level: s.weights for level, s in BY_LEVEL.items()}
        mean = {name: sum(s.weights[name] for s in BY_LEVEL.values()) / len(BY_LEVEL) for name in NAMES}
        assert dict(DEFAULT_WEIGHTS) == pytest.approx(mean, abs=1e-4)
        assert ScoringConfig().weights == DEFAULT_WEIGHTS

    def test_weights_given_as_one_set_apply_at_every_level(self) -> None:
        rows = ScoringConfig(weights={"proximity": 1.0, "level": 3.0}).weight_rows()
        assert rows.tolist() == [[0.25 if n == "proximity" else 0.75 if n == "level" else 0.0 for n in NAMES]] * len(LEVELS)
        assert with_weights(dict(DEFAULT_WEIGHTS), 3).weights_by_level is None

    def test_a_weight_must_name_a_declared_component(self) -> None:
        with pytest.raises(ValueError, match="known components"):
            ScoringConfig(weights={"height": 1.0})

    def test_every_component_has_a_name_on_the_pages_in_each_language(self) -> None:
        for name in NAMES:
            assert all(CATALOGUE[f"component_{name}"][lang] for lang in LANGS), name


class TestApplies:
    def test_a_vacancy_that_leaves_a_field_empty_leaves_its_component_out(self) -> None:
        bare = vacancy()  # no skills, certifications, start date or shift asked
        assert not {"skills", "preferred_skills", "certifications", "availability", "shift"} & set(applying(bare))
        assert {"text", "experience", "training", "proximity", "level", "languages"} <= set(applying(bare))
        full = vacancy(
            required_skills=["patrol"],
            preferred_skills=["first_aid"],
            preferred_certifications=["SST"],
            start_date="2027-03-01",
            shift="night",
        )
        assert applying(full) == list(NAMES)

    def test_any_object_with_the_fields_will_do(self) -> None:
        class Stored:  # the database's vacancy has the exchange fields under the same names
            required_skills = ["patrol"]
            preferred_skills: list[str] = []
            preferred_certifications: list[str] = []
            start_date = date(2027, 3, 1)
            shift = None

        assert "skills" in applying(Stored()) and "availability" in applying(Stored())
        assert not {"preferred_skills", "certifications", "shift"} & set(applying(Stored()))

    def test_a_wish_left_empty_is_the_trainees_own(self) -> None:
        assert BY_NAME["level"].left_empty(trainee()) and not BY_NAME["level"].left_empty(trainee(preferred_levels=["guard"]))
        assert BY_NAME["shift"].left_empty(trainee()) and not BY_NAME["skills"].left_empty(trainee())


@pytest.mark.parametrize("lang", LANGS)
def test_each_component_explains_a_pair_both_ways(lang: Lang) -> None:
    """Every declared reason writes a sentence, raised or lowered, from the catalogue of the language."""
    v = vacancy(
        required_skills=["patrol", "cctv_monitoring"],
        preferred_skills=["first_aid"],
        preferred_certifications=["SSIAP1"],
        required_languages=[{"language": "fr", "level": "basic"}],
        start_date="2027-01-10",
        shift="night",
        town="Ségou",
    )
    t = trainee(available_from="2027-02-01", preferred_levels=["supervisor"], preferred_shifts=["day"])
    p = prepare([t], [v])
    e = Explainer(p, lang)
    v, t = p.vacancies.records[0], p.trainees.records[0]
    sentences = {(c.name, high): c.reason(e, high, v, t) for c in COMPONENTS for high in (True, False)}
    for (name, high), sentence in sentences.items():
        assert sentence and "{" not in sentence, (name, high, sentence)
    assert len(set(sentences.values())) == len(sentences) - 1  # each its own; proximity states the distance both ways
