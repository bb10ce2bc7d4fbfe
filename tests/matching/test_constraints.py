"""Each hard rule of FORMAT.md, holding and failing, with the reason it gives."""

from __future__ import annotations

from typing import Any

import pytest

from matching.models import Trainee, Vacancy
from matching.ranking import rank
from tests.factories import trainee, vacancy


def verdict(t: Trainee, v: Vacancy, lang: str = "en") -> list[str] | None:
    """Return None when the trainee is eligible for the vacancy, else its failure reasons."""
    [ranking] = rank([t], [v], top=5, lang=lang)  # type: ignore[arg-type]
    if ranking.candidates:
        return None
    [entry] = ranking.ineligible()
    reasons: list[str] = entry["reasons"]
    return reasons


class TestCertifications:
    def test_held_certification_passes(self) -> None:
        assert verdict(trainee(certifications=["SSIAP1"]), vacancy(required_certifications=["SSIAP1"])) is None

    def test_missing_certification_fails_and_names_it(self) -> None:
        reasons = verdict(trainee(certifications=["SST"]), vacancy(required_certifications=["SSIAP1"]))
        assert reasons == ["missing required certification SSIAP1"]

    @pytest.mark.parametrize(
        ("held", "required"),
        [("SSIAP3", "SSIAP2"), ("SSIAP3", "SSIAP1"), ("SSIAP2", "SSIAP1"), ("SST", "PSC1")],
    )
    def test_higher_certification_implies_lower(self, held: str, required: str) -> None:
        assert verdict(trainee(certifications=[held]), vacancy(required_certifications=[required])) is None

    @pytest.mark.parametrize(("held", "required"), [("SSIAP1", "SSIAP2"), ("SSIAP2", "SSIAP3"), ("PSC1", "SST")])
    def test_implication_does_not_go_backwards(self, held: str, required: str) -> None:
        assert verdict(trainee(certifications=[held]), vacancy(required_certifications=[required])) == [
            f"missing required certification {required}"
        ]

    def test_several_missing_certifications_are_one_failed_rule_naming_each(self) -> None:
        reasons = verdict(trainee(certifications=[]), vacancy(required_certifications=["SSIAP1", "CQP_APS"]))
        assert reasons == ["missing required certifications SSIAP1, CQP_APS"]

    def test_unknown_certification_matches_the_same_text(self) -> None:
        assert verdict(trainee(certifications=["Permis cariste"]), vacancy(required_certifications=["Permis cariste"])) is None


class TestLanguages:
    def test_level_at_or_above_requirement_passes(self) -> None:
        t = trainee(languages=[{"language": "fr", "level": "fluent"}])
        assert verdict(t, vacancy(required_languages=[{"language": "fr", "level": "fluent"}])) is None
        assert verdict(t, vacancy(required_languages=[{"language": "fr", "level": "basic"}])) is None

    def test_level_below_requirement_fails(self) -> None:
        t = trainee(languages=[{"language": "fr", "level": "conversational"}])
        reasons = verdict(t, vacancy(required_languages=[{"language": "fr", "level": "fluent"}]))
        assert reasons == ["French (fr) spoken at conversational, below the fluent required"]

    def test_missing_language_fails(self) -> None:
        t = trainee(languages=[{"language": "bm", "level": "native"}])
        reasons = verdict(t, vacancy(required_languages=[{"language": "son", "level": "basic"}]))
        assert reasons is not None and len(reasons) == 1 and "(son)" in reasons[0] and "missing" in reasons[0]


class TestMobility:
    def test_town_mobility_accepts_home_and_towns_within_30_km(self) -> None:
        t = trainee(home_town="Bamako", mobility="town")
        assert verdict(t, vacancy(town="Bamako")) is None
        assert verdict(t, vacancy(town="Kati")) is None  # 13 km away
        assert verdict(t, vacancy(town="Bamako Commune VI")) is None

    def test_town_mobility_refuses_a_far_town_of_the_same_region(self) -> None:
        reasons = verdict(trainee(home_town="Kati", mobility="town"), vacancy(town="Koulikoro"))
        assert reasons == ["Koulikoro is outside the trainee's mobility (Kati and 30 km around)"]

    def test_region_mobility_accepts_the_whole_region(self) -> None:
        assert verdict(trainee(home_town="Kati", mobility="region"), vacancy(town="Koulikoro")) is None

    def test_region_mobility_keeps_the_30_km_ring_across_a_border(self) -> None:
        # Kati (Koulikoro region) is 13 km from Bamako (District): the levels nest.
        assert verdict(trainee(home_town="Kati", mobility="region"), vacancy(town="Bamako")) is None

    def test_region_mobility_refuses_another_region(self) -> None:
        reasons = verdict(trainee(home_town="Bamako", mobility="region"), vacancy(town="Sikasso"))
        assert reasons == ["Sikasso is outside the trainee's mobility (District de Bamako region)"]

    def test_country_mobility_accepts_all_of_mali(self) -> None:
        assert verdict(trainee(home_town="Kayes", mobility="country"), vacancy(town="Gao")) is None

    def test_extra_towns_are_accepted_at_every_level(self) -> None:
        t = trainee(home_town="Bamako", mobility="town", extra_towns=["Sikasso"])
        assert verdict(t, vacancy(town="Sikasso")) is None

    def test_unknown_site_town_only_matches_the_same_text(self) -> None:
        assert verdict(trainee(home_town="Bamako", mobility="region"), vacancy(town="Village Inconnu")) is not None
        assert verdict(trainee(home_town="Village Inconnu", mobility="town"), vacancy(town="Village Inconnu")) is None


class TestLicenceExperienceLiteracy:
    def test_driving_licence(self) -> None:
        assert verdict(trainee(driving_licences=["B"]), vacancy(driving_licence="B")) is None
        assert verdict(trainee(driving_licences=["A"]), vacancy(driving_licence="B")) == ["missing required driving licence B"]

    def test_security_experience_is_summed_and_other_sectors_do_not_count(self) -> None:
        experience: list[dict[str, Any]] = [
            {"title": "agent", "years": 1.5, "sector": "security", "country": "FR"},
            {"title": "vigile", "years": 1.5, "sector": "security", "country": "ML"},
            {"title": "maçon", "years": 10, "sector": "other", "country": "FR"},
        ]
        t = trainee(experience=experience)
        assert verdict(t, vacancy(min_experience_years=3)) is None
        assert verdict(t, vacancy(min_experience_years=3.5)) == ["3 years of security experience, 3.5 required"]

    def test_literacy(self) -> None:
        assert verdict(trainee(literacy="functional"), vacancy(min_literacy="functional")) is None
        assert verdict(trainee(literacy="basic"), vacancy(min_literacy="functional")) == [
            "literacy basic, below the functional required"
        ]

    def test_every_failed_rule_is_listed(self) -> None:
        t = trainee(
            certifications=[],
            languages=[],
            home_town="Kayes",
            mobility="town",
            driving_licences=[],
            experience=[],
            literacy="none",
        )
        v = vacancy(
            required_certifications=["SSIAP1"],
            required_languages=[{"language": "fr", "level": "basic"}],
            town="Gao",
            driving_licence="C",
            min_experience_years=1,
            min_literacy="basic",
        )
        reasons = verdict(t, v)
        assert reasons is not None and len(reasons) == 6

    def test_reasons_are_french_by_default(self) -> None:
        reasons = verdict(trainee(certifications=[]), vacancy(required_certifications=["SSIAP1"]), lang="fr")
        assert reasons == ["certification requise manquante : SSIAP1"]
