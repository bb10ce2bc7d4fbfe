"""A preparation revised on one side (`revise`) is the preparation of the new records made from scratch (`prepare`).

Realistic pools (`matching.synth`) are prepared, then one side changes: a salary, a text, a town, a skill, a
certification, a vacancy more or fewer, other trainees. The revision must equal a fresh `prepare` array for array
and rank alike (candidates, scores, reasons, ineligible trainees and their rules); the changes the kept side's
columns cannot take (a value outside the taxonomy, other weights) must fall back to a full preparation.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import fields, replace
from functools import cache
from typing import Any

import numpy as np
import pytest
from scipy import sparse

from matching import synth
from matching.config import ScoringConfig
from matching.encoding import Space
from matching.exchange import parse_text
from matching.models import LanguageSkill, Trainee, Vacancy
from matching.ranking import rank_prepared
from matching.scoring import Prepared, Table, prepare, revise
from matching.taxonomy import get_taxonomy

SEEDS = (3, 17, 29)


@cache
def pool(seed: int) -> tuple[tuple[Trainee, ...], tuple[Vacancy, ...]]:
    """Return a small realistic pool (records as the exchange format reads them)."""
    t, v = synth.generate(trainees=70, vacancies=24, seed=seed)
    trainees = parse_text(synth.json_text(t, "trainees"), kind="trainees", source="t", fmt="json").records
    vacancies = parse_text(synth.json_text(v, "vacancies"), kind="vacancies", source="v", fmt="json").records
    return tuple(trainees), tuple(vacancies)


def same(a: Any, b: Any, where: str) -> None:
    """Assert two parts of a preparation are identical: arrays to the byte (values, dtype, shape), the rest equal."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        assert a.tobytes() == b.tobytes(), where
    elif sparse.issparse(a):
        assert sparse.issparse(b) and a.format == b.format and a.shape == b.shape and a.dtype == b.dtype, where
        for part in ("data", "indices", "indptr"):
            same(getattr(a, part), getattr(b, part), f"{where}.{part}")
    elif isinstance(a, Table):
        for part in ("inverse", "values", "keys", "first"):
            same(getattr(a, part), getattr(b, part), f"{where}.{part}")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            same(a[key], b[key], f"{where}[{key}]")
    elif isinstance(a, list | tuple) and a and not isinstance(a[0], str | int | float):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{k}]")
    else:
        assert a == b, where


def same_space(a: Space, b: Space) -> None:
    """Assert two spaces have the same columns, in the same order, written alike."""
    assert a.taxonomy is b.taxonomy and a.ends == b.ends and a.implies == b.implies
    for name in ("certifications", "skills", "languages"):
        index_a, index_b = getattr(a, name), getattr(b, name)
        assert index_a.values == index_b.values and dict(index_a.positions) == dict(index_b.positions), name
    assert a.towns.names == b.towns.names and dict(a.towns.positions) == dict(b.towns.positions)
    for part in ("region", "distance_km"):
        same(getattr(a.towns, part), getattr(b.towns, part), f"towns.{part}")


def assert_same_preparation(revised: Prepared, fresh: Prepared) -> None:
    """Assert a revised preparation is what `prepare` makes of the same records, and ranks the same way."""
    same_space(revised.space, fresh.space)
    for side in ("trainees", "vacancies"):
        for f in fields(getattr(fresh, side)):
            if f.name == "cache":  # what explaining computed so far
                continue
            same(getattr(getattr(revised, side), f.name), getattr(getattr(fresh, side), f.name), f"{side}.{f.name}")
    for name in ("config", "vacancy_text", "trainee_terms", "text_terms", "skills_held_t", "skill_columns", "weights",
                 "tables", "per_trainee", "weighted"):  # fmt: skip
        same(getattr(revised, name), getattr(fresh, name), name)
    assert revised.sides is not None and fresh.sides is not None and revised.sides.groups == fresh.sides.groups
    for lang in ("fr", "en"):
        got = [r.to_dict(ineligible=True) for r in rank_prepared(revised, top=1000, lang=lang)]
        assert got == [r.to_dict(ineligible=True) for r in rank_prepared(fresh, top=1000, lang=lang)]


