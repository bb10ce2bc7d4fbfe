"""The company's candidate list: sorted, filtered as the engine reads towns and certifications, paged, compared."""

from __future__ import annotations

from datetime import date

from employers.candidate_list import ListQuery, compared, listing, one
from employers.candidates import CandidateRow, TraineeFacts, VacancyCandidates

TODAY = date(2027, 1, 10)


def row(n: int, *, town: str = "Bamako", years: float = 1, certs: tuple[str, ...] = (), levels: tuple[str, ...] = ("guard",),
        available_from: date | None = None) -> CandidateRow:  # fmt: skip
    facts = TraineeFacts(profile_id=n, code=f"T-{n:04d}", initials="A. D.", home_town=town, preferred_levels=levels,
                         certifications=certs, skills=(), security_years=years, available_from=available_from)  # fmt: skip
    return CandidateRow(facts, score=1 - n / 1000, components={}, reasons=())


def found(rows: list[CandidateRow]) -> VacancyCandidates:
    return VacancyCandidates(tuple(rows), len(rows), 0, ())


def codes(rows: object) -> list[str]:
    return [r.row.trainee.code for r in rows]  # type: ignore[attr-defined]


def test_pages_of_25_keep_the_engine_rank_and_a_page_past_the_end_shows_the_last() -> None:
    listed = found([row(n) for n in range(1, 201)])
    second = listing(listed, ListQuery(page=2), today=TODAY, start=None)
    assert (second.pages, second.number, second.listed) == (8, 2, 200)
    assert [r.rank for r in second.rows] == list(range(26, 51))
    assert listing(listed, ListQuery(page=99), today=TODAY, start=None).number == 8


def test_sorting_by_experience_keeps_each_candidate_rank() -> None:
    listed = found([row(1, years=0.5), row(2, years=4), row(3, years=2)])
    page = listing(listed, ListQuery(sort="experience"), today=TODAY, start=None)
    assert [(r.rank, r.row.trainee.security_years) for r in page.rows] == [(2, 4), (3, 2), (1, 0.5)]


def test_a_town_keeps_its_communes_and_a_certification_its_higher_ones() -> None:
    listed = found([row(1, town="Bamako Commune III", certs=("SSIAP2",)), row(2, town="Kati", certs=("SSIAP1",)),
                    row(3, town="Bamako", certs=("SST",))])  # fmt: skip
    assert codes(listing(listed, ListQuery(town="Bamako"), today=TODAY, start=None).rows) == ["T-0001", "T-0003"]
    assert codes(listing(listed, ListQuery(certification="SSIAP1"), today=TODAY, start=None).rows) == ["T-0001", "T-0002"]


def test_availability_today_or_by_the_vacancy_start() -> None:
    listed = found([row(1), row(2, available_from=date(2027, 2, 1)), row(3, available_from=date(2027, 4, 1))])
    now = listing(listed, ListQuery(available="now"), today=TODAY, start=date(2027, 3, 1))
    by_start = listing(listed, ListQuery(available="start"), today=TODAY, start=date(2027, 3, 1))
    assert codes(now.rows) == ["T-0001"] and codes(by_start.rows) == ["T-0001", "T-0002"]


def test_the_filters_offer_the_candidates_values_and_a_level_filter_narrows() -> None:
    listed = found([row(1, levels=("guard", "supervisor")), row(2, town="Kati", levels=("guard",))])
    page = listing(listed, ListQuery(level="supervisor"), today=TODAY, start=None)
    assert codes(page.rows) == ["T-0001"] and (page.listed, page.total) == (1, 2)
    assert page.choices.towns == ("Bamako", "Kati") and page.choices.levels == ("guard", "supervisor")


def test_the_query_reads_parameters_and_ignores_what_it_does_not_know() -> None:
    query = ListQuery.of({"sort": "salary", "page": "-3", "town": " Kati ", "available": "someday"})
    assert query == ListQuery(town="Kati")
    assert ListQuery(sort="town", page=2, certification="SST").parameters(page=3) == {
        "certification": "SST", "sort": "town", "page": "3"}  # fmt: skip
    assert ListQuery(page=2).parameters(page=1) == {}


def test_comparing_keeps_the_order_given_once_each_and_drops_codes_not_listed() -> None:
    listed = found([row(n) for n in range(1, 6)])
    assert codes(compared(listed, ["T-0004", "T-0002", "T-0004", "T-9999"])) == ["T-0004", "T-0002"]
    chosen = one(listed, "T-0003")
    assert chosen is not None and chosen.rank == 3 and one(listed, "T-9999") is None
