"""Candidates' reasons chosen for a whole block at once equal those chosen one candidate at a time.

The reference below is the straightforward per-candidate reading of the rule (README, "Reasons"): among
the components the vacancy gives content to and the trainee did not leave empty, name the two that
raised the score most (value at or above HIGH, by value × weight) and the one that lowered it most
(value at or below LOW, by (1 - value) × weight), after the required certifications held.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import synth
from matching.components import COMPONENTS, NAMES
from matching.encoding import training_grade
from matching.explain import HIGH, LOW, MAX_LOWERED, MAX_RAISED, Explainer
from matching.messages import Lang, say
from matching.models import LEVELS, Trainee, Vacancy
from matching.ranking import top_k
from matching.scoring import Block, prepare, score_blocks
from tests.factories import trainee, vacancy
from tests.matching.strategies import pools
from tests.matching.test_synth import parse

Pool = tuple[list[Trainee], list[Vacancy]]


def mismatched(e: Explainer, v: Vacancy, t: Trainee, values: list[float]) -> set[str]:
    """Return the components whose value is a mismatch every reason list names, read from the records."""
    found = set()
    if values[NAMES.index("level")] < 1:
        found.add("level")
    if values[NAMES.index("shift")] < 1:
        found.add("shift")
    if values[NAMES.index("availability")] < 1:
        found.add("availability")
    if training_grade(t) is None:
        found.add("training")
    towns = e.p.space.towns
    km = towns.distance_km[towns.positions[t.home_town], towns.positions[v.town]]
    if not np.isnan(km) and km > e.p.config.far_km:
        found.add("proximity")
    return found


def head_of(e: Explainer, v: Vacancy, t: Trainee) -> list[str]:
    """Return the required certifications as the trainee holds them: as such, or through one that covers them."""
    direct = [code for code in v.required_certifications if code in t.certifications]
    covered = [
        say("holds_required_by", e.lang, held=min(c for c in t.certifications if code in e.p.space.implies[c]), code=code)
        for code in v.required_certifications
        if code not in t.certifications
    ]
    return ([say("holds_required", e.lang, codes=", ".join(direct))] if direct else []) + covered


def reference(e: Explainer, block: Block, row: int, t: Trainee, values: list[float]) -> list[str]:
    """Return one candidate's reasons, computed alone, in plain Python."""
    v = e.p.vacancies.records[block.rows.start + row]
    weight = e.p.weights[LEVELS.index(v.level)].tolist()
    usable = [c for c, x in enumerate(COMPONENTS) if weight[c] > 0 and x.applies(v) and not x.left_empty(t)]
    mismatches = [c for c in usable if NAMES[c] in mismatched(e, v, t, values)]
    up = [(values[c] * weight[c], c) for c in usable if values[c] >= HIGH and c not in mismatches]
    down = [((1 - values[c]) * weight[c], c) for c in usable if values[c] <= LOW]
    raised = [c for _, c in sorted(up, key=lambda x: (-x[0], x[1]))[:MAX_RAISED]]
    lowered = [c for _, c in sorted(down, key=lambda x: (-x[0], x[1]))[:MAX_LOWERED]]
    return [
        *head_of(e, v, t),
        *(COMPONENTS[c].reason(e, True, v, t) for c in raised),
        *(COMPONENTS[c].reason(e, False, v, t) for c in lowered),
        *(COMPONENTS[c].reason(e, False, v, t) for c in mismatches if c not in lowered),
    ]


def check_every_block(trainees: list[Trainee], vacancies: list[Vacancy], lang: Lang, block_pairs: int = 1_000_000) -> int:
    """Compare the block reasons of every eligible pair with the reference; return the pairs compared."""
    p = prepare(trainees, vacancies)
    e = Explainer(p, lang)
    compared = 0
    for block in score_blocks(p, block_pairs):
        chosen = top_k(block.score, len(p.trainees), p.config.decimals, block.tie())
        rows = np.repeat(np.arange(len(chosen), dtype=np.intp), [len(c) for c in chosen])
        ts = np.concatenate([np.empty(0, dtype=np.intp), *chosen]).astype(np.intp)
        values = block.pick_pairs(rows, ts)
        found = e.block_reasons(block, rows, ts, values)
        pairs_found = zip(rows.tolist(), ts.tolist(), values.tolist(), strict=True)
        expected = [reference(e, block, r, p.trainees.records[t], vs) for r, t, vs in pairs_found]
        assert found == expected
        for row, listed in enumerate(chosen):  # one row at a time gives the same
            at = rows == row
            assert e.candidate_reasons(block, row, listed, values[at]) == [x for x, a in zip(found, at, strict=True) if a]
        compared += len(ts)
    return compared


@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(), st.sampled_from(("fr", "en")), st.sampled_from((1_000_000, 7)))
def test_block_reasons_equal_the_per_candidate_reference(pool: Pool, lang: Lang, pairs: int) -> None:
    check_every_block(*pool, lang, pairs)


def test_block_reasons_on_realistic_records() -> None:
    t, v = synth.generate(trainees=400, vacancies=60, seed=11)
    trainees, vacancies = parse(t, "trainees").records, parse(v, "vacancies").records
    for lang in ("fr", "en"):
        assert check_every_block(trainees, vacancies, lang, block_pairs=4_000) > 2_000


def test_lists_longer_than_a_bit_pattern_are_told_apart_by_trainee() -> None:
    asked = [f"skill-{i:02d}" for i in range(70)]  # kept as written: 70 columns, more than 62 bits
    v = vacancy(required_skills=asked, preferred_skills=asked[:65])
    pool = [trainee(skills=asked[i : i + 40 + i % 7], mobility="country") for i in range(12)]
    pool += [trainee(skills=asked[:3]), trainee(skills=[]), trainee(skills=asked[60:])]
    assert check_every_block(pool, [v, vacancy(required_skills=asked[:5])], "en") == 2 * len(pool)
