"""Plans on small cases whose right answer is plain."""

from __future__ import annotations

from matching.assignment import greedy_plan, optimal_plan, plan_problem, stable_plan
from matching.scoring import prepare
from tests.factories import trainee, vacancy


def test_optimal_beats_greedy_when_greedy_blocks_a_seat() -> None:
    # T-A is best everywhere; only T-A may take V-2 (Kati-only mobility would not matter: V-2 needs SSIAP1).
    star = trainee(id="T-A", certifications=["SSIAP1", "SST"], training={"overall": 19}, skills=["access_control"])
    plain = trainee(id="T-B", certifications=["SST"], training={"overall": 12})
    v1 = vacancy(id="V-1", required_skills=["access_control"])
    v2 = vacancy(id="V-2", required_certifications=["SSIAP1"])
    problem = plan_problem(prepare([star, plain], [v1, v2]))
    optimal, greedy = optimal_plan(problem), greedy_plan(problem)
    assert optimal.total_points >= greedy.total_points
    assert {(a["vacancy_id"], a["trainee_id"]) for a in optimal.to_dict()["assignments"]} == {("V-1", "T-B"), ("V-2", "T-A")}


def test_seats_unfilled_and_unplaced_are_reported() -> None:
    pool = [trainee(id=f"T-{i}") for i in range(3)] + [trainee(id="T-X", certifications=[])]
    problem = plan_problem(prepare(pool, [vacancy(id="V-1", seats=5, required_certifications=["SST"])]))
    for plan in (optimal_plan(problem), stable_plan(problem)):
        out = plan.to_dict()
        assert len(out["assignments"]) == 3
        assert out["unfilled"] == [{"vacancy_id": "V-1", "seats": 2}]
        assert out["unplaced"] == ["T-X"]
        assert out["total_score"] == round(sum(a["score"] for a in out["assignments"]), 4)


def test_stable_plan_follows_declared_preferences_first() -> None:
    t = trainee(id="T-1", preferred_levels=["supervisor"])
    guard = vacancy(id="V-G", level="guard", required_skills=["access_control"])
    chief = vacancy(id="V-S", level="supervisor", required_skills=["budgeting"])
    problem = plan_problem(prepare([t], [guard, chief]))
    assert stable_plan(problem).to_dict()["assignments"][0]["vacancy_id"] == "V-S"


def test_empty_inputs() -> None:
    problem = plan_problem(prepare([trainee(id="T-1")], [vacancy(id="V-1", required_certifications=["SSIAP3"])]))
    for plan in (optimal_plan(problem), stable_plan(problem), greedy_plan(problem)):
        assert plan.to_dict()["assignments"] == [] and plan.to_dict()["total_score"] == 0


def test_optimal_plan_does_not_depend_on_the_order_of_the_vacancies() -> None:
    pool = [trainee(id="T-1"), trainee(id="T-2")]
    twins = [vacancy(id="V-1"), vacancy(id="V-2")]
    plans = [optimal_plan(plan_problem(prepare(pool, order))).to_dict() for order in (twins, twins[::-1])]
    assert plans[0] == plans[1]
    assert [a["vacancy_id"] for a in plans[0]["assignments"]] == ["V-1", "V-2"]  # listed by vacancy id
