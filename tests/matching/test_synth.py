"""Tests of the synthetic data generator: valid exchange records, realistic shares and correlations, files."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matching import exchange, synth
from matching.models import LEVELS, Trainee
from matching.normalise import get_vocabularies
from matching.scoring import hard_failures, prepare
from matching.taxonomy import get_taxonomy

Records = list[dict[str, Any]]
TOWN_FIELDS = frozenset({"home_town", "extra_towns", "town"})
FREE_TEXT_FIELDS = (
    "extra_towns",
    "skills",
    "certifications",
    "languages",
    "required_skills",
    "preferred_skills",
    "required_certifications",
    "preferred_certifications",
    "required_languages",
)


def parse(records: Records, kind: exchange.Kind) -> exchange.LoadResult[Any]:
    """Parse records the way an exchange JSON file reaches the application."""
    text = json.dumps({kind: records}, ensure_ascii=False)
    return exchange.parse_text(text, kind=kind, source=f"{kind}.json", fmt="json")


def share(values: list[bool]) -> float:
    """Return the share of true values."""
    return sum(values) / len(values)


def security_years(record: dict[str, Any]) -> float:
    """Return a trainee record's summed security experience."""
    return sum(e["years"] for e in record.get("experience", []) if e["sector"] == "security")


def town_strings(records: Records) -> int:
    """Return how many town names the records hold."""
    return sum(("home_town" in r) + ("town" in r) + len(r.get("extra_towns", [])) for r in records)


def free_text_values(records: Records) -> int:
    """Return how many values the records hold that are matched to the taxonomy."""
    return town_strings(records) + sum(len(r.get(f, [])) for r in records for f in FREE_TEXT_FIELDS)


@pytest.fixture(scope="module")
def sample() -> tuple[Records, Records]:
    return synth.generate(trainees=3_000, vacancies=2_000, seed=42)


@pytest.fixture(scope="module")
def trainees(sample: tuple[Records, Records]) -> Records:
    return sample[0]


@pytest.fixture(scope="module")
def vacancies(sample: tuple[Records, Records]) -> Records:
    return sample[1]


@pytest.fixture(scope="module")
def parsed_trainees(trainees: Records) -> exchange.LoadResult[Any]:
    return parse(trainees, "trainees")


@pytest.fixture(scope="module")
def parsed_vacancies(vacancies: Records) -> exchange.LoadResult[Any]:
    return parse(vacancies, "vacancies")


class TestDeterminism:
    def test_same_seed_gives_identical_records(self) -> None:
        first = synth.generate(trainees=300, vacancies=100, seed=7)
        second = synth.generate(trainees=300, vacancies=100, seed=7)
        assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)

    def test_other_seed_gives_other_records(self) -> None:
        first_t, first_v = synth.generate(trainees=300, vacancies=100, seed=7)
        other_t, other_v = synth.generate(trainees=300, vacancies=100, seed=8)
        assert first_t != other_t
        assert first_v != other_v

    def test_vacancies_do_not_depend_on_the_number_of_trainees(self) -> None:
        assert synth.generate(trainees=10, vacancies=50, seed=3)[1] == synth.generate(trainees=500, vacancies=50, seed=3)[1]


