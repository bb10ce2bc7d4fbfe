"""Property-based tests of the matching engine: scores, hard rules, reasons, determinism and plans.

The expected values are computed independently of the engine where FORMAT.md allows it (hard rules,
reasons, plan feasibility, brute-force optima and blocking pairs); the score itself is checked against
the per-pair reference implementation in `matching.naive`.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from matching import naive
from matching.assignment import Plan, PlanProblem, greedy_plan, optimal_plan, plan, plan_problem, stable_plan
from matching.components import NAMES
from matching.config import DEFAULT_LEVEL_WEIGHTS
from matching.encoding import training_grade
from matching.messages import Lang
from matching.models import (
    LANGUAGE_LEVELS,
    LICENCE_CATEGORIES,
    LITERACY_LEVELS,
    MOBILITIES,
    Experience,
    LanguageSkill,
    Trainee,
    Training,
    Vacancy,
)
from matching.ranking import VacancyRanking, rank, rank_prepared
from matching.scoring import prepare
from matching.taxonomy import get_taxonomy
from tests.matching.strategies import (
    CERTIFICATIONS,
    CI,
    EXPERIENCE_TITLES,
    KNOWN_TOWNS,
    LANGUAGES,
    SKILLS,
    UNKNOWN_TOWN,
    plan_pools,
    pools,
    tiny_pools,
)

#: Published scores have 4 decimals: the vectorised score is the reference one rounded.
TOLERANCE = 0.5e-4 + 1e-9
METHODS = {"optimal": optimal_plan, "stable": stable_plan, "greedy": greedy_plan}

Pool = tuple[list[Trainee], list[Vacancy]]


# ---------------------------------------------------------------- independent reading of FORMAT.md

#: FORMAT.md, hard constraint 1: SSIAP3 ⇒ SSIAP2 ⇒ SSIAP1, SST ⇒ PSC1 (not the reverse).
IMPLIES = {"SSIAP3": ("SSIAP2",), "SSIAP2": ("SSIAP1",), "SST": ("PSC1",)}
RADIUS_KM = 30.0


def held_certifications(t: Trainee) -> set[str]:
    held: set[str] = set()
    todo = list(t.certifications)
    while todo:
        code = todo.pop()
        if code not in held:
            held.add(code)
            todo.extend(IMPLIES.get(code, ()))
    return held


def spoken_level(t: Trainee, code: str) -> int:
    return max((LANGUAGE_LEVELS.index(x.level) + 1 for x in t.languages if x.language == code), default=0)


def distance_km(a: str, b: str) -> float | None:
    if a == b:
        return 0.0
    ta, tb = get_taxonomy().town(a), get_taxonomy().town(b)
    if ta is None or tb is None:
        return None
    la, lb = math.radians(ta.lat), math.radians(tb.lat)
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(math.radians(tb.lon - ta.lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def within_mobility(t: Trainee, town: str) -> bool:
    if town in t.extra_towns or t.mobility == "country":
        return True
    km = distance_km(t.home_town, town)
    if km is not None and km <= RADIUS_KM:
        return True
    home, site = get_taxonomy().town(t.home_town), get_taxonomy().town(town)
    return t.mobility == "region" and home is not None and site is not None and home.region == site.region


def failed_items(v: Vacancy, t: Trainee) -> list[str]:
    """Return one tag per failed requirement (each certification and each language separately)."""
    held = held_certifications(t)
    failed = [f"certification:{c}" for c in v.required_certifications if c not in held]
    failed += [
        f"language:{x.language}" for x in v.required_languages if spoken_level(t, x.language) < LANGUAGE_LEVELS.index(x.level) + 1
    ]
    if not within_mobility(t, v.town):
        failed.append("mobility")
    if v.driving_licence is not None and v.driving_licence not in t.driving_licences:
        failed.append("licence")
    # Summed exactly, as decimals: 0.6 + 0.7 + 0.7 years meet a minimum of 2.
    if sum(Decimal(str(e.years)) for e in t.experience if e.sector == "security") < Decimal(str(v.min_experience_years)):
        failed.append("experience")
    if v.min_literacy is not None and LITERACY_LEVELS.index(t.literacy) < LITERACY_LEVELS.index(v.min_literacy):
        failed.append("literacy")
    return failed


def failed_rules(v: Vacancy, t: Trainee) -> list[str]:
    """Return the FORMAT.md rules the trainee fails (a rule about several items counts once)."""
    return list(dict.fromkeys(tag.partition(":")[0] for tag in failed_items(v, t)))


def km_or_inf(t: Trainee, v: Vacancy) -> float:
    km = distance_km(t.home_town, v.town)
    return math.inf if km is None else km


def declared_fit(v: Vacancy, t: Trainee) -> bool:
    """The vacancy's level and shift are among the trainee's declared preferences (empty: any)."""
    level = not t.preferred_levels or v.level in t.preferred_levels
    shift = v.shift is None or not t.preferred_shifts or v.shift in t.preferred_shifts
    return level and shift


# ---------------------------------------------------------------- helpers


def full_rank(trainees: Sequence[Trainee], vacancies: Sequence[Vacancy]) -> list[VacancyRanking]:
    return rank(trainees, vacancies, top=len(trainees))


def score_table(rankings: Sequence[VacancyRanking]) -> dict[tuple[str, str], float]:
    """Return {(vacancy id, trainee id): score}, −1 for ineligible pairs (rankings with top ≥ pool size)."""
    table = {(r.vacancy_id, c.trainee_id): c.score for r in rankings for c in r.candidates}
    table |= {(r.vacancy_id, x["trainee_id"]): -1.0 for r in rankings for x in r.ineligible()}
    return table


def problem_of(pool: Pool) -> PlanProblem:
    return plan_problem(prepare(*pool))


def trainee_preference_key(problem: PlanProblem, v: int, t: int) -> tuple[bool, int, str]:
    """Smaller is better: declared fit first, then higher points, then lower vacancy id."""
    return (not bool(problem.declared[v, t]), -int(problem.points[v, t]), problem.vacancy_ids[v])


def vacancy_preference_key(problem: PlanProblem, v: int, t: int) -> tuple[int, int]:
    """Smaller is better: higher points, then lower trainee index (= lower trainee id)."""
    return (-int(problem.points[v, t]), t)


def assignment_of(made: Plan) -> dict[int, int]:
    return {t: v for v, t in made.pairs}


def feasible_assignments(problem: PlanProblem) -> list[dict[int, int]]:
    """Every assignment of trainees to eligible vacancies (or none) within the seats, by brute force."""
    n_vacancies, n_trainees = problem.points.shape
    options = [[None, *(v for v in range(n_vacancies) if problem.points[v, t] >= 0)] for t in range(n_trainees)]
    out = []
    for choice in itertools.product(*options):
        used = Counter(v for v in choice if v is not None)
        if all(used[v] <= problem.seats[v] for v in used):
            out.append({t: v for t, v in enumerate(choice) if v is not None})
    return out


def blocking_pairs(problem: PlanProblem, assigned: dict[int, int]) -> list[tuple[int, int]]:
    """Return every (vacancy, trainee) pair that would both rather be together than as assigned."""
    n_vacancies, n_trainees = problem.points.shape
    holders = {v: [t for t, w in assigned.items() if w == v] for v in range(n_vacancies)}
    out = []
    for v, t in itertools.product(range(n_vacancies), range(n_trainees)):
        if problem.points[v, t] < 0 or assigned.get(t) == v:
            continue
        current = assigned.get(t)
        trainee_wants = current is None or trainee_preference_key(problem, v, t) < trainee_preference_key(problem, current, t)
        vacancy_wants = len(holders[v]) < problem.seats[v] or any(
            vacancy_preference_key(problem, v, t) < vacancy_preference_key(problem, v, u) for u in holders[v]
        )
        if trainee_wants and vacancy_wants:
            out.append((v, t))
    return out


# ---------------------------------------------------------------- 1, 2: scores


class TestScores:
    @CI
    @given(pools())
    def test_ranges_order_and_partition(self, pool: Pool) -> None:
        trainees, vacancies = pool
        ids = sorted(t.id for t in trainees)
        by_id = {t.id: t for t in trainees}
        rankings = full_rank(trainees, vacancies)
        assert [r.vacancy_id for r in rankings] == [v.id for v in vacancies]
        for v, r in zip(vacancies, rankings, strict=True):
            level = DEFAULT_LEVEL_WEIGHTS[v.level]
            weights = {c: level[c] / sum(level.values()) for c in NAMES}
            for c in r.candidates:
                assert 0.0 <= c.score <= 1.0
                assert list(c.components) == list(NAMES)
                assert all(0.0 <= x <= 1.0 for x in c.components.values()), c.components
                # The score is the documented weighted mean of the (here rounded) components, weighted by the post's level.
                assert abs(c.score - sum(weights[k] * x for k, x in c.components.items())) <= 2 * TOLERANCE
            # Best first; equal scores: more security experience, then nearer home, then the trainee id.
            keys = [
                (-c.score, -by_id[c.trainee_id].security_years, km_or_inf(by_id[c.trainee_id], v), c.trainee_id)
                for c in r.candidates
            ]
            assert keys == sorted(keys)
            listed = [c.trainee_id for c in r.candidates] + [x["trainee_id"] for x in r.ineligible()]
            assert sorted(listed) == ids  # each trainee exactly once
            assert r.eligible_count == len(r.candidates)
            assert r.ineligible_count == len(r.ineligible())
            json.dumps(r.to_dict(), allow_nan=False)  # the document is plain JSON

    @CI
    @given(pools(), st.integers(0, 7))
    def test_top_k_is_a_prefix_of_the_full_ranking(self, pool: Pool, k: int) -> None:
        full = full_rank(*pool)
        cut = rank(*pool, top=k)
        for a, b in zip(full, cut, strict=True):
            assert [c.to_dict() for c in b.candidates] == [c.to_dict() for c in a.candidates[:k]]
            assert b.ineligible() == a.ineligible()

    @CI
    @given(pools())
    def test_vectorised_equals_naive(self, pool: Pool) -> None:
        trainees, vacancies = pool
        p = prepare(trainees, vacancies)
        rankings = full_rank(trainees, vacancies)
        scores = score_table(rankings)
        problem = plan_problem(p)
        for row, v in enumerate(vacancies):
            term_weights = naive.vacancy_term_weights(p, row)
            # The order, ties included, is the naive reference's too.
            assert [c.trainee_id for c in rankings[row].candidates] == naive.ranked(p, v, trainees, term_weights)
            for t in trainees:
                eligible = naive.eligible(p, v, t)
                assert (scores[v.id, t.id] >= 0) == eligible, (v.id, t.id)
                assert eligible == (not failed_rules(v, t)), (v.id, t.id, failed_rules(v, t))
                expected = naive.score(p, v, t, term_weights)
                if eligible:
                    assert abs(scores[v.id, t.id] - expected) <= TOLERANCE, (v.id, t.id, scores[v.id, t.id], expected)
                else:
                    assert expected == -1.0
                # The planning problem holds the very same published score.
                col = problem.trainee_ids.index(t.id)
                assert problem.points[row, col] == (round(scores[v.id, t.id] * problem.scale) if eligible else -1)

    @CI
    @given(pools())
    def test_components_equal_naive(self, pool: Pool) -> None:
        trainees, vacancies = pool
        p = prepare(trainees, vacancies)
        by_id = {t.id: t for t in trainees}
        for row, (v, r) in enumerate(zip(vacancies, full_rank(trainees, vacancies), strict=True)):
            term_weights = naive.vacancy_term_weights(p, row)
            for c in r.candidates:
                expected = naive.components(p, v, by_id[c.trainee_id], term_weights)
                for name in NAMES:
                    assert abs(c.components[name] - expected[name]) <= TOLERANCE, (v.id, c.trainee_id, name)


# ---------------------------------------------------------------- 3, 4: monotonicity


def _pick(data: st.DataObject, items: Sequence[str], exclude: Sequence[str], label: str) -> str:
    choices = [x for x in items if x not in exclude]
    assume(choices)
    return data.draw(st.sampled_from(choices), label=label)


def improve(t: Trainee, kind: str, data: st.DataObject) -> Trainee:
    """Return the trainee made better qualified in one respect (never worse in any)."""
    if kind == "language":
        code = data.draw(st.sampled_from(LANGUAGES), label="language")
        now = spoken_level(t, code)  # 0 absent, 1 basic … 4 native
        assume(now < len(LANGUAGE_LEVELS))
        level = data.draw(st.sampled_from(LANGUAGE_LEVELS[now:]), label="level")
        others = [x for x in t.languages if x.language != code]
        return t.model_copy(update={"languages": [*others, LanguageSkill(language=code, level=level)]})
    if kind == "literacy":
        higher = LITERACY_LEVELS[LITERACY_LEVELS.index(t.literacy) + 1 :]
        assume(higher)
        return t.model_copy(update={"literacy": data.draw(st.sampled_from(higher), label="literacy")})
    if kind == "licence":
        category = _pick(data, LICENCE_CATEGORIES, t.driving_licences, kind)
        return t.model_copy(update={"driving_licences": [*t.driving_licences, category]})
    if kind == "mobility":
        wider = MOBILITIES[MOBILITIES.index(t.mobility) + 1 :]
        assume(wider)
        return t.model_copy(update={"mobility": data.draw(st.sampled_from(wider), label="mobility")})
    if kind == "extra_town":
        town = _pick(data, (*KNOWN_TOWNS, UNKNOWN_TOWN), t.extra_towns, kind)
        return t.model_copy(update={"extra_towns": [*t.extra_towns, town]})
    if kind == "experience":
        years = data.draw(st.sampled_from((0.5, 1.0, 2.0)), label="years")
        stint = Experience(title=data.draw(st.sampled_from(EXPERIENCE_TITLES)), years=years, sector="security", country="ML")
        return t.model_copy(update={"experience": [*t.experience, stint]})
    if kind == "grade":
        # The grade the engine uses: the overall one, else the module grades' mean, else the middle of the scale (10/20).
        used = training_grade(t)
        now = 10.0 if used is None else used
        grade = data.draw(st.integers(math.ceil(now * 2), 40), label="grade") / 2
        modules = t.training.modules if t.training is not None else {}  # the modules passed still show their skills
        return t.model_copy(update={"training": Training(cohort="2025-B", overall=grade, modules=modules)})
    assert kind == "availability"
    assume(t.available_from is not None)
    earlier = data.draw(st.none() | st.integers(1, 90).map(lambda d: t.available_from - timedelta(days=d)), label="available")
    return t.model_copy(update={"available_from": earlier})


class TestMonotonicity:
    def _check_gain(self, pool: Pool, index: int, changed: Trainee) -> None:
        trainees, vacancies = pool
        before = score_table(full_rank(trainees, vacancies))
        after = score_table(full_rank([*trainees[:index], changed, *trainees[index + 1 :]], vacancies))
        for v in vacancies:
            old, new = before[v.id, changed.id], after[v.id, changed.id]
            if old >= 0:
                assert new >= old, (v.id, changed.id, old, new)
            for t in trainees:  # one trainee's profile never moves another's score
                if t.id != changed.id:
                    assert after[v.id, t.id] == before[v.id, t.id]

    @CI
    @given(pools(), st.data())
    def test_adding_a_certification_never_hurts(self, pool: Pool, data: st.DataObject) -> None:
        trainees, _ = pool
        index = data.draw(st.integers(0, len(trainees) - 1), label="trainee")
        t = trainees[index]
        code = _pick(data, CERTIFICATIONS, t.certifications, "certification")
        self._check_gain(pool, index, t.model_copy(update={"certifications": [*t.certifications, code]}))

    @CI
    @given(pools(), st.data())
    def test_adding_a_skill_never_hurts(self, pool: Pool, data: st.DataObject) -> None:
        trainees, _ = pool
        index = data.draw(st.integers(0, len(trainees) - 1), label="trainee")
        t = trainees[index]
        code = _pick(data, SKILLS, t.skills, "skill")
        self._check_gain(pool, index, t.model_copy(update={"skills": [*t.skills, code]}))

    @CI
    @given(
        pools(),
        st.sampled_from(("language", "literacy", "licence", "mobility", "extra_town", "experience", "grade", "availability")),
        st.data(),
    )
    def test_a_better_profile_never_scores_lower(self, pool: Pool, kind: str, data: st.DataObject) -> None:
        trainees, _ = pool
        index = data.draw(st.integers(0, len(trainees) - 1), label="trainee")
        self._check_gain(pool, index, improve(trainees[index], kind, data))

    @CI
    @given(pools(), st.data())
    def test_dropping_a_requirement_never_excludes(self, pool: Pool, data: st.DataObject) -> None:
        trainees, vacancies = pool
        row = data.draw(st.integers(0, len(vacancies) - 1), label="vacancy")
        v = vacancies[row]
        drops: list[tuple[str, int]] = [("required_certifications", i) for i in range(len(v.required_certifications))]
        drops += [("required_languages", i) for i in range(len(v.required_languages))]
        drops += [(name, -1) for name in ("min_literacy", "driving_licence") if getattr(v, name) is not None]
        drops += [("min_experience_years", -1)] if v.min_experience_years > 0 else []
        assume(drops)
        name, i = data.draw(st.sampled_from(drops), label="drop")
        if i >= 0:
            value: object = [x for j, x in enumerate(getattr(v, name)) if j != i]
        else:
            value = 0.0 if name == "min_experience_years" else None
        relaxed = v.model_copy(update={name: value})
        before = full_rank(trainees, vacancies)
        after = full_rank(trainees, [*vacancies[:row], relaxed, *vacancies[row + 1 :]])
        old = {x["trainee_id"]: len(x["reasons"]) for x in before[row].ineligible()}
        new = {x["trainee_id"]: len(x["reasons"]) for x in after[row].ineligible()}
        assert set(new) <= set(old), (name, i, set(new) - set(old))
        assert all(new[t] <= old[t] for t in new)
        for a, b in zip(before, after, strict=True):  # other vacancies' hard rules do not move
            if a.vacancy_id != v.id:
                assert a.ineligible() == b.ineligible()


# ---------------------------------------------------------------- 5: determinism


class TestDeterminism:
    @settings(CI, max_examples=40)
    @given(pools(), st.randoms(use_true_random=False))
    def test_rank_is_deterministic_and_order_free(self, pool: Pool, rnd: random.Random) -> None:
        trainees, vacancies = pool
        shuffled = list(trainees)
        rnd.shuffle(shuffled)
        reordered = list(vacancies)
        rnd.shuffle(reordered)
        first = [r.to_dict() for r in full_rank(trainees, vacancies)]
        assert [r.to_dict() for r in full_rank(trainees, vacancies)] == first
        assert [r.to_dict() for r in full_rank(shuffled, vacancies)] == first
        assert [r.to_dict() for r in rank(shuffled, vacancies, top=3)] == [r.to_dict() for r in rank(trainees, vacancies, top=3)]
        by_id = {d["vacancy_id"]: d for d in first}
        assert [r.to_dict() for r in full_rank(shuffled, reordered)] == [by_id[v.id] for v in reordered]

    @settings(CI, max_examples=40)
    @given(plan_pools, st.randoms(use_true_random=False))
    def test_plans_are_deterministic_and_order_free(self, pool: Pool, rnd: random.Random) -> None:
        trainees, vacancies = pool
        shuffled = list(trainees)
        rnd.shuffle(shuffled)
        reordered = list(vacancies)
        rnd.shuffle(reordered)
        problem = problem_of(pool)
        for method, solve in METHODS.items():
            doc = solve(problem).to_dict()
            assert solve(problem_of(pool)).to_dict() == doc, method
            assert solve(problem_of((shuffled, vacancies))).to_dict() == doc, method
        # Stable matching with strict, id-broken preferences is unique: vacancy order cannot matter.
        moved = stable_plan(problem_of((shuffled, reordered))).to_dict()
        stable = stable_plan(problem).to_dict()
        assert sorted(map(str, moved["assignments"])) == sorted(map(str, stable["assignments"]))
        assert moved["total_score"] == stable["total_score"]
        assert optimal_plan(problem_of((shuffled, reordered))).total_points == optimal_plan(problem).total_points

    @settings(CI, max_examples=40)
    @given(plan_pools, st.sampled_from((1, 2, 3, 5, 7, 11)))
    def test_block_size_does_not_change_anything(self, pool: Pool, pairs: int) -> None:
        # Real runs split the vacancies into blocks of about a million pairs; these pools fit in one block
        # unless the block is made tiny, which exercises the block offsets of rankings, reasons and plans.
        p = prepare(*pool)
        whole = [r.to_dict() for r in rank_prepared(p, top=4)]
        assert [r.to_dict() for r in rank_prepared(p, top=4, pairs=pairs)] == whole
        one, split = plan_problem(p), plan_problem(p, pairs=pairs)
        assert (one.points == split.points).all()
        assert (one.declared == split.declared).all()

    @settings(CI, max_examples=40)
    @given(pools(), st.randoms(use_true_random=False))
    def test_order_of_items_in_a_record_does_not_matter(self, pool: Pool, rnd: random.Random) -> None:
        trainees, vacancies = pool

        def shuffled(items: Sequence[object]) -> list[object]:
            out = list(items)
            rnd.shuffle(out)
            return out

        lists = ("experience", "skills", "certifications", "languages", "extra_towns", "driving_licences")
        people = [t.model_copy(update={name: shuffled(getattr(t, name)) for name in lists}) for t in trainees]
        wanted = ("required_certifications", "preferred_certifications", "required_skills", "preferred_skills")
        wanted += ("required_languages",)
        posts = [v.model_copy(update={name: shuffled(getattr(v, name)) for name in wanted}) for v in vacancies]
        before = full_rank(trainees, vacancies)
        assert [r.to_dict() for r in full_rank(people, vacancies)] == [r.to_dict() for r in before]
        after = full_rank(people, posts)
        assert score_table(after) == score_table(before)
        for a, b in zip(before, after, strict=True):
            assert [sorted(x["reasons"]) for x in a.ineligible()] == [sorted(x["reasons"]) for x in b.ineligible()]


# ---------------------------------------------------------------- 6: reasons


class TestReasons:
    @CI
    @given(pools(), st.sampled_from(("fr", "en")))
    def test_one_reason_per_failed_rule(self, pool: Pool, lang: Lang) -> None:
        trainees, vacancies = pool
        by_id = {t.id: t for t in trainees}
        for v, r in zip(vacancies, rank(trainees, vacancies, top=len(trainees), lang=lang), strict=True):
            listed = {x["trainee_id"]: x["reasons"] for x in r.ineligible()}
            for t in trainees:
                failed = failed_rules(v, t)
                if not failed:
                    assert t.id not in listed, (v.id, t.id, listed.get(t.id))
                    continue
                assert t.id in listed, (v.id, t.id, failed)
                reasons = listed[t.id]
                assert len(reasons) == len(failed), (v.id, t.id, failed, reasons)
                assert len(set(reasons)) == len(reasons)
                for tag in failed_items(v, t):
                    kind, _, code = tag.partition(":")
                    if kind in ("certification", "language"):
                        assert any(code in reason for reason in reasons), (tag, reasons)
            for c in r.candidates:
                assert not failed_rules(v, by_id[c.trainee_id])

    @CI
    @given(st.lists(st.sampled_from((0.1, 0.2, 0.3, 0.6, 0.7, 1.1, 1.2, 2.3)), min_size=1, max_size=4))
    def test_experience_rule_sums_years_exactly_in_any_order(self, stints: list[float]) -> None:
        # FORMAT.md rule 5 compares the summed years with the minimum: as numbers, not as binary floats.
        exact = sum(Decimal(str(y)) for y in stints)
        orders = sorted(set(itertools.permutations(stints)))
        trainees = [
            Trainee(
                id=f"T-{i:03d}",
                full_name="Awa Traoré",
                home_town="Bamako",
                experience=[Experience(title="agent de sécurité", years=y, sector="security") for y in order],
            )
            for i, order in enumerate(orders)
        ]
        minimums = [exact - Decimal("0.1"), exact, exact + Decimal("0.1")]
        vacancies = [
            Vacancy(id=f"V-{i}", employer="E", title="Agent", level="guard", town="Bamako", min_experience_years=float(m))
            for i, m in enumerate(minimums)
        ]
        for minimum, r in zip(minimums, full_rank(trainees, vacancies), strict=True):
            assert r.eligible_count == (len(trainees) if exact >= minimum else 0), (stints, minimum, r.ineligible()[:1])

    def test_mobility_rule_on_every_pair_of_towns(self) -> None:
        # Exhaustive over the strategies' towns (random pools rarely put a site 30 to 45 km from home):
        # one trainee per home town and mobility, one vacancy per town.
        places = (*KNOWN_TOWNS, UNKNOWN_TOWN)
        trainees = [
            Trainee(id=f"T-{i:03d}-{m}", full_name="Awa Traoré", home_town=home, mobility=m)
            for i, home in enumerate(places)
            for m in MOBILITIES
        ]
        vacancies = [
            Vacancy(id=f"V-{i:03d}", employer="Sécuri-Mali SARL", title="Agent de sécurité", level="guard", town=town)
            for i, town in enumerate(places)
        ]
        scores = score_table(full_rank(trainees, vacancies))
        for v, t in itertools.product(vacancies, trainees):
            assert (scores[v.id, t.id] >= 0) == within_mobility(t, v.town), (t.home_town, t.mobility, v.town)


# ---------------------------------------------------------------- 7, 8, 9: plans


def check_feasible(problem: PlanProblem, made: Plan) -> None:
    """Each trainee at most once, each vacancy at most its seats, eligible pairs only."""
    trainees = [t for _, t in made.pairs]
    assert len(trainees) == len(set(trainees)), made.pairs
    filled = Counter(v for v, _ in made.pairs)
    assert all(filled[v] <= problem.seats[v] for v in filled), (made.method, filled)
    assert all(problem.points[v, t] >= 0 for v, t in made.pairs), made.pairs


class TestPlans:
    @CI
    @given(plan_pools)
    def test_plans_are_feasible_and_optimal_dominates(self, pool: Pool) -> None:
        problem = problem_of(pool)
        plans = {name: solve(problem) for name, solve in METHODS.items()}
        for made in plans.values():
            check_feasible(problem, made)
        assert plans["optimal"].total_points >= plans["greedy"].total_points
        assert plans["optimal"].total_points >= plans["stable"].total_points

    @CI
    @given(tiny_pools)
    def test_optimal_equals_brute_force(self, pool: Pool) -> None:
        problem = problem_of(pool)
        best = max(sum(int(problem.points[v, t]) for t, v in a.items()) for a in feasible_assignments(problem))
        assert optimal_plan(problem).total_points == best

    @CI
    @given(plan_pools)
    def test_stable_plan_has_no_blocking_pair(self, pool: Pool) -> None:
        trainees, vacancies = pool
        problem = problem_of(pool)
        by_id = {t.id: t for t in trainees}
        for row, v in enumerate(vacancies):
            for col, tid in enumerate(problem.trainee_ids):
                assert problem.declared[row, col] == declared_fit(v, by_id[tid]), (v.id, tid)
        made = stable_plan(problem)
        check_feasible(problem, made)
        assert blocking_pairs(problem, assignment_of(made)) == []

    @CI
    @given(tiny_pools)
    def test_stable_plan_is_trainee_optimal(self, pool: Pool) -> None:
        problem = problem_of(pool)
        mine = assignment_of(stable_plan(problem))
        stable = [a for a in feasible_assignments(problem) if not blocking_pairs(problem, a)]
        assert mine in stable
        # Trainee-proposing deferred acceptance: every trainee gets its best partner over all stable plans.
        for other in stable:
            for t, v in other.items():
                assert t in mine and trainee_preference_key(problem, mine[t], t) <= trainee_preference_key(problem, v, t)

    @CI
    @given(plan_pools)
    def test_plan_document_is_consistent(self, pool: Pool) -> None:
        trainees, vacancies = pool
        scores = score_table(full_rank(trainees, vacancies))
        problem = problem_of(pool)
        seats = {v.id: v.seats for v in vacancies}
        for name, solve in METHODS.items():
            doc = solve(problem).to_dict()
            assert doc["method"] == name
            assignments = doc["assignments"]
            assert doc["total_score"] == round(sum(a["score"] for a in assignments), 4)
            for a in assignments:
                assert a["score"] == scores[a["vacancy_id"], a["trainee_id"]] >= 0
            filled = Counter(a["vacancy_id"] for a in assignments)
            unfilled = {u["vacancy_id"]: u["seats"] for u in doc["unfilled"]}
            assert unfilled == {vid: n - filled[vid] for vid, n in seats.items() if filled[vid] < n}
            assert all(n > 0 for n in unfilled.values())
            placed = [a["trainee_id"] for a in assignments]
            assert len(placed) == len(set(placed))
            assert sorted(placed + doc["unplaced"]) == sorted(t.id for t in trainees)
            assert doc["unplaced"] == sorted(doc["unplaced"])


# ---------------------------------------------------------------- regressions


def test_decimal_years_meeting_the_minimum_are_eligible_whatever_their_order() -> None:
    vacancy = Vacancy(
        id="V-0001", employer="Sécuri-Mali SARL", title="Agent de sécurité", level="guard", town="Bamako", min_experience_years=2
    )
    for order in ((0.7, 0.7, 0.6), (0.6, 0.7, 0.7)):
        stints = [Experience(title="agent de sécurité", years=y, sector="security", country="ML") for y in order]
        trainee = Trainee(id="T-2020-001", full_name="Awa Traoré", home_town="Bamako", experience=stints)
        ranking = rank([trainee], [vacancy])[0]
        assert ranking.ineligible() == [], (order, ranking.ineligible())
        assert plan([trainee], [vacancy]).to_dict()["unplaced"] == []
