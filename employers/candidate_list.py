"""A vacancy's candidates as the company browses them: sorted, filtered, one page at a time, two to four side by side.

The engine's ranking (employers.candidates) is computed once and cached; this module only reorders, narrows
and cuts it, so a candidate's rank (its place by score) stays the same whatever the sort, the filters and the
page. Filters read towns and certifications as the engine does: a town keeps its parts (Bamako its communes:
the gazetteer's hierarchy), a certification its holders' higher ones (SSIAP 1 keeps SSIAP 2 holders: the
taxonomy's implications). Availability compares the trainee's ``available_from`` with a day: today, or the
vacancy's start date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from employers.candidates import CandidateRow, VacancyCandidates
from matching.taxonomy import get_taxonomy

#: Candidates on one page of the compact list.
PAGE_SIZE = 25
#: How many candidates the comparison shows side by side, at least and at most.
COMPARED = (2, 4)
#: The orders the list can be sorted in (the first is the default).
SORTS = ("score", "experience", "town", "code")
#: What the availability filter can ask: available today, or by the vacancy's start date.
AVAILABILITIES = ("now", "start")


@dataclass(frozen=True)
class Ranked:
    """A candidate with its place in the engine's ranking (1: the best score), whatever the list's order."""

    rank: int
    row: CandidateRow


@dataclass(frozen=True)
class ListQuery:
    """What the company asked of the list: an order, filters (empty keeps everyone) and a page."""

    sort: str = "score"
    town: str = ""
    level: str = ""
    certification: str = ""
    available: str = ""
    page: int = 1

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> ListQuery:
        """Read the query from the page's parameters; an unknown order or availability, or a bad page, is ignored."""
        typed = {name: str(values.get(name) or "").strip() for name in ("sort", "town", "level", "certification", "available")}
        page = typed_page(str(values.get("page") or ""))
        sort = typed["sort"] if typed["sort"] in SORTS else "score"
        available = typed["available"] if typed["available"] in AVAILABILITIES else ""
        return cls(sort=sort, town=typed["town"], level=typed["level"], certification=typed["certification"],
                   available=available, page=page)  # fmt: skip

    def filters(self) -> dict[str, str]:
        """Return the filters set, by name (carried by the sort links and the pages' links)."""
        named = {"town": self.town, "level": self.level, "certification": self.certification, "available": self.available}
        return {name: value for name, value in named.items() if value}

    def parameters(self, **changes: Any) -> dict[str, str]:
        """Return the query's parameters with some changed (a link to another page or order keeps the rest)."""
        values: dict[str, Any] = {**self.filters(), "sort": self.sort, "page": self.page, **changes}
        return {name: str(value) for name, value in values.items() if value and not (name == "sort" and value == "score")
                and not (name == "page" and str(value) == "1")}  # fmt: skip


def typed_page(text: str) -> int:
    """Return the page number typed in a link, 1 when it is not a positive whole number."""
    return int(text) if text.isdigit() and int(text) > 0 else 1


@dataclass(frozen=True)
class Choices:
    """The values each filter offers, taken from the vacancy's candidates."""

    towns: tuple[str, ...]
    levels: tuple[str, ...]
    certifications: tuple[str, ...]


@dataclass(frozen=True)
class CandidatePage:
    """One page of the list: its rows, how many candidates the filters keep, the page's number and the count of pages."""

    rows: tuple[Ranked, ...]
    total: int
    listed: int
    number: int
    pages: int
    choices: Choices


def ranked(found: VacancyCandidates) -> list[Ranked]:
    """Return the candidates with their place in the engine's ranking."""
    return [Ranked(place, row) for place, row in enumerate(found.candidates, start=1)]


def is_available(row: CandidateRow, by: date) -> bool:
    """Return whether the candidate is available on that day (no date given: available now)."""
    since = row.trainee.available_from
    return since is None or since <= by


def keeps(query: ListQuery, row: CandidateRow, *, today: date, start: date | None) -> bool:
    """Return whether a candidate passes every filter of the query, as the engine reads towns and certifications."""
    taxonomy = get_taxonomy()
    trainee = row.trainee
    by = start if query.available == "start" and start is not None else today
    return (
        (not query.town or trainee.home_town in taxonomy.towns_within(query.town))
        and (not query.level or query.level in trainee.preferred_levels)
        and (not query.certification or not taxonomy.holders_of(query.certification).isdisjoint(trainee.certifications))
        and (not query.available or is_available(row, by))
    )


ORDERS: dict[str, Callable[[Ranked], Any]] = {
    "score": lambda r: r.rank,
    "experience": lambda r: (-r.row.trainee.security_years, r.rank),
    "town": lambda r: (r.row.trainee.home_town.casefold(), r.rank),
    "code": lambda r: r.row.trainee.code,
}


def choices(found: VacancyCandidates) -> Choices:
    """Return the towns, levels and certifications found among the candidates, sorted."""
    rows = [row.trainee for row in found.candidates]
    return Choices(
        towns=_sorted(t.home_town for t in rows),
        levels=_sorted(level for t in rows for level in t.preferred_levels),
        certifications=_sorted(code for t in rows for code in t.certifications),
    )


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=str.casefold))


def listing(found: VacancyCandidates, query: ListQuery, *, today: date, start: date | None,
            size: int = PAGE_SIZE) -> CandidatePage:  # fmt: skip
    """Return the page of the candidates the query asks for: filtered, sorted, cut (a page past the end shows the last)."""
    kept = sorted((r for r in ranked(found) if keeps(query, r.row, today=today, start=start)), key=ORDERS[query.sort])
    pages = max(-(-len(kept) // size), 1)
    number = min(query.page, pages)
    rows = tuple(kept[(number - 1) * size : number * size])
    return CandidatePage(rows, len(found.candidates), len(kept), number, pages, choices(found))


def compared(found: VacancyCandidates, codes: Sequence[str]) -> list[Ranked]:
    """Return the candidates of these codes in the order given, each once, leaving out codes no longer listed."""
    by_code = {r.row.trainee.code: r for r in ranked(found)}
    return [by_code[code] for code in dict.fromkeys(codes) if code in by_code]


def one(found: VacancyCandidates, code: str) -> Ranked | None:
    """Return the candidate of this code with its rank, or None when it is not listed."""
    return next((r for r in ranked(found) if r.row.trainee.code == code), None)
