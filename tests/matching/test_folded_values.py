"""Values outside the taxonomy are compared folded (issue 13): "Sirakorola-Nord" is "Sirakorola Nord"."""

from __future__ import annotations

from matching.ranking import rank
from tests.factories import trainee, vacancy


def test_a_town_outside_the_gazetteer_matches_its_other_spelling() -> None:
    people = [trainee(id="T-1", home_town="Sirakorola-Nord", mobility="town")]
    post = [vacancy(id="V-1", town="sirakorola nord", required_certifications=[], required_skills=[])]
    [ranking] = rank(people, post, top=5, lang="fr")
    assert [c.trainee_id for c in ranking.candidates] == ["T-1"]


def test_a_skill_outside_the_taxonomy_matches_its_other_spelling() -> None:
    people = [trainee(id="T-1", skills=["Télésurveillance-Vidéo"], mobility="country")]
    post = [vacancy(id="V-1", required_certifications=[], required_skills=["telesurveillance video"])]
    [ranking] = rank(people, post, top=5, lang="fr")
    assert [c.trainee_id for c in ranking.candidates] == ["T-1"]
