"""The officers' review filters read towns and certifications as the engine does (issue 13)."""

from __future__ import annotations

from employers.review import Filters, ReviewRow
from matching.taxonomy import get_taxonomy


def row(home_town: str = "Kati", certifications: tuple[str, ...] = ()) -> ReviewRow:
    return ReviewRow(profile_id=1, code="T-1", full_name="A B", phone=None, home_town=home_town, cohort=None,
                     preferred_levels=("guard",), certifications=certifications, skills=(), security_years=0,
                     shares_profile=True)  # fmt: skip


def test_a_certification_keeps_the_holders_of_a_higher_one() -> None:
    ssiap1 = Filters(certification="SSIAP1")
    assert ssiap1.keeps(row(certifications=("SSIAP2",))) and ssiap1.keeps(row(certifications=("SSIAP3",)))
    assert ssiap1.keeps(row(certifications=("SSIAP1",))) and not ssiap1.keeps(row(certifications=("SST",)))
    assert not Filters(certification="SSIAP2").keeps(row(certifications=("SSIAP1",)))
    assert Filters(certification="PSC1").keeps(row(certifications=("SST",)))


def test_a_town_keeps_its_parts() -> None:
    bamako = Filters(town="Bamako")
    assert bamako.keeps(row("Bamako")) and bamako.keeps(row("Bamako Commune IV"))
    assert not bamako.keeps(row("Kati"))
    assert not Filters(town="Bamako Commune IV").keeps(row("Bamako"))  # a part does not hold the whole


def test_the_hierarchy_comes_from_the_gazetteer() -> None:
    taxonomy = get_taxonomy()
    assert taxonomy.towns_within("Bamako") == {t.name for t in taxonomy.towns if t.region == "District de Bamako"}
    assert taxonomy.towns_within("Kayes") == {"Kayes"} and taxonomy.towns_within("Nowhere") == {"Nowhere"}
    assert taxonomy.holders_of("SSIAP1") == {"SSIAP1", "SSIAP2", "SSIAP3"}
