"""A recruiter's review, as tests: one hand-written case per fault of issue 14, each saying who must rank first and why.

An experienced recruiter read the top five of synthetic guard posts and found six systematic faults; each case
below is the smallest pair of candidates showing one of them. Every case failed on the engine before issue 14.
"""

from __future__ import annotations

from typing import Any

from matching.config import ScoringConfig
from matching.models import Trainee, Vacancy
from matching.ranking import Candidate, rank
from tests.factories import trainee, vacancy

#: What every candidate below shares unless the case is about it: a guard trained at 14/20 with 3 years' experience.
SAME: dict[str, Any] = {
    "mobility": "country",
    "skills": ["access_control", "patrol"],
    "certifications": ["SST"],
    "experience": [{"title": "agent de sécurité", "years": 3, "sector": "security", "country": "ML"}],
    "training": {"cohort": "2026-A", "overall": 14},
    "preferred_levels": ["guard"],
}


def candidate(id: str, **overrides: Any) -> Trainee:
    """Return a candidate sharing SAME, with what the case is about replaced."""
    return trainee(id=id, **(SAME | overrides))


def ranked(trainees: list[Trainee], v: Vacancy) -> list[Candidate]:
    """Return every eligible candidate of the vacancy, best first, with French reasons."""
    [ranking] = rank(trainees, [v], top=len(trainees), lang="fr")
    return ranking.candidates


def order(trainees: list[Trainee], v: Vacancy) -> list[str]:
    return [c.trainee_id for c in ranked(trainees, v)]


# ---------------------------------------------------------------- 1. a literally listed skill decided the order


def test_1_a_skill_shown_by_certificate_module_and_past_job_counts_as_held() -> None:
    """The Gao trainee with SSIAP1, 2 years as "Agent SSIAP" and 12.75 in the fire module holds fire safety,
    though he never wrote it down: he must come before someone 946 km away who only listed it."""
    post = vacancy(town="Gao", required_skills=["fire_safety"])
    local = candidate(
        "T-B",
        home_town="Gao",
        certifications=["SSIAP1"],
        experience=[{"title": "Agent SSIAP", "years": 2, "sector": "security", "country": "ML"}],
        training={"cohort": "2026-A", "overall": 13, "modules": {"securite_incendie": 12.75}},
    )
    far = candidate("T-A", home_town="Bamako", skills=["access_control", "patrol", "fire_safety"], training={"overall": 15})
    candidates = ranked([far, local], post)
    assert [c.trainee_id for c in candidates] == ["T-B", "T-A"]
    reasons = " | ".join(candidates[0].reasons)
    assert "sécurité incendie : SSIAP1" in reasons and "module 12,75/20" in reasons, reasons
    assert "sécurité incendie absente" not in reasons


def test_1_a_skill_named_in_two_lists_counts_once() -> None:
    """ "surveillance" required and "gardiennage" preferred are one skill (static guarding): naming it twice
    must not weigh it twice, so someone without it scores as if it were named once."""
    once = vacancy(required_skills=["static_guarding"])
    twice = vacancy(required_skills=["static_guarding"], preferred_skills=["static_guarding"])
    lacks = candidate("T-A")
    [a] = ranked([lacks], once)
    [b] = ranked([lacks], twice)
    assert b.score == a.score


# ---------------------------------------------------------------- 2. guard posts went to people who want to lead


def test_2_a_guard_post_goes_to_who_wants_guard_work_on_that_shift() -> None:
    """6 years' experience and a wish to lead (day work) lose a night guard post to 1 year and a wish for it:
    experience is full after a few years on a guard post, and the declared wishes cost clearly."""
    post = vacancy(shift="night")
    leader = candidate(
        "T-A",
        preferred_levels=["supervisor"],
        preferred_shifts=["day"],
        experience=[{"title": "agent de sécurité", "years": 6, "sector": "security", "country": "ML"}],
    )
    guard = candidate(
        "T-B",
        preferred_shifts=["night"],
        experience=[{"title": "agent de sécurité", "years": 1, "sector": "security", "country": "ML"}],
    )
    assert order([leader, guard], post) == ["T-B", "T-A"]


# ---------------------------------------------------------------- 3. a local lost to someone far away over small items


def test_3_an_accepted_extra_town_is_willingness_not_residence() -> None:
    """Living in Gao beats living 946 km away and accepting Gao, even with a grade 3 points lower."""
    post = vacancy(town="Gao")
    local = candidate("T-B", home_town="Gao", mobility="town", training={"overall": 12})
    willing = candidate("T-A", home_town="Bamako", mobility="town", extra_towns=["Gao"], training={"overall": 15})
    assert order([willing, local], post) == ["T-B", "T-A"]


def test_3_distance_keeps_mattering_beyond_300_km() -> None:
    """On a Bamako post, Ségou (212 km) beats Gao (946 km) despite a grade 3 points lower."""
    post = vacancy(town="Bamako")
    segou = candidate("T-B", home_town="Ségou", training={"overall": 12})
    gao = candidate("T-A", home_town="Gao", training={"overall": 15})
    assert order([gao, segou], post) == ["T-B", "T-A"]


