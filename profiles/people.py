"""Who a trainee code is: the name, birth date and home town an evaluation's list of people shows (or pseudonymises)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from profiles.models import TraineeProfile


class Identity(NamedTuple):
    """The personal fields of a trainee a list of people needs."""

    full_name: str
    birth_date: date | None
    home_town: str
    trainee_id: int = 0


def identities(*, session: Session, codes: Iterable[str]) -> dict[str, Identity]:
    """Return the identity of each stored trainee among these codes."""
    wanted = list(codes)
    if not wanted:
        return {}
    query = sa_select(
        col(TraineeProfile.code),
        col(TraineeProfile.full_name),
        col(TraineeProfile.birth_date),
        col(TraineeProfile.home_town),
        col(TraineeProfile.id),
    ).where(col(TraineeProfile.code).in_(wanted))
    return {code: Identity(name, born, town, tid) for code, name, born, town, tid in session.execute(query)}
