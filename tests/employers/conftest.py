"""Every employers test starts with an empty candidate cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from employers import candidates


@pytest.fixture(autouse=True)
def fresh_candidates() -> Iterator[None]:
    """Forget cached pools and rankings before and after each test."""
    candidates.invalidate()
    yield
    candidates.invalidate()