class TestValidity:
    def test_every_trainee_validates(self, trainees: Records, parsed_trainees: exchange.LoadResult[Any]) -> None:
        assert parsed_trainees.errors == []
        assert len(parsed_trainees.records) == len(trainees)

    def test_every_vacancy_validates(self, vacancies: Records, parsed_vacancies: exchange.LoadResult[Any]) -> None:
        assert parsed_vacancies.errors == []
        assert len(parsed_vacancies.records) == len(vacancies)

    def test_absent_optional_fields_are_omitted(self, trainees: Records, vacancies: Records) -> None:
        for record in [*trainees, *vacancies]:
            assert all(value is not None and value != [] and value != {} for value in record.values()), record["id"]

    def test_ids_are_unique_and_well_formed(self, trainees: Records, vacancies: Records) -> None:
        trainee_ids = [r["id"] for r in trainees]
        vacancy_ids = [r["id"] for r in vacancies]
        assert len(set(trainee_ids)) == len(trainee_ids)
        assert len(set(vacancy_ids)) == len(vacancy_ids)
        assert all(re.fullmatch(r"T-20\d\d-\d{4,}", i) for i in trainee_ids)
        assert all(re.fullmatch(r"V-\d{5,}", i) for i in vacancy_ids)

    def test_trainee_id_carries_the_cohort_year(self, trainees: Records) -> None:
        with_training = [r for r in trainees if "training" in r]
        assert with_training
        for record in with_training:
            cohort = record["training"]["cohort"]
            assert re.fullmatch(r"20\d\d-[A-C]", cohort)
            assert record["id"].startswith(f"T-{cohort[:4]}-")

    def test_ids_widen_rather_than_repeat(self) -> None:
        assert synth.vacancy_ids(100_000)[-1] == "V-100000"
        assert len(set(synth.trainee_ids([20_260] * 12_000))) == 12_000

    def test_dates_fall_in_the_three_months_after_the_base_date(self, trainees: Records, vacancies: Records) -> None:
        dates = [r["available_from"] for r in trainees if "available_from" in r]
        dates += [r["start_date"] for r in vacancies if "start_date" in r]
        assert dates
        assert min(dates) >= "2027-01-01"
        assert max(dates) <= "2027-03-31"

    def test_phones_come_in_several_forms_and_all_normalise(
        self, trainees: Records, parsed_trainees: exchange.LoadResult[Any]
    ) -> None:
        written = [r["phone"] for r in trainees if "phone" in r]
        assert any(p.startswith("+223") for p in written)
        assert any(" " in p and not p.startswith("+") for p in written)
        assert any(p.startswith("00223") for p in written)
        assert all(re.fullmatch(r"\+223[2-9]\d{7}", t.phone) for t in parsed_trainees.records if t.phone)

    def test_bad_arguments_are_refused(self) -> None:
        with pytest.raises(ValueError):
            synth.generate(trainees=-1, vacancies=1, seed=1)
        with pytest.raises(ValueError):
            synth.generate(trainees=1, vacancies=1, seed=1, seats=0)

    def test_nothing_asked_gives_nothing(self) -> None:
        assert synth.generate(trainees=0, vacancies=0, seed=1) == ([], [])


class TestProportions:
    def test_vacancy_levels_are_about_70_20_10(self, vacancies: Records) -> None:
        counts = Counter(r["level"] for r in vacancies)
        for level, expected in zip(LEVELS, synth.LEVEL_SHARES, strict=True):
            assert abs(counts[level] / len(vacancies) - expected) < 0.035, counts

    def test_trainee_preferences_follow_similar_levels(self, trainees: Records) -> None:
        single = Counter(r["preferred_levels"][0] for r in trainees if len(r.get("preferred_levels", [])) == 1)
        total = sum(single.values())
        assert 0.55 < single["guard"] / total < 0.85
        assert single["guard"] > single["supervisor"] > single["manager"] > 0

    def test_mobility_is_about_half_town(self, parsed_trainees: exchange.LoadResult[Any]) -> None:
        counts = Counter(t.mobility for t in parsed_trainees.records)
        total = len(parsed_trainees.records)
        for mobility, expected in zip(("town", "region", "country"), synth.MOBILITY_SHARES, strict=True):
            assert abs(counts[mobility] / total - expected) < 0.04, counts

    def test_some_trainees_accept_extra_towns(self, trainees: Records) -> None:
        assert 0.03 < share(["extra_towns" in r for r in trainees]) < 0.25

    def test_bamako_dominates_homes(self, parsed_trainees: exchange.LoadResult[Any]) -> None:
        homes = [t.home_town for t in parsed_trainees.records]
        assert share([h.startswith("Bamako") for h in homes]) > 0.45

    def test_mining_sites_get_vacancies(self, parsed_vacancies: exchange.LoadResult[Any]) -> None:
        mining = {synth.world().towns[i] for i in synth.world().mining}
        if not mining:
            pytest.skip("the gazetteer marks no mining site")
        assert 0.05 < share([v.town in mining for v in parsed_vacancies.records]) < 0.25

    def test_licence_b_held_by_a_quarter_and_asked_by_a_tenth(self, trainees: Records, vacancies: Records) -> None:
        assert 0.20 < share(["B" in r.get("driving_licences", []) for r in trainees]) < 0.30
        assert 0.06 < share(["driving_licence" in r for r in vacancies]) < 0.15

    def test_seats_are_mostly_one_to_three(self, vacancies: Records) -> None:
        seats = [r.get("seats", 1) for r in vacancies]
        assert min(seats) >= 1
        assert share([s <= 3 for s in seats]) > 0.85
        assert share([s == 1 for s in seats]) > 0.4

    def test_seats_given_are_used_everywhere(self) -> None:
        _, vacancies = synth.generate(trainees=0, vacancies=200, seed=5, seats=2)
        assert {r["seats"] for r in vacancies} == {2}


