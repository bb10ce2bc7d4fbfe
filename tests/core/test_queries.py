"""A long IN list read in chunks, on both databases."""

from __future__ import annotations

from sqlmodel import Session, select

from core.queries import IN_CHUNK, where_in
from profiles.models import TraineeProfile


def test_every_row_of_more_values_than_a_chunk_comes_back_once(session: Session) -> None:
    count = 2 * IN_CHUNK + 1
    session.add_all(TraineeProfile(code=f"T-{n:05d}", full_name=f"Agent {n}", home_town="Bamako") for n in range(count))
    session.commit()
    asked = [f"T-{n:05d}" for n in range(count)] * 2 + ["T-none"]  # repeated and absent codes too
    found = where_in(session, select(TraineeProfile.code), TraineeProfile.code, asked)
    assert sorted(found) == sorted(f"T-{n:05d}" for n in range(count))
