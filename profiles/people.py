"""Who a trainee code is: the name, birth date and home town an evaluation's list of people shows (or pseudonymises)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlmodel import Session, col, select

from profiles.models import TraineeProfile


class Identity(NamedTuple):
    """The personal fields of a trainee a list of people needs."""

    full_name: str
    birth_date: date | None
    home_town: str


def identities(*, session: Session, codes: Iterable[str]) -> dict[str, Identity]:
    """Return the identity of each stored trainee among these codes."""
    wanted = list(codes)
    if not wanted:
        return {}
    rows = TraineeProfile.code, TraineeProfile.full_name, TraineeProfile.birth_date, TraineeProfile.home_town
    query = select(*rows).where(col(TraineeProfile.code).in_(wanted))  # type: ignore[type-var]
    return {code: Identity(name, born, town) for code, name, born, town in session.exec(query)}