class TestFreeText:
    def test_towns_mostly_match_the_gazetteer(
        self,
        trainees: Records,
        vacancies: Records,
        parsed_trainees: exchange.LoadResult[Any],
        parsed_vacancies: exchange.LoadResult[Any],
    ) -> None:
        warnings = [w for w in [*parsed_trainees.warnings, *parsed_vacancies.warnings] if w.field in TOWN_FIELDS]
        written = town_strings(trainees) + town_strings(vacancies)
        assert len(warnings) < 0.10 * written
        assert len(warnings) > 0, "real files name a few places the gazetteer does not know"

    def test_small_share_of_values_match_nothing(
        self,
        trainees: Records,
        vacancies: Records,
        parsed_trainees: exchange.LoadResult[Any],
        parsed_vacancies: exchange.LoadResult[Any],
    ) -> None:
        unmatched = len(parsed_trainees.warnings) + len(parsed_vacancies.warnings)
        assert 0.005 < unmatched / free_text_values([*trainees, *vacancies]) < 0.03

    def test_text_is_messy(self, trainees: Records) -> None:
        towns = [r["home_town"] for r in trainees]
        certs = [c for r in trainees for c in r.get("certifications", [])]
        languages = [lang["language"] for r in trainees for lang in r.get("languages", [])]
        assert any(t.isupper() for t in towns)
        assert any(t != t.upper() and t == t.lower() for t in towns)
        assert any("." in c for c in certs)
        assert any(c.islower() for c in certs)
        assert any(len(code) == 2 and code.islower() for code in languages)
        assert any(len(name) > 3 for name in languages)

    def test_every_form_written_maps_back_to_its_value(self) -> None:
        w, words = synth.world(), get_vocabularies()
        tables = (
            (words.towns, dict(zip(w.towns, w.town_spellings, strict=True))),
            (words.skills, w.skill_spellings),
            (words.certifications, w.cert_spellings),
            (words.languages, w.language_spellings),
        )
        wrong = [
            (value, form, vocabulary.match(form).value)
            for vocabulary, spellings in tables
            for value, spelling in spellings.items()
            for form in spelling.forms.items
            if vocabulary.match(form).value != value
        ]
        assert wrong == []

    def test_typos_never_turn_a_town_into_another(self) -> None:
        w, towns = synth.world(), get_vocabularies().towns
        dice = synth.Dice(np.random.default_rng(0))
        typed = [(name, synth.typo(name, dice)) for name in w.towns for _ in range(30)]
        assert any(name != text for name, text in typed)
        assert [(n, t) for n, t in typed if towns.match(t).value not in (n, None)] == []

    def test_summaries_speak_french_and_tell_the_truth(self, trainees: Records) -> None:
        summaries = [r for r in trainees if "summary" in r]
        assert 0.7 < len(summaries) / len(trainees) < 0.95
        for record in summaries:
            sentences = [s for s in re.split(r"(?<=\.)\s+", record["summary"]) if s]
            assert 1 <= len(sentences) <= 3, record["summary"]
            countries = {e.get("country") for e in record.get("experience", [])}
            assert "France" not in record["summary"] or countries & {"FR", None}, record["id"]
        assert share(["France" in r["summary"] for r in summaries]) > 0.2

    def test_descriptions_are_french(self, vacancies: Records) -> None:
        described = [r["description"] for r in vacancies if "description" in r]
        assert share([bool(re.search(r"\b(recrute|recherchons|Poste)\b", d)) for d in described]) == 1.0


