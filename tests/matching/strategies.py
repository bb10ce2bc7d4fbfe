"""Hypothesis strategies for small, already-normalised pools of trainees and vacancies.

Every value is canonical (taxonomy codes, gazetteer town names), as `rank()` and `prepare()` expect,
except one town deliberately outside the gazetteer: the exchange format keeps unknown names as written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from matching.models import (
    LANGUAGE_LEVELS,
    LEVELS,
    LICENCE_CATEGORIES,
    LITERACY_LEVELS,
    MOBILITIES,
    SHIFTS,
    Experience,
    LanguageSkill,
    Trainee,
    Training,
    Vacancy,
)
from matching.taxonomy import get_taxonomy

#: Towns chosen for their geometry: Bamako and Commune IV 4 km apart, Kati 13 km from Bamako but in
#: Koulikoro region, Siby in Koulikoro region yet 49 km from Kati, Ségou–Markala 34 km (just outside
#: the 30 km radius), Mopti–Sévaré 10 km, Sanankoroba (Koulikoro) 28 km from Bamako (District), Baguineda
#: 24 km from Bamako and 35 km from Kati, Fana (Dioïla) 36 km from Baraouéli (Ségou), and far towns.
KNOWN_TOWNS = (
    "Bamako",
    "Bamako Commune IV",
    "Kati",
    "Kalaban Coro",
    "Koulikoro",
    "Siby",
    "Sikasso",
    "Kadiolo",
    "Ségou",
    "Markala",
    "Kayes",
    "Mopti",
    "Sévaré",
    "Fana",
    "Sanankoroba",
    "Baguineda",
    "Baraouéli",
)

#: Reproducible in CI: derandomized, no example database, no deadline (first calls warm caches up).
CI = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _km(a: str, b: str) -> float:
    ta, tb = get_taxonomy().town(a), get_taxonomy().town(b)
    assert ta is not None and tb is not None
    la, lb = math.radians(ta.lat), math.radians(tb.lat)
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(math.radians(tb.lon - ta.lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


#: Towns 10 to 45 km from each town: sites on either side of the 30 km radius of mobility `town`.
NEIGHBOURS = {a: [b for b in KNOWN_TOWNS if 10 <= _km(a, b) <= 45] for a in KNOWN_TOWNS}
#: A name the gazetteer does not know (kept as written by the normaliser): no coordinates, no region.
UNKNOWN_TOWN = "Hameau inconnu"
CERTIFICATIONS = ("SST", "PSC1", "SSIAP1", "SSIAP2", "SSIAP3", "CQP_APS", "H0B0", "CYNO")
SKILLS = (
    "patrol",
    "access_control",
    "cctv_monitoring",
    "first_aid",
    "fire_safety",
    "logbook",
    "incident_report",
    "conflict_management",
    "driving",
    "dog_handling",
    "radio_use",
    "customer_service",
    "mining_security",
    "staff_supervision",
)
LANGUAGES = ("bm", "fr", "ff", "snk", "son")
WORDS = (
    "agent",
    "sécurité",
    "gardiennage",
    "surveillance",
    "nuit",
    "site",
    "minier",
    "banque",
    "contrôle",
    "accès",
    "ronde",
    "incendie",
    "hôtel",
    "chef",
    "équipe",
    "vidéo",
    "le",
    "de",
    "et",
    "à",
    "l'équipe",
    "Maître-chien",
    "CONTRÔLE",
    "main-d'œuvre",
)
TITLES = ("Agent de sécurité", "Agent de sécurité — site minier", "Chef de poste", "Maître-chien", "Opérateur vidéo")
EXPERIENCE_TITLES = (
    "agent de sécurité",
    "gardien de nuit",
    "maçon",
    "chauffeur",
    "vigile de banque",
    "Agent SSIAP",
    "chef de poste",
)
NAMES = ("Awa Traoré", "Moussa Keïta", "Fatoumata Diarra", "Ibrahim Coulibaly", "Aminata Touré", "Seydou Sidibé")
EMPLOYERS = ("Sécuri-Mali SARL", "Gardiennage du Sahel", "Mines de Sadiola SA", "Hôtel du Fleuve")


def sometimes(strategy: st.SearchStrategy, default: object, one_in: int = 3) -> st.SearchStrategy:
    """Draw from `strategy` about once in `one_in` draws, else `default` (what examples shrink to)."""
    return st.integers(0, one_in - 1).flatmap(lambda k: strategy if k == one_in - 1 else st.just(default))


towns = st.one_of(st.sampled_from(KNOWN_TOWNS), st.sampled_from(KNOWN_TOWNS), st.sampled_from(KNOWN_TOWNS), st.just(UNKNOWN_TOWN))
dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31))
#: Years of a stint, as spreadsheets write them: decimals whose binary sums are inexact (0.6 + 0.7 + 0.7).
years = st.sampled_from((0.0, 0.1, 0.5, 0.6, 0.7, 1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0))
grades = st.integers(0, 40).map(lambda x: x / 2)
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
BAMBARA_NATIVE = LanguageSkill(language="bm", level="native")
language_lists = st.lists(
    st.builds(LanguageSkill, language=st.sampled_from(LANGUAGES), level=st.sampled_from(LANGUAGE_LEVELS)),
    max_size=3,
    unique_by=lambda x: x.language,
)
experiences = st.builds(
    Experience,
    title=st.sampled_from(EXPERIENCE_TITLES),
    years=years,
    sector=st.sampled_from(("security", "other")),
    country=st.sampled_from(("ML", "FR", "SN", "CI", None)),
)
trainings = st.builds(
    Training,
    cohort=st.sampled_from(("2024-A", "2025-B", None)),
    overall=st.none() | grades,
    modules=st.dictionaries(st.sampled_from(("secourisme", "incendie", "droit")), grades, max_size=2),
)


@st.composite
def trainees(draw: st.DrawFn, trainee_id: str) -> Trainee:
    """Return one normalised trainee with the given id."""
    return Trainee(
        id=trainee_id,
        full_name=draw(st.sampled_from(NAMES)),
        gender=draw(st.sampled_from(("F", "M", None))),
        birth_date=draw(st.none() | st.dates(min_value=date(1970, 1, 1), max_value=date(2005, 12, 31))),
        home_town=draw(towns),
        mobility=draw(st.sampled_from((*MOBILITIES, "country"))),
        extra_towns=draw(st.lists(towns, max_size=2, unique=True)),
        languages=draw(st.one_of(language_lists.filter(bool), st.just([BAMBARA_NATIVE]), language_lists)),
        literacy=draw(st.sampled_from(LITERACY_LEVELS)),
        education=draw(st.sampled_from((None, "none", "primary", "lower_secondary", "upper_secondary", "higher"))),
        experience=draw(st.lists(experiences, max_size=3)),
        skills=draw(st.lists(st.sampled_from(SKILLS), max_size=5, unique=True)),
        certifications=draw(st.lists(st.sampled_from(CERTIFICATIONS), max_size=3, unique=True)),
        driving_licences=draw(st.lists(st.sampled_from(LICENCE_CATEGORIES), max_size=2, unique=True)),
        training=draw(st.none() | trainings),
        available_from=draw(st.none() | dates),
        preferred_levels=draw(st.lists(st.sampled_from(LEVELS), max_size=2, unique=True)),
        preferred_shifts=draw(st.lists(st.sampled_from(SHIFTS), max_size=2, unique=True)),
        summary=draw(st.none() | text),
    )


def _requirement(
    draw: st.DrawFn, default: object, random: st.SearchStrategy, echo: st.SearchStrategy | None, lenient: bool
) -> object:
    """Return `default` half of the time, else one the template just meets (2 in 6) or a random one (1 in 6).

    A lenient vacancy asks nothing 5 times in 6, and otherwise only what its template meets.
    """
    choice = draw(st.integers(0, 5))
    if choice < (5 if lenient else 3):
        return default
    if choice == 3:
        return draw(random)
    return draw(echo) if echo is not None else default


@st.composite
def vacancies(
    draw: st.DrawFn,
    vacancy_id: str,
    max_seats: int = 3,
    template: Trainee | None = None,
    homes: Sequence[str] = (),
    lenient: bool = False,
) -> Vacancy:
    """Return one normalised vacancy with the given id (requirements are mostly light, so pools mix).

    With a `template` trainee, the town and each hard requirement are often ones the template meets
    exactly (its own certifications or one they imply, its language levels, its literacy, its summed
    security years): the boundary cases of the hard rules. The town is often one of `homes`. A lenient
    vacancy has few requirements, so that many trainees compete for its seats.
    """
    t = template
    held = sorted(set().union(*(get_taxonomy().implied_certifications(c) for c in t.certifications))) if t else []
    # The template's security years summed as a person would (exactly, in decimal), not as floats add up.
    security = float(sum(Decimal(str(e.years)) for e in t.experience if e.sector == "security")) if t else 0.0
    sites = st.sampled_from(homes) | towns if homes else towns
    if t is not None:
        own = st.sampled_from([t.home_town, *t.extra_towns])
        sites = st.one_of(own, st.sampled_from(NEIGHBOURS[t.home_town]), sites) if NEIGHBOURS.get(t.home_town) else own | sites
    return Vacancy(
        id=vacancy_id,
        employer=draw(st.sampled_from(EMPLOYERS)),
        title=draw(st.sampled_from(TITLES)),
        level=draw(st.sampled_from(LEVELS)),
        town=draw(sites),
        seats=draw(st.integers(1, max_seats)),
        required_certifications=_requirement(
            draw,
            [],
            st.lists(st.sampled_from(CERTIFICATIONS), min_size=1, max_size=2, unique=True),
            st.lists(st.sampled_from(held), min_size=1, max_size=2, unique=True) if held else None,
            lenient,
        ),
        preferred_certifications=draw(st.lists(st.sampled_from(CERTIFICATIONS), max_size=2, unique=True)),
        required_skills=draw(st.lists(st.sampled_from(SKILLS), max_size=4, unique=True)),
        preferred_skills=draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)),
        required_languages=_requirement(
            draw,
            [],
            language_lists.filter(bool).map(lambda xs: xs[:2]),
            st.lists(st.sampled_from(t.languages), min_size=1, max_size=2, unique_by=lambda x: x.language)
            if t and t.languages
            else None,
            lenient,
        ),
        min_literacy=_requirement(draw, None, st.sampled_from(LITERACY_LEVELS), st.just(t.literacy) if t else None, lenient),
        min_experience_years=_requirement(
            draw, 0.0, st.sampled_from((0.5, 0.8, 1.0, 2.0, 3.0)), st.just(security) if security > 0 else None, lenient
        ),
        driving_licence=_requirement(
            draw,
            None,
            st.sampled_from(LICENCE_CATEGORIES),
            st.sampled_from(t.driving_licences) if t and t.driving_licences else None,
            lenient,
        ),
        shift=draw(st.none() | st.sampled_from(SHIFTS)),
        start_date=draw(st.none() | dates),
        salary_fcfa_month=draw(st.none() | st.integers(40_000, 400_000)),
        description=draw(st.none() | text),
    )


@st.composite
def pools(
    draw: st.DrawFn,
    min_trainees: int = 1,
    max_trainees: int = 6,
    min_vacancies: int = 1,
    max_vacancies: int = 4,
    max_seats: int = 3,
) -> tuple[list[Trainee], list[Vacancy]]:
    """Return (trainees, vacancies) with distinct ids, listed in an order unrelated to id order.

    Half the pools are lenient (vacancies with few hard requirements), half are demanding.
    """
    t_numbers = draw(st.lists(st.integers(1, 999), min_size=min_trainees, max_size=max_trainees, unique=True))
    v_numbers = draw(st.lists(st.integers(1, 9999), min_size=min_vacancies, max_size=max_vacancies, unique=True))
    people = [draw(trainees(f"T-2020-{n:03d}")) for n in t_numbers]
    homes = sorted({t.home_town for t in people})
    lenient = draw(st.booleans())
    posts = [draw(vacancies(f"V-{n:04d}", max_seats, draw(st.sampled_from(people)), homes, lenient)) for n in v_numbers]
    return people, posts


#: Pools where seats are scarce: several trainees compete for single seats (plans differ by method).
contested_pools = pools(min_trainees=3, min_vacancies=2, max_seats=1)
plan_pools = st.one_of(pools(), contested_pools)
#: Pools small enough to enumerate every assignment (≤ 4 trainees, ≤ 3 vacancies; seats expanded),
#: including crowded ones where several trainees compete for the seats of one or two vacancies.
tiny_pools = st.one_of(
    pools(max_trainees=4, max_vacancies=3),
    pools(min_trainees=3, max_trainees=4, min_vacancies=2, max_vacancies=3, max_seats=1),
    pools(min_trainees=3, max_trainees=4, max_vacancies=2, max_seats=3),
)