# ---------------------------------------------------------------- 4. the reasons did not explain the order


def test_4_every_preference_mismatch_is_named() -> None:
    """Other level wanted, other shift wanted, available late, 946 km away, no grade (10/20 assumed): all five said."""
    post = vacancy(town="Bamako", shift="night", start_date="2027-01-01")
    t = candidate(
        "T-A",
        home_town="Gao",
        preferred_levels=["supervisor"],
        preferred_shifts=["day"],
        available_from="2027-01-31",
        training=None,
    )
    [c] = ranked([t], post)
    said = " | ".join(c.reasons)
    for expected in ("préfère un autre niveau", "préfère le travail de jour", "disponible 30 jours après", "946 km", "10/20"):
        assert expected in said, (expected, said)


# ---------------------------------------------------------------- 5. "profil proche" echoed the skill labels and boilerplate


def test_5_the_text_component_measures_what_the_free_text_adds() -> None:
    """A summary repeating the post's skill label and "sécurité privée" adds nothing; one that has guarded a
    residence, as the description asks, does."""
    post = vacancy(
        title="Agent de sécurité — résidence",
        description="Gardiennage d'une résidence privée, sécurité incendie.",
        required_skills=["fire_safety"],
    )
    echo = candidate("T-A", skills=["fire_safety"], summary="Agent de sécurité privée, sécurité incendie.")
    adds = candidate("T-B", skills=["fire_safety"], summary="Trois ans de garde d'une résidence à Kati.")
    candidates = ranked([echo, adds], post)
    assert [c.trainee_id for c in candidates] == ["T-B", "T-A"]
    assert candidates[1].components["text"] == 0.0


# ---------------------------------------------------------------- 6. the cut after 5th was a coin flip


def test_6_exact_ties_go_to_experience_then_distance_then_id() -> None:
    """Equal scores: more experience first; equal experience too: the one living nearer first; then the id."""
    post = vacancy(town="Gao")
    senior = candidate("T-C", experience=[{"title": "vigile", "years": 9, "sector": "security", "country": "ML"}])
    junior = candidate("T-A", experience=[{"title": "vigile", "years": 6, "sector": "security", "country": "ML"}])
    assert order([junior, senior], vacancy()) == ["T-C", "T-A"]
    # Both accept Gao as an extra town and live far from it: equal proximity, different distances.
    nearer = candidate("T-E", home_town="Ségou", mobility="town", extra_towns=["Gao"])
    farther = candidate("T-D", home_town="Kayes", mobility="town", extra_towns=["Gao"])
    candidates = ranked([farther, nearer], post)
    assert candidates[0].score == candidates[1].score
    assert [c.trainee_id for c in candidates] == ["T-E", "T-D"]


def test_6_the_exchange_document_breaks_exact_ties_by_id_alone_as_format_md_says() -> None:
    """`rdvm rank` writes FORMAT.md's document, whose exact ties are "broken by trainee id": its configuration
    says so, and the same two trainees come in id order there."""
    senior = candidate("T-C", experience=[{"title": "vigile", "years": 9, "sector": "security", "country": "ML"}])
    junior = candidate("T-A", experience=[{"title": "vigile", "years": 6, "sector": "security", "country": "ML"}])
    [ranking] = rank([senior, junior], [vacancy()], top=2, config=ScoringConfig(ties_by_id=True))
    assert ranking.candidates[0].score == ranking.candidates[1].score
    assert [c.trainee_id for c in ranking.candidates] == ["T-A", "T-C"]


def test_6_the_page_says_what_separates_close_scores_and_shows_tie_bands() -> None:
    """Neighbours closer than the tie band are shown tied, with what puts the first ahead; exact ties say the
    tie-break that decided; scores far apart say nothing."""
    post = vacancy(town="Gao")
    pool = [
        candidate("T-F", home_town="Gao", training={"overall": 14}),
        candidate("T-G", home_town="Gao", training={"overall": 13.6}),
        *(
            candidate(
                id,
                home_town="Gao",
                training={"overall": 16},
                experience=[{"title": "vigile", "years": years, "sector": "security"}],
            )
            for id, years in (("T-C", 9), ("T-A", 6))
        ),
        candidate("T-Z", home_town="Bamako", training={"overall": 8}),
    ]
    [ranking] = rank(pool, [post], top=len(pool), lang="fr")
    assert [c.trainee_id for c in ranking.candidates] == ["T-C", "T-A", "T-F", "T-G", "T-Z"]
    said = ranking.separations()
    assert said[0] == "à égalité exacte avec le suivant, départagés par l'expérience (9 ans contre 6 ans)"
    assert said[1] == "devant le suivant (écart 1/100) : Note de formation +1"
    assert said[2] == "à égalité avec le suivant (écart 0,2/100) : Note de formation +0,2"
    assert said[3] is None and said[4] is None  # far apart, and the last has no next