class TestCorrelations:
    def test_experience_asked_rises_with_level(self, vacancies: Records) -> None:
        asked = {lv: [r.get("min_experience_years", 0) for r in vacancies if r["level"] == lv] for lv in LEVELS}
        assert max(asked["guard"]) <= 1
        assert 1 <= min(asked["supervisor"]) and max(asked["supervisor"]) <= 3
        assert 3 <= min(asked["manager"]) and max(asked["manager"]) <= 5

    def test_managers_must_read_and_often_speak_french_well(self, parsed_vacancies: exchange.LoadResult[Any]) -> None:
        managers = [v for v in parsed_vacancies.records if v.level == "manager"]
        assert all(v.min_literacy in ("functional", "fluent") for v in managers)
        fluent_french = [any(x.language == "fr" and x.level == "fluent" for x in v.required_languages) for v in managers]
        assert share(fluent_french) > 0.5

    def test_pay_follows_level(self, vacancies: Records) -> None:
        pay = {lv: [r["salary_fcfa_month"] for r in vacancies if r["level"] == lv and "salary_fcfa_month" in r] for lv in LEVELS}
        assert 35_000 <= min(pay["guard"]) and max(pay["guard"]) <= 100_000
        smig = get_taxonomy().minimum_wage_fcfa_month
        assert 0 < share([p < smig for p in pay["guard"]]) < 0.15
        assert 40_000 <= statistics.median(pay["guard"]) <= 65_000
        assert 60_000 <= min(pay["supervisor"]) and max(pay["supervisor"]) <= 150_000
        assert 150_000 <= min(pay["manager"]) and max(pay["manager"]) <= 400_000

    def test_experience_in_france_brings_certifications_and_literacy(
        self, trainees: Records, parsed_trainees: exchange.LoadResult[Any]
    ) -> None:
        by_id: dict[str, Trainee] = {t.id: t for t in parsed_trainees.records}
        french = [
            by_id[r["id"]]
            for r in trainees
            if any(e.get("country") == "FR" for e in r.get("experience", []) if e["sector"] == "security")
        ]
        novices = [by_id[r["id"]] for r in trainees if security_years(r) == 0]
        for code in ("SSIAP1", "SST", "CQP_APS"):
            assert share([code in t.certifications for t in french]) > share([code in t.certifications for t in novices]) + 0.1

        def literate(group: list[Trainee]) -> float:
            return share([t.literacy in ("functional", "fluent") for t in group])

        assert literate(french) > literate(novices)

    def test_higher_ssiap_only_with_experience(self, trainees: Records, parsed_trainees: exchange.LoadResult[Any]) -> None:
        years = {r["id"]: security_years(r) for r in trainees}
        senior = [t for t in parsed_trainees.records if {"SSIAP2", "SSIAP3"} & set(t.certifications)]
        assert senior
        assert all(years[t.id] >= 1 for t in senior)
        assert all(years[t.id] >= 3 for t in senior if "SSIAP3" in t.certifications)

    def test_grades_are_about_13_and_follow_literacy(self, parsed_trainees: exchange.LoadResult[Any]) -> None:
        graded = [t for t in parsed_trainees.records if t.training and t.training.overall is not None]
        overall = [t.training.overall for t in graded if t.training]
        assert 6 <= min(overall) and max(overall) <= 19.5
        assert 12.3 < statistics.mean(overall) < 13.7
        assert 2.0 < statistics.pstdev(overall) < 3.2
        by_literacy = {
            lit: statistics.mean(t.training.overall for t in graded if t.literacy == lit and t.training and t.training.overall)
            for lit in ("none", "fluent")
        }
        assert by_literacy["fluent"] > by_literacy["none"] + 2
        modules = {m for t in graded if t.training for m in t.training.modules}
        assert set(synth.CORE_MODULES) <= modules


class TestEligibility:
    def test_most_vacancies_have_several_candidates_and_some_are_hard(self) -> None:
        trainees, vacancies = synth.generate(trainees=1_000, vacancies=300, seed=9)
        t, v = parse(trainees, "trainees"), parse(vacancies, "vacancies")
        prepared = prepare(t.records, v.records)
        eligible = (~hard_failures(prepared, slice(0, len(v.records))).any()).sum(axis=1)
        assert share([int(n) >= 3 for n in eligible]) > 0.9
        assert share([int(n) < 20 for n in eligible]) > 0.01, "a few vacancies should be hard to fill"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Records, Records, list[Path]]:
    trainees, vacancies = synth.generate(trainees=400, vacancies=150, seed=21)
    return trainees, vacancies, synth.write(tmp_path_factory.mktemp("synth"), trainees, vacancies)


class TestWrite:
    def test_writes_json_and_csv_of_both_kinds(self, written: tuple[Records, Records, list[Path]]) -> None:
        paths = written[2]
        assert sorted(p.name for p in paths) == ["trainees.csv", "trainees.json", "vacancies.csv", "vacancies.json"]
        assert all(p.is_file() for p in paths)

    def test_json_files_hold_the_records_as_generated(self, written: tuple[Records, Records, list[Path]]) -> None:
        trainees, vacancies, paths = written
        folder = paths[0].parent
        assert json.loads((folder / "trainees.json").read_text("utf-8")) == {"trainees": trainees}
        assert json.loads((folder / "vacancies.json").read_text("utf-8")) == {"vacancies": vacancies}
        assert "é" in (folder / "trainees.json").read_text("utf-8"), "written as UTF-8, not escaped"

    @pytest.mark.parametrize("kind", ["trainees", "vacancies"])
    def test_csv_loads_to_the_same_records_as_json(
        self, written: tuple[Records, Records, list[Path]], kind: exchange.Kind
    ) -> None:
        folder = written[2][0].parent
        from_json = exchange.load(folder / f"{kind}.json", kind)
        from_csv = exchange.load(folder / f"{kind}.csv", kind)
        assert from_json.errors == [] and from_csv.errors == []
        assert [r.model_dump() for r in from_csv.records] == [r.model_dump() for r in from_json.records]
        assert len(from_csv.records) == len(written[0 if kind == "trainees" else 1])
