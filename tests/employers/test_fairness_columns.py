"""The fairness audit reads trainees and history in bulk (plain rows; the history as columns, evaluated once): the
same numbers as the record-by-record reading it replaced (a trainee record per row, one evaluation of the checked
records per group), on the demo and on random data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import get_args

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.clock import utcnow
from employers import fairness as fairness_service
from employers import history_store
from employers.models import Placement
from matching import fairness as engine
from matching.fairness import Dimension
from matching.models import Trainee, Training
from profiles import indicators
from profiles.models import TraineeProfile
from tests.conftest import empty_tables
from tests.employers.test_history_store import load_all, texts
from tests.profiles.factories import PROPERTIES
from tests.profiles.reference import random_history
from web import bench_evaluation, demo
from web.db import make_engine
from web.migrate import upgrade

DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)


def old_grouping(session: Session) -> list[Trainee]:
    """Return every trainee as the page grouped them before: a trainee record per row, by code."""
    fields = ("code", "gender", "birth_date", "home_town", "literacy", "cohort")
    query = sa_select(*(col(getattr(TraineeProfile, name)) for name in fields)).order_by(col(TraineeProfile.code))
    return [Trainee.model_construct(id=code, gender=gender, birth_date=born, home_town=town, literacy=literacy,
                                    training=Training.model_construct(cohort=cohort))
            for code, gender, born, town, literacy, cohort in session.execute(query)]  # fmt: skip


def by_records(session: Session, by: Dimension, as_of: date) -> list[tuple[str, int, float | None, int]]:
    """Return each group's size and employment at 6 months as the page computed them before: trainee records grouped,
    and each group's checked history records evaluated alone."""
    people = old_grouping(session)
    names, group = engine.group_index(engine.group_labels(people, by, as_of=as_of), by)
    history = history_store.stored_history(session=session)
    by_code = {t.id: t for t in history.trainees}
    found = []
    for j, name in enumerate(names):
        codes = [people[i].id for i in np.flatnonzero(group == j)]
        overall = indicators.evaluate(trainees=[by_code[c] for c in codes if c in by_code], placements=history.placements,
                                      followups=history.followups, as_of=as_of)["overall"]  # fmt: skip
        found.append((name, len(codes), overall["employed_at_6m"], overall["employed_at_6m_base"]))
    return found


def by_columns(session: Session, by: Dimension, as_of: date) -> list[tuple[str, int, float | None, int]]:
    """Return each group's size and employment at 6 months as the page computes them now."""
    return [(row.group, row.trainees, row.employed.share, row.employed.base or 0)
            for row in fairness_service.outcomes(session=session, by=by, as_of=as_of)]  # fmt: skip


def assert_same(session: Session, as_of: date) -> None:
    """Assert both readings give the same groups, rates and bases under every dimension."""
    for by in DIMENSIONS:
        assert by_columns(session, by, as_of) == by_records(session, by, as_of), by


def test_the_demo_gives_the_same_numbers(session: Session, tmp_path: Path) -> None:
    demo.seed(session=session, folder=tmp_path)
    session.commit()
    as_of = utcnow().date()
    assert any(base for *_, base in by_columns(session, "cohort", as_of)), "the demo measures nobody"
    assert_same(session, as_of)


@pytest.mark.parametrize("seed_value", [3, 11])
def test_random_benchmark_data_gives_the_same_numbers(fresh_url: str, seed_value: int) -> None:
    upgrade(fresh_url)  # a new database: the benchmark writes its rows with their ids, from 1
    engine = make_engine(fresh_url)
    try:
        with Session(engine) as session:
            bench_evaluation.seed(session, trainees=300, placements=360, followups=1_200, seed_value=seed_value)
            found = by_columns(session, "cohort", bench_evaluation.AS_OF)
            assert sum(base for *_, base in found) > 100 and any(rate not in (None, 0.0, 1.0) for _, _, rate, _ in found)
            assert_same(session, bench_evaluation.AS_OF)
    finally:
        engine.dispose()


@settings(PROPERTIES, max_examples=10, suppress_health_check=[*PROPERTIES.suppress_health_check,
                                                            HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_random_histories_give_the_same_numbers(engine: Engine, data: st.DataObject) -> None:
    records, as_of = data.draw(random_history())
    empty_tables(engine)
    with Session(engine) as session:
        load_all(session, texts(records, "json"), "json")
        assert_same(session, as_of)


def test_a_history_with_a_problem_is_read_as_its_checked_records(session: Session, tmp_path: Path) -> None:
    demo.seed(session=session, folder=tmp_path)
    session.commit()
    first = session.exec(select(Placement).order_by(col(Placement.id))).first()
    assert first is not None, "the demo has no placement"
    first.end_date, first.end_reason = first.start_date.replace(year=first.start_date.year - 1), None  # ends before it starts
    session.add(first)
    session.commit()
    assert history_store.stored_columns(session=session).issues
    assert_same(session, utcnow().date())
