"""The collector pause: nestable, restores the collector's state, leaves an application's frozen objects alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from matching.gcpause import paused_gc


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_pauses_nest_and_the_collector_runs_again_after_the_outermost() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_an_exception_ends_the_pause() -> None:
    gc.enable()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError
    assert gc.isenabled()


def test_objects_built_during_a_pause_move_to_the_oldest_generation() -> None:
    gc.enable()
    gc.collect()
    with paused_gc():
        built = [[i] for i in range(10_000)]
    assert gc.get_count()[0] < 1_000  # no young collection will scan them all again
    assert len(built) == 10_000 and gc.get_freeze_count() == 0


def test_objects_the_application_froze_stay_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with paused_gc():
        pass
    assert gc.get_freeze_count() == frozen > 0
