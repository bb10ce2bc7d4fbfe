"""Training gaps (`rdvm gaps`): one step, how many trainees it would make eligible for how many open seats."""

from __future__ import annotations

from matching.gaps import gaps, gaps_prepared, sentences
from matching.models import Trainee, Vacancy
from matching.scoring import prepare
from tests.factories import trainee, vacancy


def hand_case() -> tuple[list[Trainee], list[Vacancy]]:
    """Four trainees and four vacancies whose single-rule failures are worked out by hand below."""
    vacancies = [
        vacancy(id="V-1", required_certifications=["SSIAP1"], seats=3),
        vacancy(id="V-2", required_languages=[{"language": "fr", "level": "fluent"}], seats=2),
        vacancy(id="V-3", town="Kayes", driving_licence="B", seats=1),
        vacancy(id="V-4", required_certifications=["SSIAP2"], seats=1),
    ]
    trainees = [
        # SST only, French fluent, Bamako: V-1 and V-4 lack a certification; V-3 fails town and licence.
        trainee(id="T-A"),
        # SSIAP1, French conversational: V-2 fails French, V-4 lacks SSIAP2; V-3 fails two rules.
        trainee(id="T-B", certifications=["SSIAP1"], languages=[{"language": "fr", "level": "conversational"}]),
        # Kayes, licence B, SSIAP1: V-1 and V-2 are outside their mobility; V-4 fails two rules.
        trainee(id="T-C", home_town="Kayes", driving_licences=["B"], certifications=["SSIAP1"]),
        # Kayes, no licence: V-3 lacks the licence, V-2 is outside their mobility; V-1 and V-4 fail two rules.
        trainee(id="T-D", home_town="Kayes"),
    ]
    return trainees, vacancies


def test_hand_checked_gaps_ranked_by_seats() -> None:
    found = [(g.kind, g.code, g.level, g.trainees, g.vacancies, g.seats) for g in gaps(*hand_case())]
    assert found == [
        ("town", "Bamako", None, 2, 2, 5),  # T-C for V-1 and V-2, T-D for V-2
        ("certification", "SSIAP2", None, 2, 2, 4),  # contains SSIAP1: T-A for V-1 and V-4, T-B for V-4
        ("certification", "SSIAP1", None, 1, 1, 3),  # T-A for V-1
        ("language", "fr", "fluent", 1, 1, 2),  # T-B for V-2
        ("driving_licence", "B", None, 1, 1, 1),  # T-D for V-3
    ]


def test_the_trainees_of_a_gap_are_named() -> None:
    trainees, vacancies = hand_case()
    p = prepare(trainees, vacancies)
    by_code = {g.code: [p.trainees.ids[c] for c in g.trainee_columns] for g in gaps_prepared(p)}
    assert by_code["Bamako"] == ["T-C", "T-D"] and by_code["SSIAP2"] == ["T-A", "T-B"]


def test_sentences_in_french_and_english() -> None:
    trainees, vacancies = hand_case()
    p = prepare(trainees, vacancies)
    found = gaps_prepared(p)
    french = list(sentences(found, p, "fr"))
    assert french[2] == "1 stagiaire(s) à un SSIAP1 de 3 place(s) ouverte(s) (1 offre(s))"
    assert french[0] == "2 stagiaire(s) à une ville de plus (Bamako) de 5 place(s) ouverte(s) (2 offre(s))"
    english = list(sentences(found, p, "en"))
    assert english[3] == "1 trainee(s) one French (fluent) level away from 2 open seat(s) (1 vacancies)"


def test_a_certification_that_opens_only_what_the_one_it_contains_opens_is_left_out() -> None:
    trainees = [trainee(id="T-A")]  # SST only
    found = gaps(
        trainees, [vacancy(id="V-1", required_certifications=["SSIAP1"]), vacancy(required_certifications=["SSIAP2"], town="Gao")]
    )
    assert [(g.code, g.trainees) for g in found] == [("SSIAP1", 1)]


def test_two_rules_failing_is_no_gap_and_blocks_change_nothing() -> None:
    trainees, vacancies = hand_case()
    p = prepare(trainees, vacancies)
    whole = [g.to_dict() for g in gaps_prepared(p)]
    assert [g.to_dict() for g in gaps_prepared(p, pairs=len(trainees))] == whole  # one vacancy a block
    assert gaps([trainee(certifications=[], home_town="Kayes")], [vacancy(required_certifications=["SST"])]) == []
