"""Country packs (issue 11, part 4): Senegal's towns, languages, minimum wage and phone numbers, and Mali kept as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from employers.validation import check_vacancy
from matching import exchange
from matching.country import DEFAULT_COUNTRY, UnknownCountry, active_country, available_countries, get_pack, use_country
from matching.geo import great_circle_km
from matching.models import Trainee, Vacancy, normalise_phone
from matching.ranking import rank
from matching.taxonomy import get_taxonomy
from tests.factories import trainee, vacancy


@pytest.fixture
def senegal() -> Iterator[None]:
    """Work for Senegal during the test, then for Mali again (the process's other tests expect it)."""
    use_country("SN")
    try:
        yield
    finally:
        use_country(DEFAULT_COUNTRY)


def senegalese(**overrides: Any) -> Trainee:
    """Return a trainee of Dakar speaking Wolof and French; keyword arguments replace fields."""
    languages = [{"language": "wo", "level": "native"}, {"language": "fr", "level": "fluent"}]
    return trainee(**{"home_town": "Dakar", "languages": languages, **overrides})


def site(**overrides: Any) -> Vacancy:
    """Return a guard vacancy in Dakar; keyword arguments replace fields."""
    return vacancy(**{"employer": "Téranga Sécurité", "town": "Dakar", **overrides})


def verdict(t: Trainee, v: Vacancy) -> list[str] | None:
    """Return None when the trainee is eligible for the vacancy, else its failure reasons (in English)."""
    [ranking] = rank([t], [v], top=5, lang="en")
    if ranking.candidates:
        return None
    [entry] = ranking.ineligible()
    reasons: list[str] = entry["reasons"]
    return reasons


def km(a: str, b: str) -> float:
    """Return the great-circle distance between two towns of the active pack."""
    tax = get_taxonomy()
    one, two = tax.town(a), tax.town(b)
    assert one is not None and two is not None
    lat1, lon1, lat2, lon2 = (np.array([x]) for x in (one.lat, one.lon, two.lat, two.lon))
    return float(great_circle_km(lat1, lon1, lat2, lon2)[0])


class TestPacks:
    def test_mali_is_the_default_and_senegal_is_a_second_pack(self) -> None:
        assert active_country() == "ML" and {"ML", "SN"} <= set(available_countries())
        mali = get_taxonomy("ML")
        assert mali.minimum_wage_fcfa_month == 40_000 and len(mali.regions) == 20 and mali.town("Bamako") is not None
        assert mali.town("Dakar") is None and get_taxonomy("SN").town("Bamako") is None

    def test_senegal_has_its_14_regions_with_their_capitals_and_40_towns_inside_the_country(self) -> None:
        tax = get_taxonomy("SN")
        assert len(tax.regions) == 14 and len(tax.towns) >= 40
        for region in tax.regions:
            capital = tax.town(region.capital)
            assert capital is not None and capital.region == region.name, region
        names = {r.name for r in tax.regions}
        assert all(t.region in names and 12.3 < t.lat < 16.7 and -17.6 < t.lon < -11.3 for t in tax.towns)

    def test_senegal_adds_its_languages_to_the_shared_ones(self) -> None:
        codes = {lang.code for lang in get_taxonomy("SN").languages}
        assert {"wo", "ff", "srr", "dyo", "man", "snk", "fr"} <= codes
        assert "srr" not in {lang.code for lang in get_taxonomy("ML").languages}

    def test_an_unknown_country_is_refused_naming_the_packs(self) -> None:
        with pytest.raises(UnknownCountry, match="ML, SN"):
            use_country("XX")
        assert active_country() == "ML"

    def test_the_minimum_wage_and_currency_come_with_their_source(self) -> None:
        pack = get_pack("SN")
        assert (pack.currency, pack.minimum_wage_month) == ("XOF", 64_223)
        assert "2023-1710" in pack.minimum_wage_source and pack.money(64_223) == "64 223 FCFA"


@pytest.mark.usefixtures("senegal")
class TestSenegalRanking:
    def test_town_mobility_accepts_towns_within_30_km_and_refuses_the_next_city(self) -> None:
        assert km("Dakar", "Rufisque") < 30 < km("Dakar", "Thiès")
        t = senegalese(mobility="town")
        assert verdict(t, site(town="Pikine")) is None
        assert verdict(t, site(town="Rufisque")) is None
        assert verdict(t, site(town="Thiès")) == ["Thiès is outside the trainee's mobility (Dakar and 30 km around)"]

    def test_region_mobility_accepts_the_home_region_and_refuses_another(self) -> None:
        assert km("Mbour", "Tivaouane") > 30
        t = senegalese(home_town="Mbour", mobility="region")
        assert verdict(t, site(town="Tivaouane")) is None  # Thiès region, like Mbour
        assert verdict(t, site(town="Kaolack")) == ["Kaolack is outside the trainee's mobility (Thiès region)"]

    def test_country_mobility_accepts_all_of_senegal(self) -> None:
        assert km("Ziguinchor", "Matam") > 300
        t = senegalese(home_town="Ziguinchor", mobility="country")
        assert verdict(t, site(town="Matam")) is None
        assert verdict(senegalese(home_town="Ziguinchor", mobility="region"), site(town="Matam")) is not None

    def test_a_wolof_requirement_excludes_who_does_not_speak_it_with_the_reason(self) -> None:
        wolof = site(required_languages=[{"language": "wo", "level": "conversational"}])
        pulaar_only = senegalese(languages=[{"language": "ff", "level": "native"}, {"language": "fr", "level": "fluent"}])
        assert verdict(senegalese(), wolof) is None
        assert verdict(pulaar_only, wolof) == ["missing required language Wolof (wo), conversational required"]
        basic = senegalese(languages=[{"language": "wo", "level": "basic"}])
        assert verdict(basic, wolof) == ["Wolof (wo) spoken at basic, below the conversational required"]

    def test_the_wolof_near_miss_is_counted_and_listed_under_languages(self) -> None:
        wolof = site(required_languages=[{"language": "wo", "level": "fluent"}])
        speaker, other = senegalese(), senegalese(languages=[{"language": "srr", "level": "native"}])
        [ranking] = rank([speaker, other], [wolof], top=5, lang="en")
        assert [c.trainee_id for c in ranking.candidates] == [speaker.id]
        assert ranking.ineligible_by_rule == {"languages": 1}
        assert [(n.trainee_id, n.rule) for n in ranking.near_misses] == [(other.id, "languages")]

    def test_languages_and_towns_written_loosely_are_matched_to_the_senegal_pack(self, tmp_path: Path) -> None:
        spoken = [{"language": "Ouolof", "level": "native"}, {"language": "sérère", "level": "fluent"}]
        record = {"id": "T-SN-1", "full_name": "Awa Ndiaye", "home_town": "thies", "mobility": "region", "languages": spoken}
        path = tmp_path / "trainees.json"
        path.write_text(json.dumps([record]), "utf-8")
        loaded = exchange.load(path, "trainees")
        [t] = loaded.records
        assert t.home_town == "Thiès" and [x.language for x in t.languages] == ["wo", "srr"] and not loaded.warnings


@pytest.mark.usefixtures("senegal")
class TestSenegalPhones:
    @pytest.mark.parametrize("written", ["77 123 45 67", "771234567", "+221 77 123 45 67", "00221771234567", "221-77-123-45-67"])
    def test_a_senegal_mobile_is_normalised(self, written: str) -> None:
        assert normalise_phone(written) == "+221771234567"

    def test_a_fixed_line_and_every_mobile_range(self) -> None:
        assert normalise_phone("33 821 01 01") == "+221338210101"
        assert [normalise_phone(f"{p} 000 00 00")[4:6] for p in ("70", "75", "76", "77", "78")] == ["70", "75", "76", "77", "78"]

    def test_a_number_of_no_senegal_range_is_refused_with_the_example(self) -> None:
        with pytest.raises(ValueError, match=r"\+221 77 123 45 67"):
            normalise_phone("79 123 45 67")
        with pytest.raises(ValueError):
            normalise_phone("+221 12 345")

    def test_a_malian_number_written_internationally_is_kept(self) -> None:
        assert normalise_phone("+223 76 12 34 56") == "+22376123456"

    def test_mali_reads_its_own_national_numbers_again_once_chosen(self) -> None:
        use_country("ML")
        assert normalise_phone("76 12 34 56") == "+22376123456"
        with pytest.raises(ValueError):
            normalise_phone("77 123 45 67")


def vacancies_file(tmp_path: Path, **salary: Any) -> Path:
    """Write one vacancy in Dakar with these salary fields."""
    path = tmp_path / "vacancies.json"
    record = {"id": "V-SN-1", "employer": "Téranga Sécurité", "title": "Agent de sécurité", "level": "guard", "town": "Dakar"}
    path.write_text(json.dumps([{**record, **salary}]), "utf-8")
    return path


class TestSenegalMinimumWage:
    def test_a_salary_under_senegal_s_smig_is_warned_in_its_currency(self, senegal: None, tmp_path: Path) -> None:
        loaded = exchange.load(vacancies_file(tmp_path, salary_fcfa_month=60_000), "vacancies")
        [warning] = loaded.warnings
        assert warning.field == "salary_fcfa_month" and "V-SN-1" in str(warning)
        assert "60 000 FCFA a month is below the minimum wage of Senegal (SMIG, 64 223 FCFA)" in warning.message

    def test_the_same_salary_is_above_mali_s_smig(self, tmp_path: Path) -> None:
        path = vacancies_file(tmp_path, salary_fcfa_month=60_000)
        path.write_text(path.read_text("utf-8").replace("Dakar", "Bamako"), "utf-8")
        assert not exchange.load(path, "vacancies").warnings

    def test_salary_month_in_the_pack_s_currency_is_warned_under_its_own_name(self, senegal: None, tmp_path: Path) -> None:
        loaded = exchange.load(vacancies_file(tmp_path, salary_month=50_000, currency="XOF"), "vacancies")
        [v] = loaded.records
        assert (v.salary_month, v.currency, v.salary_fcfa_month) == (50_000, "XOF", 50_000)
        assert [(w.field, "64 223 FCFA" in w.message) for w in loaded.warnings] == [("salary_month", True)]

    def test_another_currency_or_two_different_amounts_are_errors(self, senegal: None, tmp_path: Path) -> None:
        wrong = exchange.load(vacancies_file(tmp_path, salary_month=100, currency="EUR"), "vacancies")
        assert [(e.field, "XOF" in e.message) for e in wrong.errors] == [("currency", True)]
        both = exchange.load(vacancies_file(tmp_path, salary_month=70_000, salary_fcfa_month=80_000), "vacancies")
        assert [e.field for e in both.errors] == ["salary_month"]

    def test_the_employers_form_warns_with_senegal_s_figure(self, senegal: None) -> None:
        data = {"title": "Agent de sécurité", "level": "guard", "town": "Dakar", "salary_fcfa_month": "60000"}
        warnings = [p for p in check_vacancy(data).problems if p.code == "below_smig"]
        assert [(p.field, p.severity, p.values["smig"].replace("\u202f", " ")) for p in warnings] == [
            ("salary_fcfa_month", "warning", "64 223")
        ]
