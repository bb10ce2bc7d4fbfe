"""Tolerant matching of free text to the taxonomy."""

from __future__ import annotations

import pytest

from matching.normalise import Vocabulary, fold, get_vocabularies


class TestFold:
    def test_removes_accents_case_punctuation_and_extra_spaces(self) -> None:
        assert fold("  Contrôle  d'ACCÈS ") == "controle d acces"

    def test_joins_dotted_abbreviations(self) -> None:
        assert fold("S.S.I.A.P. 1") == "ssiap 1"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SSIAP1", "SSIAP1"),
        ("S.S.I.A.P. 1", "SSIAP1"),
        ("ssiap 1", "SSIAP1"),
        ("Ssiap-2", "SSIAP2"),
        ("sst", "SST"),
        ("Sauveteur Secouriste du Travail", "SST"),
        ("CQP APS", "CQP_APS"),
        ("TFP APS", "CQP_APS"),
        ("H0B0", "H0B0"),
        ("maître-chien", "CYNO"),
        ("psc 1", "PSC1"),
    ],
)
def test_certifications(text: str, code: str) -> None:
    assert get_vocabularies().certifications.match(text).value == code


def test_a_fuzzy_match_never_changes_digits() -> None:
    assert get_vocabularies().certifications.match("SSIAP 4").value is None


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Ségou", "Ségou"),
        ("SEGOU", "Ségou"),
        ("segu", "Ségou"),
        ("Timbuktu", "Tombouctou"),
        ("Tombouctu", "Tombouctou"),
        ("Sikaso", "Sikasso"),
        ("  bamako ", "Bamako"),
        ("Commune IV", "Bamako Commune IV"),
        ("Sevare", "Sévaré"),
        ("nioro", "Nioro du Sahel"),
        ("djenne", "Djenné"),
        ("Menaka", "Ménaka"),
    ],
)
def test_towns(text: str, town: str) -> None:
    assert get_vocabularies().towns.match(text).value == town


def test_short_unrelated_town_names_do_not_match_fuzzily() -> None:
    assert get_vocabularies().towns.match("Kita").value == "Kita"
    assert get_vocabularies().towns.match("Kati").value == "Kati"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("bm", "bm"),
        ("bam", "bm"),
        ("Bambara", "bm"),
        ("bamanankan", "bm"),
        ("Français", "fr"),
        ("fra", "fr"),
        ("Peul", "ff"),
        ("Fulfulde", "ff"),
        ("Sarakolé", "snk"),
        ("Songhaï", "son"),
        ("khq", "son"),
        ("Tamasheq", "tmh"),
        ("Anglais", "en"),
        ("arabe", "ar"),
    ],
)
def test_languages_by_code_and_local_name(text: str, code: str) -> None:
    assert get_vocabularies().languages.match(text).value == code


def test_dgo_is_not_dogon() -> None:
    assert get_vocabularies().languages.match("dgo").value is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("contrôle d'accès", "access_control"),
        ("CONTROLE D'ACCES", "access_control"),
        ("vidéosurveillance", "cctv_monitoring"),
        ("videosurveillance", "cctv_monitoring"),
        ("rondes", "patrol"),
        ("secourisme", "first_aid"),
        ("gestion des conflits", "conflict_management"),
        ("main courante", "logbook"),
    ],
)
def test_skills(text: str, code: str) -> None:
    assert get_vocabularies().skills.match(text).value == code


def test_skill_with_a_typo_matches_fuzzily() -> None:
    found = get_vocabularies().skills.match("videosurveilance")
    assert (found.value, found.how) == ("cctv_monitoring", "fuzzy")


def test_unknown_text_is_kept_as_written() -> None:
    found = get_vocabularies().skills.match("Conduite d'engins")
    assert not found.matched and found.kept == "Conduite d'engins"


def test_each_distinct_string_is_matched_once() -> None:
    vocabulary = Vocabulary.build("thing", [("A_THING", ["alpha thing"])])
    first = vocabulary.match("alpha thinng")
    assert vocabulary.match("alpha thinng") is first
    assert list(vocabulary._cache) == ["alpha thinng"]