def unused_town(vacancies: tuple[Vacancy, ...]) -> str:
    """Return a gazetteer town no vacancy is in (its table rows are new)."""
    used = {v.town for v in vacancies}
    return next(t.name for t in get_taxonomy().towns if t.name not in used)


def unasked_skill(vacancies: tuple[Vacancy, ...]) -> str:
    """Return a taxonomy skill no vacancy asks for (a new skill column)."""
    asked = {s for v in vacancies for s in (*v.required_skills, *v.preferred_skills)}
    return next(s.code for s in get_taxonomy().skills if s.code not in asked)


Change = Callable[[random.Random, tuple[Vacancy, ...]], list[Vacancy]]


def one(change: Callable[[random.Random, Vacancy, tuple[Vacancy, ...]], dict[str, Any]]) -> Change:
    """Return a change of one random vacancy's fields."""

    def changed(rng: random.Random, vacancies: tuple[Vacancy, ...]) -> list[Vacancy]:
        out = list(vacancies)
        k = rng.randrange(len(out))
        out[k] = out[k].model_copy(update=change(rng, out[k], vacancies))
        return out

    return changed


#: Changes the kept trainees' encoding takes: only the vacancies are encoded again.
KEPT: dict[str, Change] = {
    "salary": one(lambda rng, v, _: {"salary_fcfa_month": rng.choice([None, 45_000, 70_000, 120_000, 400_000])}),
    "low wage": one(lambda rng, v, _: {"salary_fcfa_month": 40_000}),
    "text": one(lambda rng, v, _: {"description": "Gardiennage de nuit d'un entrepôt de ciment, rondes et registre."}),
    "title": one(lambda rng, v, _: {"title": v.title + " — hôtel du fleuve"}),
    "new town": one(lambda rng, v, all_: {"town": unused_town(all_)}),
    "new skill": one(lambda rng, v, all_: {"required_skills": [*v.required_skills, unasked_skill(all_)]}),
    "no skills": one(lambda rng, v, _: {"required_skills": [], "preferred_skills": []}),
    "certification": one(lambda rng, v, _: {"required_certifications": ["SSIAP1"], "preferred_certifications": ["SST"]}),
    "language": one(lambda rng, v, _: {"required_languages": [LanguageSkill(language="fr", level="fluent")]}),
    "experience": one(lambda rng, v, _: {"min_experience_years": 3.5, "level": "supervisor"}),
    "start and shift": one(lambda rng, v, _: {"start_date": None, "shift": "night", "min_literacy": "fluent"}),
    "licence and seats": one(lambda rng, v, _: {"driving_licence": "B", "seats": 4}),
    "one fewer": lambda rng, vs: [v for k, v in enumerate(vs) if k != rng.randrange(len(vs))],
    "one more": lambda rng, vs: [*vs, vs[0].model_copy(update={"id": "V-NEW-1", "town": unused_town(vs), "seats": 2})],
    "reordered": lambda rng, vs: list(reversed(vs)),
    "several": lambda rng, vs: KEPT["salary"](rng, tuple(KEPT["new town"](rng, tuple(KEPT["text"](rng, vs))))),
}
#: Changes that add a column the kept space lacks: a full preparation.
FALLBACK: dict[str, Change] = {
    "unknown town": one(lambda rng, v, _: {"town": "Hameau inconnu de Tiéfala"}),
    "unknown skill": one(lambda rng, v, _: {"required_skills": [*v.required_skills, "soudure à l'arc"]}),
    "unknown certification": one(lambda rng, v, _: {"required_certifications": ["BREVET-XYZ"]}),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("change", list(KEPT))
def test_changed_vacancies_reuse_the_trainees_and_rank_as_a_fresh_preparation(seed: int, change: str) -> None:
    trainees, vacancies = pool(seed)
    kept = prepare(trainees, vacancies)
    new = KEPT[change](random.Random(seed), vacancies)
    revised = revise(kept, vacancies=new)
    assert revised.trainees is kept.trainees and revised.space is kept.space  # not encoded again
    assert_same_preparation(revised, prepare(trainees, new))
    assert_same_preparation(revise(revised, vacancies=vacancies), kept)  # and back


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("change", list(FALLBACK))
def test_a_vacancy_value_the_space_lacks_makes_a_full_preparation(seed: int, change: str) -> None:
    trainees, vacancies = pool(seed)
    kept = prepare(trainees, vacancies)
    new = FALLBACK[change](random.Random(seed), vacancies)
    revised = revise(kept, vacancies=new)
    assert revised.space is not kept.space
    assert_same_preparation(revised, prepare(trainees, new))
    assert_same_preparation(revise(revised, vacancies=vacancies), kept)  # a column the new vacancies drop: full too


@pytest.mark.parametrize("seed", SEEDS)
def test_other_weights_make_a_full_preparation(seed: int) -> None:
    trainees, vacancies = pool(seed)
    config = replace(ScoringConfig(), proximity_half_km=7.0, weights_version=3)
    revised = revise(prepare(trainees, vacancies), vacancies=vacancies[1:], config=config)
    assert_same_preparation(revised, prepare(trainees, vacancies[1:], config))


def plain_trainees(trainees: tuple[Trainee, ...]) -> list[Trainee]:
    """Return the trainees whose every value is the taxonomy's (no column of their own)."""
    taxonomy = get_taxonomy()
    towns, skills = {t.name for t in taxonomy.towns}, {s.code for s in taxonomy.skills}
    certifications, languages = {c.code for c in taxonomy.certifications}, {x.code for x in taxonomy.languages}
    return [
        t for t in trainees
        if {t.home_town, *t.extra_towns} <= towns and set(t.skills) <= skills and set(t.certifications) <= certifications
        and {x.language for x in t.languages} <= languages
    ]  # fmt: skip


@pytest.mark.parametrize("seed", SEEDS)
def test_other_trainees_reuse_the_vacancies_and_rank_as_a_fresh_preparation(seed: int) -> None:
    trainees, vacancies = pool(seed)
    basis = prepare([], vacancies)  # what the officer's trainee page keeps: the vacancies alone
    plain = plain_trainees(trainees)
    assert len(plain) >= 3
    rng = random.Random(seed)
    edited = plain[1].model_copy(update={"security_years": 7.5, "summary": "Agent de ronde de nuit au ciment"})
    for chosen in ([plain[0]], rng.sample(plain, 3), [edited]):
        revised = revise(basis, trainees=chosen)
        assert revised.vacancies is basis.vacancies and revised.space is basis.space
        assert_same_preparation(revised, prepare(chosen, vacancies))


@pytest.mark.parametrize("seed", SEEDS)
def test_trainees_with_columns_of_their_own_make_a_full_preparation(seed: int) -> None:
    trainees, vacancies = pool(seed)
    kept = prepare(trainees, vacancies)
    own = trainees[0].model_copy(update={"home_town": "Hameau inconnu de Tiéfala", "skills": ["soudure à l'arc"]})
    for chosen in ([own], list(trainees[:5]), [own, *trainees[1:]]):
        revised = revise(kept, trainees=chosen)
        assert_same_preparation(revised, prepare(chosen, vacancies))
    same_columns = revise(kept, trainees=list(trainees))  # the same trainees: their columns are the kept ones
    assert same_columns.vacancies is kept.vacancies
    assert_same_preparation(same_columns, kept)


@pytest.mark.parametrize("seed", SEEDS)
def test_revisions_in_a_chain_leave_every_preparation_as_it_was(seed: int) -> None:
    trainees, vacancies = pool(seed)
    rng = random.Random(seed)
    plain = plain_trainees(trainees)
    basis = prepare([], vacancies)
    moved = KEPT["several"](rng, vacancies)
    revised = revise(basis, vacancies=moved)
    assert_same_preparation(revise(revised, trainees=plain[:2]), prepare(plain[:2], moved))
    assert_same_preparation(revise(basis, trainees=plain[2:4]), prepare(plain[2:4], vacancies))  # the basis is intact
    full = prepare(trainees, vacancies)
    again = revise(revise(full, vacancies=moved), vacancies=KEPT["new skill"](rng, tuple(moved)))
    assert_same_preparation(revise(full, trainees=list(trainees)), full)
    assert_same_preparation(again, prepare(trainees, again.vacancies.records))
